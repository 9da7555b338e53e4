// The emulated alerts API: the object checked first (404 db_not_exist,
// node_not_found; 404 not_found for a sync source the database lacks or an
// alert name its scope lacks), then the alerts evaluated over the
// request's snapshot at its clock time.
#include "reemu/api/alerts.hpp"

#include <string>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/cluster.hpp"
#include "reemu/model/sync_alerts.hpp"
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

// ---- sync sources: the path's database, source and alert in that order ----

// The path's database: its uid, or 404 db_not_exist.
result<std::uint64_t> sync_alert_bdb(const request_context& ctx, const sync_alert_evaluator& ev,
                                     sync_source_kind k) {
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  if (!uid || !ev.sources(k, *uid)) return no_such_bdb(ctx);
  return *uid;
}

// The path's source of the database: 404 not_found when it has none such.
result<sync_source> sync_alert_source(const request_context& ctx, const sync_alert_evaluator& ev,
                                      sync_source_kind k, std::uint64_t bdb_uid) {
  const std::string& text =
      ctx.param(k == sync_source_kind::crdt ? "crdt_src_id" : "replica_src_id");
  const auto id = parse_number<std::uint64_t>(text);
  for (const sync_source& s : ev.sources(k, bdb_uid).value_or(std::vector<sync_source>{}))
    if (id && s.id == *id) return s;
  return failure{api_error::not_found, "Database " + std::to_string(bdb_uid) + " has no " +
                                           std::string(display_name(k)) + " source " + text};
}

// The path's database and source, then `render` of them.
template <class F>
reply with_sync_source(const request_context& ctx, sync_source_kind k, const F& render) {
  const sync_alert_evaluator ev(ctx.state->data(), ctx.now);
  const auto uid = sync_alert_bdb(ctx, ev, k);
  if (!uid) return error_reply(uid.error());
  const auto source = sync_alert_source(ctx, ev, k, *uid);
  if (!source) return error_reply(source.error());
  return render(ev, *uid, *source);
}

// GET …/alerts: every database with a source of kind `k`.
reply all_sync_alerts(const request_context& ctx, sync_source_kind k) {
  const registry_data& d = ctx.state->data();
  const sync_alert_evaluator ev(d, ctx.now);
  json out = json::object();
  for (const auto& [uid, db] : d.databases) {
    if (!view_of(*db, ctx.now).visible || sync_sources_of(db->fields, k).empty()) continue;
    out[std::to_string(uid)] = ev.render_database(k, uid);
  }
  return json_reply(status::ok, out);
}

// GET …/alerts/{uid}: the database's sources ({} without any).
reply database_sync_alerts(const request_context& ctx, sync_source_kind k) {
  const sync_alert_evaluator ev(ctx.state->data(), ctx.now);
  const auto uid = sync_alert_bdb(ctx, ev, k);
  if (!uid) return error_reply(uid.error());
  return json_reply(status::ok, ev.render_database(k, *uid));
}

// GET …/alerts/{uid}/{src}: the source's alerts.
reply source_sync_alerts(const request_context& ctx, sync_source_kind k) {
  return with_sync_source(
      ctx, k, [&](const sync_alert_evaluator& ev, std::uint64_t uid, const sync_source& s) {
        return json_reply(status::ok, ev.render_source(k, uid, s));
      });
}

// GET …/alerts/{uid}/{src}/{alert}: one alert of the source.
reply source_sync_alert(const request_context& ctx, sync_source_kind k) {
  return with_sync_source(
      ctx, k, [&](const sync_alert_evaluator& ev, std::uint64_t uid, const sync_source& s) {
        const std::string& name = ctx.param("alert");
        const alert_def* def = find_sync_alert(k, name);
        if (def == nullptr) {
          std::string names;
          for (const alert_def* one : sync_alert_catalog(k))
            names += (names.empty() ? "" : ", ") + std::string(one->name);
          return error_reply(api_error::not_found, "Alert '" + name + "' does not exist for a " +
                                                       std::string(display_name(k)) + " source (" +
                                                       names + ")");
        }
        return json_reply(status::ok, render_alert(*def, ev.evaluate(k, *def, uid, s)));
      });
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

// ---- sync sources --------------------------------------------------------------------

reply get_crdt_sources_alerts(const request_context& ctx) {
  return all_sync_alerts(ctx, sync_source_kind::crdt);
}
reply get_bdb_crdt_sources_alerts(const request_context& ctx) {
  return database_sync_alerts(ctx, sync_source_kind::crdt);
}
reply get_crdt_source_alerts(const request_context& ctx) {
  return source_sync_alerts(ctx, sync_source_kind::crdt);
}
reply get_crdt_source_alert(const request_context& ctx) {
  return source_sync_alert(ctx, sync_source_kind::crdt);
}
reply get_replica_sources_alerts(const request_context& ctx) {
  return all_sync_alerts(ctx, sync_source_kind::replica);
}
reply get_bdb_replica_sources_alerts(const request_context& ctx) {
  return database_sync_alerts(ctx, sync_source_kind::replica);
}
reply get_replica_source_alerts(const request_context& ctx) {
  return source_sync_alerts(ctx, sync_source_kind::replica);
}
reply get_replica_source_alert(const request_context& ctx) {
  return source_sync_alert(ctx, sync_source_kind::replica);
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
      // The sync sources' alerts: the database alert permissions (reference
      // §9.2, "bdb alert perms").
      {get, "/v1/bdbs/crdt_sources/alerts", access::needs("view_all_bdbs_alerts"),
       uses<&get_crdt_sources_alerts>},
      {get, "/v1/bdbs/crdt_sources/alerts/{uid}", access::needs("view_bdb_alerts"),
       uses<&get_bdb_crdt_sources_alerts>},
      {get, "/v1/bdbs/crdt_sources/alerts/{uid}/{crdt_src_id}", access::needs("view_bdb_alerts"),
       uses<&get_crdt_source_alerts>},
      {get, "/v1/bdbs/crdt_sources/alerts/{uid}/{crdt_src_id}/{alert}",
       access::needs("view_bdb_alerts"), uses<&get_crdt_source_alert>},
      {get, "/v1/bdbs/replica_sources/alerts", access::needs("view_all_bdbs_alerts"),
       uses<&get_replica_sources_alerts>},
      {get, "/v1/bdbs/replica_sources/alerts/{uid}", access::needs("view_bdb_alerts"),
       uses<&get_bdb_replica_sources_alerts>},
      {get, "/v1/bdbs/replica_sources/alerts/{uid}/{replica_src_id}",
       access::needs("view_bdb_alerts"), uses<&get_replica_source_alerts>},
      {get, "/v1/bdbs/replica_sources/alerts/{uid}/{replica_src_id}/{alert}",
       access::needs("view_bdb_alerts"), uses<&get_replica_source_alert>},
  };
}

}  // namespace reemu
