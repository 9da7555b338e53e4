// Integration tests of hostile clients, beyond the basics in api_test.cpp
// (431, 413, garbage, pipelining, malformed targets, vanishing clients): a
// slowloris crowd and the timeouts that end it, the connection cap,
// request-smuggling framings, NUL bytes, long and oddly encoded targets and
// invalid HTTP versions. Each test starts its own server and ends by checking
// that it still serves the seed, unchanged, on a new connection.
//
// Raw bytes go through the harness client (write_raw, read_until_closed);
// what comes back is parsed here with Beast's response parser, so a reply the
// server got wrong on the wire fails the test, and its body is checked against
// the Error schema of docs/openapi.json.
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/auth/auth.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

using namespace std::string_literals;  // "...\0..."s keeps the NUL bytes

// --- Raw exchanges -------------------------------------------------------------

// `bytes` with CR, LF, NUL and other control bytes spelled out, for messages.
std::string printable(std::string_view bytes) {
  std::string out;
  for (const char ch : bytes.substr(0, 200)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  if (bytes.size() > 200) out += "...";
  return out;
}

// The first response in the bytes a raw connection received, as Beast parses it.
struct raw_answer {
  bool parsed = false;
  unsigned version = 0;  // 11 for "HTTP/1.1"
  unsigned status = 0;
  http::fields headers;
  std::string body;
  bool keep_alive = false;
  std::string rest;  // bytes after the first response: a second answer means a split request

  std::string header(http::field f) const {
    const auto it = headers.find(f);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
  json json_body() const { return json::parse(body, nullptr, false); }
};

// Parses the first HTTP response in `bytes` (a body without Content-Length
// runs to the end, as it would up to the close).
raw_answer parse_answer(const std::string& bytes) {
  raw_answer out;
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done() && used < bytes.size()) {
    const std::size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (ec || n == 0) break;
  }
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return out;
  const auto& msg = parser.get();
  out.parsed = true;
  out.version = msg.version();
  out.status = msg.result_int();
  out.headers = static_cast<const http::fields&>(msg.base());
  out.body = msg.body();
  out.keep_alive = msg.keep_alive();
  out.rest = bytes.substr(used);
  return out;
}

// Sends `bytes` on a new connection and reads until the server closes it;
// fails the test when the server holds the connection open past the
// client's deadline instead.
raw_answer exchange_raw(std::uint16_t port, std::string_view bytes) {
  client c(port);
  c.write_raw(bytes);
  beast::error_code ec;
  const std::string received = c.read_until_closed(ec);
  EXPECT_NE(ec, beast::error::timeout) << "connection left open after " << printable(bytes);
  raw_answer a = parse_answer(received);
  EXPECT_TRUE(a.parsed) << "no HTTP response to " << printable(bytes) << "; got "
                        << printable(received);
  return a;
}

// An error answer in HTTP/1.1 with the documented error body, after which
// the server closed the connection and sent nothing more. A 4xx unless
// `server_error` (the 503 past the connection cap).
void expect_closing_error(const raw_answer& a, std::string_view sent, bool server_error = false) {
  if (!a.parsed) return;  // already reported
  EXPECT_EQ(a.version, 11u) << printable(sent);
  EXPECT_GE(a.status, server_error ? 500u : 400u) << printable(sent);
  EXPECT_LT(a.status, server_error ? 600u : 500u) << printable(sent);
  EXPECT_EQ(a.header(http::field::content_type), "application/json") << printable(sent);
  for (const auto& v :
       contract().check_value(json{{"$ref", "#/components/schemas/Error"}}, a.json_body()))
    ADD_FAILURE() << "error body: " << v << "\n  sent: " << printable(sent)
                  << "\n  body: " << a.body;
  EXPECT_FALSE(a.keep_alive) << printable(sent);
  EXPECT_EQ(a.rest, "") << "a second answer to " << printable(sent);
}

// A 400 bad_request for `bytes`, the connection closed after it.
void expect_bad_request(std::uint16_t port, const std::string& bytes) {
  const raw_answer a = exchange_raw(port, bytes);
  expect_closing_error(a, bytes);
  EXPECT_EQ(a.status, 400u) << printable(bytes);
  EXPECT_EQ(a.json_body().value("error_code", ""), "bad_request")
      << printable(bytes) << ": " << a.body;
}

// The server still answers on a new connection, and nothing the hostile
// clients sent reached the registry.
void expect_alive_and_unchanged(const test_server& srv) {
  const auto r = srv.get("/v1/actions");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, seed_list_body());
}

