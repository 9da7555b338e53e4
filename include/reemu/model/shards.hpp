// Shards: derived from the databases, never stored on their own. A database
// with shards_count n and replication has n master shards (and n replicas);
// their uids are its shard_list, given when it is created or reshaped
// (assign_shard_uids), unique cluster-wide. Where they run is the default
// placement (model/blueprint.hpp) unless a migrate or failover moved them:
// then the database keeps its placement, and an operation that moves shards
// carries the placement it leaves, applied at read time once its plan
// completed. Plain values; no locking, no clock reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reemu/model/blueprint.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

// One shard as GET /v1/shards shows it.
struct shard_info {
  std::uint64_t uid = 0;
  std::uint64_t bdb_uid = 0;
  std::size_t index = 0;  // its place in the database's shard_list
  shard_spot spot;
  std::string slots;  // assigned_slots, "a-b"
};

// The database's shard uids (its shard_list) when they fit its shape;
// empty otherwise.
std::vector<std::uint64_t> shard_uids_of(const database& db);

// Gives `db` a shard_list that fits its shape and holds no uid another
// database of `d` holds. Kept when it is the one stored for `db`, or fits
// and holds only uids no other database holds, none twice (a check that
// reads every database's uids, made only for a list a seed or the control
// API gives); else new uids counting on from the highest any database holds
// (database_map::shard_high()), which costs one number per group of 64
// databases. New uids drop the stored placement (it was for the shards
// that were). Used when a database is created, seeded or starts an
// operation that may reshape it.
void assign_shard_uids(const registry_data& d, database& db);

// Whether the cluster has room for the shards `db`'s shape asks (it is
// about to be stored in `d`, replacing the database with its uid): the
// failure (insufficient_resources, 406) when that adds shards and the total
// would pass the licence's shards_limit (d.license). A database that keeps
// or sheds shards always fits. O(1).
result<> check_shard_room(const registry_data& d, const database& db);

// The shards of the visible databases at `now`, as the licence counts them
// (the shards GET /v1/shards lists): flash for a bigstore database, RAM
// otherwise. O(databases).
shard_usage shards_in_use(const registry_data& d, double now);

// The shard_uids of a migrate or failover body: each "2" (the reference's
// form) or 2, as a sorted list without repeats. More distinct uids than the
// largest database holds (max_database_shards) is an over-limit array:
// invalid_schema, as is an element that is not a uid. O(k log k) in the
// list, so it runs before a request takes the registry's writer.
result<std::vector<std::uint64_t>> read_shard_uids(const json& list);

// Where `db`'s shards run at `now`, one spot per place in its shard_list:
// the placement its operation leaves once completed, else its stored
// placement, else the default. A placement that no longer fits the shape
// is stale and ignored; a spot on a node that is no longer in `nodes` (the
// cluster's nodes at `now`, nodes_at) takes the default spot's node.
std::vector<shard_spot> placement_at(const database& db, const node_map& nodes, double now);

// Moves the placement `db`'s completed operation leaves into `db` itself,
// before a new operation replaces it. No change otherwise.
void settle_placement(database& db, double now);

// The shards of `db` at `now`, in shard_list order; `nodes` as for
// placement_at.
std::vector<shard_info> shards_of(const database& db, const node_map& nodes, double now);

// Every shard of the visible databases at `now`, by database uid then
// shard_list order.
std::vector<shard_info> all_shards(const registry_data& d, double now);

// The shard `uid` of a visible database at `now`.
std::optional<shard_info> find_shard(const registry_data& d, std::uint64_t uid, double now);

// The shards `uids` (sorted, without repeats: read_shard_uids) name, in that
// order, found in one pass over every database's shard uids: O(shards in the
// cluster x log k), whatever k. nullopt with `out` filled, or the first uid
// no visible database holds at `now`.
std::optional<std::uint64_t> find_shards(const registry_data& d,
                                         const std::vector<std::uint64_t>& uids, double now,
                                         std::vector<shard_info>& out);

// The uids of the shards node `node_uid` runs at `now`, ascending: a node's
// shard_list.
std::vector<std::uint64_t> shard_uids_on_node(const registry_data& d, std::uint64_t node_uid,
                                              double now);

// The wire object of shard `s` of `db` at `now` (tests/data/shards_list.json's
// keys). Its status follows the database: active, except while the database
// is created (inactive, busy), after a failed create (inactive, down) and
// while it is deleted (inactive, down); an import shows detailed_status
// importing.
json render_shard(const shard_info& s, const database& db, double now);

}  // namespace reemu
