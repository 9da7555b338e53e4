// Operations on databases: the one way the emulated API starts a state
// machine on a database. Used inside registry::update, so a rejected start
// changes nothing and readers see the database and its action appear
// together.
//
// A route that starts a machine (create, update, delete, flush; rebalance,
// upgrade and the other per-database actions alike) does:
//
//   const database* db = writable_database(d, uid, now, err);  // 404, 409 busy
//   database next = *db;  … edit next.fields …
//   const std::string& action_uid = begin_operation(d, std::move(next), "SMUpdateBDB", now);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

// The database `uid` when a write may start on it at `now` (never null);
// else db_not_exist when it is unknown or deleted, busy while its state
// machine runs.
result<const database*> writable_database(const registry_data& d, std::uint64_t uid, double now);

// The plan an operation named `name` on `object_name` follows when the
// emulated API starts it now: its template's, under the first plan rule that
// matches. The rule's use is counted, and a rule whose `times` ran out is
// removed. nullopt when `name` has no template.
std::optional<simulate_plan> plan_for(registry_data& d, std::string_view name,
                                      std::string_view object_name);

// Starts operation `name` on `db` at `now`: adds the simulated action
// (object_name "bdb:<uid>", pollable at once), stores `db` with the
// operation attached (the export or import the previous one made is kept in
// its fields, settle_transfer), and counts one change of the cluster's
// state. `name` must have a template: a state machine's makes a state
// machine; a task's (export_bdb, import_bdb) makes a task with action_type
// "other", which /v2/actions lists and the v1 lists leave out. Returns the
// new action's uid. A machine that moves shards (migrate, failover,
// rebalance, revamp) gives the `placement` it leaves once completed
// (model/shards.hpp); the placement a completed one left is kept, and a
// database whose shape changed gets new shard uids (assign_shard_uids). The
// machine's plan carries the shard operations that takes (reshard for each
// new shard, else migrate_shard and failover_shard from where the shards
// were to `placement`; model/shard_ops.hpp), shown in its pending_ops.
std::string begin_operation(registry_data& d, database db, std::string_view name, double now,
                            std::vector<shard_spot> placement = {});

// True when a stored database other than `except_uid` holds `port`, or the
// cluster reserves it (its system_reserved_ports). A database whose delete
// completed holds its ports until a write drops it (drop_invisible, the
// first step of every write): call on data that went through it. O(1).
bool port_taken(const registry_data& d, std::uint64_t port, std::uint64_t except_uid = 0);

// The first port from 10000 up that port_taken() says is free; nullopt when
// every one up to 65535 is taken. Reads the port table (database_map::ports),
// not the databases.
std::optional<std::uint64_t> free_port(const registry_data& d);

// The database a POST /v1/bdbs body (checked with check_bdb_body) asks for,
// when the licence has not expired (403 license_expired): uid as given (uid_exists when taken) or
// the next after bdb_uid_high (next_bdb_uid: invalid_schema past max_bdb_uid); its port as given
// (port_unavailable when taken) or 0 with an endpoint on a free port
// (port_unavailable when none is left); version from redis_version; room
// for its shards in the licence (check_shard_room). Returns the database
// (no operation yet) or the failure. O(log n) in the databases.
result<database> new_database(const registry_data& d, const json& body, double now,
                              const cluster_settings& cluster);

// A database given whole, as GET shows it (config seed, control API): `obj`
// passed check_bdb_body(seed). The live keys are dropped, created_time and
// last_changed_time read back (else `now`), and a database without
// endpoints gets one on its port or a free one. Idle, no operation.
database database_from_object(json obj, double now, const registry_data& d,
                              const cluster_settings& cluster);

// Makes database `uid` known when it is not (the control API's state
// machines on "bdb:<uid>" imply it): idle, named database-<uid>.
void ensure_database(registry_data& d, std::uint64_t uid, double now,
                     const cluster_settings& cluster);

// Whether a plan rule applies to a machine `name` on `object_name`.
bool rule_matches(const plan_rule& rule, std::string_view name, std::string_view object_name);

}  // namespace reemu
