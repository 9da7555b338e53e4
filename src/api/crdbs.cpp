// The Active-Active routes. Every change reads and checks its whole request
// first, then, in one registry::update, starts its CRDB task and does at
// once what a task that is to finish does to the CRDB and to the local
// database (model/crdb.hpp): a task that is to fail (a plan rule, an
// unreachable participant) changes nothing but its own record. A refused
// request changes nothing at all.
#include "reemu/api/crdbs.hpp"

#include <cmath>
#include <cstdint>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/crdb.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/util/identifiers.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

failure no_such_crdb(std::string_view guid) {
  return {api_error::crdb_not_found, "CRDB " + std::string(guid) + " does not exist"};
}

failure no_such_task(std::string_view id) {
  return {api_error::crdb_task_not_found, "Task " + std::string(id) + " does not exist"};
}

// The headers every task-creating route honours.
struct task_headers {
  std::string task_id;        // X-Task-ID; empty: one is drawn
  std::optional<double> ttl;  // X-Result-TTL, seconds
};

result<task_headers> read_task_headers(const request_context& ctx) {
  task_headers out;
  if (!ctx.task_id.empty()) {
    if (ctx.task_id.size() > max_identifier_length) {
      return failure{
          api_error::invalid_schema,
          "Header X-Task-ID must be 1 to " + std::to_string(max_identifier_length) + " characters"};
    }
    out.task_id = std::string(ctx.task_id);
  }
  if (!ctx.result_ttl.empty()) {
    const auto ttl = parse_number<std::uint64_t>(ctx.result_ttl);
    if (!ttl || *ttl > 31'536'000) {
      return failure{
          api_error::invalid_schema,
          "Header X-Result-TTL must be a whole number of seconds up to 31536000, got \"" +
              std::string(ctx.result_ttl) + "\""};
    }
    out.ttl = static_cast<double>(*ttl);
  }
  return out;
}

// The CRDB `guid` as the routes may change it, or the failure.
result<crdb*> listed_crdb(registry_data& d, const std::string& guid, double now) {
  const auto it = d.active_active.crdbs.find(guid);
  if (it == d.active_active.crdbs.end() || !crdb_visible(it->second, now))
    return no_such_crdb(guid);
  return &it->second;
}

// Starts CRDB task `operation` on `c` at `now`: its plan is plan_for's
// (object "crdb:<guid>"), its retention the TTL; when `remote` and one of
// the other participants is unreachable it fails at its first step with
// that cluster's error. The caller stores it.
result<crdb_task> begin_crdb_task(registry_data& d, const task_headers& h,
                                  std::string_view operation, const crdb& c, bool remote,
                                  double now) {
  crdb_task t;
  if (!h.task_id.empty()) {
    if (const auto it = d.active_active.tasks.find(h.task_id);
        it != d.active_active.tasks.end() && crdb_task_visible(it->second, now)) {
      return failure{api_error::crdb_task_id_exists, "Task " + h.task_id + " already exists"};
    }
    t.id = h.task_id;
  } else {
    t.id = d.ids.next();
  }
  t.crdb_guid = c.guid;
  t.operation = std::string(operation);
  t.started_at = now;
  simulate_plan fallback;
  fallback.steps = {"run"};  // only reached by a caller's mistake: no template
  t.plan = plan_for(d, operation, "crdb:" + c.guid).value_or(std::move(fallback));
  if (remote) {
    for (const auto& p : remote_participants(c)) {
      if (!d.active_active.unreachable.contains(p.url)) continue;
      t.plan.fails = true;
      t.plan.fail_at_step = 0;
      t.plan.error = "Failed to connect to cluster " + p.name + " at " + p.url;
      t.plan.error_code = "cluster_unreachable";
      t.error_cluster = p.name;
      break;
    }
  }
  if (t.plan.fails && t.error_cluster.empty()) {
    // A plan rule's failure: this cluster's.
    for (const auto& in : c.fields.value("instances", json::array())) {
      if (in.value("id", std::uint64_t{0}) == c.local_instance)
        t.error_cluster = in["cluster"].value("name", "");
    }
  }
  const double ttl = h.ttl.value_or(t.plan.retain_seconds);
  t.plan.retain_seconds = ttl;
  t.plan.retain_failed_seconds = ttl;
  return t;
}

