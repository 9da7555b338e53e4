// Reply constructors: the one place an error becomes the cluster's error body.
#include "reemu/http/context.hpp"

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

reply json_reply(http_t::status status, const json& body) {
  reply r;
  r.status = status;
  r.body = std::make_shared<const std::string>(dump(body));
  return r;
}

reply status_only() {
  reply r;
  r.status = http_t::status::ok;
  return r;
}

std::optional<std::string> query_value(const request_context& ctx, std::string_view name) {
  const auto it = ctx.query.find(name);
  if (it == ctx.query.end()) return std::nullopt;
  return std::string((*it).value);
}

reply shared_reply(shared_bytes body) {
  reply r;
  r.body = std::move(body);
  return r;
}

reply error_reply(http_t::status status, std::string_view error_code,
                  std::string_view description) {
  reply r;
  r.status = status;
  r.body = std::make_shared<const std::string>(error_body(error_code, description));
  return r;
}

reply error_reply(api_error e, const std::string& description) {
  return error_reply(status_of(e), code_of(e), description);
}

reply error_reply(const failure& f) { return error_reply(f.error, f.description); }

reply unauthorized_reply(const std::string& description) {
  reply r = error_reply(api_error::unauthorized, description);
  r.headers.emplace_back(http_t::to_string(http_t::field::www_authenticate),
                         "Basic realm=\"re-actions-emulator\"");
  return r;
}

reply no_content() {
  reply r;
  r.status = http_t::status::no_content;
  return r;
}

const std::string& request_context::param(std::string_view name) const {
  static const std::string empty;
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return empty;
}

result<json> read_body(const request_context& ctx) {
  if (ctx.body.empty())
    return failure{api_error::malformed_json, "request body must be a JSON object"};
  auto j = parse_untrusted_json(ctx.body);
  if (j && !j->is_object())
    return failure{api_error::invalid_type, "request body must be a JSON object"};
  return j;
}

}  // namespace reemu
