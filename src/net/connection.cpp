// One accepted connection (include/reemu/net/connection.hpp).
//
// Expected I/O outcomes (end of stream, timeouts, resets) come back as error
// codes and end the connection quietly. The place under max_connections is
// given back before the server closes its side, so a client that has seen the
// close finds it free.
#include "reemu/net/connection.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace reemu {

namespace {

// How long a TLS close_notify exchange may take.
constexpr auto tls_shutdown_timeout = std::chrono::seconds(3);

// Points the registry's close at `stream` until the scope ends.
template <class Stream>
class closable {
 public:
  closable(connection_registry::member& m, Stream& stream) : m_(m) {
    m_.reach({.stop = nullptr, .expire = nullptr, .close = [&stream] {
                beast::get_lowest_layer(stream).close();
              }});
  }
  ~closable() { m_.reach({}); }
  closable(const closable&) = delete;
  closable& operator=(const closable&) = delete;

 private:
  connection_registry::member& m_;
};

// Runs `session` with the registry able to reach it; returns run()'s result.
// A stop that has begun reaches the session before it runs (stop, expire
// and close are safe then). Afterwards a close closes the stream again.
template <class Session, class Stream>
net::awaitable<bool> run_registered(Session& session, Stream& stream,
                                    connection_registry::member& m) {
  m.reach({.stop = [&session] { session.stop(); },
           .expire = [&session] { session.expire(); },
           .close = [&session] { session.close(); }});
  const bool clean = co_await session.run();
  m.reach({.stop = nullptr, .expire = nullptr, .close = [&stream] { close_quietly(stream); }});
  co_return clean;
}

// Runs the session of `stream` with the handler `env` names (the app, or
// the exporter); returns whether the stream is fit for a clean close.
template <class Stream>
net::awaitable<bool> run_session(Stream& stream, beast::flat_buffer& buffer,
                                 const connection_env& env, connection_registry::member& m) {
  if (env.exporter != nullptr) {
    http_session<Stream, metrics_exporter> session(stream, buffer, *env.exporter, env.limits,
                                                   env.stopping);
    co_return co_await run_registered(session, stream, m);
  }
  http_session<Stream> session(stream, buffer, env.handler, env.limits, env.stopping);
  co_return co_await run_registered(session, stream, m);
}

// The HTTPS port: peeks at the first bytes, so a plain-HTTP client gets a
// readable 400 instead of a handshake failure; then handshake and session.
// Returns after the TLS close (the place is released before it).
net::awaitable<void> serve_tls(beast::tcp_stream stream, const connection_env& env,
                               connection_registry::place& place, connection_registry::member& m) {
  closable guard(m, stream);
  beast::flat_buffer buffer(env.limits.buffer_limit());
  stream.expires_after(env.handshake_timeout);
  auto [dec, is_tls] = co_await beast::async_detect_ssl(stream, buffer, use_tuple);
  if (dec) co_return;
  if (!is_tls && env.exporter != nullptr) {
    // The exporter's port takes both, as Prometheus may be set up either way.
    stream.expires_never();
    co_await run_session(stream.socket(), buffer, env, m);
    place.release();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  if (!is_tls) {
    co_await write_error(stream, 11, api_error::bad_request,
                         "This port speaks HTTPS: use https://");
    co_return;
  }
  // Held by this frame: the connection keeps its context after a rotation.
  const std::shared_ptr<ssl::context> context =
      std::static_pointer_cast<ssl::context>(env.certs->api()->context);
  beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *context);
  closable tls_guard(m, tls);
  auto [hec, used] =
      co_await tls.async_handshake(ssl::stream_base::server, buffer.data(), use_tuple);
  if (hec) {
    spdlog::debug("TLS handshake failed: {}", hec.message());
    co_return;
  }
  buffer.consume(used);
  const bool clean = co_await run_session(tls, buffer, env, m);
  place.release();
  if (clean) {
    beast::get_lowest_layer(tls).expires_after(tls_shutdown_timeout);
    co_await tls.async_shutdown(use_tuple);
  }
}

}  // namespace

net::awaitable<void> serve_connection(tcp::socket socket, const connection_env& env, bool tls,
                                      std::unique_ptr<connection_registry::member> member) {
  // Open connections, for the metrics: from accept to close, refused ones
  // (over the cap) included while they are being refused.
  const counted_connection counted(env.handler.metrics());
  connection_registry::place place(env.registry);
  connection_registry::member& m = *member;
  beast::error_code ignored;
  // Small answers go out at once: without it the first answer on a fresh
  // TLS 1.3 connection waits ~40 ms for the ACK of the session tickets.
  socket.set_option(tcp::no_delay(true), ignored);
  beast::tcp_stream stream(std::move(socket));
  closable guard(m, stream);

  // A connection accepted while stopping (the listen queue is taken in
  // when the listeners close) is served: its client may have sent a request.
  if (place.over_cap()) {
    if (!tls) {
      co_await write_error(stream, 11, api_error::service_unavailable,
                           "Too many connections, try again later");
    }
    place.release();
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  if (tls) {
    co_await serve_tls(std::move(stream), env, place, m);
    co_return;
  }
  // Plain HTTP is served on the socket itself: the session keeps its own
  // deadlines, and beast::tcp_stream's per-operation bookkeeping cost more
  // than the rest of a cached read's I/O path.
  beast::flat_buffer buffer;
  co_await run_session(stream.socket(), buffer, env, m);
  place.release();
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace reemu
