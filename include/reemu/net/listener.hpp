// One listening socket and its accept loop. Out of file descriptors
// (EMFILE, ENFILE) the loop pauses briefly instead of spinning, keeping the
// connections it has; every accepted socket goes to `on_accept` on a strand
// of its own.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "reemu/net/net.hpp"

namespace reemu {

class listener {
 public:
  using control_executor = net::strand<net::io_context::executor_type>;

  // How long the accept loop waits after a failed accept before it tries again.
  static constexpr std::chrono::milliseconds accept_backoff{100};

  // Opens, binds and listens on `bind`:`port` (0: any free port). Throws
  // std::runtime_error naming the scheme, address and step that failed.
  listener(net::io_context& ioc, const control_executor& control, std::string scheme,
           const std::string& bind, std::uint16_t port);

  // The bound endpoint (for the start-up log and port 0).
  tcp::endpoint local_endpoint() const;

  // Starts accepting on the control strand; each new socket goes to `on_accept`.
  void start(std::function<void(tcp::socket)> on_accept);

  // Whether each accepted socket gets a strand of its own (the default) or
  // the io_context's executor: with one thread running the io_context a
  // strand orders nothing, and dispatching through one costs more than the
  // rest of a cached read's handling. Set before the io_context runs.
  void use_strands(bool on) { strands_ = on; }

  // Stops accepting (on the control strand): the connections already in the
  // listen queue go to `on_accept`, then the socket closes and the loop ends.
  void close();

 private:
  net::awaitable<void> accept_loop();

  net::io_context& ioc_;
  std::string scheme_;
  tcp::acceptor acceptor_;
  net::steady_timer backoff_;
  std::function<void(tcp::socket)> on_accept_;
  bool closed_ = false;
  bool strands_ = true;

  // The executor of the next accepted socket.
  net::any_io_executor connection_executor();
};

}  // namespace reemu
