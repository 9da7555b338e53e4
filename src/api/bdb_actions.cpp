// The per-database action routes. Each write reads and checks its whole
// request first, then starts its operation through start_operation (one
// registry::update), so a refused request changes nothing; a dry run
// answers from the request's snapshot and changes nothing either.
#include "reemu/api/bdb_actions.hpp"

#include <boost/beast/core/string.hpp>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/blueprint.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// Starts `name` on an active database and answers its action_uid.
reply start_on_active(const request_context& ctx, registry& reg, std::string_view name) {
  const auto started = start_operation(ctx, reg, name, needs_active(ctx));
  if (!started) return error_reply(started.error());
  return action_uid_reply(started->action_uid);
}

// Whether the query asks `flag` (`?only_failovers`, `=true`, `=1`).
bool query_flag(const request_context& ctx, std::string_view flag) {
  const auto it = ctx.query.find(flag);
  if (it == ctx.query.end()) return false;
  const auto p = *it;
  return !p.has_value || (p.value != "false" && p.value != "0");
}

// Where a rebalance or revamp puts the shards: where a fresh placement puts
// them on the cluster's nodes (what the dry run answers). With
// `only_failovers` (a rebalance's query) only the roles go back to that
// placement's and every shard stays on its node.
placement_target balanced_placement(const request_context& ctx, bool only_failovers) {
  return [&ctx, only_failovers](const registry_data& d, const database& db) {
    const node_map nodes = nodes_at(d.nodes, ctx.now);
    std::vector<shard_spot> target = default_placement(shape_of(db.fields), db.uid, nodes);
    if (!only_failovers) return target;
    std::vector<shard_spot> out = placement_at(db, nodes, ctx.now);
    for (std::size_t i = 0; i < out.size() && i < target.size(); ++i)
      out[i].master = target[i].master;
    return out;
  };
}

// A blueprint answer: the array, with the cluster-state-id header every
// answer carries. The shards are placed where `target` puts them.
reply blueprint_reply(const request_context& ctx, const database& db,
                      const placement_target& target) {
  return json_reply(status::ok,
                    shards_blueprint(shape_of(db.fields), target(ctx.state->data(), db)));
}

// The revamp body: the placement subset of a bdb; shards_count >= 1.
result<> check_revamp_body(const json& body) {
  if (auto ok = check_body_fields(body, {{"avoid_nodes", body_type::array},
                                         {"bigstore_ram_size", body_type::whole},
                                         {"memory_size", body_type::whole},
                                         {"replication", body_type::boolean},
                                         {"shards_count", body_type::whole},
                                         {"shards_placement", body_type::string}});
      !ok)
    return ok.error();
  if (auto ok = check_bdb_body(body, bdb_body_kind::update, false); !ok) return ok.error();
  if (auto it = body.find("shards_count"); it != body.end() && *it == 0)
    return failure{api_error::invalid_schema, "Field 'shards_count' must be >= 1"};
  return {};
}

// Applies a checked revamp body to an active database: the placement
// fields change at once, avoid_nodes is a request, not a field.
operation_check revamp_check(const request_context& ctx, const json& body) {
  return [&ctx, &body](const registry_data& d, database& db) -> result<> {
    if (auto ok = check_active(db, ctx.now); !ok) return ok.error();
    for (const auto& [key, value] : body.items())
      if (key != "avoid_nodes") db.fields[key] = value;
    db.changed_at = ctx.now;
    return check_shard_room(d, db);
  };
}

// The optimize query's shards_count and replication over the database's.
result<> apply_placement_query(const request_context& ctx, json& fields) {
  if (auto it = ctx.query.find("shards_count"); it != ctx.query.end()) {
    const auto count = parse_number<std::uint64_t>((*it).value);
    if (!count || *count == 0 || *count > max_shards_count) {
      return failure{
          api_error::invalid_schema,
          "Parameter shards_count must be a number from 1 to " + std::to_string(max_shards_count)};
    }
    fields["shards_count"] = *count;
  }
  if (auto it = ctx.query.find("replication"); it != ctx.query.end()) {
    const std::string value = (*it).value;
    if (value != "true" && value != "false")
      return failure{api_error::invalid_schema, "Parameter replication must be true or false"};
    fields["replication"] = value == "true";
  }
  return {};
}

