// Integration-test harness: the real server started inside the test process
// on 127.0.0.1 with kernel-chosen ports, and a small synchronous HTTP/HTTPS
// client built on Boost.Beast.
//
// Nothing here sleeps or retries. server::start() returns with the listeners
// bound, so a test connects as soon as the constructor returns (connections
// queue until run() picks them up). Every client operation runs on the
// client's own io_context with a deadline, so a server that never answers
// fails the test with a timeout instead of hanging the suite.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/net/net.hpp"
#include "reemu/net/server.hpp"
#include "reemu/util/logging.hpp"
#include "schema_check.hpp"

namespace reemu::test {

using json = nlohmann::json;

// Upper bound for one client operation. Only a broken server reaches it.
inline constexpr std::chrono::seconds default_timeout{10};

inline constexpr const char* default_config_path = REEMU_SOURCE_DIR "/config/default.json";

// --- Users of config/default.json -------------------------------------------

struct credentials {
  std::string_view email;
  std::string_view password;
};

inline constexpr credentials admin{"admin@redis.local", "Redis123!"};
inline constexpr credentials viewer{"viewer@redis.local", "Viewer123!"};        // cluster_viewer
inline constexpr credentials db_viewer{"db.viewer@redis.local", "Viewer123!"};  // db_viewer
inline constexpr credentials nobody{"nobody@redis.local", "Nobody123!"};        // role none

// The value of an Authorization header for HTTP Basic.
inline std::string basic_auth(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string(user) + ":" + std::string(password));
}
inline std::string basic_auth(const credentials& c) { return basic_auth(c.email, c.password); }

// --- Configuration -------------------------------------------------------------

// config/default.json as a document, for tests that edit it before parsing.
inline json default_config_json() {
  std::ifstream in(default_config_path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + default_config_path);
  return json::parse(in);
}

// What GET /v1/actions answers on the default config: the seed, in file
// order, as compact JSON with sorted keys (SPEC.md section 1).
inline std::string seed_list_body() {
  const json doc = default_config_json();
  return json{{"actions", doc["actions"]}, {"state-machines", doc["state-machines"]}}.dump();
}

// The default config with test listeners (loopback, port 0, HTTPS off), after
// `edit` has had its say on the document; parsed the way the binary parses it.
inline config make_config(const std::function<void(json&)>& edit = {}) {
  json doc = default_config_json();
  doc["server"]["bind"] = "127.0.0.1";
  doc["server"]["http_port"] = 0;
  doc["server"]["https_port"] = 0;
  doc["server"]["https"] = false;
  if (edit) edit(doc);
  return parse_config(doc, "integration-test config");
}

// Manual clock fixed at `start`: lifecycles move only when a test says so.
inline config manual_clock_config(double start = 1760000000,
                                  const std::function<void(json&)>& edit = {}) {
  return make_config([&](json& doc) {
    doc["emulator"]["clock"] = "manual";
    doc["emulator"]["clock_start"] = start;
    if (edit) edit(doc);
  });
}

// --- Contract -----------------------------------------------------------------

// The contract test: every answer a test receives through client::send is
// checked against docs/openapi.json (body schema, required headers, content
// type), so a response that drifts from the document fails CI. Answers to
// paths the document does not describe (unknown routes, malformed targets)
// must still carry the documented error body.
inline const openapi_contract& contract() {
  static const openapi_contract c = [] {
    std::ifstream in(REEMU_SOURCE_DIR "/docs/openapi.json");
    return openapi_contract(json::parse(in));
  }();
  return c;
}

inline void expect_conforms(const std::string& method, const std::string& target, unsigned status,
                            const http::fields& headers, const std::string& body) {
  const std::string path = target.substr(0, target.find('?'));
  const int code = static_cast<int>(status);
  std::vector<std::string> violations;
  const bool documented = path.starts_with('/') && contract().find_path(path) &&
                          status != 405;  // 405: the method is what is undocumented
  if (documented) {
    violations = contract().check_response(method, path, code, body);
    auto more = contract().check_headers(method, path, code, [&](std::string_view name) {
      const auto it = headers.find(name);
      return it == headers.end() ? std::nullopt : std::optional<std::string>(it->value());
    });
    violations.insert(violations.end(), more.begin(), more.end());
  } else if (method != "HEAD") {
    violations = contract().check_value(json{{"$ref", "#/components/schemas/Error"}},
                                        json::parse(body, nullptr, false));
  }
  for (const auto& v : violations)
    ADD_FAILURE() << "contract: " << method << " " << target << " -> " << status << ": " << v
                  << "\n  body: " << body.substr(0, 300);
}

// --- Client -------------------------------------------------------------------

struct request {
  http::verb method = http::verb::get;
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;
};

struct response {
  unsigned status = 0;
  http::fields headers;
  std::string body;
  bool keep_alive = false;

