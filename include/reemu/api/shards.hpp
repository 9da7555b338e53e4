// The shards family of the emulated API (/v1/shards…): the shards derived
// from the databases (model/shards.hpp), and the migrate and failover
// actions, which start a state machine on the shard's database
// (model/operations.hpp) and move the shards when it completes.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_shards(const request_context& ctx);                     // GET  /v1/shards
reply get_shard(const request_context& ctx);                      // GET  /v1/shards/{uid}
reply migrate_shards(const request_context& ctx, registry& reg);  // POST /v1/shards/actions/migrate
reply failover_shards(const request_context& ctx,
                      registry& reg);  // POST /v1/shards/actions/failover
reply migrate_shard(const request_context& ctx,
                    registry& reg);  // POST /v1/shards/{uid}/actions/migrate
reply failover_shard(const request_context& ctx,
                     registry& reg);  // POST /v1/shards/{uid}/actions/failover

// The family's route table, with the permissions of the Redis Software
// reference.
std::vector<route> shards_routes();

}  // namespace reemu
