// The node routes. Reads render from the request's snapshot; a node action
// reads and checks its whole request first, then starts its task in one
// registry::update, so a refused request changes nothing.
#include "reemu/api/nodes.hpp"

#include <algorithm>
#include <array>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/task_operations.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// A node action: the name in the path, the task's name (the docs' list
// shows a remove as remove_node).
struct node_action_kind {
  std::string_view path;
  std::string_view task;
};
constexpr std::array<node_action_kind, 4> node_actions = {{{"maintenance_on", "maintenance_on"},
                                                           {"maintenance_off", "maintenance_off"},
                                                           {"remove", "remove_node"},
                                                           {"enslave_node", "enslave_node"}}};

// The task name of the path's {action}; its task name is accepted too.
std::optional<std::string_view> task_name_of(std::string_view action) {
  for (const auto& k : node_actions)
    if (k.path == action || k.task == action) return k.task;
  return std::nullopt;
}

failure no_such_action() { return {api_error::action_not_found, "Action does not exist"}; }

// The node of the path on the request's snapshot (never null), or
// node_not_found.
result<const node*> path_node(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const node* n = uid ? find_node(ctx.state->data(), *uid, ctx.now) : nullptr;
  if (!n) return no_such_node(ctx.param("uid"));
  return n;
}

// evict_dbs: database uids, as strings ("1") or numbers.
bool is_uid_list(const json& v) {
  return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) {
           return e.is_number_unsigned() ||
                  (e.is_string() && parse_number<std::uint64_t>(e.get<std::string>()));
         });
}

// The body of each action, as the reference gives it; anything else is
// refused (invalid_schema).
result<> check_node_action_body(std::string_view task, const json& body) {
  if (task == "maintenance_on") {
    if (auto ok = check_body_fields(body, {{"overwrite_snapshot", body_type::boolean},
                                           {"evict_ha_replica", body_type::boolean},
                                           {"evict_active_active_replica", body_type::boolean},
                                           {"evict_dbs", body_type::array},
                                           {"keep_slave_shards", body_type::boolean}});
        !ok)
      return ok.error();
    if (auto it = body.find("evict_dbs"); it != body.end() && !is_uid_list(*it)) {
      return failure{api_error::invalid_schema,
                     "Field 'evict_dbs' must be a list of database uids"};
    }
    return {};
  }
  if (task == "maintenance_off") {
    return check_body_fields(
        body, {{"snapshot_name", body_type::string}, {"skip_shards_restore", body_type::boolean}});
  }
  if (task == "remove_node")
    return check_body_fields(body, {{"wait_for_persistence", body_type::boolean}});
  return check_body_fields(body, {});
}

json node_action_object(const node& n, const object_task& t, double now) {
  json out = render_task(t, now);
  out["node_uid"] = std::to_string(n.uid);
  return out;
}

json actions_of(const node& n, double now) {
  json list = json::array();
  for (const auto& [name, t] : n.actions) list.push_back(node_action_object(n, t, now));
  return list;
}

}  // namespace

json node_object(const registry_data& d, const node& n, double now,
                 const cluster_settings& cluster) {
  return render_node(n, d, now, *cluster.version);
}

const node* find_node(const registry_data& d, std::uint64_t uid, double now) {
  const auto it = d.nodes.find(uid);
  if (it == d.nodes.end() || !view_of(*it->second, now).visible) return nullptr;
  return it->second.get();
}

reply get_nodes(const request_context& ctx, const cluster_settings& cluster) {
  const registry_data& d = ctx.state->data();
  json list = json::array();
  for (const auto& [uid, n] : d.nodes)
    if (view_of(*n, ctx.now).visible) list.push_back(node_object(d, *n, ctx.now, cluster));
  return json_reply(status::ok, list);
}

reply get_node(const request_context& ctx, const cluster_settings& cluster) {
  const auto found = path_node(ctx);
  if (!found) return error_reply(found.error());
  const node& n = **found;
  return json_reply(status::ok, node_object(ctx.state->data(), n, ctx.now, cluster));
}

reply get_all_node_actions(const request_context& ctx) {
  json list = json::array();
  for (const auto& [uid, n] : ctx.state->data().nodes) {
    if (!view_of(*n, ctx.now).visible) continue;
    for (auto& a : actions_of(*n, ctx.now)) list.push_back(std::move(a));
  }
  return json_reply(status::ok, json{{"actions", std::move(list)}});
}

