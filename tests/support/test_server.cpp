// The integration-test harness (see test_server.hpp), compiled once for every
// test executable.
#include "test_server.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstddef>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "reemu/auth/auth.hpp"
#include "reemu/util/logging.hpp"

namespace reemu::test {

namespace {

// The SHA-256 of `cert`, lowercase hex.
std::string certificate_sha256(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return {};
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace

std::string pem_certificate_sha256(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  return cert ? certificate_sha256(cert.get()) : std::string();
}

// --- Users of config/default.json -------------------------------------------

std::string basic_auth(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string(user) + ":" + std::string(password));
}

std::string basic_auth(const credentials& c) { return basic_auth(c.email, c.password); }

// --- Configuration -------------------------------------------------------------

json default_config_json() {
  std::ifstream in(default_config_path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + default_config_path);
  return json::parse(in);
}

std::string seed_list_body() {
  const json doc = default_config_json();
  return json{{"actions", doc["actions"]}, {"state-machines", doc["state-machines"]}}.dump();
}

config make_config(const std::function<void(json&)>& edit) {
  json doc = default_config_json();
  doc["server"]["bind"] = "127.0.0.1";
  doc["server"]["http_port"] = 0;
  doc["server"]["https_port"] = 0;
  doc["server"]["https"] = false;
  if (edit) edit(doc);
  return parse_config(doc, "integration-test config");
}

config manual_clock_config(double start, const std::function<void(json&)>& edit) {
  return make_config([&](json& doc) {
    doc["emulator"]["clock"] = "manual";
    doc["emulator"]["clock_start"] = start;
    if (edit) edit(doc);
  });
}

// --- Contract -----------------------------------------------------------------

const openapi_contract& contract() {
  static const openapi_contract c = [] {
    std::ifstream in(REEMU_SOURCE_DIR "/docs/openapi.json");
    return openapi_contract(json::parse(in));
  }();
  return c;
}

namespace {

// Answers already found to conform, by a 64-bit hash and the length of
// everything the check reads (method, path, status, header fields, body). A
// test that polls gets the same answer many times, and large lists are
// fetched more than once; the check is deterministic, so one pass per
// distinct answer is enough.
class conforming_answers {
 public:
  using key = std::pair<std::size_t, std::size_t>;
  static key key_of(const std::string& method, const std::string& path, unsigned status,
                    const http::fields& headers, const std::string& body) {
    std::string text = method + ' ' + path + ' ' + std::to_string(status) + '\n';
    for (const auto& field : headers) {
      text.append(field.name_string());
      text += ':';
      text.append(field.value());
      text += '\n';
    }
    text += body;
    return {std::hash<std::string>{}(text), text.size()};
  }
  bool contains(const key& k) {
    const std::lock_guard lock(mutex_);
    return seen_.contains(k);
  }
  void insert(const key& k) {
    const std::lock_guard lock(mutex_);
    seen_.insert(k);
  }

