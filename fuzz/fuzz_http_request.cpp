// Raw bytes of one connection -> Beast's request parser (the limits the
// server uses) -> app::handle, request after request as a keep-alive
// connection would deliver them. No sockets: the bytes go to parser.put.
//
// Each input starts from the configured seed (reproducible crashes). Each
// parsed request is answered as sent, then again with an admin's credentials
// so the handlers behind authentication see the fuzzer's targets and bodies.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "fuzz_support.hpp"
#include "reemu/net/incoming.hpp"

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;

constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::uint64_t body_limit = 1024 * 1024;
constexpr int max_requests = 16;  // per input: a pipeline, not a flood

reemu::app& shared_app() {
  static const auto a = reemu::fuzz::make_app();
  return *a;
}

// The Authorization variants a client might send for the same value: the
// decoder must not care about the scheme's case or extra blanks, and must
// never throw or read out of bounds.
void decode_variants(std::string_view value) {
  (void)reemu::parse_basic_authorization(value);
  std::string lowered(value);
  for (auto& c : lowered)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  (void)reemu::parse_basic_authorization(lowered);
  (void)reemu::parse_basic_authorization("Basic  " + std::string(value) + " \t");
}

void answer(reemu::app& a, const reemu::incoming_request& in, reemu::auth_cache& cache) {
  const reemu::handled h = a.handle(in, &cache);
  const std::string context = std::string(in.method_text) + " " + std::string(in.target);
  reemu::fuzz::check_reply(h, context);
  a.record(in, h, h.reply.drop ? 0 : static_cast<unsigned>(h.reply.status), 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reemu::app& a = shared_app();
  reemu::reset_to_seed(a.svc());

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  reemu::auth_cache cache;        // one connection: the server keeps one per session
  reemu::auth_cache admin_cache;  // the admin replay's own connection
  for (int n = 0; n < max_requests && !rest.empty(); ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    parser.eager(true);
    beast::error_code ec;
    while (!parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == http::error::need_more) {
        if (used == 0 || rest.empty()) {
          parser.put_eof(ec);  // the client closed mid-request
          break;
        }
        ec = {};
        continue;
      }
      if (ec || used == 0) break;
    }
    if (ec || !parser.is_done()) return 0;

    // Exactly what a session hands to the app, after the same framing check.
    const auto& req = parser.get();
    if (reemu::unsupported_transfer_encoding(req)) return 0;  // 400 and a close
    reemu::incoming_request in = reemu::to_incoming(req);

    decode_variants(in.authorization);
    answer(a, in, cache);
    in.authorization = reemu::fuzz::admin_authorization();
    answer(a, in, admin_cache);
    if (!req.keep_alive()) break;
  }
  return 0;
}
