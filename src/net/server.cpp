// The server: an io_context, its listeners, the live connections, signals and
// the stop sequence. Roles are types: listener (accept loop), serve_connection
// (one connection: cap, TLS detection, close), http_session (the requests),
// connection_registry (places and shutdown).
//
// Stopping: the listeners take in their listen queues and close, idle
// keep-alive connections close (after a 100 ms grace for a request on its
// way), requests already received are answered (with Connection: close),
// new connections get their first request read and answered. At the
// timetable's expire (2.5 s) what is unfinished is answered now (a partly
// received request gets a 503, a fault's wait is cut short); at its close
// (3 s) every connection still open (a write a client does not read) is
// closed; their coroutines end with errors and the io_context runs out of
// work, so run() returns with nothing left pending. The registry keeps how
// far the stop has gone and times it while any connection is live, so a
// connection accepted after the stop began (the listener's last accept was
// already under way when it closed) follows the same timetable.
#include "reemu/net/server.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "reemu/app/exporter.hpp"
#include "reemu/net/connection.hpp"
#include "reemu/net/connections.hpp"
#include "reemu/net/fd_limit.hpp"
#include "reemu/net/listener.hpp"
#include "reemu/net/net.hpp"
#include "reemu/net/ports_file.hpp"
#include "reemu/net/tls.hpp"
#include "reemu/util/atomic_file.hpp"
#include "reemu/util/resident.hpp"

namespace reemu {

namespace {

// The stop's timetable (docs/reliability.md). Requests in flight get
// close = 3 s; at expire, the connections still busy are told to answer
// what they have at once, the last half second being for those answers to
// go out; after the close their handlers end at once, and should one not,
// the loop stops give_up later.
constexpr connection_registry::timetable stop_timetable{
    std::chrono::milliseconds(2500), std::chrono::seconds(3), std::chrono::seconds(2)};

}  // namespace

struct server::impl {
  explicit impl(app& a)
      : app_(a),
        ioc_(std::make_unique<net::io_context>()),
        control_(net::make_strand(*ioc_)),
        cap_(connection_cap(cfg().max_connections, raise_open_file_limit())),
        registry_(cap_, control_, stop_timetable) {}

  ~impl() {
    // A clean exit takes the ports file away: its ports are closed.
    if (ports_file_written_) ::unlink(cfg().ports_file.c_str());
    // The last resort of the stop sequence left coroutines suspended: their
    // frames refer to this object, so the io_context is not destroyed (which
    // would resume nothing but destroy them into freed members).
    if (abandoned_) (void)ioc_.release();
  }

  app& app_;
  std::unique_ptr<net::io_context> ioc_;
  // Listeners, signals and the stop sequence share one strand, so closing
  // them never races an accept or a signal on another thread.
  listener::control_executor control_;
  const std::size_t cap_;
  connection_registry registry_;
  std::optional<listener> http_;
  std::optional<listener> https_;
  std::optional<listener> metrics_;  // the cluster's Prometheus exporter (--metrics-port)
  std::optional<tls_setup> tls_;
  std::optional<net::signal_set> signals_;
  std::optional<net::steady_timer> release_timer_;  // release_startup_pages
  std::optional<connection_env> env_;
  std::optional<metrics_exporter> exporter_;
  std::optional<connection_env> metrics_env_;  // env_ answered by exporter_
  std::atomic<bool> stopping_{false};
  bool abandoned_ = false;
  bool ports_file_written_ = false;
  bound_listeners bound_;  // what the ports file says, kept for a certificate change

  // A rotated or installed api certificate (state/certificates.hpp), on the
  // thread of the request that made it; the store runs one change at a
  // time. New connections take the new context from the store; the files
  // that name the certificate follow it. A failed write is logged: the
  // certificate is served all the same.
  void on_certificate_change(const served_certificate& c) {
    const auto& conf = cfg();
    spdlog::info("TLS certificate replaced, SHA-256 fingerprint {}", c.fingerprint_sha256);
    if (!conf.tls_cert_out.empty()) {
      if (auto err = write_file_atomically(conf.tls_cert_out, c.cert_pem, {}, 0644,
                                           durability::replace_only)) {
        spdlog::error("cannot write TLS certificate to {}: {}", conf.tls_cert_out, *err);
      }
    }
    if (ports_file_written_) {
      bound_listeners bound = bound_;
      bound.tls_fingerprint = c.fingerprint_sha256;
      if (auto err = write_file_atomically(conf.ports_file, ports_document(bound), std::nullopt,
                                           0644, durability::replace_only)) {
        spdlog::error("cannot rewrite the ports file: {}", *err);
      }
    }
  }

