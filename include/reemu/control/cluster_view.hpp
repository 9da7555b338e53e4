// The control API's cluster view (/emulator/v1/cluster_view): the picture
// the dashboard draws of the emulated cluster in one read, for a person
// rather than a client: the nodes with the shards they host (master or
// replica, a shard moving while a migrate runs), the databases with their
// status, memory use against their limit and ops/sec from the statistics
// model (model/stats.hpp) at the clock's now, and the raised alerts.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

// GET /emulator/v1/cluster_view:
//   {"now", "interval":"1sec",
//    "nodes":[{"uid","addr","status","shard_count",
//              "shards":[{"uid","bdb_uid","role":"master"|"replica","slots",
//                         "used_memory","ops_per_sec","moving",
//                         "operation"?:{"name","progress","running","to_node_uid"?}}]}],
//    "databases":[{"uid","name","status","memory_size","used_memory",
//                  "ops_per_sec","shards_count","replication","shard_uids"}],
//    "alerts":[{"object","scope","uid","name","severity","state":true,
//               "enabled","forced","change_time","change_value",
//               "threshold"?}]}
// Nodes in the cluster at now, by uid, their shards by database then slot
// order; visible databases by uid. The figures are the latest complete
// 1-second sample of the statistics model (those GET /v1/bdbs/stats/last
// and /v1/shards/stats/last answer), null before the object has one; a
// database's are the sum of its master shards'. A shard's `operation` is
// the shard operation its database's running state machine has still to
// do (pending_ops: migrate_shard, failover_shard, reshard), `running` for
// the one under way; `moving` is true while a migrate_shard waits or runs,
// `to_node_uid` the node it goes to. `alerts` are the raised alerts a
// person should see (model/alerts.hpp, alert_evaluator::raised): state
// true and enabled, or forced raised through the control API; each as
// GET /v1/{cluster,nodes,bdbs}/alerts… shows it, with the object it is
// about ("cluster", "node:2", "bdb:1"; uid 0 for the cluster). Sent with
// X-Emulator-Journal: off, a poll stays out of the journal.
reply get_cluster_view(const request_context& ctx);

// The room's route table: every route is control_api_access.
std::vector<route> control_cluster_view_routes();

}  // namespace reemu
