// Listeners and sessions.
//
// One coroutine per connection, spawned on its own strand; the same serve()
// template runs over beast::tcp_stream and ssl_stream<tcp_stream>, so HTTP
// and HTTPS share every line of request handling. Expected I/O outcomes
// (end of stream, timeouts, resets) come back as error codes via as_tuple and
// end the session quietly; only surprises are logged.
#include "reemu/net/server.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "reemu/net/incoming.hpp"
#include "reemu/net/net.hpp"
#include "reemu/net/tls.hpp"

namespace reemu {

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr auto write_timeout = std::chrono::seconds(30);
constexpr auto shutdown_timeout = std::chrono::seconds(3);
constexpr auto drain_deadline = std::chrono::seconds(5);

// A response body that shares an immutable string: cached list bodies go out
// without a copy per request.
struct shared_body {
  using value_type = std::shared_ptr<const std::string>;

  static std::uint64_t size(const value_type& v) noexcept { return v ? v->size() : 0; }

  class writer {
   public:
    using const_buffers_type = net::const_buffer;
    template <bool is_request, class Fields>
    writer(const http::header<is_request, Fields>&, const value_type& body) : body_(body) {}
    void init(beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (!body_ || body_->empty()) return boost::none;
      return {{net::const_buffer(body_->data(), body_->size()), false}};
    }

   private:
    const value_type& body_;
  };
};

bool is_quiet_close(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::ssl::error::stream_truncated ||
         ec == http::error::partial_message;
}

// A parse error (bad method, version, header, chunk…): worth a 400.
bool is_http_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

// Who to tell when the server stops: each live connection registers a way to
// stop reading, run on its own strand.
class connection_tracker {
 public:
  struct handle {
    bool alive = true;
    tcp::socket* socket = nullptr;
    bool busy = false;
  };

  std::uint64_t add(std::shared_ptr<handle> h, net::any_io_executor ex) {
    std::lock_guard lock(mutex_);
    const auto id = next_++;
    entries_.emplace(id, entry{std::move(h), std::move(ex)});
    return id;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    entries_.erase(id);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }
  // Shuts the read side of every connection: a pending read ends with EOF,
  // so idle connections close and busy ones finish their current answer.
  void shutdown_reads() {
    std::lock_guard lock(mutex_);
    for (auto& [id, e] : entries_) {
      net::post(e.executor, [h = e.h] {
        if (!h->alive || !h->socket) return;
        beast::error_code ignored;
        h->socket->shutdown(tcp::socket::shutdown_receive, ignored);
      });
    }
  }

 private:
  struct entry {
    std::shared_ptr<handle> h;
    net::any_io_executor executor;
  };
  mutable std::mutex mutex_;
  std::uint64_t next_ = 1;
  std::unordered_map<std::uint64_t, entry> entries_;
};

}  // namespace

struct server::impl {
  explicit impl(app& a) : app_(a), control_(net::make_strand(ioc_)), drain_timer_(control_) {}

  app& app_;
  net::io_context ioc_;
  // Listeners, signals and the stop sequence share one strand, so closing
  // them never races an accept or a signal on another thread.
  net::strand<net::io_context::executor_type> control_;
  std::optional<tcp::acceptor> http_acceptor_;
  std::optional<tcp::acceptor> https_acceptor_;
  std::optional<tls_setup> tls_;
  std::optional<net::signal_set> signals_;
  net::steady_timer drain_timer_;
  connection_tracker tracker_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<bool> stopping_{false};

  const server_config& cfg() const { return app_.cfg().server; }

