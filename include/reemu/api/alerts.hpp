// The alerts family of the emulated API: GET /v1/cluster/alerts[/{alert}],
// /v1/nodes/alerts[/{uid}[/{alert}]], /v1/bdbs/alerts[/{uid}[/{alert}]],
// POST /v1/bdbs/alerts/{uid} (a database's alert thresholds) and the sync
// sources' GET /v1/bdbs/{crdt,replica}_sources/alerts[/{uid}[/{src}[/{alert}]]].
// Every state is computed at read time: from the statistics model
// (model/alerts.hpp), from the participants' reachability for the sync
// sources (model/sync_alerts.hpp).
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

// The sync sources' alerts (model/sync_alerts.hpp): every database with a
// source of the kind {"<bdb uid>":{"<source id>":{"<alert>":{…}}}}, one
// database's {"<source id>":{…}} ({} without sources), one source's
// {"<alert>":{…}}, one alert.
reply get_crdt_sources_alerts(const request_context& ctx);      // GET /v1/bdbs/crdt_sources/alerts
reply get_bdb_crdt_sources_alerts(const request_context& ctx);  // …/{uid}
reply get_crdt_source_alerts(const request_context& ctx);       // …/{uid}/{crdt_src_id}
reply get_crdt_source_alert(const request_context& ctx);        // …/{uid}/{crdt_src_id}/{alert}
reply get_replica_sources_alerts(
    const request_context& ctx);  // GET /v1/bdbs/replica_sources/alerts
reply get_bdb_replica_sources_alerts(const request_context& ctx);  // …/{uid}
reply get_replica_source_alerts(const request_context& ctx);       // …/{uid}/{replica_src_id}
reply get_replica_source_alert(const request_context& ctx);  // …/{uid}/{replica_src_id}/{alert}

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
