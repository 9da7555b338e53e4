// Handlers of the emulated Redis Software actions API: pure functions of the
// request and a registry snapshot.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_actions(const request_context& ctx);      // GET /v1/actions
reply get_action(const request_context& ctx);       // GET /v1/actions/{uid}
reply get_bdb_actions(const request_context& ctx);  // GET /v1/actions/bdb/{bdb_uid}
reply get_v2_actions(const request_context& ctx);   // GET /v2/actions
reply get_v2_action(const request_context& ctx);    // GET /v2/actions/{uid}
reply get_health(const request_context& ctx);       // GET /emulator/v1/health

// The emulated routes and the health check.
std::vector<route> api_routes();

}  // namespace reemu
