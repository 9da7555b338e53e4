// The emulated databases API. Reads render from the request's snapshot at
// its `now`; writes validate the whole body first, then make their change
// and start their state machine in one registry::update, so a refused
// request changes nothing and a reader sees a database and its action
// appear together.
#include "reemu/api/bdbs.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/crdb.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/role_bindings.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/bdb_bodies.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// True when the request asks for `?fields=a,b`: answered by rendering, not
// from the cache of whole databases.
bool selects_fields(const request_context& ctx) {
  const auto it = ctx.query.find("fields");
  return it != ctx.query.end() && (*it).has_value;
}

// `?fields=a,b`: only those keys of each object.
json select_fields(json full, const request_context& ctx) {
  if (!selects_fields(ctx)) return full;
  const auto it = ctx.query.find("fields");
  json out = json::object();
  const std::string list = (*it).value;  // *it is a temporary: keep a copy
  for (std::size_t at = 0; at <= list.size();) {
    const auto comma = std::min(list.find(',', at), list.size());
    const std::string key(list.substr(at, comma - at));
    if (auto f = full.find(key); f != full.end()) out[key] = std::move(*f);
    at = comma + 1;
  }
  return out;
}

reply bdb_reply(const database& db, double now) {
  return json_reply(status::ok, render_bdb(db, now));
}

// Read-only fields a client sends back must hold what the database shows.
result<> check_read_only(const json& body, const json& current) {
  for (const auto& [key, value] : body.items()) {
    if (!is_read_only_bdb_field(key)) continue;
    const auto it = current.find(key);
    if (it == current.end() || *it != value) {
      return failure{api_error::invalid_schema,
                     "Field '" + key + "' is read-only" +
                         (it == current.end() ? std::string() : " (it is " + dump(*it) + ")")};
    }
  }
  return {};
}

// The body's roles_permissions against the registry (role_bindings.hpp):
// every binding names an ACL that exists.
result<> check_bdb_bindings(const registry_data& d, const json& body) {
  const auto it = body.find("roles_permissions");
  if (it == body.end()) return {};
  return check_roles_permissions(d, *it);
}

// A new port moves the first endpoint; a new proxy policy applies to every one.
void follow_endpoints(json& fields, const json& body, const cluster_settings& cluster,
                      std::uint64_t uid) {
  auto eps = fields.find("endpoints");
  if (eps == fields.end() || !eps->is_array() || eps->empty()) return;
  if (auto p = body.find("port"); p != body.end() && *p != 0) {
    const json moved = make_endpoint(uid, p->get<std::uint64_t>(), fields, cluster);
    (*eps)[0]["port"] = moved["port"];
    (*eps)[0]["dns_name"] = moved["dns_name"];
  }
  if (auto p = body.find("proxy_policy"); p != body.end()) {
    for (auto& e : *eps)
      if (e.is_object()) e["proxy_policy"] = *p;
  }
}

// The database `uid` with `body` merged in; the failure when the licence
// expired or the database cannot take it (unknown, busy, not active, a
// read-only field changed, a port taken, no shards left in the licence).
result<database> merged_database(const registry_data& d, std::uint64_t uid, const json& body,
                                 const request_context& ctx, const cluster_settings& cluster) {
  if (auto ok = check_not_expired(d.license, ctx.now); !ok) return ok.error();
  const auto writable = writable_database(d, uid, ctx.now);
  if (!writable) return writable.error();
  const database& db = **writable;
  if (auto ok = check_active(db, ctx.now); !ok) return ok.error();
  if (auto ok = check_crdt_update(db.fields, body); !ok) return ok.error();
  if (auto ok = check_read_only(body, render_bdb(db, ctx.now)); !ok) return ok.error();
  if (auto ok = check_bdb_bindings(d, body); !ok) return ok.error();
  if (auto p = body.find("port");
      p != body.end() && *p != 0 && port_taken(d, p->get<std::uint64_t>(), uid)) {
    return failure{api_error::port_unavailable, "Port " + dump(*p) + " is not available"};
  }
  database next = db;
  for (const auto& [key, value] : body.items()) {
    if (is_read_only_bdb_field(key) || key == "shards_blueprint") continue;
    next.fields[key] = value;
  }
  if (auto v = body.find("redis_version"); v != body.end())
    next.fields["version"] = std::string(*full_redis_version(v->get_ref<const std::string&>()));
  follow_endpoints(next.fields, body, cluster, uid);
  next.changed_at = ctx.now;
  if (auto room = check_shard_room(d, next); !room) return room.error();
  return next;
}

}  // namespace

