// The list of route families.
#include "reemu/app/families.hpp"

#include "reemu/api/actions.hpp"
#include "reemu/api/alerts.hpp"
#include "reemu/api/availability.hpp"
#include "reemu/api/bdb_actions.hpp"
#include "reemu/api/bdbs.hpp"
#include "reemu/api/certificates.hpp"
#include "reemu/api/cluster.hpp"
#include "reemu/api/cluster_options.hpp"
#include "reemu/api/crdbs.hpp"
#include "reemu/api/ldap_mappings.hpp"
#include "reemu/api/license.hpp"
#include "reemu/api/logs.hpp"
#include "reemu/api/modules.hpp"
#include "reemu/api/nodes.hpp"
#include "reemu/api/proxies.hpp"
#include "reemu/api/redis_acls.hpp"
#include "reemu/api/roles.hpp"
#include "reemu/api/shards.hpp"
#include "reemu/api/small_reads.hpp"
#include "reemu/api/stats.hpp"
#include "reemu/api/users.hpp"
#include "reemu/control/actions.hpp"
#include "reemu/control/alerts.hpp"
#include "reemu/control/availability.hpp"
#include "reemu/control/clock.hpp"
#include "reemu/control/cluster_view.hpp"
#include "reemu/control/crdbs.hpp"
#include "reemu/control/databases.hpp"
#include "reemu/control/faults.hpp"
#include "reemu/control/health.hpp"
#include "reemu/control/journal_api.hpp"
#include "reemu/control/license.hpp"
#include "reemu/control/metrics.hpp"
#include "reemu/control/plans.hpp"
#include "reemu/control/state.hpp"
#include "reemu/control/stats.hpp"
#include "reemu/control/ui.hpp"
#include "reemu/control/users.hpp"

namespace reemu {

namespace {
bool always(const config&) { return true; }
bool control_api_on(const config& cfg) { return cfg.emulator.control_api; }

// A route of a family `cfg` enables that the release it presents has
// (model/version_profile.hpp): the release's missing routes answer 404.
bool serves(const config& cfg, const route& r) {
  return !lacks_route(*cfg.cluster.version, http_t::to_string(r.method), r.pattern);
}
}  // namespace

const std::vector<route_family>& route_families() {
  static const std::vector<route_family> families = {
      {"actions", &actions_routes, &always},  // /v1/actions…, /v2/actions…
      {"stats", &stats_routes, &always},      // /v1/{bdbs,nodes,shards,cluster,endpoints}/stats…
      {"alerts", &alerts_routes, &always},    // /v1/{cluster,nodes,bdbs}/alerts…
      {"bdbs", &bdbs_routes, &always},        // /v1/bdbs…
      {"bdb actions", &bdb_action_routes, &always},  // /v1/bdbs/{uid}/actions/…, upgrade, command
      {"nodes", &node_routes, &always},              // /v1/nodes…, node actions
      {"cluster", &cluster_routes, &always},  // /v1/cluster…, cluster actions, /v1/bootstrap
      {"shards", &shards_routes, &always},    // /v1/shards…
      {"modules", &modules_routes, &always},  // /v1/modules…
      {"users", &user_routes, &always},       // /v1/users…, authorize, refresh_jwt
      {"roles", &roles_routes, &always},      // /v1/roles…
      {"license", &license_routes, &always},  // /v1/license
      {"logs", &logs_routes, &always},        // /v1/logs
      {"certificates", &certificate_routes, &always},   // /v1/cluster/certificates…, update_cert
      {"availability", &availability_routes, &always},  // /v1/bdbs/{uid}/availability, local
      // /v1/redis_acls…, /v1/ldap_mappings…
      {"redis acls", &redis_acl_routes, &always},
      {"ldap mappings", &ldap_mapping_routes, &always},
      {"proxies", &proxy_routes, &always},           // /v1/proxies…
      {"small reads", &small_read_routes, &always},  // /v1/suffixes, /v1/suffix/{name}, jsonschema
      // /v1/cluster/policy, services_configuration, /v1/[local/]services, /v1/ocsp…
      {"cluster options", &cluster_option_routes, &always},
      {"crdbs", &crdbs_routes, &always},    // /v1/crdbs…, /v1/crdb_tasks…, the syncer routes
      {"health", &health_routes, &always},  // /emulator/v1/health, openapi.{json,yaml}
      // The control API's rooms, all off with --no-control-api:
      {"control actions", &control_action_routes, &control_api_on},      // actions, templates
      {"control clock", &control_clock_routes, &control_api_on},         // clock, reset
      {"control users", &control_user_routes, &control_api_on},          // users
      {"control databases", &control_database_routes, &control_api_on},  // databases
      {"control availability", &control_availability_routes, &control_api_on},  // db health
      {"control license", &control_license_routes, &control_api_on},  // the licence's terms
      {"control plans", &control_plan_routes, &control_api_on},       // plans
      {"control crdbs", &control_crdb_routes, &control_api_on},       // CRDB participants
      {"control journal", &control_journal_routes, &control_api_on},  // requests
      {"control faults", &control_fault_routes, &control_api_on},     // faults
      {"control metrics", &control_metrics_routes, &control_api_on},  // metrics
      {"control ui", &control_ui_routes, &control_api_on},            // the dashboard page
      {"control stats", &control_stats_routes, &control_api_on},      // stats steering
      {"control alerts", &control_alert_routes, &control_api_on},     // forced alert states
      {"control state", &control_state_routes, &control_api_on},      // the state document
      // the dashboard's picture of the cluster: nodes, shards, figures, alerts
      {"control cluster view", &control_cluster_view_routes, &control_api_on},
  };
  return families;
}

std::vector<route> all_routes(const config& cfg) {
  std::vector<route> out;
  for (const route_family& f : route_families()) {
    if (!f.enabled(cfg)) continue;
    for (const route& r : f.routes())
      if (serves(cfg, r)) out.push_back(r);
  }
  return out;
}

std::vector<std::size_t> route_family_indices(const config& cfg) {
  std::vector<std::size_t> out;
  const auto& families = route_families();
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (!families[i].enabled(cfg)) continue;
    for (const route& r : families[i].routes())
      if (serves(cfg, r)) out.push_back(i);
  }
  return out;
}

std::vector<std::string> family_names() {
  std::vector<std::string> out;
  for (const route_family& f : route_families()) out.emplace_back(f.name);
  return out;
}

std::string route_listing() {
  std::string out;
  for (const route_family& f : route_families()) {
    for (const route& r : f.routes()) {
      std::string_view who = r.access.permission;
      if (r.access.kind == access_kind::public_route) who = "public";
      if (r.access.kind == access_kind::any_user) who = "any_user";
      if (r.access.kind == access_kind::admin) who = "admin";
      out.append(http_t::to_string(r.method)).append("\t").append(r.pattern).append("\t");
      out.append(f.name).append("\t").append(who).append("\n");
    }
  }
  return out;
}

}  // namespace reemu