  // The header's value, or "" when absent.
  std::string header(http::field f) const {
    const auto it = headers.find(f);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
  bool has_header(http::field f) const { return headers.find(f) != headers.end(); }
  // The body parsed as JSON; a discarded value when it is not JSON.
  json json_body() const { return json::parse(body, nullptr, false); }
};

// Builds a request with an optional Authorization and a JSON body.
inline request make_request(http::verb method, std::string target,
                            std::optional<credentials> who = std::nullopt, std::string body = {}) {
  request r;
  r.method = method;
  r.target = std::move(target);
  if (who) r.headers.emplace_back("Authorization", basic_auth(*who));
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

struct tls_client_options {
  // Verify the server against this CA file (PEM) and `host`; nullopt = verify nothing.
  std::optional<std::string> ca_file;
  std::string host = "localhost";  // SNI, and the name checked when verifying
};

// One connection to the server, plain or TLS, used synchronously: every call
// runs the connection's private io_context until its operation completes or
// the deadline closes the socket. Not thread-safe; one per test thread.
class client {
 public:
  // Connects over plain TCP. Throws std::runtime_error on failure.
  explicit client(std::uint16_t port, std::chrono::steady_clock::duration timeout = default_timeout)
      : timeout_(timeout) {
    plain_.emplace(ioc_);
    connect(*plain_, port);
  }

  // Connects and completes the TLS handshake. Throws std::runtime_error with
  // the handshake error (e.g. a failed verification) on failure.
  client(std::uint16_t port, const tls_client_options& options,
         std::chrono::steady_clock::duration timeout = default_timeout)
      : timeout_(timeout), tls_context_(std::make_unique<ssl::context>(ssl::context::tls_client)) {
    if (options.ca_file) {
      tls_context_->load_verify_file(*options.ca_file);
      tls_context_->set_verify_mode(ssl::verify_peer);
    } else {
      tls_context_->set_verify_mode(ssl::verify_none);
    }
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc_, *tls_context_);
    if (options.ca_file) tls_->set_verify_callback(ssl::host_name_verification(options.host));
    if (!SSL_set_tlsext_host_name(tls_->native_handle(), options.host.c_str()))
      throw std::runtime_error("cannot set SNI host name");
    connect(beast::get_lowest_layer(*tls_), port);
    const auto ec = run_op(
        [&](auto handler) { tls_->async_handshake(ssl::stream_base::client, std::move(handler)); });
    if (ec) throw std::runtime_error("TLS handshake failed: " + ec.message());
  }

  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client() { close(); }

  // Sends `r` and reads the answer. Throws std::runtime_error when the
  // connection fails instead of answering.
  response send(const request& r) {
    response out;
    if (const auto ec = try_send(r, out))
      throw std::runtime_error("request failed: " + ec.message());
    return out;
  }

  // Like send(), reporting an I/O failure (e.g. a dropped connection) as a value.
  beast::error_code try_send(const request& r, response& out) {
    http::request<http::string_body> req{r.method, r.target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::user_agent, "reemu-integration-test");
    for (const auto& [name, value] : r.headers) req.set(name, value);
    req.keep_alive(r.keep_alive);
    req.body() = r.body;
    if (!r.body.empty() || r.method == http::verb::post || r.method == http::verb::put ||
        r.method == http::verb::patch)
      req.prepare_payload();
    auto ec = with_stream([&](auto& s) {
      return run_op([&](auto handler) { http::async_write(s, req, std::move(handler)); });
    });
    if (ec) return ec;
    ec = try_read(out, r.method == http::verb::head);
    if (!ec)
      expect_conforms(std::string(http::to_string(r.method)), r.target, out.status, out.headers,
                      out.body);
    return ec;
  }

  // Reads one response; `head` = it answers a HEAD (no body follows).
  beast::error_code try_read(response& out, bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (head) parser.skip(true);
    auto ec = with_stream([&](auto& s) {
      return run_op(
          [&](auto handler) { http::async_read(s, buffer_, parser, std::move(handler)); });
    });
    if (ec) return ec;
    auto msg = parser.release();
    out.status = msg.result_int();
    out.headers = static_cast<const http::fields&>(msg.base());
    out.body = std::move(msg.body());
    out.keep_alive = msg.keep_alive();
    return {};
  }

  response read(bool head = false) {
    response out;
    if (const auto ec = try_read(out, head))
      throw std::runtime_error("read failed: " + ec.message());
    return out;
  }

  // Writes bytes as they are: malformed requests, half requests.
  void write_raw(std::string_view bytes) {
    const auto ec = with_stream([&](auto& s) {
      return run_op([&](auto handler) {
        net::async_write(s, net::buffer(bytes.data(), bytes.size()), std::move(handler));
      });
    });
    if (ec) throw std::runtime_error("write failed: " + ec.message());
  }

  // Reads until the server closes the connection (or the deadline passes);
  // returns the bytes that arrived. `ec` gets the error that ended the read:
  // eof / stream_truncated / connection_reset for a close, timeout otherwise.
  std::string read_until_closed(beast::error_code& ec) {
    std::string data(buffer_.size(), '\0');
    net::buffer_copy(net::buffer(data), buffer_.data());
    buffer_.consume(buffer_.size());
    for (;;) {
      char chunk[4096];
      std::size_t got = 0;
      ec = with_stream([&](auto& s) {
        return run_op([&](auto handler) {
          s.async_read_some(net::buffer(chunk), [&, handler = std::move(handler)](
                                                    beast::error_code e, std::size_t n) mutable {
            got = n;
            handler(e, n);
          });
        });
      });
      data.append(chunk, got);
      if (ec) return data;
    }
  }

  // True when the server closed the connection without sending a byte.
  bool closed_without_answer() {
    beast::error_code ec;
    const std::string data = read_until_closed(ec);
    return data.empty() && ec != beast::error::timeout;
  }

  void close() {
    beast::error_code ignored;
    auto& socket = tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket();
    if (!socket.is_open()) return;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

 private:
  void connect(beast::tcp_stream& stream, std::uint16_t port) {
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    stream.expires_after(timeout_);
    beast::error_code result;
    bool done = false;
    stream.async_connect(endpoint, [&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    while (!done && ioc_.run_one() > 0) {
    }
    stream.expires_never();
    if (result)
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                               result.message());
  }

  template <class F>
  beast::error_code with_stream(F&& f) {
    if (tls_) return f(*tls_);
    return f(*plain_);
  }

  // Starts an async operation through `start(handler)` and runs the
  // io_context until it completes; the deadline on the TCP stream bounds it.
  template <class Start>
  beast::error_code run_op(Start&& start) {
    auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
    lowest.expires_after(timeout_);
    beast::error_code result = net::error::would_block;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    // Until this operation completes, not until the io_context runs dry: the
    // stream's deadline timer would keep it busy for the whole timeout.
    ioc_.restart();
    while (!done && ioc_.run_one() > 0) {
    }
    lowest.expires_never();
    if (!done) return beast::error::timeout;
    return result;
  }

  net::io_context ioc_;
  std::chrono::steady_clock::duration timeout_;
  std::unique_ptr<ssl::context> tls_context_;
  std::optional<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
};

// --- Server -------------------------------------------------------------------

// Sends GET /v1/actions with "Connection: close" and checks the server
// honours it: a 200 without keep-alive, then the server closes the
// connection with nothing more sent.
inline void expect_answer_then_close(client& c) {
  request r = make_request(http::verb::get, "/v1/actions", admin);
  r.keep_alive = false;
  const auto answer = c.send(r);
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(answer.keep_alive);
  EXPECT_TRUE(c.closed_without_answer());
}

// Logging off for the whole test process, set once before the first server's
// threads start (setup_logging is not safe to call while others log).
inline bool quiet_logging() {
  static const bool done = [] {
    setup_logging("off", "text");
    return true;
  }();
  return done;
}

// The real app and server, serving on a background thread from construction
// to destruction (or stop()).
class test_server {
 public:
  explicit test_server(config cfg, unsigned threads = 2)
      : quiet_(quiet_logging()),
        app_(std::make_unique<app>(std::move(cfg))),
        server_(std::make_unique<server>(*app_)) {
    server_->start();  // listeners are bound when it returns
    thread_ = std::thread([this, threads] { server_->run(threads); });
  }
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;
  ~test_server() { stop(); }

  // Graceful stop; returns when run() has returned.
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  std::uint16_t http_port() const { return server_->http_port(); }
  std::uint16_t https_port() const { return server_->https_port(); }
  reemu::app& application() { return *app_; }

  // One request on a fresh plain-HTTP connection.
  response call(const request& r) const {
    client c(http_port());
    return c.send(r);
  }
  response call(http::verb method, std::string target, std::optional<credentials> who = admin,
                std::string body = {}) const {
    return call(make_request(method, std::move(target), who, std::move(body)));
  }
  response get(std::string target, std::optional<credentials> who = admin) const {
    return call(http::verb::get, std::move(target), who);
  }
  response post(std::string target, const json& body,
                std::optional<credentials> who = admin) const {
    return call(http::verb::post, std::move(target), who, body.dump());
  }
  response patch(std::string target, const json& body,
                 std::optional<credentials> who = admin) const {
    return call(http::verb::patch, std::move(target), who, body.dump());
  }
  response del(std::string target, std::optional<credentials> who = admin) const {
    return call(http::verb::delete_, std::move(target), who);
  }

 private:
  bool quiet_;
  std::unique_ptr<reemu::app> app_;
  std::unique_ptr<reemu::server> server_;
  std::thread thread_;
};

// The error body every non-2xx answer carries.
inline json error_body(std::string_view description, std::string_view code) {
  return json{{"description", description}, {"error_code", code}};
}

}  // namespace reemu::test
