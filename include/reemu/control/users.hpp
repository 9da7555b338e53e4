// The control API's users room (/emulator/v1/users).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_users(const request_context& ctx);                   // GET    /emulator/v1/users
reply create_user(const request_context& ctx, registry& reg);  // POST   /emulator/v1/users
reply patch_user(const request_context& ctx, registry& reg);   // PATCH  /emulator/v1/users/{email}
reply delete_user(const request_context& ctx, registry& reg);  // DELETE /emulator/v1/users/{email}

// The room's route table: every route is control_api_access.
std::vector<route> control_user_routes();

}  // namespace reemu
