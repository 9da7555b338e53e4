// The nodes family of the emulated Redis Software API: the node inventory
// (/v1/nodes) and the node actions (/v1/nodes/{uid}/actions/…), tasks a
// tool polls at /v1/actions/{task_id} (model/object_task.hpp).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

// The one place a node's wire object is made for GET /v1/nodes,
// GET /v1/nodes/{uid} and GET /v1/bootstrap: render_node with the node's
// shards (shard_list, shard_count) as the registry `d` places them.
json node_object(const registry_data& d, const node& n, double now,
                 const cluster_settings& cluster);

// The node `uid` when it exists at `now` (its remove has not completed),
// else nullptr.
const node* find_node(const registry_data& d, std::uint64_t uid, double now);

reply get_nodes(const request_context& ctx, const cluster_settings& cluster);  // GET /v1/nodes
reply get_node(const request_context& ctx, const cluster_settings& cluster);  // GET /v1/nodes/{uid}
reply get_all_node_actions(const request_context& ctx);  // GET /v1/nodes/actions
reply get_node_actions(const request_context& ctx);      // GET /v1/nodes/{uid}/actions
reply get_node_action(const request_context& ctx);       // GET /v1/nodes/{uid}/actions/{action}
reply start_node_action(const request_context& ctx,
                        registry& reg);  // POST /v1/nodes/{uid}/actions/{action}
reply cancel_node_action(const request_context& ctx,
                         registry& reg);  // DELETE /v1/nodes/{uid}/actions/{action}

// The family's route table, with the permissions of the Redis Software
// reference (view_all_nodes_info, view_node_info,
// view_status_of_all_node_actions, view_status_of_node_action,
// start_node_action, cancel_node_action).
std::vector<route> node_routes();

}  // namespace reemu