// Stores `t` and answers it.
json store_task(registry_data& d, crdb_task t, double now) {
  const auto it = d.active_active.crdbs.find(t.crdb_guid);
  json out = render_crdb_task(t, it == d.active_active.crdbs.end() ? nullptr : &it->second, now);
  const std::string id = t.id;
  d.active_active.tasks.insert_or_assign(id, std::move(t));
  return out;
}

// The CRDT fields the local instance of `c` carries.
json crdt_fields(const crdb& c) {
  json sources = json::array();
  for (const auto& p : remote_participants(c)) {
    sources.push_back({{"client_cert", ""},
                       {"client_key", ""},
                       {"compression", 6},
                       {"encryption", c.fields.value("encryption", false)},
                       {"replication_tls_sni", ""},
                       {"server_cert", ""},
                       {"uid", p.id},
                       {"uri", p.url}});
  }
  return {{"crdt", true},
          {"crdt_guid", c.guid},
          {"crdt_replica_id", c.local_instance},
          {"crdt_sync", "enabled"},
          {"crdt_sources", std::move(sources)},
          {"crdt_config_version", 1},
          {"crdt_featureset_version", c.fields.value("featureset_version", 8)},
          {"crdt_protocol_version", c.fields.value("protocol_version", 1)},
          {"crdt_causal_consistency", c.fields.value("causal_consistency", false)}};
}

// Starts `machine` on the local database of `c` with `fields` merged (and
// the CRDT fields kept in step with the instances).
result<> start_local(registry_data& d, const crdb& c, std::string_view machine, const json& fields,
                     double now) {
  const auto db = writable_database(d, c.local_bdb, now);
  if (!db) return db.error();
  database next = **db;
  for (const auto& [key, value] : fields.items()) next.fields[key] = value;
  const json crdt = crdt_fields(c);  // kept alive: items() refers to it
  for (const auto& [key, value] : crdt.items()) next.fields[key] = value;
  next.changed_at = now;
  begin_operation(d, std::move(next), machine, now);
  return {};
}

// The body of a change route: an object, `{}` when empty.
result<json> change_body(const request_context& ctx, bool empty_is_object) {
  auto body = read_bdb_body(ctx, empty_is_object);
  if (!body) return body.error();
  return body;
}

// `c` as the next task starts from it: the fields of the last change asked
// for, no change pending.
crdb latest_view(const crdb& c) {
  crdb out = c;
  out.fields = crdb_latest_fields(c);
  out.changes.clear();
  return out;
}

// Runs one change of an existing CRDB: reads the headers, finds the CRDB,
// starts `operation` on its latest fields, and when the task is to finish
// applies `effect` (the local database's machine starts at once) and keeps
// the fields it made as a change shown from the task's end.
reply change_crdb(const request_context& ctx, registry& reg, std::string_view operation,
                  bool remote, const std::function<result<>(registry_data&, crdb&)>& effect) {
  const auto headers = read_task_headers(ctx);
  if (!headers) return error_reply(headers.error());
  const std::string& guid = ctx.param("crdb_guid");
  json answer;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto c = listed_crdb(d, guid, ctx.now);
    if (!c) return c.error();
    if ((*c)->gone_at != forever) {
      return failure{api_error::crdb_not_accepted,
                     "The request cannot be accepted: CRDB " + guid + " is being deleted"};
    }
    crdb work = latest_view(**c);
    auto t = begin_crdb_task(d, *headers, operation, work, remote, ctx.now);
    if (!t) return t.error();
    if (crdb_task_completes(*t)) {
      if (auto ok = effect(d, work); !ok) return ok.error();
      if (work.fields != crdb_latest_fields(**c))
        (*c)->changes.push_back({t->id, crdb_task_end(*t), std::move(work.fields)});
    }
    answer = store_task(d, std::move(*t), ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, answer) : error_reply(written.error());
}

