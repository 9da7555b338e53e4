// The control API's databases room: the databases the emulated cluster
// holds, set and removed directly. A database set here is idle and active
// at once (no state machine runs); every change counts one change of the
// cluster's state, as the emulated routes' changes do.
#include "reemu/control/databases.hpp"

#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

failure no_such_database(const std::string& text) {
  return {api_error::db_not_exist, "Database " + text + " does not exist"};
}

// A body that is a database as GET /v1/bdbs shows it (`{"uid":7}` is one),
// checked as a seed is: every field the bdb object has must have its type;
// fields it does not have are kept.
std::optional<json> read_database_body(const request_context& ctx, failure& error) {
  auto body = read_body(ctx, error);
  if (!body) return std::nullopt;
  object_reader r(*body);
  r.unsigned_integer("uid", UINT32_MAX, true);
  if (r.failed()) {
    error = *r.error();
    return std::nullopt;
  }
  if (auto f = check_bdb_body(*body, bdb_body_kind::seed, true)) {
    error = {f->error == api_error::invalid_schema ? api_error::invalid_value : f->error,
             f->description};
    return std::nullopt;
  }
  return body;
}

// The inspection view: the stored record, the status at `now`, the object.
json inspect(const database& db, double now) {
  json out = database_record(db);
  const bdb_view v = view_of(db, now);
  out["status"] = v.status;
  out["busy"] = v.busy;
  out["bdb"] = render_bdb(db, now);
  return out;
}

}  // namespace

reply get_databases(const request_context& ctx) {
  json uids = json::array();
  for (const auto& [uid, db] : ctx.state->data().databases)
    if (view_of(*db, ctx.now).visible) uids.push_back(uid);
  return json_reply(status::ok, json{{"databases", uids}});
}

reply get_database(const request_context& ctx) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  const database* db = uid ? ctx.state->data().find_database(*uid, ctx.now) : nullptr;
  if (!db) return error_reply(no_such_database(text));
  return json_reply(status::ok, inspect(*db, ctx.now));
}

reply create_database(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  failure err;
  auto body = read_database_body(ctx, err);
  if (!body) return error_reply(err);
  database made;
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    const auto uid = (*body)["uid"].get<std::uint64_t>();
    if (d.find_database(uid, ctx.now)) {
      return failure{api_error::database_exists,
                     "database " + std::to_string(uid) + " already exists"};
    }
    made = database_from_object(*body, ctx.now, d, cluster);
    d.put_database(made);
    return std::nullopt;
  });
  return f ? error_reply(*f) : json_reply(status::created, render_bdb(made, ctx.now));
}

reply put_database(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  if (!uid || *uid == 0 || *uid > UINT32_MAX) {
    return error_reply(api_error::invalid_value,
                       "'" + text + "' is not a database uid (a whole number >= 1)");
  }
  failure err;
  auto in = read_body(ctx, err);
  if (!in) return error_reply(err);
  if (auto it = in->find("uid"); it != in->end() && *it != *uid)
    return error_reply(api_error::invalid_value, "'uid' " + it->dump() + " is not " + text);
  (*in)["uid"] = *uid;
  if (auto f = check_bdb_body(*in, bdb_body_kind::seed, true))
    return error_reply(api_error::invalid_value, f->description);
  database made;
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    made = database_from_object(*in, ctx.now, d, cluster);
    d.put_database(made);
    return std::nullopt;
  });
  return f ? error_reply(*f) : json_reply(status::ok, render_bdb(made, ctx.now));
}

reply delete_database(const request_context& ctx, registry& reg) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    if (!uid || d.databases.erase(*uid) == 0) return no_such_database(text);
    return std::nullopt;
  });
  return f ? error_reply(*f) : no_content();
}

std::vector<route> control_database_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/databases", admin, uses<&get_databases>},
      {verb::post, "/emulator/v1/databases", admin, uses<&create_database>},
      {verb::get, "/emulator/v1/databases/{uid}", admin, uses<&get_database>},
      {verb::put, "/emulator/v1/databases/{uid}", admin, uses<&put_database>},
      {verb::delete_, "/emulator/v1/databases/{uid}", admin, uses<&delete_database>},
  };
}

}  // namespace reemu