  const server_config& cfg() const { return app_.cfg().server; }

  // Serves `socket` on its strand. Its registry entry is made here, on the
  // control strand, so a stop that begins before the coroutine runs counts
  // it; one that began before the accept is caught up with by the registry.
  void accept(tcp::socket socket, bool tls, const connection_env& env) {
    auto ex = socket.get_executor();
    auto member = std::make_unique<connection_registry::member>(registry_, ex);
    net::co_spawn(ex, serve_connection(std::move(socket), env, tls, std::move(member)),
                  [](const std::exception_ptr& e) {
                    if (!e) return;
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& x) {
                      spdlog::error("connection ended by an unexpected error: {}", x.what());
                    }
                  });
  }

  void begin_stop() {
    if (stopping_.exchange(true)) return;
    spdlog::info("shutting down: closing listeners and idle connections");
    if (http_) http_->close();
    if (https_) https_->close();
    if (metrics_) metrics_->close();
    beast::error_code ignored;
    if (signals_) signals_->cancel(ignored);
    if (release_timer_) release_timer_->cancel();
    // The registry times the rest: expire, close, and this last resort.
    registry_.stop([this] {
      spdlog::error("{} connection(s) did not end when closed; stopping anyway", registry_.live());
      abandoned_ = true;
      ioc_->stop();
    });
  }
};

server::server(app& a) : impl_(std::make_unique<impl>(a)) {}

server::~server() = default;

void server::start() {
  auto& s = *impl_;
  const auto& c = s.cfg();
  if (c.https_enabled) {
    tls_options opts;
    opts.cert_file = c.tls_cert;
    opts.key_file = c.tls_key;
    opts.cert_out_file = c.tls_cert_out;
    opts.extra_names = c.tls_names;
    if (c.bind != "0.0.0.0" && c.bind != "::") opts.extra_names.push_back(c.bind);
    s.tls_ = make_tls_setup(opts);
    spdlog::info("TLS certificate {} ({}), SHA-256 fingerprint {}",
                 s.tls_->generated ? "generated at start-up" : "loaded from " + c.tls_cert,
                 s.tls_->subject, s.tls_->fingerprint_sha256);
    if (!c.tls_cert_out.empty()) spdlog::info("TLS certificate written to {}", c.tls_cert_out);
    // /v1/cluster/certificates shows, rotates and installs what this
    // listener serves; generated ones get the same names.
    s.app_.svc().certs.enable(
        [names = opts.extra_names](const std::string& cert,
                                   const std::string& key) -> result<served_certificate> {
          try {
            tls_setup made = make_tls_from_pem(cert, key, names);
            return served_certificate{std::move(made.cert_pem), std::move(made.key_pem),
                                      std::move(made.fingerprint_sha256), std::move(made.context)};
          } catch (const tls_error& e) {
            return failure{api_error::invalid_certificate, e.what()};
          }
        },
        served_certificate{s.tls_->cert_pem, s.tls_->key_pem, s.tls_->fingerprint_sha256,
                           s.tls_->context},
        [&s](const served_certificate& changed) { s.on_certificate_change(changed); });
  }
  if (s.cap_ < c.max_connections) {
    spdlog::warn("max_connections lowered from {} to {}: the open file limit allows no more",
                 c.max_connections, s.cap_);
  }
  s.env_.emplace(connection_env{s.app_, session_limits::from(c),
                                std::chrono::seconds(c.handshake_timeout_seconds), s.registry_,
                                s.stopping_, s.tls_ ? &s.app_.svc().certs : nullptr});
  if (c.http_enabled) s.http_.emplace(*s.ioc_, s.control_, "HTTP", c.bind, c.http_port);
  if (c.https_enabled) s.https_.emplace(*s.ioc_, s.control_, "HTTPS", c.bind, c.https_port);
  if (c.metrics_port) {
    s.metrics_.emplace(*s.ioc_, s.control_, "metrics", c.bind, *c.metrics_port);
    s.exporter_.emplace(s.app_);
    s.metrics_env_.emplace(*s.env_);
    s.metrics_env_->exporter = &*s.exporter_;
  }
  const auto log_listener = [&](const char* scheme, const std::optional<listener>& l) {
    if (!l) return;
    const auto ep = l->local_endpoint();
    const std::string host =
        ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    spdlog::info("listening on {}://{}:{}", scheme, host, ep.port());
  };
  log_listener("http", s.http_);
  log_listener("https", s.https_);
  if (s.metrics_) {
    const auto ep = s.metrics_->local_endpoint();
    spdlog::info("cluster metrics exporter on port {} (GET /v2; {})", ep.port(),
                 s.tls_ ? "HTTPS or plain HTTP" : "plain HTTP");
  }
  if (s.http_)
    s.http_->start([&s](tcp::socket socket) { s.accept(std::move(socket), false, *s.env_); });
  if (s.https_)
    s.https_->start([&s](tcp::socket socket) { s.accept(std::move(socket), true, *s.env_); });
  if (s.metrics_) {
    // With HTTPS on, the exporter's connections go the HTTPS way (TLS
    // detected from the first bytes) and plain HTTP is served all the same.
    const bool tls = s.tls_.has_value();
    s.metrics_->start(
        [&s, tls](tcp::socket socket) { s.accept(std::move(socket), tls, *s.metrics_env_); });
  }
  if (!c.ports_file.empty()) {
    bound_listeners bound;
    if (s.http_) bound.http = s.http_->local_endpoint();
    if (s.https_) bound.https = s.https_->local_endpoint();
    if (s.metrics_) bound.metrics = s.metrics_->local_endpoint();
    if (s.tls_) bound.tls_fingerprint = s.tls_->fingerprint_sha256;
    bound.pid = static_cast<long>(::getpid());
    s.bound_ = bound;
    if (auto error = write_file_atomically(c.ports_file, ports_document(bound), std::nullopt, 0644,
                                           durability::replace_only)) {
      throw std::runtime_error("cannot write the ports file: " + *error);
    }
    s.ports_file_written_ = true;
    spdlog::info("ports written to {}", c.ports_file);
  }
}