// A source's lag in whole milliseconds: 0 while it syncs, else since it
// became unreachable.
std::int64_t lag_milliseconds(bool syncing, double now, double since) {
  return syncing ? 0 : static_cast<std::int64_t>(std::llround((now - since) * 1000));
}

json dry_run_task(std::string_view operation) {
  return {{"crdb_guid", ""},
          {"id", ""},
          {"operation", operation},
          {"status", "finished"},
          {"worker_name", "crdb_worker:1:0"}};
}

}  // namespace

reply get_crdbs(const request_context& ctx) {
  json list = json::array();
  for (const auto& [guid, c] : ctx.state->data().active_active.crdbs)
    if (crdb_visible(c, ctx.now)) list.push_back(crdb_fields_at(c, ctx.now));
  return json_reply(status::ok, json{{"crdbs", std::move(list)}});
}

reply get_crdb(const request_context& ctx) {
  const auto& crdbs = ctx.state->data().active_active.crdbs;
  const std::string& guid = ctx.param("crdb_guid");
  const auto it = crdbs.find(guid);
  if (it == crdbs.end() || !crdb_visible(it->second, ctx.now))
    return error_reply(no_such_crdb(guid));
  return json_reply(status::ok, crdb_fields_at(it->second, ctx.now));
}

reply create_crdb(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  const auto body = change_body(ctx, false);
  if (!body) return error_reply(body.error());
  const auto headers = read_task_headers(ctx);
  if (!headers) return error_reply(headers.error());
  auto request = read_crdb_create(*body, cluster.name, "");
  if (!request) return error_reply(request.error());

  // The local database as its create would make it; the CRDT fields are
  // the cluster's, so they are not checked as a client's.
  const auto make_local = [&](registry_data& d, const crdb& c) -> result<database> {
    json fields = request->local_db;
    const json crdt = crdt_fields(c);  // kept alive: items() refers to it
    for (const auto& [key, value] : crdt.items()) fields[key] = value;
    return new_database(d, fields, ctx.now, cluster);
  };
  if (dry_run(ctx)) {
    registry_data d = ctx.state->data().settled_at(ctx.now);
    crdb c;
    c.guid = "dry-run";
    c.fields = request->object;
    c.local_instance = request->local_instance;
    if (auto made = make_local(d, c); !made) return error_reply(made.error());
    return json_reply(status::ok, dry_run_task("create_crdb"));
  }

  json answer;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    crdb c;
    c.guid = request->object["guid"].get<std::string>();
    if (c.guid.empty()) c.guid = d.ids.next();
    if (d.active_active.crdbs.contains(c.guid)) {
      return failure{api_error::crdb_not_accepted,
                     "The request cannot be accepted: CRDB " + c.guid + " already exists"};
    }
    c.fields = request->object;
    c.fields["guid"] = c.guid;
    c.local_instance = request->local_instance;
    auto made = make_local(d, c);
    if (!made) return made.error();
    auto t = begin_crdb_task(d, *headers, "create_crdb", c, true, ctx.now);
    if (!t) return t.error();
    if (crdb_task_completes(*t)) {
      c.local_bdb = made->uid;
      const std::string uid = std::to_string(made->uid);
      c.fields["local_databases"] = json::array({{{"bdb_uid", uid}, {"id", c.local_instance}}});
      c.fields["instances"][c.local_instance - 1]["db_uid"] = uid;
      begin_operation(d, std::move(*made), "SMCreateBDB", ctx.now);
      c.visible_from = crdb_task_end(*t);
    } else {
      // Never listed; dropped once its task has failed.
      c.gone_at = crdb_task_end(*t);
    }
    const std::string guid = c.guid;
    d.active_active.crdbs.insert_or_assign(guid, std::move(c));
    answer = store_task(d, std::move(*t), ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, answer) : error_reply(written.error());
}