// An Authorization header line for the admin, CRLF included.
std::string admin_auth_line() { return "Authorization: " + basic_auth(admin) + "\r\n"; }

// A full request a careful client would send, and that the server answers 200.
std::string list_request(std::string_view extra_headers = {}) {
  return "GET /v1/actions HTTP/1.1\r\nHost: x\r\n" + admin_auth_line() +
         std::string(extra_headers) + "\r\n";
}

// --- A crowd of raw connections --------------------------------------------------------

// Many raw TCP connections driven on one io_context, every wait bounded by one
// deadline: the slowloris clients. Not thread-safe.
class crowd {
 public:
  struct member {
    explicit member(net::io_context& ioc) : socket(ioc) {}
    tcp::socket socket;
    std::array<char, 4096> chunk{};
    std::string received;   // everything the server sent
    beast::error_code end;  // what ended the read: eof or reset when the server closed
    std::chrono::steady_clock::time_point ended;  // when that was seen
    bool done = false;
    bool timed_out = false;  // still open at the deadline
  };

  // Connects `n` sockets. Throws std::runtime_error when one cannot connect.
  crowd(std::uint16_t port, std::size_t n) : timer_(ioc_) {
    members_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) members_.push_back(std::make_unique<member>(ioc_));
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    std::size_t pending = n;
    beast::error_code failed;
    for (auto& m : members_) {
      m->socket.async_connect(endpoint, [&](beast::error_code ec) {
        if (ec && !failed) failed = ec;
        --pending;
      });
    }
    if (!run_until([&] { return pending == 0; }, default_timeout) || failed)
      throw std::runtime_error("crowd: cannot connect: " +
                               (failed ? failed.message() : std::string("timeout")));
  }

  std::size_t size() const { return members_.size(); }
  const member& operator[](std::size_t i) const { return *members_[i]; }

  // Writes `bytes` on connection `i` (a few bytes into an empty socket
  // buffer: it does not block). Throws std::runtime_error on failure.
  void send(std::size_t i, std::string_view bytes) {
    if (bytes.empty()) return;
    beast::error_code ec;
    net::write(members_[i]->socket, net::buffer(bytes.data(), bytes.size()), ec);
    if (ec) throw std::runtime_error("crowd: write failed: " + ec.message());
  }

  // How many connections are open with nothing to read, looked at now
  // without waiting: the server neither answered nor closed them.
  std::size_t open_and_silent() {
    std::size_t n = 0;
    for (auto& m : members_) {
      char byte = 0;
      beast::error_code ec;
      m->socket.non_blocking(true, ec);
      m->socket.read_some(net::buffer(&byte, 1), ec);
      if (ec == net::error::would_block)
        ++n;
      else if (!ec)
        m->received += byte;  // keep it for later reads
      m->socket.non_blocking(false, ec);
    }
    return n;
  }

  // Reads every connection until the server closes it, or until `limit`
  // has passed; those still open then are marked timed_out and closed here.
  void wait_closed(std::chrono::steady_clock::duration limit) {
    closed_ = 0;
    for (auto& m : members_) read_more(*m);
    if (!run_until([&] { return closed_ == members_.size(); }, limit)) {
      for (auto& m : members_) {
        if (m->done) continue;
        m->timed_out = true;
        beast::error_code ignored;
        m->socket.close(ignored);
      }
      // The cancelled reads complete at once with operation_aborted.
      run_until([&] { return closed_ == members_.size(); }, default_timeout);
    }
  }

 private:
  void read_more(member& m) {
    m.socket.async_read_some(net::buffer(m.chunk), [this, &m](beast::error_code ec, std::size_t n) {
      m.received.append(m.chunk.data(), n);
      if (!ec) return read_more(m);
      m.end = ec;
      m.ended = std::chrono::steady_clock::now();
      m.done = true;
      ++closed_;
    });
  }

  // Runs handlers until `done()` or until `limit` has passed; false on the deadline.
  bool run_until(const std::function<bool()>& done, std::chrono::steady_clock::duration limit) {
    const unsigned generation = ++generation_;
    expired_ = false;
    timer_.expires_after(limit);
    timer_.async_wait([this, generation](beast::error_code ec) {
      if (!ec && generation == generation_) expired_ = true;
    });
    ioc_.restart();
    while (!done() && !expired_ && ioc_.run_one() > 0) {
    }
    timer_.cancel();
    return done();
  }

  net::io_context ioc_;
  net::steady_timer timer_;
  unsigned generation_ = 0;
  bool expired_ = false;
  std::size_t closed_ = 0;
  std::vector<std::unique_ptr<member>> members_;
};

