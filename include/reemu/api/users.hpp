// The users family of the emulated API: the JWT routes,
// POST /v1/users/authorize and POST /v1/users/refresh_jwt.
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

// The family's route table.
std::vector<route> user_routes();

}  // namespace reemu