// The upgrade body of the reference; redis_version among the known ones.
result<> check_upgrade_body(const json& body) {
  if (auto ok = check_body_fields(body, {{"force_discard", body_type::boolean},
                                         {"force_restart", body_type::boolean},
                                         {"keep_crdt_protocol_version", body_type::boolean},
                                         {"keep_redis_version", body_type::boolean},
                                         {"latest_with_modules", body_type::boolean},
                                         {"may_discard_data", body_type::boolean},
                                         {"modules", body_type::array},
                                         {"parallel_shards_upgrade", body_type::whole},
                                         {"preserve_roles", body_type::boolean},
                                         {"redis_version", body_type::string},
                                         {"swap_roles", body_type::boolean}});
      !ok)
    return ok.error();
  if (auto it = body.find("redis_version");
      it != body.end() && !full_redis_version(it->get_ref<const std::string&>())) {
    return failure{api_error::invalid_version,
                   "Redis version " + it->get<std::string>() + " is not available"};
  }
  return {};
}

// Every element of array `key` is an object with a string `type`: the
// export location and import sources.
result<> check_locations(const json& body, const std::string& key) {
  const auto it = body.find(key);
  const bool many = key == "dataset_import_sources";
  if (it == body.end() || (many && it->empty()))
    return failure{api_error::invalid_schema, "Field '" + key + "' is required"};
  for (const json& location : many ? *it : json::array({*it})) {
    const auto type = location.is_object() ? location.find("type") : location.end();
    if (!location.is_object() || type == location.end() || !type->is_string()) {
      return failure{api_error::invalid_schema,
                     "Field '" + key + "' must hold objects with a string 'type'"};
    }
  }
  return {};
}

// Starts an export or import (`name`) on an active database once `body`
// passed `check`.
reply start_transfer(const request_context& ctx, registry& reg, std::string_view name,
                     std::initializer_list<body_field> fields, const std::string& location_key) {
  auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, fields); !ok) return error_reply(ok.error());
  if (auto ok = check_locations(*body, location_key); !ok) return error_reply(ok.error());
  return start_on_active(ctx, reg, name);
}

}  // namespace

reply rebalance_bdb(const request_context& ctx, registry& reg) {
  // The body, if any, is not read: sre sends none, rs sends {}.
  const placement_target target = balanced_placement(ctx, query_flag(ctx, "only_failovers"));
  if (!dry_run(ctx)) {
    const auto started = start_operation(ctx, reg, "SMUpdateBDB", needs_active(ctx), target);
    if (!started) return error_reply(started.error());
    return action_uid_reply(started->action_uid);
  }
  const auto db = dry_run_operation(ctx, needs_active(ctx));
  if (!db) return error_reply(db.error());
  return blueprint_reply(ctx, *db, target);
}

reply revamp_bdb(const request_context& ctx, registry& reg) {
  auto body = read_bdb_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (auto ok = check_revamp_body(*body); !ok) return error_reply(ok.error());
  const operation_check check = revamp_check(ctx, *body);
  const placement_target target = balanced_placement(ctx, false);
  if (dry_run(ctx)) {
    const auto db = dry_run_operation(ctx, check);
    if (!db) return error_reply(db.error());
    return blueprint_reply(ctx, *db, target);
  }
  const auto started = start_operation(ctx, reg, "SMUpdateBDB", check, target);
  if (!started) return error_reply(started.error());
  return action_uid_reply(started->action_uid);
}

reply optimize_placement(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const database* db = uid ? ctx.state->data().find_database(*uid, ctx.now) : nullptr;
  if (!db) return error_reply(no_such_bdb(ctx));
  json fields = db->fields;
  if (auto ok = apply_placement_query(ctx, fields); !ok) return error_reply(ok.error());
  return json_reply(
      status::ok, shards_blueprint_of(fields, db->uid, nodes_at(ctx.state->data().nodes, ctx.now)));
}

reply upgrade_bdb(const request_context& ctx, registry& reg) {
  auto body = read_bdb_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (auto ok = check_upgrade_body(*body); !ok) return error_reply(ok.error());
  const operation_check check = [&](const registry_data&, database& db) -> result<> {
    if (auto ok = check_active(db, ctx.now); !ok) return ok.error();
    if (auto v = body->find("redis_version"); v != body->end()) {
      db.fields["redis_version"] = *v;
      db.fields["version"] = std::string(*full_redis_version(v->get_ref<const std::string&>()));
    }
    db.changed_at = ctx.now;
    return {};
  };
  const auto started = start_operation(ctx, reg, "SMUpgradeBDB", check);
  if (!started) return error_reply(started.error());
  return json_reply(status::ok, render_bdb(*started->db, ctx.now));
}

