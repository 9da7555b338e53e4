// Shard blueprints and the default shard placement: the plan GET
// .../optimize_shards_placement and the dry runs of rebalance and revamp
// answer, and PUT /v1/bdbs/{uid} takes back as `shards_blueprint`; the
// placement GET /v1/shards shows for a database nothing has moved. Pure
// values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reemu/model/database.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/node.hpp"

namespace reemu {

// The most master shards a database has: the bdb object documents
// shards_count in 1-512. With replication it holds twice as many shards.
inline constexpr std::uint64_t max_shards_count = 512;
inline constexpr std::uint64_t max_database_shards = 2 * max_shards_count;

// What the placement of a database's shards depends on.
struct shard_shape {
  std::uint64_t count = 1;   // master shards, >= 1
  bool replication = false;  // a replica for each master
  bool sparse = false;       // shards_placement "sparse" (else "dense")
  // Shards in all: masters and replicas.
  std::size_t size() const noexcept { return count * (replication ? 2 : 1); }
};

// The shape of a database's fields: shards_count, replication and
// shards_placement, the template's (1, false, dense) when absent, of another
// type, or not >= 1.
shard_shape shape_of(const json& fields);

// The slot range of master shard `i` of `n`, "a-b": the 16384 slots are
// split as a cluster splits them (3 shards: 0-5460, 5461-10922,
// 10923-16383). `n` 0 counts as 1.
std::string slot_range(std::uint64_t i, std::uint64_t n);

// Where the shards of database `bdb_uid` go by default, one spot per place
// in its shard_list (master i at 2i and its replica at 2i+1 with
// replication, master i at i without). The nodes are taken in uid order from
// the node of index (bdb_uid - 1) mod N, so databases spread over the
// cluster: dense puts every master on that node and every replica on the
// next; sparse puts master i on the i-th node from there and its replica on
// the one after. With two nodes or more a replica is never on its master's
// node. No nodes counts as node 1 alone. `nodes` are the nodes in the
// cluster: pass nodes_at(...) for a time, not the stored map.
std::vector<shard_spot> default_placement(const shard_shape& shape, std::uint64_t bdb_uid,
                                          const node_map& nodes);

// One entry per master shard, in slot order:
// {"nodes":[{"node_uid":"1","role":"master"}(,{"node_uid":"2","role":"slave"})],
//  "slot_range":"a-b"}, the nodes as `placement` (sized shape.size()) puts
// them, the master first.
json shards_blueprint(const shard_shape& shape, const std::vector<shard_spot>& placement);

// The blueprint of database `bdb_uid` with `fields`, placed by default on
// `nodes`.
json shards_blueprint_of(const json& fields, std::uint64_t bdb_uid, const node_map& nodes);

}  // namespace reemu
