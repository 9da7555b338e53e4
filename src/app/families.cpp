// The list of route families.
#include "reemu/app/families.hpp"

#include "reemu/api/actions.hpp"
#include "reemu/control/handlers.hpp"
#include "reemu/control/health.hpp"

namespace reemu {

namespace {
bool always(const config&) { return true; }
bool control_api_on(const config& cfg) { return cfg.emulator.control_api; }
}  // namespace

const std::vector<route_family>& route_families() {
  static const std::vector<route_family> families = {
      {"actions", &actions_routes, &always},          // /v1/actions…, /v2/actions…
      {"health", &health_routes, &always},            // /emulator/v1/health, openapi.{json,yaml}
      {"control", &control_routes, &control_api_on},  // /emulator/v1/…, --no-control-api
  };
  return families;
}

std::vector<route> all_routes(const config& cfg) {
  std::vector<route> out;
  for (const route_family& f : route_families()) {
    if (!f.enabled(cfg)) continue;
    const std::vector<route> table = f.routes();
    out.insert(out.end(), table.begin(), table.end());
  }
  return out;
}

}  // namespace reemu
