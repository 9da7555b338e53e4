// The emulated alerts API: the object checked first (404 db_not_exist,
// node_not_found; 404 not_found for an alert name its scope lacks), then
// the alerts evaluated over the request's snapshot at its clock time.
#include "reemu/api/alerts.hpp"

#include <string>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/cluster.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

failure no_such_alert(const std::string& name) {
  return {api_error::not_found, "Alert '" + name + "' does not exist"};
}

// The uid of the path when `s` has such an object at `now`.
result<std::uint64_t> alert_object_uid(const request_context& ctx, const alert_evaluator& ev,
                                       alert_scope s) {
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  if (!uid || !ev.exists(s, *uid))
    return s == alert_scope::bdb ? no_such_bdb(ctx) : no_such_node(ctx.param("uid"));
  return *uid;
}

// One alert of an object: {"change_time",…}.
reply one_alert(const request_context& ctx, alert_scope s, std::uint64_t uid,
                const alert_evaluator& ev) {
  const alert_def* def = find_alert(s, ctx.param("alert"));
  if (def == nullptr) return error_reply(no_such_alert(ctx.param("alert")));
  return json_reply(status::ok, render_alert(*def, ev.evaluate(*def, uid)));
}

}  // namespace

const json& cluster_alert_base() {
  static const json base = cluster_template().value("alert_settings", json::object());
  return base;
}

// ---- the cluster ---------------------------------------------------------------

reply get_cluster_alerts(const request_context& ctx) {
  const alert_evaluator ev(ctx.state->data(), cluster_alert_base(), ctx.now);
  return json_reply(status::ok, ev.render_all(alert_scope::cluster, 0));
}

reply get_cluster_alert(const request_context& ctx) {
  const alert_evaluator ev(ctx.state->data(), cluster_alert_base(), ctx.now);
  return one_alert(ctx, alert_scope::cluster, 0, ev);
}

// ---- nodes -------------------------------------------------------------------------

reply get_nodes_alerts(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const alert_evaluator ev(d, cluster_alert_base(), ctx.now);
  json out = json::object();
  for (const auto& entry : nodes_at(d.nodes, ctx.now))
    out[std::to_string(entry.first)] = ev.render_all(alert_scope::node, entry.first);
  return json_reply(status::ok, out);
}

reply get_node_alerts(const request_context& ctx) {
  const alert_evaluator ev(ctx.state->data(), cluster_alert_base(), ctx.now);
  const auto uid = alert_object_uid(ctx, ev, alert_scope::node);
  if (!uid) return error_reply(uid.error());
  return json_reply(status::ok, ev.render_all(alert_scope::node, *uid));
}

reply get_node_alert(const request_context& ctx) {
  const alert_evaluator ev(ctx.state->data(), cluster_alert_base(), ctx.now);
  const auto uid = alert_object_uid(ctx, ev, alert_scope::node);
  if (!uid) return error_reply(uid.error());
  return one_alert(ctx, alert_scope::node, *uid, ev);
}

// ---- databases -----------------------------------------------------------------------

reply get_bdbs_alerts(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const alert_evaluator ev(d, cluster_alert_base(), ctx.now);
  json out = json::object();
  for (const auto& [uid, db] : d.databases) {
    if (!view_of(*db, ctx.now).visible) continue;
    out[std::to_string(uid)] = ev.render_all(alert_scope::bdb, uid);
  }
  return json_reply(status::ok, out);
}

reply get_bdb_alerts(const request_context& ctx) {
  const alert_evaluator ev(ctx.state->data(), cluster_alert_base(), ctx.now);
  const auto uid = alert_object_uid(ctx, ev, alert_scope::bdb);
  if (!uid) return error_reply(uid.error());
  return json_reply(status::ok, ev.render_all(alert_scope::bdb, *uid));
}

reply get_bdb_alert(const request_context& ctx) {
  const alert_evaluator ev(ctx.state->data(), cluster_alert_base(), ctx.now);
  const auto uid = alert_object_uid(ctx, ev, alert_scope::bdb);
  if (!uid) return error_reply(uid.error());
  return one_alert(ctx, alert_scope::bdb, *uid, ev);
}

reply update_bdb_alerts(const request_context& ctx, registry& reg) {
  const auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  json shown;
  const auto apply = [&](registry_data& d) -> result<> {
    const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
    if (!uid || d.find_database(*uid, ctx.now) == nullptr) return no_such_bdb(ctx);
    const auto it = d.alerts.bdb_settings.find(*uid);
    auto settings = read_bdb_alert_settings(
        *body, it == d.alerts.bdb_settings.end() ? decltype(it->second){} : it->second);
    if (!settings) return settings.error();
    d.alerts.bdb_settings[*uid] = std::move(*settings);
    const alert_evaluator ev(d, cluster_alert_base(), ctx.now);
    shown = ev.render_all(alert_scope::bdb, *uid);
    return {};
  };
  const auto written = write_or_dry_run(ctx, reg, dry_run(ctx), apply);
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, shown);
}

std::vector<route> alerts_routes() {
  using http_t::verb;
  const auto get = verb::get;
  return {
      {get, "/v1/cluster/alerts", access::needs("view_cluster_alerts"), uses<&get_cluster_alerts>},
      {get, "/v1/cluster/alerts/{alert}", access::needs("view_cluster_alerts"),
       uses<&get_cluster_alert>},
      {get, "/v1/nodes/alerts", access::needs("view_all_nodes_alerts"), uses<&get_nodes_alerts>},
      {get, "/v1/nodes/alerts/{uid}", access::needs("view_node_alerts"), uses<&get_node_alerts>},
      {get, "/v1/nodes/alerts/{uid}/{alert}", access::needs("view_node_alerts"),
       uses<&get_node_alert>},
      {get, "/v1/bdbs/alerts", access::needs("view_all_bdbs_alerts"), uses<&get_bdbs_alerts>},
      {get, "/v1/bdbs/alerts/{uid}", access::needs("view_bdb_alerts"), uses<&get_bdb_alerts>},
      {get, "/v1/bdbs/alerts/{uid}/{alert}", access::needs("view_bdb_alerts"),
       uses<&get_bdb_alert>},
      {verb::post, "/v1/bdbs/alerts/{uid}", access::needs("update_bdb_alerts"),
       uses<&update_bdb_alerts>},
  };
}

}  // namespace reemu
