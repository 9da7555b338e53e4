// The control API's licence room (/emulator/v1/license): the installed
// licence read, and its terms set directly (expiration, limits, features),
// so a test can show a tool an expired licence or a full cluster without
// waiting 30 days or creating databases.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_control_license(const request_context& ctx);  // GET /emulator/v1/license
reply put_control_license(const request_context& ctx, registry& reg,
                          const cluster_settings& cluster);  // PUT /emulator/v1/license

// The room's route table: every route is control_api_access.
std::vector<route> control_license_routes();

}  // namespace reemu
