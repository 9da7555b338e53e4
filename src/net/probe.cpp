// The --health-check client: one request, every step under one deadline.
#include "reemu/net/probe.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "reemu/net/net.hpp"

namespace reemu {

namespace {

template <class Stream>
net::awaitable<bool> ask(Stream& stream, const std::string& host, std::string& detail) {
  http::request<http::empty_body> req{http::verb::get, "/emulator/v1/health", 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "re-actions-emulator health-check");
  req.keep_alive(false);
  co_await http::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, net::use_awaitable);
  detail = std::to_string(res.result_int()) + " " + res.body();
  co_return res.result() == http::status::ok;
}

net::awaitable<bool> check(const tcp::endpoint& endpoint, bool tls, std::string host,
                           std::chrono::milliseconds timeout, std::string& detail) {
  const auto ex = co_await net::this_coro::executor;
  beast::tcp_stream stream(ex);
  stream.expires_after(timeout);  // covers connect, handshake, write and read
  co_await stream.async_connect(endpoint, net::use_awaitable);
  if (!tls) {
    co_return co_await ask(stream, host, detail);
  }
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);  // our own server, on loopback
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), ctx);
  co_await secure.async_handshake(ssl::stream_base::client, net::use_awaitable);
  co_return co_await ask(secure, host, detail);
}

}  // namespace

bool probe_health(const config& cfg, std::chrono::milliseconds timeout, std::string& detail) {
  const auto& s = cfg.server;
  std::string host = s.bind;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  const bool tls = !s.http_enabled;
  const std::uint16_t port = tls ? s.https_port : s.http_port;
  bool ok = false;
  try {
    net::io_context ioc;
    const tcp::endpoint endpoint(net::ip::make_address(host), port);
    net::co_spawn(ioc, check(endpoint, tls, host, timeout, detail),
                  [&](const std::exception_ptr& e, bool result) {
                    if (e) {
                      const std::string where = std::string(tls ? "https" : "http") + "://" + host +
                                                ":" + std::to_string(port) + ": ";
                      try {
                        std::rethrow_exception(e);
                      } catch (const boost::system::system_error& x) {
                        detail = where + x.code().message();  // without Asio's source location
                      } catch (const std::exception& x) {
                        detail = where + x.what();
                      }
                    }
                    ok = !e && result;
                  });
    ioc.run();
  } catch (const std::exception& e) {
    detail = e.what();
  }
  return ok;
}

}  // namespace reemu
