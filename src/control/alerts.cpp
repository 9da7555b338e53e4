// The control API's alerts room: forces an alert's state from now on, or
// hands it back to the statistics model, and shows the alert as the
// emulated API will answer it together with whether it is forced.
#include "reemu/control/alerts.hpp"

#include "reemu/api/alerts.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

struct alert_target {
  alert_scope scope = alert_scope::bdb;
  std::uint64_t uid = 0;
  const alert_def* def = nullptr;
};

// The alert the path names: 400 for an unknown scope, 404 for a missing
// object (db_not_exist, node_not_found) or an alert its scope lacks.
result<alert_target> control_alert_target(const request_context& ctx, const registry_data& d) {
  const std::string& scope_text = ctx.param("scope");
  const auto s = parse_alert_scope(scope_text);
  if (!s) {
    return failure{api_error::invalid_schema, "'" + scope_text + "' is not bdb, node or cluster"};
  }
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  const alert_evaluator ev(d, cluster_alert_base(), ctx.now);
  const bool found = uid && (*s == alert_scope::cluster ? *uid == 0 : ev.exists(*s, *uid));
  if (!found) {
    if (*s == alert_scope::bdb)
      return failure{api_error::db_not_exist, "Database " + ctx.param("uid") + " does not exist"};
    if (*s == alert_scope::node)
      return failure{api_error::node_not_found, "Node " + ctx.param("uid") + " does not exist"};
    return failure{api_error::not_found, "The cluster's alerts take uid 0"};
  }
  const alert_def* def = find_alert(*s, ctx.param("alert"));
  if (def == nullptr)
    return failure{api_error::not_found, "Alert '" + ctx.param("alert") + "' does not exist"};
  return alert_target{*s, *uid, def};
}

// {"object","alert","forced","value":{…as the emulated API shows it…}}
json control_alert_view(const registry_data& d, const alert_target& t, double now) {
  const alert_evaluator ev(d, cluster_alert_base(), now);
  const alert_value v = ev.evaluate(*t.def, t.uid);
  return json{{"alert", std::string(t.def->name)},
              {"forced", v.forced},
              {"object", alert_object_name(t.scope, t.uid)},
              {"value", render_alert(*t.def, v)}};
}

}  // namespace

reply get_control_alert(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const auto t = control_alert_target(ctx, d);
  if (!t) return error_reply(t.error());
  return json_reply(status::ok, control_alert_view(d, *t, ctx.now));
}

reply put_control_alert(const request_context& ctx, registry& reg) {
  const auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  if (!body->is_object() || body->size() != 1 || !body->contains("state") ||
      !(*body)["state"].is_boolean()) {
    return error_reply(api_error::invalid_schema,
                       "The body must be {\"state\": true} (raise) or {\"state\": false} (clear)");
  }
  const bool state = (*body)["state"].get<bool>();
  json shown;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto t = control_alert_target(ctx, d);
    if (!t) return t.error();
    const alert_evaluator before(d, cluster_alert_base(), ctx.now);
    const alert_value was = before.evaluate(*t->def, t->uid);
    d.alerts.forced[alert_key(t->scope, t->uid, t->def->name)] = forced_alert{state, ctx.now};
    if (was.state != state)
      record_alert_event(d.events, *t->def, t->uid, state, was.threshold, ctx.now);
    shown = control_alert_view(d, *t, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

reply delete_control_alert(const request_context& ctx, registry& reg) {
  json shown;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto t = control_alert_target(ctx, d);
    if (!t) return t.error();
    const alert_evaluator before(d, cluster_alert_base(), ctx.now);
    const alert_value was = before.evaluate(*t->def, t->uid);
    d.alerts.forced.erase(alert_key(t->scope, t->uid, t->def->name));
    const alert_evaluator after(d, cluster_alert_base(), ctx.now);
    const alert_value now_value = after.evaluate(*t->def, t->uid);
    if (was.state != now_value.state) {
      record_alert_event(d.events, *t->def, t->uid, now_value.state, now_value.threshold, ctx.now);
    }
    shown = control_alert_view(d, *t, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

std::vector<route> control_alert_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  const char* path = "/emulator/v1/alerts/{scope}/{uid}/{alert}";
  return {
      {verb::get, path, admin, uses<&get_control_alert>},
      {verb::put, path, admin, uses<&put_control_alert>},
      {verb::delete_, path, admin, uses<&delete_control_alert>},
  };
}

}  // namespace reemu
