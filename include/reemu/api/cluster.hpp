// The cluster family of the emulated Redis Software API: the cluster object
// (/v1/cluster), its actions (/v1/cluster/actions/…, tasks a tool polls at
// /v1/actions/{task_id}) and the bootstrap status health checks read
// (/v1/bootstrap).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_cluster(const request_context&, const cluster_settings& cluster);  // GET /v1/cluster
// PUT /v1/cluster: the password rules (password_min_length 8..256,
// password_complexity); any other key of the cluster object is refused as
// not emulated (400 invalid_schema). 200 and the cluster object.
reply update_cluster(const request_context& ctx, registry& reg, const cluster_settings& cluster);
reply get_bootstrap(const request_context& ctx,
                    const cluster_settings& cluster);   // GET /v1/bootstrap
reply get_cluster_actions(const request_context& ctx);  // GET /v1/cluster/actions
reply get_cluster_action(const request_context& ctx);   // GET /v1/cluster/actions/{action}
reply start_cluster_action(const request_context& ctx,
                           registry& reg);  // POST /v1/cluster/actions/{action}
reply cancel_cluster_action(const request_context& ctx,
                            registry& reg);  // DELETE /v1/cluster/actions/{action}

// The family's route table: view_cluster_info, view_status_of_cluster_action,
// start_cluster_action, cancel_cluster_action; /v1/bootstrap needs no
// credentials (docs/compatibility.md).
std::vector<route> cluster_routes();

}  // namespace reemu