reply get_bdbs(const request_context& ctx, bdb_cache& bdbs) {
  if (!selects_fields(ctx)) return shared_reply(bdbs.list(ctx.state, ctx.now));
  json out = json::array();
  for (const auto& [uid, db] : ctx.state->data().databases) {
    if (!view_of(*db, ctx.now).visible) continue;
    out.push_back(select_fields(render_bdb(*db, ctx.now), ctx));
  }
  return json_reply(status::ok, out);
}

reply get_bdb(const request_context& ctx, bdb_cache& bdbs) {
  const auto uid = path_uid(ctx);
  if (uid && !selects_fields(ctx)) {
    if (auto text = bdbs.one(ctx.state, *uid, ctx.now)) return shared_reply(std::move(text));
    return error_reply(no_such_bdb(ctx));
  }
  const database* db = uid ? ctx.state->data().find_database(*uid, ctx.now) : nullptr;
  if (!db) return error_reply(no_such_bdb(ctx));
  return json_reply(status::ok, select_fields(render_bdb(*db, ctx.now), ctx));
}

reply create_bdb(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  const auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok = check_bdb_body(*body, bdb_body_kind::create, cluster.accept_unknown_fields); !ok)
    return error_reply(ok.error());
  if (auto ok = check_crdt_update(json::object(), *body); !ok) return error_reply(ok.error());
  if (dry_run(ctx)) {
    const registry_data d = ctx.state->data().settled_at(ctx.now);
    if (auto ok = check_bdb_bindings(d, *body); !ok) return error_reply(ok.error());
    const auto made = new_database(d, *body, ctx.now, cluster);
    if (!made) return error_reply(made.error());
    return bdb_reply(*made, ctx.now);
  }
  std::shared_ptr<const database> stored;  // as published: shared, not copied
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (auto ok = check_bdb_bindings(d, *body); !ok) return ok.error();
    auto made = new_database(d, *body, ctx.now, cluster);
    if (!made) return made.error();
    const std::uint64_t uid = made->uid;
    begin_operation(d, std::move(*made), "SMCreateBDB", ctx.now);
    stored = d.databases.at(uid);
    return {};
  });
  return written ? bdb_reply(*stored, ctx.now) : error_reply(written.error());
}

reply update_bdb(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_bdb(ctx));
  const auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok = check_bdb_body(*body, bdb_body_kind::update, cluster.accept_unknown_fields); !ok)
    return error_reply(ok.error());
  if (dry_run(ctx)) {
    const registry_data d = ctx.state->data().settled_at(ctx.now);
    if (auto ok = d.check_state_id(ctx.expected_state_id); !ok) return error_reply(ok.error());
    const auto merged = merged_database(d, *uid, *body, ctx, cluster);
    if (!merged) return error_reply(merged.error());
    return bdb_reply(*merged, ctx.now);
  }
  std::shared_ptr<const database> stored;  // as published: shared, not copied
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (auto ok = d.check_state_id(ctx.expected_state_id); !ok) return ok.error();
    auto merged = merged_database(d, *uid, *body, ctx, cluster);
    if (!merged) return merged.error();
    begin_operation(d, std::move(*merged), "SMUpdateBDB", ctx.now);
    stored = d.databases.at(*uid);
    return {};
  });
  return written ? bdb_reply(*stored, ctx.now) : error_reply(written.error());
}

reply delete_bdb(const request_context& ctx, registry& reg) {
  const auto started = start_operation(
      ctx, reg, "SMDeleteBDB",
      [](const registry_data&, database& db) -> result<> { return check_crdt_delete(db.fields); });
  if (!started) return error_reply(started.error());
  return bdb_reply(*started->db, ctx.now);
}

reply flush_bdb(const request_context& ctx, registry& reg) {
  const auto started = start_operation(ctx, reg, "SMFlushBDB", needs_active(ctx));
  if (!started) return error_reply(started.error());
  return action_uid_reply(started->action_uid);
}

std::vector<route> bdbs_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/bdbs", access::needs("view_all_bdbs_info"), uses<&get_bdbs>},
      {verb::post, "/v1/bdbs", access::needs("create_bdb"), uses<&create_bdb>},
      {verb::get, "/v1/bdbs/{uid}", access::needs("view_bdb_info"), uses<&get_bdb>},
      {verb::put, "/v1/bdbs/{uid}", access::needs("update_bdb"), uses<&update_bdb>},
      {verb::delete_, "/v1/bdbs/{uid}", access::needs("delete_bdb"), uses<&delete_bdb>},
      {verb::put, "/v1/bdbs/{uid}/flush", access::needs("update_bdb_with_action"),
       uses<&flush_bdb>},
  };
}

}  // namespace reemu