constexpr std::size_t crowd_size = 300;

// A server whose idle and read timeouts are `idle` and `read` seconds.
config timeout_config(unsigned idle, unsigned read) {
  return make_config([&](json& doc) {
    doc["server"]["idle_timeout_seconds"] = idle;
    doc["server"]["read_timeout_seconds"] = read;
  });
}

// --- Slowloris ----------------------------------------------------------------------

TEST(hostile, slowloris_crowd_does_not_starve_others) {
  test_server srv{make_config()};  // default timeouts: the crowd stays for a minute
  crowd slow(srv.http_port(), crowd_size);
  // Each member stops somewhere else in the request: in the method, the
  // target, the version, a header, before the blank line.
  const std::string whole = list_request("Connection: close\r\n");
  const auto split = [&](std::size_t i) { return 1 + (i * 37) % (whole.size() - 2); };
  for (std::size_t i = 0; i < slow.size(); ++i)
    slow.send(i, std::string_view(whole).substr(0, split(i)));

  // A normal client is answered at once, on a kept-alive connection and on new ones.
  client c(srv.http_port(), std::chrono::seconds(5));
  for (int i = 0; i < 3; ++i) {
    const auto r = c.send(make_request(http::verb::get, "/v1/actions", admin));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, seed_list_body());
  }
  expect_alive_and_unchanged(srv);

  // The crowd was held, not dropped: every connection is still open and unanswered…
  EXPECT_EQ(slow.open_and_silent(), slow.size());
  // …and each one's half request was kept: finishing it gets the answer.
  for (std::size_t i = 0; i < slow.size(); ++i)
    slow.send(i, std::string_view(whole).substr(split(i)));
  slow.wait_closed(default_timeout);
  for (std::size_t i = 0; i < slow.size(); ++i) {
    ASSERT_FALSE(slow[i].timed_out) << "connection " << i << " was not answered and closed";
    const raw_answer a = parse_answer(slow[i].received);
    EXPECT_TRUE(a.parsed) << i << ": " << printable(slow[i].received);
    EXPECT_EQ(a.status, 200u) << i;
    EXPECT_EQ(a.body, seed_list_body()) << i;
    EXPECT_EQ(a.rest, "") << i;
  }
}

TEST(hostile, slowloris_crowd_is_closed_by_the_timeouts) {
  test_server srv{timeout_config(1, 1)};
  // Before the first connect: no timer of the server can have started earlier.
  const auto start = std::chrono::steady_clock::now();
  crowd slow(srv.http_port(), crowd_size);
  // Idle-timeout cases (nothing, or part of a header, on a new connection)
  // and read-timeout ones (a body that stops short).
  const std::vector<std::string> partial = {
      "",
      "GET /v1/act",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nX-Slow: ",
      "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\n" + admin_auth_line() +
          "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":",
  };
  for (std::size_t i = 0; i < slow.size(); ++i) slow.send(i, partial[i % partial.size()]);

  // The deadline is the client's usual ten seconds, against timeouts of one.
  slow.wait_closed(default_timeout);
  for (std::size_t i = 0; i < slow.size(); ++i) {
    const auto& m = slow[i];
    EXPECT_FALSE(m.timed_out) << "still open: " << printable(partial[i % partial.size()]);
    if (m.timed_out) continue;
    EXPECT_TRUE(m.end == net::error::eof || m.end == net::error::connection_reset)
        << i << ": " << m.end.message();
    EXPECT_EQ(m.received, "") << i;  // a timeout closes quietly
    // Closed by the timeout, not before it.
    EXPECT_GE(m.ended - start, std::chrono::seconds(1)) << i;
  }
  expect_alive_and_unchanged(srv);
}