reply patch_crdb(const request_context& ctx, registry& reg) {
  const auto body = change_body(ctx, false);
  if (!body) return error_reply(body.error());
  const auto patch = read_crdb_patch(*body);
  if (!patch) return error_reply(patch.error());
  return change_crdb(ctx, reg, "update_crdb", true, [&](registry_data& d, crdb& c) -> result<> {
    c.fields = patched_crdb_fields(c.fields, *patch);
    json local = patch->value("default_db_config", json::object());
    if (auto it = patch->find("name"); it != patch->end() && !local.contains("name"))
      local["name"] = *it;
    return start_local(d, c, "SMUpdateBDB", local, ctx.now);
  });
}

reply update_crdb_instances(const request_context& ctx, registry& reg) {
  const auto body = change_body(ctx, false);
  if (!body) return error_reply(body.error());
  // The body is checked against the CRDB it changes, inside the write;
  // a dry run checks it against the request's snapshot.
  if (dry_run(ctx)) {
    const auto& crdbs = ctx.state->data().active_active.crdbs;
    const std::string& guid = ctx.param("crdb_guid");
    const auto it = crdbs.find(guid);
    if (it == crdbs.end() || !crdb_visible(it->second, ctx.now))
      return error_reply(no_such_crdb(guid));
    if (auto ok = read_crdb_updates(*body, latest_view(it->second)); !ok)
      return error_reply(ok.error());
    return json_reply(status::ok, dry_run_task("modify_crdb"));
  }
  // Checked first on the snapshot so that a bad body is a 400 even when the
  // task is to fail.
  {
    const auto& crdbs = ctx.state->data().active_active.crdbs;
    const auto it = crdbs.find(ctx.param("crdb_guid"));
    if (it != crdbs.end()) {
      if (auto ok = read_crdb_updates(*body, latest_view(it->second)); !ok)
        return error_reply(ok.error());
    }
  }
  return change_crdb(ctx, reg, "modify_crdb", true, [&](registry_data& d, crdb& c) -> result<> {
    auto update = read_crdb_updates(*body, c);
    if (!update) return update.error();
    c.fields = std::move(update->fields);
    json local = update->local_db;
    if (body->contains("crdb") && (*body)["crdb"].contains("name") && !local.contains("name"))
      local["name"] = (*body)["crdb"]["name"];
    return start_local(d, c, "SMUpdateBDB", local, ctx.now);
  });
}

reply delete_crdb(const request_context& ctx, registry& reg) {
  const auto headers = read_task_headers(ctx);
  if (!headers) return error_reply(headers.error());
  const std::string& guid = ctx.param("crdb_guid");
  json answer;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto c = listed_crdb(d, guid, ctx.now);
    if (!c) return c.error();
    if ((*c)->gone_at != forever) {
      return failure{api_error::crdb_not_accepted,
                     "The request cannot be accepted: the GUID " + guid + " is already deleted"};
    }
    auto t = begin_crdb_task(d, *headers, "delete_crdb", latest_view(**c), true, ctx.now);
    if (!t) return t.error();
    if (crdb_task_completes(*t)) {
      // The local database goes with it (its SMDeleteBDB runs at once).
      if (const database* db = d.find_database((*c)->local_bdb, ctx.now)) {
        if (view_of(*db, ctx.now).busy) {
          return failure{api_error::busy, "Database " + std::to_string(db->uid) +
                                              " is busy with another configuration change; "
                                              "try again later"};
        }
        begin_operation(d, *db, "SMDeleteBDB", ctx.now);
      }
      (*c)->gone_at = crdb_task_end(*t);
    }
    answer = store_task(d, std::move(*t), ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, answer) : error_reply(written.error());
}

