// The alerts family of the emulated API: GET /v1/cluster/alerts[/{alert}],
// /v1/nodes/alerts[/{uid}[/{alert}]], /v1/bdbs/alerts[/{uid}[/{alert}]] and
// POST /v1/bdbs/alerts/{uid} (a database's alert thresholds). Every state
// is computed at read time from the statistics model (model/alerts.hpp).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_cluster_alerts(const request_context& ctx);  // GET /v1/cluster/alerts
reply get_cluster_alert(const request_context& ctx);   // GET /v1/cluster/alerts/{alert}
reply get_nodes_alerts(const request_context& ctx);    // GET /v1/nodes/alerts
reply get_node_alerts(const request_context& ctx);     // GET /v1/nodes/alerts/{uid}
reply get_node_alert(const request_context& ctx);      // GET /v1/nodes/alerts/{uid}/{alert}
reply get_bdbs_alerts(const request_context& ctx);     // GET /v1/bdbs/alerts
reply get_bdb_alerts(const request_context& ctx);      // GET /v1/bdbs/alerts/{uid}
reply get_bdb_alert(const request_context& ctx);       // GET /v1/bdbs/alerts/{uid}/{alert}
// POST /v1/bdbs/alerts/{uid} (?dry_run): 200 with the database's alerts.
reply update_bdb_alerts(const request_context& ctx, registry& reg);

// The cluster template's alert_settings, which PUT /v1/cluster's keys go
// over.
const json& cluster_alert_base();

// The family's route table, with the reference's permissions
// (view_cluster_alerts, view_all_nodes_alerts, view_node_alerts,
// view_all_bdbs_alerts, view_bdb_alerts, update_bdb_alerts). It comes
// before the bdbs, nodes and cluster families: /v1/bdbs/alerts would
// otherwise match /v1/bdbs/{uid}.
std::vector<route> alerts_routes();

}  // namespace reemu
