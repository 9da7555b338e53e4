// Integration-test harness: the real server started inside the test process
// on 127.0.0.1 with kernel-chosen ports, and a small synchronous HTTP/HTTPS
// client built on Boost.Beast.
//
// Nothing here sleeps or retries. server::start() returns with the listeners
// bound, so a test connects as soon as the constructor returns (connections
// queue until run() picks them up). Every client operation runs on the
// client's own io_context with a deadline, so a server that never answers
// fails the test with a timeout instead of hanging the suite.
//
// Declarations only; the definitions are compiled once, in test_server.cpp.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "reemu/app/app.hpp"
#include "reemu/config/config.hpp"
#include "reemu/net/net.hpp"
#include "reemu/net/server.hpp"
#include "schema_check.hpp"

namespace reemu::test {

// The seed's running SMDeleteBDB action (config/default.json).
inline constexpr const char* seed_delete_uid = "5a42fabf-c603-4950-88d9-3a3148a5d763";

// SHA-256 of the first certificate of `pem`, lowercase hex; empty when none.
std::string pem_certificate_sha256(const std::string& pem);

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
std::string basic_auth(std::string_view user, std::string_view password);
std::string basic_auth(const credentials& c);

// --- Configuration -------------------------------------------------------------

// config/default.json as a document, for tests that edit it before parsing.
json default_config_json();

// What GET /v1/actions answers on the default config: the seed, in file
// order, as compact JSON with sorted keys (SPEC.md section 1).
std::string seed_list_body();

// The default config with test listeners (loopback, port 0, HTTPS off), after
// `edit` has had its say on the document; parsed the way the binary parses it.
config make_config(const std::function<void(json&)>& edit = {});

// Manual clock fixed at `start`: lifecycles move only when a test says so.
config manual_clock_config(double start = 1760000000, const std::function<void(json&)>& edit = {});

// --- Contract -----------------------------------------------------------------

// The contract test: every answer a test receives through client::send is
// checked against docs/openapi.json (body schema, required headers, content
// type), so a response that drifts from the document fails CI. Answers to
// paths the document does not describe (unknown routes, malformed targets)
// must still carry the documented error body.
const openapi_contract& contract();

void expect_conforms(const std::string& method, const std::string& target, unsigned status,
                     const http::fields& headers, const std::string& body);

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
  std::string header(http::field f) const;
  bool has_header(http::field f) const { return headers.find(f) != headers.end(); }
  // The body parsed as JSON; a discarded value when it is not JSON.
  json json_body() const { return json::parse(body, nullptr, false); }
};

// Builds a request with an optional Authorization and a JSON body.
request make_request(http::verb method, std::string target,
                     std::optional<credentials> who = std::nullopt, std::string body = {});

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
  explicit client(std::uint16_t port,
                  std::chrono::steady_clock::duration timeout = default_timeout);

  // Connects and completes the TLS handshake. Throws std::runtime_error with
  // the handshake error (e.g. a failed verification) on failure.
  client(std::uint16_t port, const tls_client_options& options,
         std::chrono::steady_clock::duration timeout = default_timeout);

  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  // Sends `r` and reads the answer. Throws std::runtime_error when the
  // connection fails instead of answering.
  response send(const request& r);

  // Like send(), reporting an I/O failure (e.g. a dropped connection) as a value.
  beast::error_code try_send(const request& r, response& out);

  // Reads one response; `head` = it answers a HEAD (no body follows).
  beast::error_code try_read(response& out, bool head = false);

  response read(bool head = false);

  // Writes bytes as they are: malformed requests, half requests.
  void write_raw(std::string_view bytes);

  // Reads until the server closes the connection (or the deadline passes);
  // returns the bytes that arrived. `ec` gets the error that ended the read:
  // eof / stream_truncated / connection_reset for a close, timeout otherwise.
  std::string read_until_closed(beast::error_code& ec);

  // True when the server closed the connection without sending a byte.
  bool closed_without_answer();

  void close();

  // The TCP socket under the connection (plain or TLS), for socket options.
  tcp::socket& socket();

  // The SHA-256 of the certificate the server presented, as lowercase hex;
  // empty on a plain connection.
  std::string peer_certificate_sha256();

 private:
  void connect(beast::tcp_stream& stream, std::uint16_t port);

  // Calls `f` with the stream in use (TLS or plain).
  template <class F>
  beast::error_code with_stream(F&& f);

  // Starts an async operation through `start(handler)` and runs the
  // io_context until it completes; the deadline on the TCP stream bounds it.
  template <class Start>
  beast::error_code run_op(Start&& start);

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
void expect_answer_then_close(client& c);

// Logging off for the whole test process, set once before the first server's
// threads start (setup_logging is not safe to call while others log).
bool quiet_logging();

// The real app and server, serving on a background thread from construction
// to destruction (or stop()).
class test_server {
 public:
  explicit test_server(config cfg, unsigned threads = 2);
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;
  ~test_server();

  // Graceful stop; returns when run() has returned.
  void stop();

  std::uint16_t http_port() const { return server_->http_port(); }
  std::uint16_t https_port() const { return server_->https_port(); }
  std::uint16_t metrics_port() const { return server_->metrics_port(); }
  reemu::app& application() { return *app_; }

  // One request on a fresh plain-HTTP connection.
  response call(const request& r) const;
  response call(http::verb method, std::string target, std::optional<credentials> who = admin,
                std::string body = {}) const;
  response get(std::string target, std::optional<credentials> who = admin) const;
  response post(std::string target, const json& body, std::optional<credentials> who = admin) const;
  response patch(std::string target, const json& body,
                 std::optional<credentials> who = admin) const;
  response del(std::string target, std::optional<credentials> who = admin) const;

 private:
  bool quiet_;
  std::unique_ptr<reemu::app> app_;
  std::unique_ptr<reemu::server> server_;
  std::thread thread_;
};

// The error body every non-2xx answer carries.
json error_body(std::string_view description, std::string_view code);

}  // namespace reemu::test
