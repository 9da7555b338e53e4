// The control API's users room: who may call the emulated API, with which
// role.
#include "reemu/control/users.hpp"

#include "reemu/auth/auth.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/roles.hpp"
#include "reemu/model/users.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/identifiers.hpp"

namespace reemu {

namespace {

using http_t::status;

// The room's view of a user: its email and its role (the management role
// its roles give it).
json user_body(const registry_data& d, const user& u) {
  return json{{"email", u.email}, {"role", to_string(role_of(d.roles, u))}};
}

// The control API needs an admin: removing or demoting the last one would
// lock every client out until a restart.
failure last_admin(const std::string& email) {
  return {api_error::invalid_value,
          "user " + email + " is the last admin: the control API needs one"};
}

}  // namespace

reply get_users(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  json out = json::array();
  for (const auto& [email, u] : d.users) out.push_back(user_body(d, u));
  return json_reply(status::ok, json{{"users", out}});
}

reply create_user(const request_context& ctx, registry& reg) {
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  object_reader r(*body);
  r.only({"email", "password", "role", "name"});
  auto email = r.string("email", true);
  auto password = r.string("password", true);
  auto role_name = r.string("role", true);
  auto name = r.string("name");
  if (r.failed()) return error_reply(r.error());
  if (auto m = email_problem(*email)) return error_reply(api_error::invalid_value, *m);
  if (auto m = password_problem(*password)) return error_reply(api_error::invalid_value, *m);
  if (name) {
    if (auto m = user_name_problem(*name)) return error_reply(api_error::invalid_value, *m);
  }
  const auto role = parse_role(*role_name);
  if (!role) return error_reply(api_error::unknown_role, "unknown role \"" + *role_name + "\"");
  user u;
  u.email = *email;
  u.name = name ? *name : *email;
  u.digest = digest_password(*password);  // before the registry's lock: PBKDF2 is the slow part
  u.password_issued_at = ctx.now;
  json out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (d.users.contains(u.email))
      return failure{api_error::user_exists, "user " + u.email + " already exists"};
    if (find_user_named(d.users, u.name))
      return failure{api_error::user_exists, "a user named \"" + u.name + "\" already exists"};
    const auto uid = next_user_uid(d);
    if (!uid) return uid.error();
    u.uid = *uid;
    d.user_uid_high = *uid;
    // The role is named by its management role; one is made when none has it.
    u.role_uids = {ensure_role_for(d.roles, d.role_uid_high, *role)};
    out = user_body(d, u);
    d.users.emplace(u.email, u);
    return {};
  });
  return written ? json_reply(status::created, out) : error_reply(written.error());
}

reply patch_user(const request_context& ctx, registry& reg) {
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  object_reader r(*body);
  r.only({"password", "role"});
  auto password = r.string("password");
  auto role_name = r.string("role");
  if (r.failed()) return error_reply(r.error());
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
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const registry_data before = d;
    auto it = d.users.find(std::string_view(email));
    if (it == d.users.end())
      return failure{api_error::user_not_found, "user " + email + " does not exist"};
    if (new_role) it->second.role_uids = {ensure_role_for(d.roles, d.role_uid_high, *new_role)};
    if (digest) {
      it->second.digest = *digest;
      it->second.password_issued_at = ctx.now;
    }
    if (!check_admin_kept(before, d)) return last_admin(email);
    out = user_body(d, it->second);
    return {};
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply delete_user(const request_context& ctx, registry& reg) {
  const std::string& email = ctx.param("email");
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const registry_data before = d;
    if (d.users.erase(email) == 0)
      return failure{api_error::user_not_found, "user " + email + " does not exist"};
    if (!check_admin_kept(before, d)) return last_admin(email);
    return {};
  });
  return written ? no_content() : error_reply(written.error());
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