reply flush_crdb(const request_context& ctx, registry& reg) {
  const auto body = change_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (!body->empty()) {
    return error_reply(api_error::invalid_schema,
                       "Field '" + body->begin().key() + "' is not allowed: flush takes no body");
  }
  return change_crdb(ctx, reg, "flush_crdb", true, [&](registry_data& d, crdb& c) -> result<> {
    return start_local(d, c, "SMFlushBDB", json::object(), ctx.now);
  });
}

reply purge_crdb(const request_context& ctx, registry& reg) {
  const auto body = change_body(ctx, false);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, {{"instances", body_type::array}}); !ok)
    return error_reply(ok.error());
  const auto it = body->find("instances");
  if (it == body->end() || it->empty())
    return error_reply(api_error::invalid_schema, "Field 'instances' must list instance ids");
  for (const auto& id : *it) {
    if (!id.is_number_unsigned())
      return error_reply(api_error::invalid_schema, "Field 'instances' must list instance ids");
  }
  // Purging runs on this cluster only: no participant is contacted.
  return change_crdb(ctx, reg, "purge_crdb", false,
                     [](registry_data&, crdb&) -> result<> { return {}; });
}

reply upgrade_crdb(const request_context& ctx, registry& reg) {
  const auto body = change_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, {{"preserve_roles", body_type::boolean},
                                          {"may_discard_data", body_type::boolean},
                                          {"force_discard", body_type::boolean},
                                          {"force_restart", body_type::boolean},
                                          {"keep_crdt_protocol_version", body_type::boolean},
                                          {"parallel_shards_upgrade", body_type::whole},
                                          {"redis_version", body_type::string},
                                          {"modules", body_type::array}});
      !ok)
    return error_reply(ok.error());
  return change_crdb(ctx, reg, "upgrade_crdb", true, [&](registry_data& d, crdb& c) -> result<> {
    return start_local(d, c, "SMUpgradeBDB", json::object(), ctx.now);
  });
}

reply get_crdb_health_report(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const std::string& guid = ctx.param("crdb_guid");
  const auto it = d.active_active.crdbs.find(guid);
  if (it == d.active_active.crdbs.end() || !crdb_visible(it->second, ctx.now))
    return error_reply(no_such_crdb(guid));
  const crdb c = crdb_at(it->second, ctx.now);
  json instances = json::array();
  bool healthy = true;
  for (const auto& in : c.fields.value("instances", json::array())) {
    const std::string url = in["cluster"].value("url", "");
    const bool reachable = !d.active_active.unreachable.contains(url);
    healthy = healthy && reachable;
    instances.push_back({{"cluster_name", in["cluster"].value("name", "")},
                         {"id", in.value("id", std::uint64_t{0})},
                         {"local", in.value("id", std::uint64_t{0}) == c.local_instance},
                         {"reachable", reachable},
                         {"url", url}});
  }
  return json_reply(status::ok, json{{"crdb_guid", c.guid},
                                     {"instances", std::move(instances)},
                                     {"name", c.fields.value("name", "")},
                                     {"status", healthy ? "healthy" : "degraded"},
                                     {"time", rfc3339(ctx.now)}});
}

reply get_crdb_tasks(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  json list = json::array();
  for (const auto& [id, t] : d.active_active.tasks) {
    if (!crdb_task_visible(t, ctx.now)) continue;
    const auto c = d.active_active.crdbs.find(t.crdb_guid);
    list.push_back(
        render_crdb_task(t, c == d.active_active.crdbs.end() ? nullptr : &c->second, ctx.now));
  }
  return json_reply(status::ok, list);
}

