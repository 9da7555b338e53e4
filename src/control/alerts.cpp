// The control API's alerts room: forces an alert's state (a cluster, node
// or database alert, or a database's sync source's) from now on, or hands
// it back to the model, and shows the alert as the emulated API will
// answer it together with whether it is forced.
#include "reemu/control/alerts.hpp"

#include <algorithm>

#include "reemu/api/alerts.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/sync_alerts.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

struct alert_target {
  alert_scope scope = alert_scope::bdb;
  std::uint64_t uid = 0;
  const alert_def* def = nullptr;
  std::optional<sync_source_kind> kind;  // set for a sync source's alert
  sync_source source;
};

// A sync source's alert (…/alerts/bdb/{uid}/{sources}/{src}/{alert}): 400
// for an unknown kind, 404 for a missing database (db_not_exist), source or
// alert of that kind (not_found).
result<alert_target> control_source_target(const request_context& ctx, const registry_data& d) {
  const std::string& kind_text = ctx.param("sources");
  const auto k = parse_sync_sources(kind_text);
  if (!k) {
    return failure{api_error::invalid_schema,
                   "'" + kind_text + "' is not crdt_sources or replica_sources"};
  }
  const sync_alert_evaluator ev(d, ctx.now);
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  const auto sources = uid ? ev.sources(*k, *uid) : std::nullopt;
  if (!sources)
    return failure{api_error::db_not_exist, "Database " + ctx.param("uid") + " does not exist"};
  const auto id = parse_number<std::uint64_t>(ctx.param("src"));
  const auto source = std::find_if(sources->begin(), sources->end(),
                                   [&](const sync_source& s) { return id && s.id == *id; });
  if (source == sources->end()) {
    return failure{api_error::not_found, "Database " + ctx.param("uid") + " has no " +
                                             std::string(display_name(*k)) + " source " +
                                             ctx.param("src")};
  }
  const alert_def* def = find_sync_alert(*k, ctx.param("alert"));
  if (def == nullptr) {
    return failure{api_error::not_found, "Alert '" + ctx.param("alert") +
                                             "' does not exist for a " +
                                             std::string(display_name(*k)) + " source"};
  }
  return alert_target{alert_scope::bdb, *uid, def, *k, *source};
}

// The alert the path names: 400 for an unknown scope, 404 for a missing
// object (db_not_exist, node_not_found) or an alert its scope lacks.
result<alert_target> control_alert_target(const request_context& ctx, const registry_data& d) {
  if (!ctx.param("sources").empty()) return control_source_target(ctx, d);
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
  return alert_target{*s, *uid, def, std::nullopt, {}};
}

// The target's alert at `now`.
alert_value value_of(const registry_data& d, const alert_target& t, double now) {
  if (t.kind) return sync_alert_evaluator(d, now).evaluate(*t.kind, *t.def, t.uid, t.source);
  return alert_evaluator(d, cluster_alert_base(), now).evaluate(*t.def, t.uid);
}

// The key its forced state is kept under.
std::string forced_key(const alert_target& t) {
  if (t.kind) return sync_alert_key(*t.kind, t.uid, t.source.id, t.def->name);
  return alert_key(t.scope, t.uid, t.def->name);
}

void record_target_event(registry_data& d, const alert_target& t, bool state,
                         const std::string& threshold, double now) {
  if (t.kind) {
    record_sync_alert_event(d.events, *t.kind, *t.def, t.uid, t.source.id, state, threshold, now);
  } else {
    record_alert_event(d.events, *t.def, t.uid, state, threshold, now);
  }
}

// {"object","alert","forced","value":{…as the emulated API shows it…}}
json control_alert_view(const registry_data& d, const alert_target& t, double now) {
  const alert_value v = value_of(d, t, now);
  std::string object =
      t.kind ? sync_source_object(*t.kind, t.uid, t.source.id) : alert_object_name(t.scope, t.uid);
  return json{{"alert", std::string(t.def->name)},
              {"forced", v.forced},
              {"object", std::move(object)},
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
    const alert_value was = value_of(d, *t, ctx.now);
    d.alerts.forced[forced_key(*t)] = forced_alert{state, ctx.now};
    if (was.state != state) record_target_event(d, *t, state, was.threshold, ctx.now);
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
    const alert_value was = value_of(d, *t, ctx.now);
    d.alerts.forced.erase(forced_key(*t));
    const alert_value now_value = value_of(d, *t, ctx.now);
    if (was.state != now_value.state)
      record_target_event(d, *t, now_value.state, now_value.threshold, ctx.now);
    shown = control_alert_view(d, *t, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

std::vector<route> control_alert_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  const char* path = "/emulator/v1/alerts/{scope}/{uid}/{alert}";
  // A database's sync source: {sources} is crdt_sources or replica_sources.
  const char* source = "/emulator/v1/alerts/bdb/{uid}/{sources}/{src}/{alert}";
  return {
      {verb::get, path, admin, uses<&get_control_alert>},
      {verb::put, path, admin, uses<&put_control_alert>},
      {verb::delete_, path, admin, uses<&delete_control_alert>},
      {verb::get, source, admin, uses<&get_control_alert>},
      {verb::put, source, admin, uses<&put_control_alert>},
      {verb::delete_, source, admin, uses<&delete_control_alert>},
  };
}

}  // namespace reemu
