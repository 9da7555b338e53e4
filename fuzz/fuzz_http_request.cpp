// Raw bytes of one connection -> the server's real session
// (reemu::http_session, include/reemu/net/session.hpp) over a
// beast::test::stream: the same read loop, limits, header checks and
// answers as a socket gets. No sockets.
//
// Each input starts from the configured seed (reproducible crashes). The
// session's handler is the app behind a thin wrapper that checks every
// reply, replays the request with an admin's credentials (so the handlers
// behind authentication see the fuzzer's targets and bodies) and skips a
// fault's wait (a delay rule would otherwise stall the run). The stream
// hands the input over in pieces whose size depends on the input's length,
// so requests split at odd places too.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <exception>

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

struct checking_handler {
  reemu::app& a;
  reemu::auth_cache admin_cache;  // the admin replay's own connection

  reemu::handled handle(const reemu::incoming_request& in, reemu::auth_cache* cache) {
    const std::string context = std::string(in.method_text) + " " + std::string(in.target);
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
  reemu::app& a = shared_app();
  reemu::reset_to_seed(a.svc());

  boost::asio::io_context ioc;
  beast::test::stream server_side(ioc);
  beast::test::stream client(ioc);
  server_side.connect(client);
  server_side.read_size(size % 3 == 0 ? 1 + size % 61 : 4096);
  server_side.append({reinterpret_cast<const char*>(data), size});
  client.close();  // the input is all the client sends; then end of stream

  reemu::session_limits limits;  // the defaults of config/default.json
  const std::atomic<bool> stopping{false};
  checking_handler handler{a, {}};
  beast::flat_buffer buffer;
  reemu::http_session<beast::test::stream, checking_handler> session(server_side, buffer, handler,
                                                                     limits, stopping);
  boost::asio::co_spawn(ioc, session.run(), [](std::exception_ptr e, bool) {
    if (e) std::rethrow_exception(e);  // nothing a client sends may escape a session
  });
  ioc.run();
  return 0;
}