reply get_crdb_task(const request_context& ctx, registry& reg) {
  const std::string& id = ctx.param("task_id");
  const auto render = [&](const registry_data& d) -> result<json> {
    const auto it = d.active_active.tasks.find(id);
    if (it == d.active_active.tasks.end() || !crdb_task_visible(it->second, ctx.now))
      return no_such_task(id);
    const auto c = d.active_active.crdbs.find(it->second.crdb_guid);
    return render_crdb_task(it->second, c == d.active_active.crdbs.end() ? nullptr : &c->second,
                            ctx.now);
  };
  if (ctx.result_ttl.empty()) {
    const auto task = render(ctx.state->data());
    return task ? json_reply(status::ok, *task) : error_reply(task.error());
  }
  // X-Result-TTL on a read keeps the result that long from now (from its
  // end while the task runs; docs/compatibility.md).
  const auto headers = read_task_headers(ctx);
  if (!headers) return error_reply(headers.error());
  json answer;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto task = render(d);
    if (!task) return task.error();
    crdb_task& t = d.active_active.tasks.at(id);
    const live_state s = evaluate(t.plan, t.started_at, ctx.now);
    const double keep = is_running(s.phase) ? *headers->ttl : ctx.now - s.ended_at + *headers->ttl;
    t.plan.retain_seconds = keep;
    t.plan.retain_failed_seconds = keep;
    answer = std::move(*task);
    return {};
  });
  return written ? json_reply(status::ok, answer) : error_reply(written.error());
}

reply cancel_crdb_task(const request_context& ctx, registry& reg) {
  const std::string& id = ctx.param("task_id");
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto it = d.active_active.tasks.find(id);
    if (it == d.active_active.tasks.end() || !crdb_task_visible(it->second, ctx.now))
      return no_such_task(id);
    crdb_task& t = it->second;
    // Only a queued task can be cancelled; a started one is committing,
    // and a delete commits when it is asked (docs/compatibility.md).
    if (crdb_task_status(t, ctx.now) != "queued" || t.operation == "delete_crdb") {
      return failure{api_error::crdb_task_not_cancelable,
                     "Task " + id + " cannot be canceled: it is " +
                         std::string(crdb_task_status(t, ctx.now)) +
                         (t.operation == "delete_crdb" ? " (a delete commits at once)" : "")};
    }
    const bool completes = crdb_task_completes(t);
    t.plan.cancel_after = ctx.now - t.started_at;
    // Its change of the CRDB is not shown (its database's machine runs on).
    if (const auto c = d.active_active.crdbs.find(t.crdb_guid); c != d.active_active.crdbs.end()) {
      std::erase_if(c->second.changes,
                    [&](const crdb_change& change) { return change.task_id == id; });
    }
    // A cancelled create leaves no CRDB, and its local database goes.
    if (t.operation == "create_crdb" && completes) {
      const auto c = d.active_active.crdbs.find(t.crdb_guid);
      if (c != d.active_active.crdbs.end()) {
        c->second.visible_from = forever;
        c->second.gone_at = ctx.now;
        if (const database* db = d.find_database(c->second.local_bdb, ctx.now))
          begin_operation(d, *db, "SMDeleteBDB", ctx.now);
      }
    }
    return {};
  });
  if (!written) return error_reply(written.error());
  reply r;
  r.status = status::ok;
  return r;
}

reply get_sync_source_stats(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const registry_data& d = ctx.state->data();
  if (!uid || !d.find_database(*uid, ctx.now)) return error_reply(no_such_bdb(ctx));
  json list = json::array();
  for (const auto& entry : d.active_active.crdbs) {
    if (entry.second.local_bdb != *uid || !crdb_visible(entry.second, ctx.now)) continue;
    const crdb c = crdb_at(entry.second, ctx.now);
    const double stime = std::floor(ctx.now) - 1;
    for (const auto& p : remote_participants(c)) {
      const auto down = d.active_active.unreachable.find(p.url);
      const bool syncing = down == d.active_active.unreachable.end();
      const std::int64_t lag_ms =
          lag_milliseconds(syncing, ctx.now, syncing ? ctx.now : down->second);
      list.push_back(
          {{"intervals", json::array({{{"etime", rfc3339(stime + 1)},
                                       {"ingress_bytes", syncing ? 1024 : 0},
                                       {"ingress_bytes_decompressed", syncing ? 4096 : 0},
                                       {"interval", "1sec"},
                                       {"local_ingress_lag_time", lag_ms},
                                       {"stime", rfc3339(stime)}}})},
           {"uid", std::to_string(p.id)}});
    }
  }
  return json_reply(status::ok, json{{"sync_source_stats", std::move(list)}});
}

