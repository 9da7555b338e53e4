// The control API's users room: who may call the emulated API, with which
// role.
#include "reemu/control/users.hpp"

#include "reemu/auth/auth.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/identifiers.hpp"

namespace reemu {

namespace {

using http_t::status;

json user_body(const user& u) { return json{{"email", u.email}, {"role", to_string(u.role)}}; }

// The control API needs an admin: removing or demoting the last one would
// lock every client out until a restart.
bool is_last_admin(const registry_data& d, const std::string& email) {
  const auto it = d.users.find(std::string_view(email));
  if (it == d.users.end() || it->second.role != role::admin) return false;
  for (const auto& [e, u] : d.users)
    if (u.role == role::admin && e != email) return false;
  return true;
}

}  // namespace

reply get_users(const request_context& ctx) {
  json out = json::array();
  for (const auto& [email, u] : ctx.state->data().users) out.push_back(user_body(u));
  return json_reply(status::ok, json{{"users", out}});
}

reply create_user(const request_context& ctx, registry& reg) {
  failure err;
  auto body = read_body(ctx, err);
  if (!body) return error_reply(err);
  object_reader r(*body);
  r.only({"email", "password", "role", "name"});
  auto email = r.string("email", true);
  auto password = r.string("password", true);
  auto role_name = r.string("role", true);
  if (r.failed()) return error_reply(*r.error());
  if (auto m = email_problem(*email)) return error_reply(api_error::invalid_value, *m);
  if (auto m = password_problem(*password)) return error_reply(api_error::invalid_value, *m);
  const auto role = parse_role(*role_name);
  if (!role) return error_reply(api_error::unknown_role, "unknown role \"" + *role_name + "\"");
  user u{*email, *role, digest_password(*password)};
  const json out = user_body(u);
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    if (!d.users.emplace(u.email, u).second)
      return failure{api_error::user_exists, "user " + u.email + " already exists"};
    return std::nullopt;
  });
  return f ? error_reply(*f) : json_reply(status::created, out);
}

reply patch_user(const request_context& ctx, registry& reg) {
  failure err;
  auto body = read_body(ctx, err);
  if (!body) return error_reply(err);
  object_reader r(*body);
  r.only({"password", "role"});
  auto password = r.string("password");
  auto role_name = r.string("role");
  if (r.failed()) return error_reply(*r.error());
  if (password) {
    if (auto m = password_problem(*password)) return error_reply(api_error::invalid_value, *m);
  }
  // Derived before the registry's lock: PBKDF2 is the slow part.
  const std::optional<password_digest> digest =
      password ? std::optional(digest_password(*password)) : std::nullopt;
  std::optional<role> new_role;
  if (role_name) {
    new_role = parse_role(*role_name);
    if (!new_role)
      return error_reply(api_error::unknown_role, "unknown role \"" + *role_name + "\"");
  }
  const std::string& email = ctx.param("email");
  json out;
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    auto it = d.users.find(std::string_view(email));
    if (it == d.users.end())
      return failure{api_error::user_not_found, "user " + email + " does not exist"};
    if (new_role && *new_role != role::admin && is_last_admin(d, email)) {
      return failure{api_error::invalid_value,
                     "user " + email + " is the last admin: the control API needs one"};
    }
    if (new_role) it->second.role = *new_role;
    if (digest) it->second.digest = *digest;
    out = user_body(it->second);
    return std::nullopt;
  });
  return f ? error_reply(*f) : json_reply(status::ok, out);
}

reply delete_user(const request_context& ctx, registry& reg) {
  const std::string& email = ctx.param("email");
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    if (is_last_admin(d, email)) {
      return failure{api_error::invalid_value,
                     "user " + email + " is the last admin: the control API needs one"};
    }
    if (d.users.erase(email) == 0)
      return failure{api_error::user_not_found, "user " + email + " does not exist"};
    return std::nullopt;
  });
  return f ? error_reply(*f) : no_content();
}

std::vector<route> control_user_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/users", admin, uses<&get_users>},
      {verb::post, "/emulator/v1/users", admin, uses<&create_user>},
      {verb::patch, "/emulator/v1/users/{email}", admin, uses<&patch_user>},
      {verb::delete_, "/emulator/v1/users/{email}", admin, uses<&delete_user>},
  };
}

}  // namespace reemu
