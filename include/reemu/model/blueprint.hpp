// Shard blueprints: the placement plan GET .../optimize_shards_placement and
// the dry runs of rebalance and revamp answer, and PUT /v1/bdbs/{uid} takes
// back as `shards_blueprint`. Pure values.
#pragma once

#include <cstdint>

#include "reemu/model/model.hpp"

namespace reemu {

// One entry per master shard, in slot order:
// {"nodes":[{"node_uid":"1","role":"master"}(,{"node_uid":"1","role":"slave"})],
//  "slot_range":"a-b"}. The 16384 slots are split as a cluster splits them
// (3 shards: 0-5460, 5461-10922, 10923-16383). Every shard is on node 1, the
// one node of the emulated cluster; `replication` adds a replica to each.
// `shards_count` 0 counts as 1.
json shards_blueprint(std::uint64_t shards_count, bool replication);

// The blueprint of a database's fields (shards_count, replication; the
// template's 1 and false when absent, of another type, or not >= 1).
json shards_blueprint_of(const json& fields);

}  // namespace reemu
