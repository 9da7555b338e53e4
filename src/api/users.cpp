// The JWT routes of the emulated API. The authenticate stage has already
// admitted the caller (Basic, a token, or authorize's body credentials);
// these handlers only read the body and sign.
#include "reemu/api/users.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "reemu/api/bdb_request.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/auth/jwt.hpp"

namespace reemu {

namespace {

using http_t::status;

// The body's ttl (token_default_ttl when absent), or the failure: a body
// that is not an object, an unknown key, a ttl that is no whole number in
// 1..token_max_ttl. An empty body is {}.
std::optional<std::uint32_t> read_ttl(const request_context& ctx,
                                      std::initializer_list<body_field> fields, json& body,
                                      failure& error) {
  auto j = read_bdb_body(ctx, error, true);
  if (!j) return std::nullopt;
  if (auto f = check_body_fields(*j, fields)) {
    error = *f;
    return std::nullopt;
  }
  body = std::move(*j);
  const auto it = body.find("ttl");
  if (it == body.end()) return token_default_ttl;
  const bool in_range = it->is_number_unsigned() && it->get<std::uint64_t>() >= 1 &&
                        it->get<std::uint64_t>() <= token_max_ttl;
  if (!in_range) {
    error = {api_error::invalid_schema, "Field 'ttl' must be a whole number of seconds from 1 to " +
                                            std::to_string(token_max_ttl)};
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(it->get<std::uint64_t>());
}

reply token_reply(const request_context& ctx, const token_signer& tokens, std::uint32_t ttl) {
  return json_reply(
      status::ok,
      json{{"access_token",
            tokens.issue(ctx.user->email, credential_tag(ctx.user->digest), ctx.now, ttl)}});
}

}  // namespace

reply authorize_user(const request_context& ctx, const token_signer& tokens) {
  failure err;
  json body;
  const auto ttl = read_ttl(
      ctx,
      {{"ttl", body_type::whole}, {"username", body_type::string}, {"password", body_type::string}},
      body, err);
  if (!ttl) return error_reply(err);
  const bool has_user = body.contains("username");
  if (has_user != body.contains("password")) {
    return error_reply(api_error::invalid_schema, "Fields 'username' and 'password' come together");
  }
  // With no Authorization header the stage checked exactly these; with one,
  // the header admitted the caller, and the body may only name the same user.
  if (has_user && body["username"].get<std::string>() != ctx.user->email) {
    return unauthorized_reply(
        "The user in the body is not the one the Authorization header authenticated");
  }
  return token_reply(ctx, tokens, *ttl);
}

reply refresh_jwt(const request_context& ctx, const token_signer& tokens) {
  failure err;
  json body;
  const auto ttl = read_ttl(ctx, {{"ttl", body_type::whole}}, body, err);
  if (!ttl) return error_reply(err);
  return token_reply(ctx, tokens, *ttl);
}

std::vector<route> user_routes() {
  using http_t::verb;
  return {
      {verb::post, "/v1/users/authorize", access::any_user(), uses<&authorize_user>, true, true},
      {verb::post, "/v1/users/refresh_jwt", access::any_user(), uses<&refresh_jwt>},
  };
}

}  // namespace reemu