TEST(hostile, idle_keep_alive_connection_is_closed_by_the_idle_timeout) {
  // The read timeout is long: only the idle timeout can close it in time.
  test_server srv{timeout_config(1, 60)};
  client c(srv.http_port());
  const auto r = c.send(make_request(http::verb::get, "/v1/actions", admin));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_TRUE(c.closed_without_answer());  // within the client's ten-second deadline
  expect_alive_and_unchanged(srv);
}

TEST(hostile, header_started_with_the_previous_request_is_closed_by_the_read_timeout) {
  // The idle timeout is long: only the read timeout can close it in time.
  // The next request's first bytes come with the first request, so they are
  // already buffered when the first answer is out (docs/configuration.md).
  test_server srv{timeout_config(60, 1)};
  client c(srv.http_port());
  c.write_raw(list_request() + "GET /v1/actions HTTP/1.1\r\nHost: x\r\n");
  const auto r = c.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, seed_list_body());
  EXPECT_TRUE(c.closed_without_answer());  // within the client's ten-second deadline
  expect_alive_and_unchanged(srv);
}

// --- Connection cap -------------------------------------------------------------------

constexpr std::size_t cap = 4;

config capped_config(bool https) {
  return make_config([&](json& doc) {
    doc["server"]["max_connections"] = cap;
    if (https) {
      doc["server"]["https"] = true;
      doc["server"]["http"] = false;
    }
  });
}

// A connection with one request answered and kept alive. The answer is the
// sync point: its session has started, so it holds one of the cap's places.
std::unique_ptr<client> hold(std::uint16_t port, bool tls) {
  auto c =
      tls ? std::make_unique<client>(port, tls_client_options{}) : std::make_unique<client>(port);
  const auto r = c->send(make_request(http::verb::get, "/v1/actions", admin));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.keep_alive);
  return c;
}

// Gives a held connection's place back with the server's close, not the
// client's. A close the client starts reaches the session only when its
// pending read completes, some time after: the client cannot know when the
// place is free. With "Connection: close" the server answers, gives the
// place back, and only then closes its side (src/server.cpp, session), so
// once the client has read the end of the stream the place is free: the next
// connection is counted without it.
void release(client& c) { expect_answer_then_close(c); }

// One connection past the cap on plain HTTP: the canned 503, then the close.
// (The refused connection gives its place back before that close too.)
void expect_refused(std::uint16_t port) {
  const std::string sent = list_request();
  const raw_answer a = exchange_raw(port, sent);
  expect_closing_error(a, sent, true);
  EXPECT_EQ(a.status, 503u);
  EXPECT_EQ(a.json_body(),
            error_body("Too many connections, try again later", "service_unavailable"))
      << a.body;
  EXPECT_EQ(a.header(http::field::connection), "close");
  EXPECT_EQ(a.header(http::field::content_length), std::to_string(a.body.size()));
}

// One connection past the cap on HTTPS: closed before the handshake, without
// a byte. (Plain TCP is enough to see it; a TLS client's handshake fails.)
void expect_refused_tls(std::uint16_t port) {
  client c(port);
  c.write_raw(std::string("\x16\x03\x01\x00\x05", 5));  // would be a ClientHello
  EXPECT_TRUE(c.closed_without_answer());
}

TEST(hostile, connection_cap_answers_503_and_frees_places_on_close) {
  test_server srv{capped_config(false)};
  const auto port = srv.http_port();
  std::vector<std::unique_ptr<client>> held;
  for (std::size_t i = 0; i < cap; ++i) held.push_back(hold(port, false));
  expect_refused(port);
  expect_refused(port);  // a refusal does not use up a place either

  // One place freed, one taken again, the cap reached again.
  release(*held[0]);
  held[0] = hold(port, false);
  expect_refused(port);

  // All freed: all usable again, and no more.
  for (auto& c : held) release(*c);
  held.clear();
  for (std::size_t i = 0; i < cap; ++i) held.push_back(hold(port, false));
  expect_refused(port);
  for (auto& c : held) release(*c);
  expect_alive_and_unchanged(srv);
}

