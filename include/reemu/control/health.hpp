// The emulator's public routes: the health check containers poll and the
// OpenAPI description. No authentication, no journal entry, no faults, and
// served even with the control API turned off.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_health(const request_context& ctx);  // GET /emulator/v1/health

// The family's route table: health, openapi.json, openapi.yaml.
std::vector<route> health_routes();

}  // namespace reemu