  tcp::acceptor open_listener(const std::string& scheme, std::uint16_t port) {
    beast::error_code ec;
    const auto address = net::ip::make_address(cfg().bind, ec);
    if (ec)
      throw std::runtime_error("invalid bind address \"" + cfg().bind + "\": " + ec.message());
    const tcp::endpoint endpoint(address, port);
    tcp::acceptor acceptor(control_);
    const auto fail = [&](const char* what) {
      throw std::runtime_error("cannot " + std::string(what) + " " + scheme + " listener on " +
                               cfg().bind + ":" + std::to_string(port) + ": " + ec.message());
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

  net::awaitable<void> accept_loop(tcp::acceptor& acceptor, bool tls) {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc_), use_tuple);
      if (ec) {
        if (ec == net::error::operation_aborted || stopping_) co_return;
        // EMFILE and friends: keep serving the connections we have.
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      auto ex = socket.get_executor();
      net::co_spawn(ex, session(std::move(socket), tls), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::error("connection ended by an unexpected error: {}", x.what());
        }
      });
    }
  }

  // A connection's place under max_connections, taken when its session
  // starts. The session gives it back before it closes its side of the
  // connection, so a client that has seen the server close a connection
  // finds the place free when it connects again: one that keeps to the cap
  // is never refused. (A close the client starts, a timeout or a fault's
  // drop is seen by the session only after the client sees it.)
  class place {
   public:
    explicit place(impl& s) : s_(s), count_(++s.connections_) {}
    ~place() { release(); }
    place(const place&) = delete;
    place& operator=(const place&) = delete;

    bool over_cap() const { return count_ > s_.cfg().max_connections; }
    void release() {
      if (std::exchange(released_, true)) return;
      if (--s_.connections_ == 0 && s_.stopping_)
        net::post(s_.control_, [&s = s_] { s.drain_timer_.cancel(); });
    }

   private:
    impl& s_;
    std::size_t count_;
    bool released_ = false;
  };

  net::awaitable<void> session(tcp::socket socket, bool tls) {
    place taken(*this);
    auto h = std::make_shared<connection_tracker::handle>();
    const auto id = tracker_.add(h, socket.get_executor());
    struct guard_t {
      impl& s;
      std::shared_ptr<connection_tracker::handle> h;
      std::uint64_t id;
      ~guard_t() {
        h->alive = false;
        s.tracker_.remove(id);
      }
    } guard{*this, h, id};

    if (taken.over_cap() || stopping_) {
      if (!tls) co_await refuse(socket);
      taken.release();
      beast::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)),
                                                  *tls_->context);
      h->socket = &beast::get_lowest_layer(stream).socket();
      const bool clean = co_await serve_tls(stream);
      taken.release();
      if (clean) {
        beast::get_lowest_layer(stream).expires_after(shutdown_timeout);
        co_await stream.async_shutdown(use_tuple);
      }
    } else {
      beast::tcp_stream stream(std::move(socket));
      h->socket = &stream.socket();
      beast::flat_buffer buffer;
      co_await serve(stream, buffer);
      taken.release();
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  // Past the connection cap: one canned 503; the caller closes.
  net::awaitable<void> refuse(tcp::socket& socket) {
    static const std::string answer = [] {
      const std::string body = error_body(code_of(api_error::service_unavailable),
                                          "Too many connections, try again later");
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
             "Connection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    co_await net::async_write(socket, net::buffer(answer), use_tuple);
  }

  // Handshake, then serve(). Returns true when the TLS stream is fit for a
  // clean shutdown, which the caller does.
  net::awaitable<bool> serve_tls(beast::ssl_stream<beast::tcp_stream>& stream) {
    auto& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    lowest.expires_after(std::chrono::seconds(cfg().handshake_timeout_seconds));
    // Peek at the first bytes: a plain-HTTP client on the TLS port gets a
    // readable answer instead of a handshake failure.
    auto [dec, is_tls] = co_await beast::async_detect_ssl(lowest, buffer, use_tuple);
    if (dec) co_return false;
    if (!is_tls) {
      const std::string body =
          error_body(code_of(api_error::bad_request), "This port speaks HTTPS: use https://");
      const std::string answer =
          "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
          "Content-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body;
      co_await net::async_write(lowest, net::buffer(answer), use_tuple);
      co_return false;
    }
    auto [hec, used] =
        co_await stream.async_handshake(ssl::stream_base::server, buffer.data(), use_tuple);
    if (hec) {
      spdlog::debug("TLS handshake failed: {}", hec.message());
      co_return false;
    }
    buffer.consume(used);
    co_return co_await serve(stream, buffer);
  }

  template <class Stream>
  net::awaitable<bool> write_error(Stream& stream, unsigned version, api_error e,
                                   std::string description) {
    reply r = error_reply(e, std::move(description));
    http::response<shared_body> res{r.status, version};
    res.set(http::field::server, "re-actions-emulator");
    res.set(http::field::content_type, r.content_type);
    res.keep_alive(false);
    res.body() = r.body;
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(write_timeout);
    auto [ec, n] = co_await http::async_write(stream, res, use_tuple);
    co_return !ec;
  }

  // Reads and answers requests until the connection should close. Returns
  // true when the stream is still fit for a clean (TLS) shutdown.
  template <class Stream>
  net::awaitable<bool> serve(Stream& stream, beast::flat_buffer& buffer) {
    auto& lowest = beast::get_lowest_layer(stream);
    const server_config& c = cfg();
    auth_cache auth;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(c.header_limit));
      parser.body_limit(c.body_limit);
      lowest.expires_after(std::chrono::seconds(buffer.size() > 0 ? c.read_timeout_seconds
                                                                  : c.idle_timeout_seconds));
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (ec == http::error::header_limit) {
        co_await write_error(
            stream, 11, api_error::header_too_large,
            "Request header larger than " + std::to_string(c.header_limit) + " bytes");
        co_return false;
      }
      // The parser checks Content-Length against the body limit while it
      // reads the header, so an announced oversized body stops here: 413,
      // before a byte of it is read.
      if (ec == http::error::body_limit) {
        co_await write_error(stream, parser.get().version(), api_error::body_too_large,
                             "Request body larger than " + std::to_string(c.body_limit) + " bytes");
        co_return false;
      }
      if (ec) {
        if (!is_quiet_close(ec) && is_http_error(ec))
          co_await write_error(stream, 11, api_error::bad_request,
                               "Malformed HTTP request: " + ec.message());
        co_return ec == http::error::end_of_stream;
      }
      // Request smuggling: a body's length must be read the one way every
      // HTTP implementation reads it.
      if (unsupported_transfer_encoding(parser.get())) {
        co_await write_error(stream, parser.get().version(), api_error::bad_request,
                             "Unsupported Transfer-Encoding: only chunked is accepted");
        co_return false;
      }
      if (!parser.is_done()) {
        lowest.expires_after(std::chrono::seconds(c.read_timeout_seconds));
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (bec == http::error::body_limit) {
          co_await write_error(
              stream, parser.get().version(), api_error::body_too_large,
              "Request body larger than " + std::to_string(c.body_limit) + " bytes");
          co_return false;
        }
        if (bec) {
          if (!is_quiet_close(bec) && is_http_error(bec))
            co_await write_error(stream, parser.get().version(), api_error::bad_request,
                                 "Malformed HTTP request body: " + bec.message());
          co_return false;
        }
      }

      const auto& req = parser.get();
      const incoming_request in = to_incoming(req);
      handled h = app_.handle(in, &auth);

      if (h.reply.delay.count() > 0) {
        net::steady_timer timer(co_await net::this_coro::executor);
        timer.expires_after(h.reply.delay);
        co_await timer.async_wait(use_tuple);
      }
      if (h.reply.drop) {
        beast::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest.socket().close(ignored);
        co_return false;
      }

      http::response<shared_body> res{h.reply.status, req.version()};
      res.set(http::field::server, "re-actions-emulator");
      for (auto& [field, value] : h.reply.headers) res.set(field, value);
      res.keep_alive(req.keep_alive() && !stopping_);
      if (h.reply.body) res.set(http::field::content_type, h.reply.content_type);
      if (req.method() == http::verb::head) {
        res.content_length(
            shared_body::size(h.reply.body));  // what GET would send, without the bytes
      } else {
        res.body() = h.reply.body;
        res.prepare_payload();
      }
      lowest.expires_after(write_timeout);
      auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
      if (wec) co_return false;
      if (!res.keep_alive()) co_return true;
    }
  }

  void begin_stop() {
    if (stopping_.exchange(true)) return;
    spdlog::info("shutting down: closing listeners and idle connections");
    beast::error_code ignored;
    if (http_acceptor_) http_acceptor_->close(ignored);
    if (https_acceptor_) https_acceptor_->close(ignored);
    if (signals_) signals_->cancel(ignored);
    tracker_.shutdown_reads();
    if (connections_ == 0) return;
    // Requests in flight get a few seconds; then the loop is stopped.
    drain_timer_.expires_after(drain_deadline);
    drain_timer_.async_wait([this](beast::error_code ec) {
      if (!ec && connections_ > 0) {
        spdlog::warn("{} connection(s) still open after {}s; stopping anyway", connections_.load(),
                     drain_deadline.count());
        ioc_.stop();
      }
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
  }
  if (c.http_enabled) s.http_acceptor_.emplace(s.open_listener("HTTP", c.http_port));
  if (c.https_enabled) s.https_acceptor_.emplace(s.open_listener("HTTPS", c.https_port));
  const auto log_listener = [&](const char* scheme, const std::optional<tcp::acceptor>& a) {
    if (!a) return;
    const auto ep = a->local_endpoint();
    const std::string host =
        ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    spdlog::info("listening on {}://{}:{}", scheme, host, ep.port());
  };
  log_listener("http", s.http_acceptor_);
  log_listener("https", s.https_acceptor_);
  if (s.http_acceptor_)
    net::co_spawn(s.control_, s.accept_loop(*s.http_acceptor_, false), net::detached);
  if (s.https_acceptor_)
    net::co_spawn(s.control_, s.accept_loop(*s.https_acceptor_, true), net::detached);
}

std::uint16_t server::http_port() const noexcept {
  beast::error_code ec;
  return impl_->http_acceptor_ ? impl_->http_acceptor_->local_endpoint(ec).port() : 0;
}

std::uint16_t server::https_port() const noexcept {
  beast::error_code ec;
  return impl_->https_acceptor_ ? impl_->https_acceptor_->local_endpoint(ec).port() : 0;
}

void server::run(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { impl_->ioc_.run(); });
  impl_->ioc_.run();
  for (auto& t : pool) t.join();
}

void server::stop() {
  net::post(impl_->control_, [s = impl_.get()] { s->begin_stop(); });
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
  // the resident size reflects what the registry holds.
  ::malloc_trim(0);
  server s(a);
  s.start();
  s.stop_on_signals();
  spdlog::info("re-actions-emulator ready: {} thread(s), clock {}, control API {}", threads,
               to_string(a.cfg().emulator.clock), a.cfg().emulator.control_api ? "on" : "off");
  s.run(threads);
  spdlog::info("stopped");
  return 0;
}

}  // namespace reemu
