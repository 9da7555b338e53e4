// The network server: HTTP and HTTPS listeners on one io_context, one
// coroutine per connection (generic over plain and TLS streams), and a
// graceful stop. Sessions do I/O only; the app answers requests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "reemu/app/app.hpp"
#include "reemu/config/config.hpp"

namespace reemu {

class server {
 public:
  // `a` must outlive the server.
  explicit server(app& a);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds the enabled listeners and prepares TLS. After it returns the ports
  // accept connections (they queue until run()). Throws std::runtime_error
  // (or tls_error) with a message naming the address or file at fault.
  void start();

  // Bound ports (useful with port 0); 0 when that listener is off.
  std::uint16_t http_port() const noexcept;
  std::uint16_t https_port() const noexcept;
  // The cluster's Prometheus exporter (server.metrics_port); 0 when off.
  std::uint16_t metrics_port() const noexcept;

  // The connection cap in force: server.max_connections, lowered to what the
  // open-file limit allows (raised to its hard limit when the server is made).
  std::size_t max_connections() const noexcept;

  // Serves on `threads` threads (the calling one included) until stop().
  void run(unsigned threads);

  // Graceful stop: listeners close (the connections in their listen queues
  // are taken in), idle keep-alive connections close (after 100 ms without
  // a next request), requests already received (a new connection's first
  // request included) are answered with `Connection: close`. At 2.5 s what
  // is unfinished is answered at once (a partly received request with a
  // 503); after 3 s the connections still open are closed. run() returns
  // when every connection has ended (within about 5 s). Thread-safe; may be
  // called before or during run().
  void stop();

  // Stops on SIGINT or SIGTERM.
  void stop_on_signals();

  // `after` start-up, drops from the resident set the clean file pages
  // start-up touched (util/resident.hpp: code and read-only data, faulted
  // back in as used). Later than ready, so the first answer never waits for
  // it; a stop before then cancels it.
  void release_startup_pages(std::chrono::milliseconds after);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Everything main does after parsing flags: logging, app, server, signals,
// threads. Returns the process exit code. Throws start-up errors. Takes the
// config by value: a large seed moves into the registry instead of being copied.
int run(config cfg);

}  // namespace reemu
