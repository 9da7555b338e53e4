// One accepted connection from start to close: its place under the cap, TLS
// detection and handshake on the HTTPS port, the HTTP session, the close.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>

#include "reemu/app/app.hpp"
#include "reemu/app/exporter.hpp"
#include "reemu/net/connections.hpp"
#include "reemu/net/net.hpp"
#include "reemu/net/session.hpp"
#include "reemu/state/certificates.hpp"

namespace reemu {

// What every connection of a server shares; outlives them all.
struct connection_env {
  app& handler;
  session_limits limits;
  std::chrono::seconds handshake_timeout;
  connection_registry& registry;
  const std::atomic<bool>& stopping;
  // Set when the HTTPS listener is on: a new connection shakes hands with
  // the certificate it serves at that moment (rotations change it).
  const certificate_store* certs = nullptr;
  // Set for the exporter listener's connections: they are answered by it,
  // not by the app, in plain HTTP or, with certs set, in HTTPS (told apart
  // by the first bytes).
  metrics_exporter* exporter = nullptr;
};

// Serves `socket` (accepted on its own strand; the coroutine runs there):
// plain HTTP, or with `tls` the HTTPS port's detection, handshake and
// session. Past the cap: a 503 on HTTP, a close on HTTPS. `member` is the
// connection's entry in env.registry, made at accept (so a stop that comes
// before the coroutine runs reaches it); it ends with the coroutine.
net::awaitable<void> serve_connection(tcp::socket socket, const connection_env& env, bool tls,
                                      std::unique_ptr<connection_registry::member> member);

}  // namespace reemu
