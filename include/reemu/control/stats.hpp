// The control API's statistics room (/emulator/v1/stats/{kind}/{uid}): steer
// a metric of a database or a node from now on, so a tool's thresholds can
// be tested on the manual clock ("ops/sec of bdb:1 is 50 000 from now",
// "used_memory of bdb:2 reaches 95 %"). The steps are kept in the registry
// (registry_data::stats), saved by the state file, cleared by reset.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_control_stats(const request_context& ctx);                 // GET …/stats/{kind}/{uid}
reply put_control_stats(const request_context& ctx, registry& reg);  // PUT …/stats/{kind}/{uid}
reply delete_control_stats(const request_context& ctx, registry& reg);  // DELETE …

// The room's route table: every route is control_api_access.
std::vector<route> control_stats_routes();

}  // namespace reemu