TEST(hostile, tls_connection_cap_closes_and_frees_places_on_close) {
  test_server srv{capped_config(true)};
  const auto port = srv.https_port();
  std::vector<std::unique_ptr<client>> held;
  for (std::size_t i = 0; i < cap; ++i) held.push_back(hold(port, true));
  expect_refused_tls(port);
  try {
    client refused(port, tls_client_options{});
    ADD_FAILURE() << "a TLS handshake past the cap succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("timeout"), std::string::npos) << e.what();
  }

  release(*held[0]);
  held[0] = hold(port, true);
  expect_refused_tls(port);

  for (auto& c : held) release(*c);
  held.clear();
  for (std::size_t i = 0; i < cap; ++i) held.push_back(hold(port, true));
  expect_refused_tls(port);
  for (auto& c : held) release(*c);
  held.clear();
  const auto r = hold(port, true)->send(make_request(http::verb::get, "/v1/actions", admin));
  EXPECT_EQ(r.body, seed_list_body());
}

// --- Request smuggling ------------------------------------------------------------------

// Requests whose body length two HTTP implementations could read differently.
// Each is a POST that would create an action, followed by a second one (the
// one a front end would not see): the server must refuse the first with 400,
// close, and never read the second, so the registry does not change.
TEST(hostile, ambiguous_body_framing_is_400_and_closed) {
  test_server srv{make_config()};
  const std::string body = R"({"type":"task","name":"smuggled","status":"completed"})";
  const std::string head = "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\n" + admin_auth_line() +
                           "Content-Type: application/json\r\n";
  const std::string len = std::to_string(body.size());
  const std::string chunked = [&] {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
  }();
  const std::string smuggled = head + "Content-Length: " + len + "\r\n\r\n" + body;

  const std::vector<std::string> framings = {
      // Content-Length and chunked, in both orders.
      "Content-Length: " + len + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
      "Transfer-Encoding: chunked\r\nContent-Length: " + len + "\r\n\r\n" + chunked,
      "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunked,
      // Two different lengths, as two fields and as a list.
      "Content-Length: " + len + "\r\nContent-Length: 4\r\n\r\n" + body,
      "Content-Length: 4\r\nContent-Length: " + len + "\r\n\r\n" + body,
      "Content-Length: " + len + ", 4\r\n\r\n" + body,
      // Lengths that are not a decimal number.
      "Content-Length: -" + len + "\r\n\r\n" + body,
      "Content-Length: +" + len + "\r\n\r\n" + body,
      "Content-Length: 0x" + len + "\r\n\r\n" + body,
      "Content-Length: " + len + ".0\r\n\r\n" + body,
      "Content-Length: 1e2\r\n\r\n" + body,
      "Content-Length: " + len + " " + len + "\r\n\r\n" + body,
      "Content-Length: 99999999999999999999999999\r\n\r\n" + body,
      "Content-Length: \r\n\r\n" + body,
      // Transfer codings other than chunked alone.
      "Transfer-Encoding: gzip\r\n\r\n" + body,
      "Transfer-Encoding: identity\r\n\r\n" + body,
      "Transfer-Encoding: chunked, gzip\r\n\r\n" + chunked,
      "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked,
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
      "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
      "Transfer-Encoding: xchunked\r\n\r\n" + chunked,
      "Transfer-Encoding: \"chunked\"\r\n\r\n" + chunked,
      // Chunks that do not add up.
      "Transfer-Encoding: chunked\r\n\r\n-5\r\n" + body + "\r\n0\r\n\r\n",
      "Transfer-Encoding: chunked\r\n\r\n5;\r\n" + body + "\r\n0\r\n\r\n",
      "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + body + "\r\n0\r\n\r\n",
  };
  for (const auto& framing : framings)
    expect_bad_request(srv.http_port(), head + framing + smuggled);
  expect_alive_and_unchanged(srv);

  // The same creation, framed plainly, works: the refusals above are about
  // framing, and chunked alone (in any case) is still served.
  client c(srv.http_port());
  const auto created = c.send(make_request(http::verb::post, "/emulator/v1/actions", admin, body));
  EXPECT_EQ(created.status, 201) << created.body;
  for (const char* coding : {"chunked", "Chunked"}) {
    const auto a = exchange_raw(srv.http_port(), head + "Transfer-Encoding: " + coding +
                                                     "\r\nConnection: close\r\n\r\n" + chunked);
    EXPECT_EQ(a.status, 201u) << coding << ": " << a.body;
  }
}

