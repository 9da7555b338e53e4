// The control API's actions room (/emulator/v1/actions, /templates): make
// actions appear, move them along by hand, remove them.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

// GET /emulator/v1/actions: list_actions (control/action_list.hpp).
reply create_action(const request_context& ctx, registry& reg,
                    const cluster_settings& cluster);  // POST   /emulator/v1/actions
reply patch_action(const request_context& ctx, registry& reg,
                   const cluster_settings& cluster);  // PATCH  /emulator/v1/actions/{uid}
reply delete_action(const request_context& ctx,
                    registry& reg);               // DELETE /emulator/v1/actions/{uid}
reply get_templates(const request_context& ctx);  // GET    /emulator/v1/templates

// The room's route table: every route is control_api_access.
std::vector<route> control_action_routes();

}  // namespace reemu