reply stop_traffic(const request_context& ctx, registry& reg) {
  return start_on_active(ctx, reg, "SMStopTrafficBDB");
}

reply resume_traffic(const request_context& ctx, registry& reg) {
  return start_on_active(ctx, reg, "SMResumeTrafficBDB");
}

reply get_recovery_plan(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  if (!uid || !ctx.state->data().find_database(*uid, ctx.now)) return error_reply(no_such_bdb(ctx));
  // No shard keeps persistence files here, so the plan has none to list.
  return json_reply(status::ok, json{{"data_files", json::array()}, {"status", "ready"}});
}

reply recover_bdb(const request_context& ctx, registry& reg) {
  auto body = read_bdb_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, {{"data_files", body_type::array},
                                          {"ignore_errors", body_type::boolean},
                                          {"recover_without_data", body_type::boolean}});
      !ok)
    return error_reply(ok.error());
  // Any database that is not busy: recovery is how one whose create failed
  // becomes active.
  const auto started = start_operation(ctx, reg, "SMRecoverBDB", {});
  if (!started) return error_reply(started.error());
  return action_uid_reply(started->action_uid);
}

reply export_bdb(const request_context& ctx, registry& reg) {
  return start_transfer(
      ctx, reg, "export_bdb",
      {{"export_location", body_type::object}, {"email_notification", body_type::boolean}},
      "export_location");
}

reply import_bdb(const request_context& ctx, registry& reg) {
  return start_transfer(
      ctx, reg, "import_bdb",
      {{"dataset_import_sources", body_type::array}, {"email_notification", body_type::boolean}},
      "dataset_import_sources");
}

reply bdb_command(const request_context& ctx) {
  auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok =
          check_body_fields(*body, {{"command", body_type::string}, {"args", body_type::array}});
      !ok)
    return error_reply(ok.error());
  if (!body->contains("command"))
    return error_reply(api_error::invalid_schema, "Field 'command' is required");
  const auto uid = path_uid(ctx);
  const database* db = uid ? ctx.state->data().find_database(*uid, ctx.now) : nullptr;
  if (!db) return error_reply(no_such_bdb(ctx));
  // The database serves while it is active, changes included; before its
  // create completes, after it failed, while it is recovered, deleted or imports, not.
  const std::string_view state = view_of(*db, ctx.now).status;
  if (state != "active" && state != "active-change-pending") {
    return error_reply(api_error::busy, "Database " + std::to_string(*uid) +
                                            " is not ready for commands (" + std::string(state) +
                                            ")");
  }
  const auto& command = (*body)["command"].get_ref<const std::string&>();
  if (!boost::beast::iequals(command, "PING")) {
    return error_reply(api_error::invalid_schema,
                       "Command '" + command + "' is not emulated (only PING is)");
  }
  return json_reply(status::ok, json{{"response", true}});
}

std::vector<route> bdb_action_routes() {
  using http_t::verb;
  constexpr auto with_action = access::needs("update_bdb_with_action");
  return {
      {verb::put, "/v1/bdbs/{uid}/actions/rebalance", with_action, uses<&rebalance_bdb>},
      {verb::put, "/v1/bdbs/{uid}/actions/revamp", with_action, uses<&revamp_bdb>},
      {verb::get, "/v1/bdbs/{uid}/actions/optimize_shards_placement",
       access::needs("view_bdb_info"), uses<&optimize_placement>},
      {verb::post, "/v1/bdbs/{uid}/upgrade", with_action, uses<&upgrade_bdb>},
      {verb::post, "/v1/bdbs/{uid}/actions/stop_traffic", with_action, uses<&stop_traffic>},
      {verb::post, "/v1/bdbs/{uid}/actions/resume_traffic", with_action, uses<&resume_traffic>},
      {verb::get, "/v1/bdbs/{uid}/actions/recover", access::needs("view_bdb_recovery_plan"),
       uses<&get_recovery_plan>},
      {verb::post, "/v1/bdbs/{uid}/actions/recover", access::needs("start_bdb_recovery"),
       uses<&recover_bdb>},
      {verb::post, "/v1/bdbs/{uid}/actions/export", access::needs("start_bdb_export"),
       uses<&export_bdb>},
      {verb::post, "/v1/bdbs/{uid}/actions/import", access::needs("start_bdb_import"),
       uses<&import_bdb>},
      {verb::post, "/v1/bdbs/{uid}/command", with_action, uses<&bdb_command>},
  };
}

}  // namespace reemu