reply get_node_actions(const request_context& ctx) {
  const auto found = path_node(ctx);
  if (!found) return error_reply(found.error());
  const node& n = **found;
  return json_reply(status::ok, json{{"actions", actions_of(n, ctx.now)}});
}

reply get_node_action(const request_context& ctx) {
  const auto found = path_node(ctx);
  if (!found) return error_reply(found.error());
  const node& n = **found;
  const auto task = task_name_of(ctx.param("action"));
  const auto it = task ? n.actions.find(*task) : n.actions.end();
  if (it == n.actions.end()) return error_reply(no_such_action());
  return json_reply(status::ok, node_action_object(n, it->second, ctx.now));
}

reply start_node_action(const request_context& ctx, registry& reg) {
  const auto task = task_name_of(ctx.param("action"));
  if (!task) {
    return error_reply(api_error::invalid_schema,
                       "Unknown node action '" + ctx.param("action") +
                           "' (maintenance_on, maintenance_off, remove, enslave_node)");
  }
  const auto body = read_bdb_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (auto ok = check_node_action_body(*task, *body); !ok) return error_reply(ok.error());
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_node(ctx.param("uid")));

  std::string task_id;
  std::string status_word;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const node* current = find_node(d, *uid, ctx.now);
    if (!current) return no_such_node(std::to_string(*uid));
    for (const auto& [name, t] : current->actions) {
      // One instance of each action at a time; nothing else while the node
      // is being removed.
      if ((name == *task || name == "remove_node") && task_runs(t, ctx.now)) {
        return failure{api_error::action_in_progress,
                       "Only a single instance of any action type can be invoked at the same "
                       "time (" +
                           name + " " + t.task_id + " runs on node " + std::to_string(*uid) + ")"};
      }
    }
    if (*task == "remove_node") {
      if (auto ok = check_node_removal(d.nodes, *uid, ctx.now); !ok) return ok.error();
    }
    node next = *current;
    settle_node(next, ctx.now);
    object_task t = begin_task(d, *task, "node:" + std::to_string(*uid),
                               json{{"node_uid", std::to_string(*uid)}}, ctx.now);
    task_id = t.task_id;
    status_word = status_name(action_kind::task, task_state(t, ctx.now).phase);
    next.actions[std::string(*task)] = std::move(t);
    d.nodes[*uid] = std::make_shared<const node>(std::move(next));
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, json{{"status", status_word}, {"task_id", task_id}});
}

reply cancel_node_action(const request_context& ctx, registry& reg) {
  const auto task = task_name_of(ctx.param("action"));
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_node(ctx.param("uid")));
  json answer;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const node* current = find_node(d, *uid, ctx.now);
    if (!current) return no_such_node(std::to_string(*uid));
    const auto it = task ? current->actions.find(*task) : current->actions.end();
    if (it == current->actions.end() || !task_runs(it->second, ctx.now)) {
      return failure{api_error::action_not_found, "Action " + ctx.param("action") +
                                                      " is unknown or not running on node " +
                                                      std::to_string(*uid)};
    }
    node next = *current;
    object_task& t = next.actions.at(it->first);
    if (task_state(t, ctx.now).phase != phase::cancelling) cancel_task(d, t, ctx.now);
    answer = node_action_object(next, t, ctx.now);
    d.nodes[*uid] = std::make_shared<const node>(std::move(next));
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, answer);
}

std::vector<route> node_routes() {
  using http_t::verb;
  const access view_action = access::needs("view_status_of_node_action");
  return {
      {verb::get, "/v1/nodes", access::needs("view_all_nodes_info"), uses<&get_nodes>},
      // Before /v1/nodes/{uid}: the earlier row wins.
      {verb::get, "/v1/nodes/actions", access::needs("view_status_of_all_node_actions"),
       uses<&get_all_node_actions>},
      {verb::get, "/v1/nodes/{uid}", access::needs("view_node_info"), uses<&get_node>},
      {verb::get, "/v1/nodes/{uid}/actions", view_action, uses<&get_node_actions>},
      {verb::get, "/v1/nodes/{uid}/actions/{action}", view_action, uses<&get_node_action>},
      {verb::post, "/v1/nodes/{uid}/actions/{action}", access::needs("start_node_action"),
       uses<&start_node_action>},
      {verb::delete_, "/v1/nodes/{uid}/actions/{action}", access::needs("cancel_node_action"),
       uses<&cancel_node_action>},
  };
}

}  // namespace reemu
