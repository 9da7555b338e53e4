// Bytes -> parse_untrusted_json -> parse_config -> app: a bad config is a
// config_error and nothing else; a good one starts an app whose first
// GET /v1/actions (and /v2/actions) answers with JSON.
#include <exception>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  reemu::failure error;
  auto document = reemu::parse_untrusted_json(text, error);
  if (!document) return 0;

  std::optional<reemu::config> cfg;
  try {
    cfg.emplace(reemu::parse_config(std::move(*document), "fuzz.json"));
  } catch (const reemu::config_error&) {
    return 0;  // refused with a message: what a bad config should get
  }
  // Anything else escaping parse_config is a bug: libFuzzer reports the
  // uncaught exception as a crash.

  std::string authorization;
  for (const auto& u : cfg->users) {
    if (u.role != reemu::role::admin) continue;
    const std::string pair = u.email + ":" + u.password;
    // A ':' in the email cannot be sent in Basic auth: that admin is unreachable.
    if (u.email.find(':') != std::string::npos) continue;
    authorization = "Basic " + reemu::base64_encode(pair);
    if (authorization.size() <= reemu::max_authorization_length) break;
    authorization.clear();
  }

  std::unique_ptr<reemu::app> a;
  try {
    a = std::make_unique<reemu::app>(std::move(*cfg));
  } catch (const reemu::config_error&) {
    return 0;
  }
  if (authorization.empty()) return 0;

  for (const char* target : {"/v1/actions", "/v2/actions"}) {
    reemu::fuzz::request_text r;
    r.target = target;
    r.authorization = authorization;
    const reemu::incoming_request in = reemu::fuzz::to_incoming(r);
    const reemu::handled h = a->handle(in);
    const reemu::json body = reemu::fuzz::check_reply(h, target);
    if (h.reply.status != reemu::http_t::status::ok)
      reemu::fuzz::fail("an admin's GET is not 200", *h.reply.body);
    if (body.is_null()) reemu::fuzz::fail("GET answered without a body", target);
  }
  return 0;
}