std::uint16_t server::http_port() const noexcept {
  return impl_->http_ ? impl_->http_->local_endpoint().port() : 0;
}

std::uint16_t server::https_port() const noexcept {
  return impl_->https_ ? impl_->https_->local_endpoint().port() : 0;
}

std::uint16_t server::metrics_port() const noexcept {
  return impl_->metrics_ ? impl_->metrics_->local_endpoint().port() : 0;
}

std::size_t server::max_connections() const noexcept { return impl_->cap_; }

void server::run(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto& ioc = *impl_->ioc_;
  for (auto* l : {&impl_->http_, &impl_->https_, &impl_->metrics_})
    if (*l) (*l)->use_strands(threads > 1);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}

void server::stop() {
  net::post(impl_->control_, [s = impl_.get()] { s->begin_stop(); });
}

void server::release_startup_pages(std::chrono::milliseconds after) {
  net::post(impl_->control_, [s = impl_.get(), after] {
    if (s->stopping_) return;
    s->release_timer_.emplace(s->control_, after);
    s->release_timer_->async_wait([](beast::error_code ec) {
      if (ec) return;
      spdlog::debug("start-up's clean file pages released: {} KiB", release_clean_file_pages());
    });
  });
}

void server::stop_on_signals() {
  auto& s = *impl_;
  s.signals_.emplace(s.control_, SIGINT, SIGTERM);
  s.signals_->async_wait([&s](beast::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}", sig);
    s.begin_stop();
  });
}

int run(config cfg) {
  const unsigned threads =
      cfg.server.threads ? cfg.server.threads : std::max(1u, std::thread::hardware_concurrency());
  app a(std::move(cfg));
  // Parsing a large seed leaves freed heap behind; hand it back to the OS so
  // the resident size reflects what the registry holds. (This is glibc's
  // heap: with jemalloc, which the server links, it is nearly empty, and
  // jemalloc returns its own unused pages by itself within seconds.)
  ::malloc_trim(0);
  server s(a);
  // Signals first: once start() writes the ports file, a harness may send
  // SIGTERM at once, and it must find the clean stop (exit 0, file removed).
  s.stop_on_signals();
  s.start();
  spdlog::info(
      "re-actions-emulator ready: {} thread(s), clock {}, control API {}, at most {} "
      "connections",
      threads, to_string(a.cfg().emulator.clock), a.cfg().emulator.control_api ? "on" : "off",
      s.max_connections());
  // Start-up's code and read-only data need not stay resident for the
  // emulator's life (util/resident.hpp): given back once the first requests
  // have been served, which fault back in what they use.
  s.release_startup_pages(std::chrono::milliseconds(200));
  s.run(threads);
  spdlog::info("stopped");
  return 0;
}

}  // namespace reemu
