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

bool dry_run(const request_context& ctx) {
  const auto it = ctx.query.find("dry_run");
  if (it == ctx.query.end()) return false;
  const auto p = *it;
  return !p.has_value || (p.value != "false" && p.value != "0");
}

std::optional<json> read_bdb_body(const request_context& ctx, failure& error,
                                  bool empty_is_object) {
  if (ctx.body.empty() && empty_is_object) return json::object();
  failure parse_error;
  auto j = ctx.body.empty() ? std::nullopt : parse_untrusted_json(ctx.body, parse_error);
  if (!j || !j->is_object()) {
    error = {api_error::invalid_schema,
             ctx.body.empty() ? "The request body must be a JSON object (it is empty)"
             : j              ? "The request body must be a JSON object"
                              : "The request body is not valid JSON: " + parse_error.description};
    return std::nullopt;
  }
  return j;
}

std::optional<failure> check_body_fields(const json& body,
                                         std::initializer_list<body_field> fields) {
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
  return std::nullopt;
}

std::optional<failure> check_active(const database& db, double now) {
  const bdb_view v = view_of(db, now);
  if (v.status == "active") return std::nullopt;
  return failure{api_error::busy, "Database " + std::to_string(db.uid) + " is not active (" +
                                      std::string(v.status) + ")"};
}

operation_check needs_active(const request_context& ctx) {
  return [&ctx](const registry_data&, database& db) { return check_active(db, ctx.now); };
}

std::optional<failure> start_operation(const request_context& ctx, registry& reg,
                                       std::string_view name, const operation_check& check,
                                       started_operation& out) {
  const auto uid = path_uid(ctx);
  if (!uid) return no_such_bdb(ctx);
  return reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    failure err;
    const database* db = writable_database(d, *uid, ctx.now, err);
    if (!db) return err;
    database next = *db;
    if (check)
      if (auto f = check(d, next)) return f;
    out.action_uid = begin_operation(d, std::move(next), name, ctx.now);
    out.db = d.databases.at(*uid);
    return std::nullopt;
  });
}

std::optional<failure> dry_run_operation(const request_context& ctx, const operation_check& check,
                                         database& out) {
  const auto uid = path_uid(ctx);
  if (!uid) return no_such_bdb(ctx);
  const registry_data& d = ctx.state->data();
  failure err;
  const database* db = writable_database(d, *uid, ctx.now, err);
  if (!db) return err;
  out = *db;
  if (check) return check(d, out);
  return std::nullopt;
}

reply action_uid_reply(const std::string& action_uid) {
  return json_reply(http_t::status::ok, json{{"action_uid", action_uid}});
}

}  // namespace reemu
