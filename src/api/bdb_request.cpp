// The request plumbing the database routes share (api/bdb_request.hpp).
#include "reemu/api/bdb_request.hpp"

#include "reemu/model/operations.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

bool has_type(const json& value, body_type type) {
  switch (type) {
    case body_type::boolean:
      return value.is_boolean();
    case body_type::whole:
      return value.is_number_unsigned();
    case body_type::string:
      return value.is_string();
    case body_type::array:
      return value.is_array();
    case body_type::object:
      return value.is_object();
  }
  return false;
}

std::string_view type_name(body_type type) {
  switch (type) {
    case body_type::boolean:
      return "a boolean";
    case body_type::whole:
      return "a whole number";
    case body_type::string:
      return "a string";
    case body_type::array:
      return "an array";
    case body_type::object:
      return "an object";
  }
  return "";
}

}  // namespace

std::optional<std::uint64_t> path_uid(const request_context& ctx) {
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  if (!uid || *uid == 0) return std::nullopt;
  return uid;
}

failure no_such_bdb(const request_context& ctx) {
  return {api_error::db_not_exist, "Database " + ctx.param("uid") + " does not exist"};
}

failure no_such_node(std::string_view uid) {
  return {api_error::node_not_found, "Node " + std::string(uid) + " does not exist"};
}

failure no_such_shard(std::string_view uid) {
  return {api_error::shard_not_exist, "Shard " + std::string(uid) + " does not exist"};
}

bool dry_run(const request_context& ctx) {
  const auto it = ctx.query.find("dry_run");
  if (it == ctx.query.end()) return false;
  const auto p = *it;
  return !p.has_value || (p.value != "false" && p.value != "0");
}

result<json> read_bdb_body(const request_context& ctx, bool empty_is_object) {
  if (ctx.body.empty() && empty_is_object) return json::object();
  if (ctx.body.empty()) {
    return failure{api_error::invalid_schema,
                   "The request body must be a JSON object (it is empty)"};
  }
  auto j = parse_untrusted_json(ctx.body);
  if (!j) {
    return failure{api_error::invalid_schema,
                   "The request body is not valid JSON: " + j.error().description};
  }
  if (!j->is_object())
    return failure{api_error::invalid_schema, "The request body must be a JSON object"};
  return j;
}

result<> check_body_fields(const json& body, std::initializer_list<body_field> fields) {
  for (const auto& [key, value] : body.items()) {
    const body_field* known = nullptr;
    for (const body_field& f : fields)
      if (f.key == key) known = &f;
    if (!known) return failure{api_error::invalid_schema, "Field '" + key + "' is not allowed"};
    if (!has_type(value, known->type)) {
      return failure{api_error::invalid_schema,
                     "Field '" + key + "' must be " + std::string(type_name(known->type))};
    }
  }
  return {};
}

result<> check_active(const database& db, double now) {
  const bdb_view v = view_of(db, now);
  if (v.status == "active") return {};
  return failure{api_error::busy, "Database " + std::to_string(db.uid) + " is not active (" +
                                      std::string(v.status) + ")"};
}

operation_check needs_active(const request_context& ctx) {
  return [&ctx](const registry_data&, database& db) { return check_active(db, ctx.now); };
}

result<started_operation> start_operation(const request_context& ctx, registry& reg,
                                          std::string_view name, const operation_check& check,
                                          const placement_target& target) {
  const auto uid = path_uid(ctx);
  if (!uid) return no_such_bdb(ctx);
  started_operation out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto db = writable_database(d, *uid, ctx.now);
    if (!db) return db.error();
    database next = **db;
    if (check)
      if (auto ok = check(d, next); !ok) return ok.error();
    std::vector<shard_spot> placement = target ? target(d, next) : std::vector<shard_spot>{};
    out.action_uid = begin_operation(d, std::move(next), name, ctx.now, std::move(placement));
    out.db = d.databases.at(*uid);
    return {};
  });
  if (!written) return written.error();
  return out;
}

result<> write_or_dry_run(const request_context& ctx, registry& reg, bool dry,
                          const std::function<result<>(registry_data&)>& change) {
  if (!dry) return reg.update(ctx.now, change);
  registry_data copy = ctx.state->data().settled_at(ctx.now);
  return change(copy);
}

result<database> dry_run_operation(const request_context& ctx, const operation_check& check) {
  const auto uid = path_uid(ctx);
  if (!uid) return no_such_bdb(ctx);
  const registry_data& d = ctx.state->data();
  const auto db = writable_database(d, *uid, ctx.now);
  if (!db) return db.error();
  database out = **db;
  if (check)
    if (auto ok = check(d, out); !ok) return ok.error();
  return out;
}

reply action_uid_reply(const std::string& action_uid) {
  return json_reply(http_t::status::ok, json{{"action_uid", action_uid}});
}

}  // namespace reemu
