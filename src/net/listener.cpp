// A listening socket and its accept loop (include/reemu/net/listener.hpp).
#include "reemu/net/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/errc.hpp>
#include <stdexcept>
#include <utility>

#include "reemu/net/answer.hpp"

namespace reemu {

namespace {

tcp::acceptor open_acceptor(listener::control_executor control, const std::string& scheme,
                            const std::string& bind, std::uint16_t port) {
  beast::error_code ec;
  const auto address = net::ip::make_address(bind, ec);
  if (ec) throw std::runtime_error("invalid bind address \"" + bind + "\": " + ec.message());
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(std::move(control));
  const auto fail = [&](const char* what) {
    throw std::runtime_error("cannot " + std::string(what) + " " + scheme + " listener on " + bind +
                             ":" + std::to_string(port) + ": " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) fail("configure");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  return acceptor;
}

// Out of descriptors, process- or system-wide: retrying at once fails again.
bool out_of_descriptors(const beast::error_code& ec) {
  return ec == net::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == net::error::no_buffer_space || ec == net::error::no_memory;
}

}  // namespace

listener::listener(net::io_context& ioc, const control_executor& control, std::string scheme,
                   const std::string& bind, std::uint16_t port)
    : ioc_(ioc),
      scheme_(std::move(scheme)),
      acceptor_(open_acceptor(control, scheme_, bind, port)),
      backoff_(control) {}

tcp::endpoint listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::start(std::function<void(tcp::socket)> on_accept) {
  on_accept_ = std::move(on_accept);
  net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
}

void listener::close() {
  closed_ = true;
  // Closing a listening socket resets the connections in its queue, whose
  // clients may have sent their requests: they are taken in first.
  beast::error_code ec;
  acceptor_.non_blocking(true, ec);
  while (!ec && on_accept_) {
    auto socket = acceptor_.accept(connection_executor(), ec);
    if (!ec) on_accept_(std::move(socket));
  }
  acceptor_.close(ec);
  backoff_.cancel();
}

net::any_io_executor listener::connection_executor() {
  if (strands_) return net::make_strand(ioc_);
  return ioc_.get_executor();
}

net::awaitable<void> listener::accept_loop() {
  bool paused = false;  // in an episode of failed accepts: logged once
  while (!closed_) {
    auto [ec, socket] = co_await acceptor_.async_accept(connection_executor(), use_tuple);
    if (!ec) {
      if (std::exchange(paused, false)) spdlog::info("{} accepting again", scheme_);
      on_accept_(std::move(socket));
      continue;
    }
    if (ec == net::error::operation_aborted || closed_) co_return;
    // A client that gave up while queued: nothing wrong with the listener.
    if (ec == net::error::connection_aborted) continue;
    // Out of descriptors (or memory) the next accept fails the same way at
    // once: a loop that retried without a pause would spin a core and fill
    // the log. The connections already open go on being served; one of them
    // closing frees a descriptor for the next try.
    if (!std::exchange(paused, true)) {
      spdlog::warn("{} accept failed: {}; retrying every {} ms until it works{}", scheme_,
                   ec.message(), accept_backoff.count(),
                   out_of_descriptors(ec) ? " (out of file descriptors or memory)" : "");
    }
    backoff_.expires_after(accept_backoff);
    co_await backoff_.async_wait(use_tuple);
  }
}

}  // namespace reemu
