// Raw bytes of one connection -> the server's real session
// (reemu::http_session, include/reemu/net/session.hpp) over a
// beast::test::stream: the same read loop, limits, header checks and
// answers as a socket gets. No sockets.
//
// Each input starts from the configured seed (reproducible crashes). The
// session's handler is the app behind a thin wrapper that checks every
// reply, replays the request with an admin's credentials (so the handlers
// behind authentication see the fuzzer's targets and bodies) and skips a
// fault's wait (a delay rule would otherwise stall the run).
//
// Input layout: the first byte is the read size, the rest is what the client
// sends. The stream hands the bytes over in pieces of that size, so requests
// split at any point: a byte b below 128 reads b + 1 bytes at a time (1 to
// 128), from 128 up (b - 127) * 512 (512 to 65,536). An empty input is
// skipped. (Before this layout the read size came from the input's length;
// the corpus files got the byte that keeps the size they had.)
//
// Beyond the reply checks, one invariant of the session itself: a request
// whose header is longer than the header limit never reaches the handler,
// whatever the pieces. Beast measures the first request's header here in
// one call; the session must agree when the same bytes come in pieces.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>

#include "fuzz_support.hpp"
#include "reemu/net/session.hpp"

namespace {

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

// The read size the input's first byte stands for (see the layout above).
std::size_t read_size_of(std::uint8_t b) {
  return b < 128 ? std::size_t{b} + 1 : std::size_t{b - 127u} * 512;
}

// The first request's header length as Beast measures it in one call with
// no limit, or nothing when `bytes` hold no whole, valid header.
std::optional<std::size_t> first_header_size(std::string_view bytes) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(std::numeric_limits<std::uint32_t>::max());
  parser.body_limit(boost::none);
  boost::beast::error_code ec;
  std::size_t used = 0;
  try {
    used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  } catch (const std::exception&) {
    return std::nullopt;  // a field Beast cannot store: the session refuses it too
  }
  if (ec || !parser.is_header_done()) return std::nullopt;
  return used;
}

struct checking_handler {
  reemu::app& a;
  std::size_t header_limit;
  std::optional<std::size_t> first_header;  // first_header_size() of the input
  reemu::auth_cache admin_cache;            // the admin replay's own connection
  int calls = 0;

  reemu::handled handle(const reemu::incoming_request& in, reemu::auth_cache* cache) {
    const std::string context = std::string(in.method_text) + " " + std::string(in.target);
    if (calls++ == 0 && first_header && *first_header > header_limit)
      reemu::fuzz::fail("a header over the header limit reached the handler", context);
    decode_variants(in.authorization);
    reemu::handled h = a.handle(in, cache);
    reemu::fuzz::check_reply(h, context);
    reemu::incoming_request admin = in;
    admin.authorization = reemu::fuzz::admin_authorization();
    reemu::fuzz::check_reply(a.handle(admin, &admin_cache), context);
    h.reply.delay = std::chrono::milliseconds(0);
    return h;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace beast = boost::beast;
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  reemu::app& a = shared_app();
  reemu::reset_to_seed(a.svc());

  boost::asio::io_context ioc;
  beast::test::stream server_side(ioc);
  beast::test::stream client(ioc);
  server_side.connect(client);
  server_side.read_size(read_size_of(data[0]));
  server_side.append(bytes);
  client.close();  // the input is all the client sends; then end of stream

  const reemu::session_limits limits;  // the defaults of config/default.json
  const std::atomic<bool> stopping{false};
  checking_handler handler{a, limits.header_limit, first_header_size(bytes), {}, 0};
  beast::flat_buffer buffer;
  reemu::http_session<beast::test::stream, checking_handler> session(server_side, buffer, handler,
                                                                     limits, stopping);
  boost::asio::co_spawn(ioc, session.run(), [](std::exception_ptr e, bool) {
    if (e) std::rethrow_exception(e);  // nothing a client sends may escape a session
  });
  ioc.run();
  return 0;
}
