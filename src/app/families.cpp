// The list of route families.
#include "reemu/app/families.hpp"

#include "reemu/api/actions.hpp"
#include "reemu/api/bdbs.hpp"
#include "reemu/control/actions.hpp"
#include "reemu/control/clock.hpp"
#include "reemu/control/databases.hpp"
#include "reemu/control/faults.hpp"
#include "reemu/control/health.hpp"
#include "reemu/control/journal_api.hpp"
#include "reemu/control/plans.hpp"
#include "reemu/control/users.hpp"

namespace reemu {

namespace {
bool always(const config&) { return true; }
bool control_api_on(const config& cfg) { return cfg.emulator.control_api; }
}  // namespace

const std::vector<route_family>& route_families() {
  static const std::vector<route_family> families = {
      {"actions", &actions_routes, &always},  // /v1/actions…, /v2/actions…
      {"bdbs", &bdbs_routes, &always},        // /v1/bdbs…
      {"health", &health_routes, &always},    // /emulator/v1/health, openapi.{json,yaml}
      // The control API's rooms, all off with --no-control-api:
      {"control actions", &control_action_routes, &control_api_on},      // actions, templates
      {"control clock", &control_clock_routes, &control_api_on},         // clock, reset
      {"control users", &control_user_routes, &control_api_on},          // users
      {"control databases", &control_database_routes, &control_api_on},  // databases
      {"control plans", &control_plan_routes, &control_api_on},          // plans
      {"control journal", &control_journal_routes, &control_api_on},     // requests
      {"control faults", &control_fault_routes, &control_api_on},        // faults
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
