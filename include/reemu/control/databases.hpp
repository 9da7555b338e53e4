// The control API's databases room (/emulator/v1/databases): read, seed,
// replace and remove databases directly, without a state machine.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_databases(const request_context& ctx);  // GET    /emulator/v1/databases
reply get_database(const request_context& ctx);   // GET    /emulator/v1/databases/{uid}
reply create_database(const request_context& ctx, registry& reg,
                      const cluster_settings& cluster);  // POST   /emulator/v1/databases
reply put_database(const request_context& ctx, registry& reg,
                   const cluster_settings& cluster);  // PUT    /emulator/v1/databases/{uid}
reply delete_database(const request_context& ctx,
                      registry& reg);  // DELETE /emulator/v1/databases/{uid}

// The room's route table: every route is control_api_access.
std::vector<route> control_database_routes();

}  // namespace reemu