reply get_syncer_state(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const registry_data& d = ctx.state->data();
  if (!uid || !d.find_database(*uid, ctx.now)) return error_reply(no_such_bdb(ctx));
  for (const auto& entry : d.active_active.crdbs) {
    if (entry.second.local_bdb != *uid || !crdb_visible(entry.second, ctx.now)) continue;
    const crdb c = crdb_at(entry.second, ctx.now);
    json sources = json::array();
    for (const auto& p : remote_participants(c)) {
      const auto down = d.active_active.unreachable.find(p.url);
      const bool syncing = down == d.active_active.unreachable.end();
      const double since = syncing ? ctx.now : down->second;
      sources.push_back({{"id", p.id},
                         {"last_error", syncing ? "" : "Failed to connect to " + p.url},
                         {"last_update", rfc3339(since)},
                         {"lag", lag_milliseconds(syncing, ctx.now, since)},
                         {"name", p.name},
                         {"status", syncing ? "in-sync" : "out-of-sync"},
                         {"uri", p.url}});
    }
    return json_reply(
        status::ok,
        json{{"DB", *uid},
             {"RunID", static_cast<std::uint64_t>(std::max(0.0, std::floor(c.visible_from)))},
             {"crdt_guid", c.guid},
             {"replica_id", c.local_instance},
             {"sources", std::move(sources)}});
  }
  return error_reply(api_error::syncer_state_not_found, "Syncer state key does not exist");
}

std::vector<route> crdbs_routes() {
  using http_t::verb;
  const access update = access::needs("update_crdb");
  return {
      {verb::get, "/v1/crdbs", access::needs("view_crdb_list"), uses<&get_crdbs>},
      {verb::post, "/v1/crdbs", access::needs("create_crdb"), uses<&create_crdb>},
      {verb::get, "/v1/crdbs/{crdb_guid}", access::needs("view_crdb"), uses<&get_crdb>},
      {verb::patch, "/v1/crdbs/{crdb_guid}", update, uses<&patch_crdb>},
      {verb::delete_, "/v1/crdbs/{crdb_guid}", access::needs("delete_crdb"), uses<&delete_crdb>},
      {verb::post, "/v1/crdbs/{crdb_guid}/updates", update, uses<&update_crdb_instances>},
      {verb::put, "/v1/crdbs/{crdb_guid}/flush", access::needs("flush_crdb"), uses<&flush_crdb>},
      {verb::put, "/v1/crdbs/{crdb_guid}/purge", access::needs("purge_instance"),
       uses<&purge_crdb>},
      {verb::post, "/v1/crdbs/{crdb_guid}/upgrade", access::needs("upgrade_crdb"),
       uses<&upgrade_crdb>},
      {verb::get, "/v1/crdbs/{crdb_guid}/health_report", access::needs("view_crdb"),
       uses<&get_crdb_health_report>},
      {verb::get, "/v1/crdb_tasks", access::needs("view_crdb_task_list"), uses<&get_crdb_tasks>},
      {verb::get, "/v1/crdb_tasks/{task_id}", access::needs("view_crdb_task"),
       uses<&get_crdb_task>},
      // The reference names no permission for cancel: update_crdb's roles.
      {verb::post, "/v1/crdb_tasks/{task_id}/actions/cancel", update, uses<&cancel_crdb_task>},
      {verb::get, "/v1/bdbs/{uid}/sync_source_stats", access::needs("view_bdb_stats"),
       uses<&get_sync_source_stats>},
      {verb::get, "/v1/bdbs/{uid}/syncer_state", access::needs("view_bdb_info"),
       uses<&get_syncer_state>},
      {verb::get, "/v1/bdbs/{uid}/syncer_state/crdt", access::needs("view_bdb_info"),
       uses<&get_syncer_state>},
  };
}

}  // namespace reemu
