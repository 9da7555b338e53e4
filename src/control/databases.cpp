// The control API's databases room: which databases the emulator knows.
#include "reemu/control/databases.hpp"

#include "reemu/model/registry.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

using http_t::status;

reply get_databases(const request_context& ctx) {
  return json_reply(status::ok, json{{"databases", ctx.state->data().databases}});
}

reply create_database(const request_context& ctx) {
  failure err;
  auto body = read_body(ctx, err);
  if (!body) return error_reply(err);
  object_reader r(*body);
  r.only({"uid"});
  const auto uid = r.unsigned_integer("uid", UINT32_MAX, true);
  if (r.failed()) return error_reply(*r.error());
  if (*uid == 0) return error_reply(api_error::invalid_value, "'uid' must be >= 1");
  auto f = ctx.svc->registry.update([&](registry_data& d) -> std::optional<failure> {
    if (!d.databases.insert(*uid).second) {
      return failure{api_error::database_exists,
                     "database " + std::to_string(*uid) + " already exists"};
    }
    return std::nullopt;
  });
  return f ? error_reply(*f) : json_reply(status::created, json{{"uid", *uid}});
}

reply delete_database(const request_context& ctx) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  auto f = ctx.svc->registry.update([&](registry_data& d) -> std::optional<failure> {
    if (!uid || d.databases.erase(*uid) == 0)
      return failure{api_error::db_not_exist, "Database " + text + " does not exist"};
    return std::nullopt;
  });
  return f ? error_reply(*f) : no_content();
}

std::vector<route> control_database_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/databases", admin, &get_databases},
      {verb::post, "/emulator/v1/databases", admin, &create_database},
      {verb::delete_, "/emulator/v1/databases/{uid}", admin, &delete_database},
  };
}

}  // namespace reemu