// --- Host ---------------------------------------------------------------------------------

// RFC 9112 section 3.2, as nginx in front of a cluster answers: an HTTP/1.1
// request without Host, or with two, is 400 and closed. Any one Host value
// is served (the cluster's proxy serves its API under any name), and
// HTTP/1.0 needs none.
TEST(hostile, http11_without_host_or_with_two_is_400) {
  test_server srv{make_config()};
  const std::string line = "GET /v1/actions HTTP/1.1\r\n";
  const std::string auth = admin_auth_line();
  for (const std::string& bytes :
       {line + auth + "\r\n", line + "Host: x\r\nHost: x\r\n" + auth + "\r\n",
        line + "Host: x\r\n" + auth + "Host: y\r\n\r\n"}) {
    const raw_answer a = exchange_raw(srv.http_port(), bytes);
    expect_closing_error(a, bytes);
    EXPECT_EQ(a.status, 400u) << printable(bytes);
    EXPECT_EQ(a.json_body().value("error_code", ""), "bad_request") << a.body;
  }
  for (const std::string& bytes :
       {line + "Host: cluster.example.com:9443\r\n" + auth + "Connection: close\r\n\r\n",
        "GET /v1/actions HTTP/1.0\r\n" + auth + "\r\n"}) {
    const raw_answer a = exchange_raw(srv.http_port(), bytes);
    EXPECT_EQ(a.status, 200u) << printable(bytes) << ": " << a.body;
  }
  expect_alive_and_unchanged(srv);
}

// --- NUL bytes --------------------------------------------------------------------------

TEST(hostile, nul_bytes_are_4xx_and_the_server_goes_on) {
  test_server srv{make_config()};
  const std::string auth = admin_auth_line();
  const std::vector<std::string> requests = {
      "G\0T /v1/actions HTTP/1.1\r\nHost: x\r\n"s + auth + "\r\n",
      "\0GET /v1/actions HTTP/1.1\r\nHost: x\r\n"s + auth + "\r\n",
      "GET /v1/act\0ions HTTP/1.1\r\nHost: x\r\n"s + auth + "\r\n",
      "GET /v1/actions\0 HTTP/1.1\r\nHost: x\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.\0\r\nHost: x\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\0\r\nHost: x\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nX-N\0ul: 1\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\n\0X-Nul: 1\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nX-Nul: \0\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nX-Nul: ab\0\r\n"s + auth + "\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \0"s +
          base64_encode("admin@redis.local:Redis123!") + "\r\n\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\n"s + auth + "\0\r\n\r\n"s,
  };
  for (const auto& bytes : requests) {
    const raw_answer a = exchange_raw(srv.http_port(), bytes);
    expect_closing_error(a, bytes);
    expect_alive_and_unchanged(srv);
  }
}

// --- Targets ----------------------------------------------------------------------------

TEST(hostile, long_targets) {
  test_server srv{make_config()};  // header limit 16 KiB
  {
    client c(srv.http_port());
    const auto r =
        c.send(make_request(http::verb::get, "/v1/actions/" + std::string(20 * 1024, 'a'), admin));
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(r.json_body().value("error_code", ""), "header_too_large") << r.body;
    EXPECT_FALSE(r.keep_alive);
  }
  {
    // Under the limit: an ordinary miss, on a connection that stays usable.
    client c(srv.http_port());
    const std::string uid(8 * 1024, 'a');
    const auto r = c.send(make_request(http::verb::get, "/v1/actions/" + uid, admin));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.json_body().value("error_code", ""), "action_not_found") << r.body.substr(0, 200);
    EXPECT_TRUE(r.keep_alive);
    const auto route = c.send(make_request(http::verb::get, "/v1/nothing/" + uid, admin));
    EXPECT_EQ(route.status, 404);
    EXPECT_EQ(route.json_body().value("error_code", ""), "not_found") << route.body.substr(0, 200);
    EXPECT_EQ(c.send(make_request(http::verb::get, "/v1/actions", admin)).body, seed_list_body());
  }
  expect_alive_and_unchanged(srv);
}

