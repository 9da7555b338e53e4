// The users family of the emulated API: the users themselves, their
// passwords, what a role may do, and the JWT routes. The authenticate
// stage has already admitted the caller (Basic, a token, or authorize's
// body credentials). A write checks its whole request first, derives any
// new password digest outside the registry's lock, then makes its change
// in one registry::update (or, for a dry run, on a copy of the request's
// snapshot), so a refused request changes nothing.
#include "reemu/api/users.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "reemu/api/bdb_request.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/auth/jwt.hpp"
#include "reemu/auth/permissions.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/users.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/stored_bodies.hpp"

namespace reemu {

namespace {

using http_t::status;

// ---- JWT --------------------------------------------------------------------

// A token request: its body and the ttl it asks.
struct token_request {
  json body;
  std::uint32_t ttl = token_default_ttl;
};

// The body and its ttl (token_default_ttl when absent), or the failure: a
// body that is not an object, an unknown key, a ttl that is no whole number
// in 1..token_max_ttl. An empty body is {}.
result<token_request> read_token_request(const request_context& ctx,
                                         std::initializer_list<body_field> fields) {
  auto body = read_bdb_body(ctx, true);
  if (!body) return body.error();
  if (auto ok = check_body_fields(*body, fields); !ok) return ok.error();
  token_request out{std::move(*body)};
  const auto it = out.body.find("ttl");
  if (it == out.body.end()) return out;
  const bool in_range = it->is_number_unsigned() && it->get<std::uint64_t>() >= 1 &&
                        it->get<std::uint64_t>() <= token_max_ttl;
  if (!in_range) {
    return failure{
        api_error::invalid_schema,
        "Field 'ttl' must be a whole number of seconds from 1 to " + std::to_string(token_max_ttl)};
  }
  out.ttl = static_cast<std::uint32_t>(it->get<std::uint64_t>());
  return out;
}

reply token_reply(const request_context& ctx, const token_signer& tokens, std::uint32_t ttl) {
  return json_reply(status::ok,
                    json{{"access_token",
                          tokens.issue(ctx.user->email, credential_tag(*ctx.user), ctx.now, ttl)}});
}

// ---- What the user routes share ------------------------------------------------

// The management roles the caller holds in the request's snapshot.
role_set caller_roles(const request_context& ctx) {
  return management_of(ctx.state->data().roles, *ctx.user);
}

// 403 insufficient_permissions worded as the authorize stage words it.
failure lacks(const request_context& ctx, std::string_view permission) {
  return {api_error::insufficient_permissions,
          "User " + ctx.user->email + " with role " +
              std::string(to_string(leading_role(caller_roles(ctx)))) + " lacks permission " +
              std::string(permission)};
}

failure no_such_user(std::string_view which) {
  return {api_error::user_not_exist, "User " + std::string(which) + " does not exist"};
}

// The user whose uid is the path's {uid}, in `users`; nullptr when none.
user* user_of_path(const request_context& ctx, user_map& users) {
  const auto uid = path_uid(ctx);
  if (!uid) return nullptr;
  for (auto& entry : users) {
    if (entry.second.uid == *uid) return &entry.second;
  }
  return nullptr;
}

// A new password for `target` (as the request's snapshot holds it), derived
// outside the registry's lock, and whether it is the password it has.
struct new_password {
  password_digest digest;
  password_digest checked_against;  // the digest `same` was computed against
  bool same = false;
};

new_password derive_password(const std::string& password, const user* target, bool dry) {
  new_password out;
  if (target) {
    out.checked_against = target->digest;
    out.same = verify_password(target->digest, password);
  }
  if (!dry) out.digest = digest_password(password);
  return out;
}

// Sets `u`'s password to `p` under the policy `d` holds; the failure when
// the policy refuses it or it is the password it has.
result<> set_password(const registry_data& d, user& u, const std::string& password,
                      const new_password& p, double now) {
  if (auto ok = check_password(d.passwords, password, u.email); !ok) return ok.error();
  // The user changed between the snapshot and the write: check again.
  const bool same = u.digest == p.checked_against ? p.same : verify_password(u.digest, password);
  if (same) {
    return failure{api_error::new_password_same_as_current,
                   "The new password is identical to the user's current password"};
  }
  u.digest = p.digest;
  u.password_issued_at = now;
  return {};
}

// The body of a /v1/users write: an object, its fields read.
result<user_fields> read_user_body(const request_context& ctx, bool create) {
  auto body = read_bdb_body(ctx);
  if (!body) return body.error();
  return read_user_fields(*body, create);
}

// `{}`: the password routes answer a status (the reference documents no body).
reply empty_object() { return json_reply(status::ok, json::object()); }

}  // namespace

// ---- JWT routes ------------------------------------------------------------------

reply authorize_user(const request_context& ctx, const token_signer& tokens) {
  const auto request = read_token_request(ctx, {{"ttl", body_type::whole},
                                                {"username", body_type::string},
                                                {"password", body_type::string}});
  if (!request) return error_reply(request.error());
  const json& body = request->body;
  const bool has_user = body.contains("username");
  if (has_user != body.contains("password")) {
    return error_reply(api_error::invalid_schema, "Fields 'username' and 'password' come together");
  }
  // With no Authorization header the stage checked exactly these; with one,
  // the header admitted the caller, and the body may only name the same user.
  if (has_user && body.at("username").get<std::string>() != ctx.user->email) {
    return unauthorized_reply(
        "The user in the body is not the one the Authorization header authenticated");
  }
  return token_reply(ctx, tokens, request->ttl);
}

reply refresh_jwt(const request_context& ctx, const token_signer& tokens) {
  const auto request = read_token_request(ctx, {{"ttl", body_type::whole}});
  if (!request) return error_reply(request.error());
  return token_reply(ctx, tokens, request->ttl);
}

// ---- Users -----------------------------------------------------------------------

namespace {

// [user…] by uid.
std::string users_list(const registry_data& d) {
  std::vector<const user*> by_uid;
  for (const auto& entry : d.users) by_uid.push_back(&entry.second);
  std::sort(by_uid.begin(), by_uid.end(),
            [](const user* a, const user* b) { return a->uid < b->uid; });
  json out = json::array();
  for (const user* u : by_uid) out.push_back(render_user(d.roles, *u));
  return dump(out);
}

}  // namespace

reply list_users(const request_context& ctx, stored_bodies& stored) {
  return shared_reply(stored.get(stored_list::users, ctx.state, users_list));
}

reply get_user(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const auto uid = path_uid(ctx);
  const user* u = uid ? find_user(d.users, *uid) : nullptr;
  // Anyone may read their own record; another's needs view_user_info.
  const bool own = uid && *uid == ctx.user->uid;
  if (!own && !has_permission(caller_roles(ctx), "view_user_info"))
    return error_reply(lacks(ctx, "view_user_info"));
  if (!u) return error_reply(no_such_user(ctx.param("uid")));
  return json_reply(status::ok, render_user(d.roles, *u));
}

reply post_user(const request_context& ctx, registry& reg) {
  const auto f = read_user_body(ctx, true);
  if (!f) return error_reply(f.error());
  const bool dry = dry_run(ctx);
  const std::string& email = *f->email;
  const std::string& password = *f->password;
  const new_password p = derive_password(password, nullptr, dry);
  json out;
  const auto written = write_or_dry_run(ctx, reg, dry, [&](registry_data& d) -> result<> {
    if (d.users.contains(email)) {
      return failure{api_error::email_already_exists,
                     "User with the same email already exists: " + email};
    }
    const std::string name = f->name.value_or(email);
    if (find_user_named(d.users, name)) {
      return failure{api_error::name_already_exists,
                     "User with the same name already exists: " + name};
    }
    auto role_uids = resolve_role_uids(d.roles, *f);
    if (!role_uids) return role_uids.error();
    if (auto ok = check_password(d.passwords, password, email); !ok) return ok.error();
    std::uint64_t uid = 0;
    if (f->uid) {
      if (find_user(d.users, *f->uid)) {
        return failure{api_error::uid_exists,
                       "A user with uid " + std::to_string(*f->uid) + " already exists"};
      }
      uid = *f->uid;
    } else {
      const auto next = next_user_uid(d);
      if (!next) return next.error();
      uid = *next;
    }
    d.user_uid_high = std::max(d.user_uid_high, uid);
    user u;
    u.uid = uid;
    u.email = email;
    u.name = name;
    u.role_uids = std::move(**role_uids);
    u.digest = p.digest;
    u.password_issued_at = ctx.now;
    u = with_profile(std::move(u), *f);
    out = render_user(d.roles, u);
    record_event(d.events, ctx.now, "cluster_user_created",
                 {{"user_uid", u.uid}, {"user_name", u.name}});
    d.users.emplace(email, std::move(u));
    return {};
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply put_user(const request_context& ctx, registry& reg) {
  const auto f = read_user_body(ctx, false);
  if (!f) return error_reply(f.error());
  const auto path = path_uid(ctx);
  if (f->uid && f->uid != path) {
    return error_reply(api_error::invalid_schema,
                       "'uid' must be the uid of the path, " + ctx.param("uid"));
  }
  // Admins and user managers edit anyone's record; any user may change their
  // own name, password and alert preferences.
  const bool manager = has_permission(caller_roles(ctx), "update_user");
  const bool own = path && *path == ctx.user->uid;
  if (!manager && (!own || f->touches_access())) return error_reply(lacks(ctx, "update_user"));
  const bool dry = dry_run(ctx);
  std::optional<new_password> p;
  if (f->password) {
    const user* now_there = path ? find_user(ctx.state->data().users, *path) : nullptr;
    p = derive_password(*f->password, now_there, dry);
  }
  json out;
  const auto written = write_or_dry_run(ctx, reg, dry, [&](registry_data& d) -> result<> {
    const registry_data before = d;
    user* found = user_of_path(ctx, d.users);
    if (!found) return no_such_user(ctx.param("uid"));
    user u = with_profile(*found, *f);
    if (f->name && find_user_named(d.users, u.name, u.uid)) {
      return failure{api_error::name_already_exists,
                     "User with the same name already exists: " + u.name};
    }
    if (f->email && *f->email != u.email && d.users.contains(*f->email)) {
      return failure{api_error::email_already_exists,
                     "User with the same email already exists: " + *f->email};
    }
    auto role_uids = resolve_role_uids(d.roles, *f);
    if (!role_uids) return role_uids.error();
    if (*role_uids) u.role_uids = std::move(**role_uids);
    const std::string old_email = u.email;
    if (f->email) u.email = *f->email;
    if (p) {
      if (auto ok = set_password(d, u, *f->password, *p, ctx.now); !ok) return ok.error();
    }
    d.users.erase(old_email);
    out = render_user(d.roles, u);
    record_event(d.events, ctx.now, "cluster_user_updated",
                 {{"user_uid", u.uid}, {"user_name", u.name}});
    const std::string key = u.email;
    d.users.emplace(key, std::move(u));
    return check_admin_kept(before, d);
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply remove_user(const request_context& ctx, registry& reg) {
  std::string action_uid;  // of no action: the delete is done when it answers
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const registry_data before = d;
    const user* found = user_of_path(ctx, d.users);
    if (!found) return no_such_user(ctx.param("uid"));
    const std::string email = found->email;
    record_event(d.events, ctx.now, "cluster_user_deleted",
                 {{"user_uid", found->uid}, {"user_name", found->name}});
    d.users.erase(email);
    action_uid = d.ids.next();
    return check_admin_kept(before, d);
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, json{{"action_uid", action_uid}});
}

// ---- Passwords -------------------------------------------------------------------

namespace {

// The user a /v1/users/password body names (`username`, else the caller)
// when the caller may change it: their own, or anyone's for an admin.
result<std::string> password_target(const request_context& ctx, const json& body) {
  const auto it = body.find("username");
  const std::string target = it == body.end() ? ctx.user->email : it->get<std::string>();
  if (target != ctx.user->email && !caller_roles(ctx).contains(role::admin)) {
    return failure{api_error::unauthorized_action,
                   "Only an admin may change another user's passwords"};
  }
  return target;
}

// PUT and POST /v1/users/password: both set the one password a user has.
reply set_user_password(const request_context& ctx, registry& reg) {
  auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, {{"username", body_type::string},
                                          {"new_password", body_type::string},
                                          {"old_password", body_type::string}});
      !ok)
    return error_reply(ok.error());
  if (!body->contains("new_password"))
    return error_reply(api_error::missing_field, "missing required field 'new_password'");
  const std::string password = body->at("new_password").get<std::string>();
  if (password.find('\0') != std::string::npos)
    return error_reply(api_error::invalid_schema, "'new_password' must not contain NUL bytes");
  const auto target = password_target(ctx, *body);
  if (!target) return error_reply(target.error());
  const user_map& seen = ctx.state->data().users;
  const auto it = seen.find(*target);
  const new_password p = derive_password(password, it == seen.end() ? nullptr : &it->second, false);
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto found = d.users.find(*target);
    if (found == d.users.end()) return no_such_user(*target);
    return set_password(d, found->second, password, p, ctx.now);
  });
  return written ? empty_object() : error_reply(written.error());
}

}  // namespace

reply replace_password(const request_context& ctx, registry& reg) {
  return set_user_password(ctx, reg);
}

reply add_password(const request_context& ctx, registry& reg) {
  return set_user_password(ctx, reg);
}

reply delete_password(const request_context& ctx) {
  auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(
          *body, {{"username", body_type::string}, {"old_password", body_type::string}});
      !ok)
    return error_reply(ok.error());
  if (!body->contains("old_password"))
    return error_reply(api_error::missing_field, "missing required field 'old_password'");
  const auto target = password_target(ctx, *body);
  if (!target) return error_reply(target.error());
  const user_map& users = ctx.state->data().users;
  const auto it = users.find(*target);
  if (it == users.end()) return error_reply(no_such_user(*target));
  // One password per user: the one it has is the last.
  if (verify_password(it->second.digest, body->at("old_password").get<std::string>())) {
    return error_reply(api_error::cannot_delete_last_password,
                       "The user has one password, which cannot be deleted");
  }
  return error_reply(api_error::password_not_exist, "The user has no such password");
}

// ---- Roles and permissions of the caller ------------------------------------------

reply get_user_role(const request_context& ctx) {
  return json_reply(status::ok, json{{"role", to_string(leading_role(caller_roles(ctx)))}});
}

namespace {

json permissions_entry(role r) {
  json api = json::array();
  for (const std::string_view p : permissions_of(r)) api.push_back(p);
  return json{{"api_permissions", std::move(api)}, {"ui_permissions", json::array()}};
}

}  // namespace

reply get_permissions(const request_context&) {
  json out = json::object();
  for (const role r : all_roles()) out[std::string(to_string(r))] = permissions_entry(r);
  return json_reply(status::ok, out);
}

reply get_role_permissions(const request_context& ctx) {
  const std::string& name = ctx.param("role");
  const auto r = parse_role(name);
  if (!r) return error_reply(api_error::role_not_exist, "Role " + name + " does not exist");
  return json_reply(status::ok, json{{name, permissions_entry(*r)}});
}

std::vector<route> user_routes() {
  using http_t::verb;
  const access any = access::any_user();
  // The literal paths come before /v1/users/{uid}: the first match wins.
  return {
      {verb::post, "/v1/users/authorize", any, uses<&authorize_user>, true, true},
      {verb::post, "/v1/users/refresh_jwt", any, uses<&refresh_jwt>},
      {verb::get, "/v1/users/role", any, uses<&get_user_role>},
      {verb::get, "/v1/users/permissions", any, uses<&get_permissions>},
      {verb::get, "/v1/users/permissions/{role}", any, uses<&get_role_permissions>},
      {verb::put, "/v1/users/password", any, uses<&replace_password>},
      {verb::post, "/v1/users/password", any, uses<&add_password>},
      {verb::delete_, "/v1/users/password", any, uses<&delete_password>},
      {verb::get, "/v1/users", access::needs("view_all_users_info"), uses<&list_users>},
      {verb::post, "/v1/users", access::needs("create_new_user"), uses<&post_user>},
      // Own record: any user; another's: view_user_info, update_user (checked there).
      {verb::get, "/v1/users/{uid}", any, uses<&get_user>},
      {verb::put, "/v1/users/{uid}", any, uses<&put_user>},
      {verb::delete_, "/v1/users/{uid}", access::needs("delete_user"), uses<&remove_user>},
  };
}

}  // namespace reemu
