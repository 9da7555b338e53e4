// The users family of the emulated API: /v1/users (the one user store
// Basic and JWT authenticate against), the passwords, what roles may do,
// and the JWT routes POST /v1/users/authorize and /v1/users/refresh_jwt.
#pragma once

#include <vector>

#include "reemu/http/context.hpp"
#include "reemu/http/router.hpp"

namespace reemu {

// POST /v1/users/authorize: a token for the authenticated caller. Body
// optional: {"ttl": 1..86400} (default 300) and, instead of the
// Authorization header, {"username","password"} (the authenticate stage
// checks them; here they must name the caller). 400 invalid_schema for a
// bad ttl, an unknown key or a username without its password.
reply authorize_user(const request_context& ctx, const token_signer& tokens);

// POST /v1/users/refresh_jwt: a new token for the caller (who presented a
// valid token, or Basic credentials). Body optional: {"ttl": 1..86400}.
reply refresh_jwt(const request_context& ctx, const token_signer& tokens);

// GET /v1/users: every user (model/users.hpp: render_user), by uid.
reply list_users(const request_context& ctx, stored_bodies& stored);

// GET /v1/users/{uid}: one user. The caller's own record for anyone,
// another's with view_user_info (403 otherwise); 404 user_not_exist.
reply get_user(const request_context& ctx);

// POST /v1/users (?dry_run): a new user from {email, password, role_uids
// or role, name?, uid?, alert preferences}; 200 and the user. 400
// invalid_schema / missing_field / password_not_complex / role_not_exist,
// 409 email_already_exists / name_already_exists / uid_exists.
reply post_user(const request_context& ctx, registry& reg);

// PUT /v1/users/{uid} (?dry_run): changes the fields given; 200 and the
// user. Admins and user managers (update_user) change anyone's; any user
// their own name, password and alert preferences (403 otherwise). Also
// new_password_same_as_current, 404 user_not_exist, 406
// change_last_admin_role_not_allowed.
reply put_user(const request_context& ctx, registry& reg);

// DELETE /v1/users/{uid}: removes the user (its Basic credentials and
// tokens stop working); 200 {"action_uid"}. 404 user_not_exist, 406
// change_last_admin_role_not_allowed for the last admin.
reply remove_user(const request_context& ctx, registry& reg);

// PUT and POST /v1/users/password: {"username"?, "new_password",
// "old_password"? (ignored)}: the user's one password becomes the new one
// (own, or anyone's for an admin: 403 unauthorized_action); 200 {}.
reply replace_password(const request_context& ctx, registry& reg);
reply add_password(const request_context& ctx, registry& reg);

// DELETE /v1/users/password: {"username"?, "old_password"}: a user has one
// password, so 400 cannot_delete_last_password when it is that one, 404
// password_not_exist otherwise.
reply delete_password(const request_context& ctx);

// GET /v1/users/role: {"role": the caller's management role}.
reply get_user_role(const request_context& ctx);

// GET /v1/users/permissions: each management role's API permissions.
reply get_permissions(const request_context& ctx);

// GET /v1/users/permissions/{role}: one of them; 404 role_not_exist.
reply get_role_permissions(const request_context& ctx);

// The family's route table.
std::vector<route> user_routes();

}  // namespace reemu
