// The JWT routes of the emulated API. The authenticate stage has already
// admitted the caller (Basic, a token, or authorize's body credentials);
// these handlers only read the body and sign.
#include "reemu/api/users.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>

#include "reemu/api/bdb_request.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/auth/jwt.hpp"

namespace reemu {

namespace {

using http_t::status;

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
  return json_reply(
      status::ok,
      json{{"access_token",
            tokens.issue(ctx.user->email, credential_tag(ctx.user->digest), ctx.now, ttl)}});
}

}  // namespace

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

std::vector<route> user_routes() {
  using http_t::verb;
  return {
      {verb::post, "/v1/users/authorize", access::any_user(), uses<&authorize_user>, true, true},
      {verb::post, "/v1/users/refresh_jwt", access::any_user(), uses<&refresh_jwt>},
  };
}

}  // namespace reemu
