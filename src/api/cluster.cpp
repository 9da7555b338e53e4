// The cluster routes. A cluster action reads and checks its whole request
// first, then starts its task in one registry::update, so a refused request
// changes nothing.
#include "reemu/api/cluster.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/api/nodes.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/cluster.hpp"
#include "reemu/model/task_operations.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

failure no_such_cluster_action() { return {api_error::action_not_found, "Action does not exist"}; }

// The node_uid of a change_master body: "2" or 2.
std::optional<std::uint64_t> body_node_uid(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) return parse_number<std::uint64_t>(v.get<std::string>());
  return std::nullopt;
}

// The cluster object with the password rules the registry keeps.
json cluster_object(const registry_data& d, const cluster_settings& cluster) {
  json out = render_cluster(cluster);
  out["alert_settings"] = effective_cluster_alert_settings(d.alerts, out["alert_settings"]);
  out["password_min_length"] = d.passwords.min_length;
  out["password_complexity"] = d.passwords.complexity;
  return out;
}

}  // namespace

reply get_cluster(const request_context& ctx, const cluster_settings& cluster) {
  return json_reply(status::ok, cluster_object(ctx.state->data(), cluster));
}

reply update_cluster(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  const auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  std::optional<std::uint64_t> min_length;
  std::optional<bool> complexity;
  std::optional<json> alert_settings;
  for (auto it = body->begin(); it != body->end(); ++it) {
    const std::string& key = it.key();
    if (key == "alert_settings") {
      auto read = read_cluster_alert_settings(*it);
      if (!read) return error_reply(read.error());
      alert_settings = std::move(*read);
    } else if (key == "password_min_length") {
      const bool fits = it->is_number_unsigned() &&
                        it->get<std::uint64_t>() >= min_password_length_floor &&
                        it->get<std::uint64_t>() <= min_password_length_ceiling;
      if (!fits) {
        return error_reply(api_error::invalid_schema,
                           "Field 'password_min_length' must be a whole number from " +
                               std::to_string(min_password_length_floor) + " to " +
                               std::to_string(min_password_length_ceiling));
      }
      min_length = it->get<std::uint64_t>();
    } else if (key == "password_complexity") {
      if (!it->is_boolean()) {
        return error_reply(api_error::invalid_schema,
                           "Field 'password_complexity' must be a boolean");
      }
      complexity = it->get<bool>();
    } else if (cluster_template().contains(key)) {
      return error_reply(api_error::invalid_schema,
                         "Field '" + key +
                             "' is not emulated: PUT /v1/cluster changes alert_settings, "
                             "password_min_length and password_complexity only "
                             "(docs/compatibility.md)");
    } else {
      return error_reply(api_error::invalid_schema, "Field '" + key + "' is not allowed");
    }
  }
  json out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (min_length) d.passwords.min_length = *min_length;
    if (complexity) d.passwords.complexity = *complexity;
    if (alert_settings) {
      for (auto it = alert_settings->begin(); it != alert_settings->end(); ++it)
        d.alerts.cluster_settings[it.key()] = it.value();
    }
    out = cluster_object(d, cluster);
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, out);
}

reply get_bootstrap(const request_context& ctx, const cluster_settings& cluster) {
  // The local node: the lowest uid the cluster still has.
  const registry_data& d = ctx.state->data();
  for (const auto& [uid, n] : d.nodes) {
    if (find_node(d, uid, ctx.now))
      return json_reply(status::ok, render_bootstrap(node_object(d, *n, ctx.now, cluster)));
  }
  return json_reply(status::ok, render_bootstrap(*cluster.version));
}

reply get_cluster_actions(const request_context& ctx) {
  json list = json::array();
  for (const auto& [name, t] : ctx.state->data().cluster_tasks)
    list.push_back(render_task(t, ctx.now));
  return json_reply(status::ok, json{{"actions", std::move(list)}});
}

reply get_cluster_action(const request_context& ctx) {
  const auto& tasks = ctx.state->data().cluster_tasks;
  const auto it = tasks.find(ctx.param("action"));
  if (it == tasks.end()) return error_reply(no_such_cluster_action());
  return json_reply(status::ok, render_task(it->second, ctx.now));
}

reply start_cluster_action(const request_context& ctx, registry& reg) {
  const std::string& action = ctx.param("action");
  if (action != "change_master") {
    return error_reply(
        api_error::invalid_schema,
        "Bad action or content: unknown cluster action '" + action + "' (change_master)");
  }
  const auto body = read_bdb_body(ctx, true);
  if (!body) return error_reply(body.error());
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "node_uid") {
      return error_reply(api_error::invalid_schema,
                         "Bad action or content: field '" + it.key() + "' is not allowed");
    }
  }
  const auto field = body->find("node_uid");
  if (field == body->end())
    return error_reply(api_error::invalid_schema, "Bad action or content: 'node_uid' is required");
  const auto uid = body_node_uid(*field);
  if (!uid || *uid == 0) {
    return error_reply(api_error::invalid_schema,
                       "Bad action or content: 'node_uid' must be a node uid (\"2\" or 2)");
  }

  std::string task_id;
  std::string status_word;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (!find_node(d, *uid, ctx.now))
      return failure{api_error::node_not_found, "Node " + std::to_string(*uid) + " does not exist"};
    for (const auto& [name, t] : d.cluster_tasks) {
      if (task_runs(t, ctx.now)) {
        return failure{
            api_error::action_in_progress,
            "A conflicting action is already in progress (" + name + " " + t.task_id + ")"};
      }
    }
    object_task t =
        begin_task(d, action, "cluster", json{{"node_uid", std::to_string(*uid)}}, ctx.now);
    task_id = t.task_id;
    status_word = status_name(action_kind::task, task_state(t, ctx.now).phase);
    d.cluster_tasks[action] = std::move(t);
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, json{{"status", status_word}, {"task_id", task_id}});
}

reply cancel_cluster_action(const request_context& ctx, registry& reg) {
  const std::string& action = ctx.param("action");
  json answer;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto it = d.cluster_tasks.find(action);
    if (it == d.cluster_tasks.end() || !task_runs(it->second, ctx.now)) {
      return failure{api_error::action_not_found,
                     "Action " + action + " is unknown or not running"};
    }
    if (task_state(it->second, ctx.now).phase != phase::cancelling)
      cancel_task(d, it->second, ctx.now);
    answer = render_task(it->second, ctx.now);
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, answer);
}

std::vector<route> cluster_routes() {
  using http_t::verb;
  const access view_action = access::needs("view_status_of_cluster_action");
  return {
      {verb::get, "/v1/cluster", access::needs("view_cluster_info"), uses<&get_cluster>},
      {verb::put, "/v1/cluster", access::needs("update_cluster"), uses<&update_cluster>},
      {verb::get, "/v1/cluster/actions", view_action, uses<&get_cluster_actions>},
      {verb::get, "/v1/cluster/actions/{action}", view_action, uses<&get_cluster_action>},
      {verb::post, "/v1/cluster/actions/{action}", access::needs("start_cluster_action"),
       uses<&start_cluster_action>},
      {verb::delete_, "/v1/cluster/actions/{action}", access::needs("cancel_cluster_action"),
       uses<&cancel_cluster_action>},
      // Health checks call it without credentials (docs/compatibility.md).
      {verb::get, "/v1/bootstrap", access::public_route(), uses<&get_bootstrap>},
  };
}

}  // namespace reemu