 private:
  std::mutex mutex_;
  std::set<key> seen_;
};

conforming_answers& conforming() {
  static conforming_answers answers;
  return answers;
}

}  // namespace

void expect_conforms(const std::string& method, const std::string& target, unsigned status,
                     const http::fields& headers, const std::string& body) {
  const std::string path = target.substr(0, target.find('?'));
  const auto seen = conforming_answers::key_of(method, path, status, headers, body);
  if (conforming().contains(seen)) return;
  const int code = static_cast<int>(status);
  std::vector<std::string> violations;
  const bool documented = path.starts_with('/') && contract().find_path(path) &&
                          status != 405 &&  // 405: the method is what is undocumented
                          status != 501 &&  // 501: a route the document does not describe
                          method != "OPTIONS";
  if (documented) {
    violations = contract().check_response(method, path, code, body);
    auto more = contract().check_headers(method, path, code, [&](std::string_view name) {
      const auto it = headers.find(name);
      return it == headers.end() ? std::nullopt : std::optional<std::string>(it->value());
    });
    violations.insert(violations.end(), more.begin(), more.end());
  } else if (method != "HEAD" && !(method == "OPTIONS" && status == 200)) {
    // HEAD and a 200 to OPTIONS have no body (OPTIONS: the document's
    // introduction describes it for every path).
    violations = contract().check_value(json{{"$ref", "#/components/schemas/Error"}},
                                        json::parse(body, nullptr, false));
  }
  for (const auto& v : violations)
    ADD_FAILURE() << "contract: " << method << " " << target << " -> " << status << ": " << v
                  << "\n  body: " << body.substr(0, 300);
  if (violations.empty()) conforming().insert(seen);
}

// --- Client -------------------------------------------------------------------

std::string response::header(http::field f) const {
  const auto it = headers.find(f);
  return it == headers.end() ? std::string() : std::string(it->value());
}

request make_request(http::verb method, std::string target, std::optional<credentials> who,
                     std::string body) {
  request r;
  r.method = method;
  r.target = std::move(target);
  if (who) r.headers.emplace_back("Authorization", basic_auth(*who));
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

template <class F>
beast::error_code client::with_stream(F&& f) {
  if (tls_) return f(*tls_);
  return f(*plain_);
}

template <class Start>
beast::error_code client::run_op(Start&& start) {
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

client::client(std::uint16_t port, std::chrono::steady_clock::duration timeout)
    : timeout_(timeout) {
  plain_.emplace(ioc_);
  connect(*plain_, port);
}

client::client(std::uint16_t port, const tls_client_options& options,
               std::chrono::steady_clock::duration timeout)
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

client::~client() { close(); }

response client::send(const request& r) {
  response out;
  if (const auto ec = try_send(r, out)) throw std::runtime_error("request failed: " + ec.message());
  return out;
}

beast::error_code client::try_send(const request& r, response& out) {
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

beast::error_code client::try_read(response& out, bool head) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (head) parser.skip(true);
  auto ec = with_stream([&](auto& s) {
    return run_op([&](auto handler) { http::async_read(s, buffer_, parser, std::move(handler)); });
  });
  if (ec) return ec;
  auto msg = parser.release();
  out.status = msg.result_int();
  out.headers = static_cast<const http::fields&>(msg.base());
  out.body = std::move(msg.body());
  out.keep_alive = msg.keep_alive();
  return {};
}

response client::read(bool head) {
  response out;
  if (const auto ec = try_read(out, head)) throw std::runtime_error("read failed: " + ec.message());
  return out;
}

void client::write_raw(std::string_view bytes) {
  const auto ec = with_stream([&](auto& s) {
    return run_op([&](auto handler) {
      net::async_write(s, net::buffer(bytes.data(), bytes.size()), std::move(handler));
    });
  });
  if (ec) throw std::runtime_error("write failed: " + ec.message());
}

std::string client::read_until_closed(beast::error_code& ec) {
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

bool client::closed_without_answer() {
  beast::error_code ec;
  const std::string data = read_until_closed(ec);
  return data.empty() && ec != beast::error::timeout;
}

void client::close() {
  beast::error_code ignored;
  if (!socket().is_open()) return;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

std::string client::peer_certificate_sha256() {
  if (!tls_) return {};
  X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
  if (cert == nullptr) return {};
  std::string hex = certificate_sha256(cert);
  X509_free(cert);
  return hex;
}

tcp::socket& client::socket() {
  return tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket();
}

void client::connect(beast::tcp_stream& stream, std::uint16_t port) {
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

// --- Server -------------------------------------------------------------------

void expect_answer_then_close(client& c) {
  request r = make_request(http::verb::get, "/v1/actions", admin);
  r.keep_alive = false;
  const auto answer = c.send(r);
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(answer.keep_alive);
  EXPECT_TRUE(c.closed_without_answer());
}

bool quiet_logging() {
  static const bool done = [] {
    setup_logging("off", "text");
    return true;
  }();
  return done;
}

test_server::test_server(config cfg, unsigned threads)
    : quiet_(quiet_logging()),
      app_(std::make_unique<app>(std::move(cfg))),
      server_(std::make_unique<server>(*app_)) {
  server_->start();  // listeners are bound when it returns
  thread_ = std::thread([this, threads] { server_->run(threads); });
}

test_server::~test_server() { stop(); }

void test_server::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

response test_server::call(const request& r) const {
  client c(http_port());
  return c.send(r);
}

response test_server::call(http::verb method, std::string target, std::optional<credentials> who,
                           std::string body) const {
  return call(make_request(method, std::move(target), who, std::move(body)));
}

response test_server::get(std::string target, std::optional<credentials> who) const {
  return call(http::verb::get, std::move(target), who);
}

response test_server::post(std::string target, const json& body,
                           std::optional<credentials> who) const {
  return call(http::verb::post, std::move(target), who, body.dump());
}

response test_server::patch(std::string target, const json& body,
                            std::optional<credentials> who) const {
  return call(http::verb::patch, std::move(target), who, body.dump());
}

response test_server::del(std::string target, std::optional<credentials> who) const {
  return call(http::verb::delete_, std::move(target), who);
}

json error_body(std::string_view description, std::string_view code) {
  return json{{"description", description}, {"error_code", code}};
}

}  // namespace reemu::test
