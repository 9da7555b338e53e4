// The cluster's own Prometheus exporter: what a real cluster serves on port
// 8070 at /v2 (the v2 metric set of the metrics stream engine), computed
// from the statistics model (model/stats.hpp) over one snapshot at one
// clock time, so the figures agree with GET /v1/*/stats/last at that time.
// Apart from the emulator's own health metrics (GET /emulator/v1/metrics).
//
// Families (labels; docs/compatibility.md gives the choices):
//   database   db_memory_limit_bytes, db_replication_factor (cluster, db)
//   endpoint   endpoint_client_connections, endpoint_client_disconnections,
//              endpoint_proxy_disconnections, endpoint_{read,write,other}_
//              {requests,responses}, endpoint_ingress, endpoint_egress
//              (counters; cluster, db, node)
//   shard      redis_server_up, redis_server_used_memory, redis_server_db_keys,
//              redis_server_instantaneous_ops_per_sec, … and the keyspace
//              and command counters (cluster, db, node, redis, role)
//   node       node_metrics_up, node_*_bytes (cluster, node)
//   cluster    total_node_count, total_live_nodes_count, has_quorum,
//              is_primary (cluster, cluster_wd), license_shards_limit
//              (cluster, shard_type), license_expiration_days, users_count
// Counters count from the database's creation: the requests it served (the
// integral of its ops curve) split as the stats model splits its rates.
#pragma once

#include <string>
#include <string_view>

#include "reemu/model/registry_data.hpp"

namespace reemu {

// The scrape path a real cluster serves the v2 metric set on.
inline constexpr std::string_view exporter_path = "/v2";

// The whole text exposition (format 0.0.4) of `d` at clock time `now` for
// the cluster named `cluster_name`: HELP and TYPE before each family's
// samples, label values escaped. O(databases + shards + nodes).
std::string render_exporter_metrics(const registry_data& d, std::string_view cluster_name,
                                    double now);

}  // namespace reemu