TEST(hostile, percent_encoded_targets_are_4xx_with_the_error_body) {
  test_server srv{make_config()};
  struct row {
    const char* target;
    unsigned status;
    const char* error_code;
  };
  // Decoded segments are matched as data: an encoded dot segment or slash is
  // part of a name, never a path step (no route has "..", no uid has "/").
  const std::vector<row> rows = {
      {"/v1/actions/%2e%2e/x", 404, "not_found"},
      {"/v1/actions/%2E%2E", 404, "action_not_found"},
      {"/v1/actions/%2e%2e/%2e%2e/emulator/v1/reset", 404, "not_found"},
      {"/v1/actions/bdb%2F2", 404, "action_not_found"},
      {"/v1/actions/bdb%2f2", 404, "action_not_found"},
      {"/v1%2Factions", 404, "not_found"},
      {"/emulator%2Fv1%2Freset", 404, "not_found"},
      {"/v1/actions/abc%00def", 400, "bad_request"},
      {"/v1/actions/bdb/%00", 400, "bad_request"},
      {"/v1/actions/%zz", 400, "bad_request"},
      {"/v1/actions/%2", 400, "bad_request"},
      {"/v1/actions/%%32%65", 400, "bad_request"},
      {"/v1/actions/%ff%fe", 404, "action_not_found"},     // not UTF-8: the body is still JSON
      {"/v1/actions/%C0%AF", 404, "action_not_found"},     // an overlong "/"
      {"/v1/actions/%e2%80%ae", 404, "action_not_found"},  // right-to-left override
      {"/v1/actions/%0d%0aX-Injected:%201", 404, "action_not_found"},
  };
  client c(srv.http_port());
  for (const auto& [target, status, code] : rows) {
    // A 400 closes the connection; a 404 keeps it.
    const auto r =
        status == 400 ? srv.get(target) : c.send(make_request(http::verb::get, target, admin));
    EXPECT_EQ(r.status, status) << target;
    EXPECT_EQ(r.json_body().value("error_code", ""), code) << target << ": " << r.body;
    for (const auto& field : r.headers) EXPECT_NE(field.name_string(), "X-Injected") << target;
  }
  // The POST and DELETE of the control API are not reachable that way either.
  const auto post = c.send(make_request(http::verb::post, "/emulator%2Fv1%2Freset", admin, "{}"));
  EXPECT_EQ(post.status, 404);
  const auto del = c.send(
      make_request(http::verb::delete_,
                   "/emulator/v1/actions/%2e%2e%2F5a42fabf-c603-4950-88d9-3a3148a5d763", admin));
  EXPECT_EQ(del.status, 404);
  expect_alive_and_unchanged(srv);
}

// --- HTTP versions ----------------------------------------------------------------------

TEST(hostile, invalid_http_versions_are_4xx) {
  test_server srv{make_config()};
  const std::string rest = "\r\nHost: x\r\n" + admin_auth_line() + "Connection: close\r\n\r\n";
  // Anything but HTTP/1.0 and HTTP/1.1 is refused with 400 (Beast's parser
  // knows no other version) and answered in HTTP/1.1, never "HTTP/2.0 200".
  // The target would answer 200.
  for (const char* version :
       {"HTTP/2.0", "HTTP/1.2", "HTTP/9.9", "HTTP/0.9", "HTTP/3.0", "FOO/1.1", "http/1.1",
        "HTTP/1.1.1", "HTTP/1.", "HTTP/11", "HTTP/1.10", "HTTP/ 1.1"}) {
    const std::string bytes = std::string("GET /v1/actions ") + version + rest;
    const raw_answer a = exchange_raw(srv.http_port(), bytes);
    expect_closing_error(a, bytes);
    EXPECT_TRUE(a.status == 400 || a.status == 505) << version << ": " << a.status;
  }
  // The brief's own cases, on "/", which no route serves.
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/9.9", "FOO/1.1"}) {
    const std::string bytes = std::string("GET / ") + version + rest;
    const raw_answer a = exchange_raw(srv.http_port(), bytes);
    expect_closing_error(a, bytes);
  }
  expect_alive_and_unchanged(srv);
}

}  // namespace
}  // namespace reemu::test
