// The control API's plans room (/emulator/v1/plans): rules that steer the
// state machines the emulated API starts next ("the next SMCreateBDB fails
// at step 3", "machines on bdb:4 take 5 s a step"), without touching the
// tool under test.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_plans(const request_context& ctx);                   // GET    /emulator/v1/plans
reply create_plan(const request_context& ctx, registry& reg);  // POST   /emulator/v1/plans
reply clear_plans(const request_context& ctx, registry& reg);  // DELETE /emulator/v1/plans
reply delete_plan(const request_context& ctx, registry& reg);  // DELETE /emulator/v1/plans/{id}

// The room's route table: every route is control_api_access.
std::vector<route> control_plan_routes();

}  // namespace reemu
