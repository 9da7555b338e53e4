// Handlers of the control API under /emulator/v1: what a test or a developer
// uses to create and drive actions, move the clock, manage users and
// databases, read the request journal and inject faults. Admin role only
// (control_api_access, auth/access.hpp). The control family's route table.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply create_action(const request_context& ctx);    // POST   /emulator/v1/actions
reply patch_action(const request_context& ctx);     // PATCH  /emulator/v1/actions/{uid}
reply delete_action(const request_context& ctx);    // DELETE /emulator/v1/actions/{uid}
reply get_templates(const request_context& ctx);    // GET    /emulator/v1/templates
reply get_clock(const request_context& ctx);        // GET    /emulator/v1/clock
reply advance_clock(const request_context& ctx);    // POST   /emulator/v1/clock/advance
reply reset_all(const request_context& ctx);        // POST   /emulator/v1/reset
reply get_users(const request_context& ctx);        // GET    /emulator/v1/users
reply create_user(const request_context& ctx);      // POST   /emulator/v1/users
reply patch_user(const request_context& ctx);       // PATCH  /emulator/v1/users/{email}
reply delete_user(const request_context& ctx);      // DELETE /emulator/v1/users/{email}
reply get_databases(const request_context& ctx);    // GET    /emulator/v1/databases
reply create_database(const request_context& ctx);  // POST   /emulator/v1/databases
reply delete_database(const request_context& ctx);  // DELETE /emulator/v1/databases/{uid}
reply get_requests(const request_context& ctx);     // GET    /emulator/v1/requests
reply clear_requests(const request_context& ctx);   // DELETE /emulator/v1/requests
reply get_faults(const request_context& ctx);       // GET    /emulator/v1/faults
reply create_fault(const request_context& ctx);     // POST   /emulator/v1/faults
reply clear_faults(const request_context& ctx);     // DELETE /emulator/v1/faults
reply delete_fault(const request_context& ctx);     // DELETE /emulator/v1/faults/{id}

// The family's route table: every route is control_api_access.
std::vector<route> control_routes();

}  // namespace reemu
