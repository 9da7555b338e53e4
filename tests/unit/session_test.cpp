// Unit tests of the server's session (include/reemu/net/session.hpp): the
// real read loop, limits and answers, driven over beast::test::stream with
// the real app on config/default.json. No sockets.
#include "reemu/net/session.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"

namespace reemu {
namespace {

namespace beast_test = boost::beast::test;

app& shared_app() {
  static const auto a = std::make_unique<app>(load_config(REEMU_SOURCE_DIR "/config/default.json"));
  return *a;
}

std::string admin_line() {
  return "Authorization: Basic " + base64_encode("admin@redis.local:Redis123!") + "\r\n";
}

std::string get(std::string_view target, std::string_view extra = {}) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" + admin_line() +
         std::string(extra) + "\r\n";
}

struct read_answer {
  unsigned status = 0;
  bool keep_alive = false;
  std::string body;
};

// What one connection's session made of `input` (sent at once, then the
// client's side closed unless `keep_open`).
struct outcome {
  std::vector<read_answer> answers;
  std::string rest;            // bytes after the last whole read_answer
  bool clean = false;          // run()'s result
  bool ended = false;          // run() returned
  std::size_t bytes_read = 0;  // of the input, by the server
  std::string wire;            // every byte the client received
};

outcome serve(const std::string& input, session_limits limits = {}, bool keep_open = false,
              bool stopping_flag = false, std::size_t read_size = 4096) {
  net::io_context ioc;
  beast_test::stream server_side(ioc);
  beast_test::stream client(ioc);
  server_side.connect(client);
  server_side.read_size(read_size);
  server_side.append(input);
  if (!keep_open) server_side.close_remote();
  const std::atomic<bool> stopping{stopping_flag};
  beast::flat_buffer buffer;
  http_session<beast_test::stream> session(server_side, buffer, shared_app(), limits, stopping);
  outcome out;
  net::co_spawn(ioc, session.run(), [&](std::exception_ptr e, bool clean) {
    if (e) std::rethrow_exception(e);
    out.clean = clean;
    out.ended = true;
  });
  ioc.run();
  out.bytes_read = server_side.nread_bytes();
  // Parse the answers the client received.
  out.wire = client.str();
  std::string wire = out.wire;
  while (!wire.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    beast::error_code ec;
    const auto used = parser.put(net::buffer(wire), ec);
    if (ec || !parser.is_done()) break;
    out.answers.push_back(
        {parser.get().result_int(), parser.get().keep_alive(), parser.get().body()});
    wire.erase(0, used);
  }
  out.rest = wire;
  return out;
}

TEST(session, pipelined_keep_alive_requests_are_answered_in_order) {
  const auto out = serve(get("/v1/actions") + get("/emulator/v1/health") + get("/nope"));
  ASSERT_EQ(out.answers.size(), 3u) << out.rest;
  EXPECT_EQ(out.answers[0].status, 200u);
  EXPECT_EQ(out.answers[1].status, 200u);
  EXPECT_EQ(out.answers[2].status, 404u);
  for (const auto& a : out.answers) EXPECT_TRUE(a.keep_alive);
  EXPECT_TRUE(out.ended);
  EXPECT_TRUE(out.clean);  // the client closed between requests
  EXPECT_EQ(out.rest, "");
}

TEST(session, requests_split_into_single_bytes_are_read) {
  const auto out = serve(get("/emulator/v1/health") + get("/v1/actions"), {}, false, false, 1);
  ASSERT_EQ(out.answers.size(), 2u);
  EXPECT_EQ(out.answers[0].status, 200u);
  EXPECT_EQ(out.answers[1].status, 200u);
}

TEST(session, connection_close_ends_the_session_after_the_answer) {
  const auto out =
      serve(get("/emulator/v1/health", "Connection: close\r\n") + get("/v1/actions"), {}, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_FALSE(out.answers[0].keep_alive);
  EXPECT_TRUE(out.ended);  // without waiting for the client to close
  EXPECT_TRUE(out.clean);
}

TEST(session, oversized_header_is_431_and_closes) {
  session_limits limits;
  limits.header_limit = 2048;
  const auto out =
      serve(get("/v1/actions", "X-Big: " + std::string(4000, 'a') + "\r\n") + get("/v1/actions"),
            limits, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_EQ(out.answers[0].status, 431u);
  EXPECT_FALSE(out.answers[0].keep_alive);
  EXPECT_TRUE(out.ended);
  EXPECT_FALSE(out.clean);
}

// A request of exactly `size` header bytes (request line to the empty line).
std::string header_of_size(std::size_t size) {
  const std::string head = "GET /emulator/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  return head + std::string(size - head.size() - 4, 'a') + "\r\n\r\n";
}

// Beast checks the header limit against the bytes of one put() call only,
// and consumes a header field by field when a call's bytes end one or two
// bytes into a field: a header arriving in such pieces had no limit at all
// (12 MB of 8-byte fields were accepted on one connection). The session
// counts the total. A 126-byte start and reads of a multiple of 8 bytes put
// every piece's end two bytes into a field.
TEST(session, header_over_the_limit_in_small_pieces_is_431) {
  const session_limits limits;
  std::string req = "GET /emulator/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  req += std::string(126 - req.size() - 2, 'p') + "\r\n";
  while (req.size() < 4 * limits.header_limit) req += "X-N: v\r\n";
  req += "\r\n";
  for (const std::size_t read_size : {128u, 1000u, 4096u}) {
    const auto out = serve(req + get("/v1/actions"), limits, false, false, read_size);
    ASSERT_EQ(out.answers.size(), 1u) << "read size " << read_size;
    EXPECT_EQ(out.answers[0].status, 431u) << "read size " << read_size;
    EXPECT_FALSE(out.answers[0].keep_alive);
    EXPECT_TRUE(out.ended);
    EXPECT_LE(out.bytes_read, limits.header_limit + read_size) << "read size " << read_size;
  }
}

// The limit is the header's total, whatever the pieces: header_limit bytes
// are served, one more is 431.
TEST(session, header_limit_is_exact_whatever_the_read_size) {
  session_limits limits;
  limits.header_limit = 1024;
  for (const std::size_t read_size : {1u, 7u, 64u, 4096u}) {
    const auto at = serve(header_of_size(1024), limits, false, false, read_size);
    ASSERT_EQ(at.answers.size(), 1u) << "read size " << read_size;
    EXPECT_EQ(at.answers[0].status, 200u) << "read size " << read_size;
    const auto over = serve(header_of_size(1025), limits, false, false, read_size);
    ASSERT_EQ(over.answers.size(), 1u) << "read size " << read_size;
    EXPECT_EQ(over.answers[0].status, 431u) << "read size " << read_size;
  }
}

TEST(session, oversized_body_is_413_before_the_body_is_read) {
  session_limits limits;
  limits.body_limit = 100;
  const std::string req = "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\n" + admin_line() +
                          "Content-Length: 100000\r\n\r\n" + std::string(100000, '{');
  const auto out = serve(req, limits, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_EQ(out.answers[0].status, 413u);
  EXPECT_TRUE(out.ended);
  EXPECT_LT(out.bytes_read, 20000u);  // the body was not read
}

TEST(session, malformed_request_is_400_and_closes) {
  const auto out = serve("GET / HTTP/1.1\r\nHost x\r\n\r\n" + get("/v1/actions"), {}, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_EQ(out.answers[0].status, 400u);
  EXPECT_TRUE(out.ended);
}

// A trailer field over 64 KiB made Beast throw std::length_error out of
// io_context::run(): the process died. Now the read buffer's cap stops it.
TEST(session, long_trailer_field_is_400_not_a_crash) {
  const std::string req = "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\n" + admin_line() +
                          "Transfer-Encoding: chunked\r\n\r\n0\r\nX: " + std::string(70000, 'a') +
                          "\r\n\r\n";
  const auto out = serve(req, {}, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_EQ(out.answers[0].status, 400u);
  EXPECT_TRUE(out.ended);
}

// A chunk extension is not body: it used to grow the read buffer without
// limit (64 MiB of it cost 88 MiB). Now it stops at the buffer's cap.
TEST(session, long_chunk_extension_is_400_and_stops_reading) {
  const session_limits limits;
  const std::string req = "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\n" + admin_line() +
                          "Transfer-Encoding: chunked\r\n\r\n5;ext=" + std::string(1 << 20, 'a');
  const auto out = serve(req, limits, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_EQ(out.answers[0].status, 400u);
  EXPECT_TRUE(out.ended);
  EXPECT_LE(out.bytes_read, limits.buffer_limit() + 4096);
}

// Beast 1.81 asserts (n >= 5, debug builds) when the last chunk's line
// comes with fewer than two bytes after it: found by the fuzzer.
TEST(session, chunked_request_read_one_byte_at_a_time_is_answered) {
  const std::string req =
      "GET /emulator/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\nX: a\r\n\r\n";
  for (const std::size_t read_size : {1u, 2u, 3u}) {
    const auto out = serve(req + get("/emulator/v1/health"), {}, false, false, read_size);
    ASSERT_EQ(out.answers.size(), 2u) << "read size " << read_size;
    EXPECT_EQ(out.answers[0].status, 200u);
    EXPECT_EQ(out.answers[1].status, 200u);
  }
  const auto first_chunk_last = serve(
      "GET /emulator/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      {}, false, false, 1);
  ASSERT_EQ(first_chunk_last.answers.size(), 1u);
  EXPECT_EQ(first_chunk_last.answers[0].status, 200u);
}

TEST(session, http10_chunked_request_is_answered_then_closed) {
  const std::string req = "POST /emulator/v1/actions HTTP/1.0\r\nHost: x\r\n" + admin_line() +
                          "Connection: keep-alive\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
  const auto out = serve(req + get("/v1/actions"), {}, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_FALSE(out.answers[0].keep_alive);
  EXPECT_TRUE(out.ended);
}

TEST(session, two_authorization_headers_are_400) {
  const auto out = serve(get("/v1/actions", "Authorization: Basic eDp5\r\n"), {}, true);
  ASSERT_EQ(out.answers.size(), 1u);
  EXPECT_EQ(out.answers[0].status, 400u);
  EXPECT_NE(out.answers[0].body.find("Authorization"), std::string::npos);
  EXPECT_TRUE(out.ended);
}

// RFC 9112 section 3.2: an HTTP/1.1 request without Host, or with two, is
// 400 (as nginx in front of a cluster answers). It was served. HTTP/1.0
// needs none; a Host naming another server is served, as the cluster does.
TEST(session, http11_request_without_host_or_with_two_is_400) {
  const std::string health = "GET /emulator/v1/health HTTP/1.1\r\n";
  for (const std::string& req : {health + "\r\n", health + "Host: x\r\nHost: y\r\n\r\n"}) {
    const auto out = serve(req + get("/emulator/v1/health"));
    ASSERT_EQ(out.answers.size(), 1u) << req;
    EXPECT_EQ(out.answers[0].status, 400u) << req;
    EXPECT_NE(out.answers[0].body.find("Host"), std::string::npos) << out.answers[0].body;
    EXPECT_FALSE(out.answers[0].keep_alive);
    EXPECT_TRUE(out.ended);
  }
  for (const std::string& req : {std::string("GET /emulator/v1/health HTTP/1.0\r\n\r\n"),
                                 health + "Host: elsewhere.example:1234\r\n\r\n"}) {
    const auto out = serve(req);
    ASSERT_EQ(out.answers.size(), 1u) << req;
    EXPECT_EQ(out.answers[0].status, 200u) << req;
  }
}

// A stopping server answers what it has received, the last read_answer with
// Connection: close, and reads no further.
TEST(session, stopping_answers_received_requests_then_closes) {
  const auto out = serve(get("/emulator/v1/health") + get("/v1/actions"), {}, true, true);
  ASSERT_EQ(out.answers.size(), 2u);
  EXPECT_TRUE(out.answers[0].keep_alive);  // another request was already there
  EXPECT_FALSE(out.answers[1].keep_alive);
  EXPECT_TRUE(out.ended);
}

// A new connection on a stopping server was closed before its first
// request arrived. Its client connected to send one: it is read and answered
// (with Connection: close).
TEST(session, stopping_reads_a_new_connections_first_request) {
  net::io_context ioc;
  beast_test::stream server_side(ioc);
  beast_test::stream client(ioc);
  server_side.connect(client);
  const std::atomic<bool> stopping{true};
  beast::flat_buffer buffer;
  http_session<beast_test::stream> session(server_side, buffer, shared_app(), {}, stopping);
  bool ended = false;
  net::co_spawn(ioc, session.run(), [&](std::exception_ptr e, bool) {
    if (e) std::rethrow_exception(e);
    ended = true;
  });
  // The request arrives after the session has started waiting for it.
  net::post(ioc, [&] { client.write_some(net::buffer(get("/emulator/v1/health"))); });
  ioc.run();
  EXPECT_TRUE(ended);
  server_side.close();  // what was not written by now never will be
  http::response<http::string_body> res;
  beast::flat_buffer got;
  beast::error_code ec;
  http::read(client, got, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_FALSE(res.keep_alive());
}

// An idle keep-alive connection was closed the moment the server began to
// stop, resetting a request its client had sent before it could know. Now
// the request gets stop_grace to arrive and is answered with
// Connection: close.
TEST(session, stopping_answers_a_keep_alive_request_that_arrives_within_the_grace) {
  net::io_context ioc;
  beast_test::stream server_side(ioc);
  beast_test::stream client(ioc);
  server_side.connect(client);
  std::atomic<bool> stopping{false};
  beast::flat_buffer buffer;
  http_session<beast_test::stream> session(server_side, buffer, shared_app(), {}, stopping);
  bool ended = false;
  net::co_spawn(ioc, session.run(), [&](std::exception_ptr e, bool) {
    if (e) std::rethrow_exception(e);
    ended = true;
  });
  client.write_some(net::buffer(get("/emulator/v1/health")));
  ioc.poll();  // answered; the session waits for a next request
  ASSERT_FALSE(ended);
  stopping = true;
  session.stop();
  client.write_some(net::buffer(get("/v1/actions")));
  ioc.run();
  EXPECT_TRUE(ended);
  server_side.close();
  beast::flat_buffer got;
  for (const bool last : {false, true}) {
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(client, got, res, ec);
    ASSERT_FALSE(ec) << (last ? "second" : "first") << " read_answer: " << ec.message();
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.keep_alive(), !last);
  }
}

// The head the session writes itself (read_answer.hpp), read back by Beast's own
// response parser: the fields a client sees, and the bytes.
TEST(response_head, is_a_response_header_beast_reads_back) {
  const std::vector<std::pair<std::string_view, std::string>> fields{{"cluster-state-id", "7"},
                                                                     {"Allow", "GET, HEAD"}};
  const std::string head = response_head(11, http::status::ok, fields, "application/json", 2, true);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nServer: re-actions-emulator\r\ncluster-state-id: 7\r\n"
            "Allow: GET, HEAD\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
  http::response_parser<http::string_body> parser;
  parser.eager(true);  // header and body in one put()
  beast::error_code ec;
  parser.put(net::buffer(head + "[]"), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());
  const auto& res = parser.get();
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(res[http::field::server], "re-actions-emulator");
  EXPECT_EQ(res["cluster-state-id"], "7");
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res.body(), "[]");
}

TEST(response_head, says_what_keep_alive_calls_for_in_each_http_version) {
  const auto parsed = [](const std::string& head) -> http::response<http::empty_body> {
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a head alone: no body follows
    beast::error_code ec;
    parser.put(net::buffer(head), ec);
    EXPECT_FALSE(ec) << ec.message() << " in " << head;
    return parser.release();
  };
  const auto close11 = response_head(11, http::status::not_found, {}, "application/json", 0, false);
  EXPECT_NE(close11.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_FALSE(parsed(close11).keep_alive());
  const auto keep10 = response_head(10, http::status::ok, {}, "application/json", 0, true);
  EXPECT_EQ(keep10.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(keep10.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_TRUE(parsed(keep10).keep_alive());
  const auto close10 = response_head(10, http::status::ok, {}, "application/json", 0, false);
  EXPECT_EQ(close10.find("Connection"), std::string::npos);
  EXPECT_FALSE(parsed(close10).keep_alive());
  const auto keep11 = response_head(11, http::status::ok, {}, "application/json", 0, true);
  EXPECT_EQ(keep11.find("Connection"), std::string::npos);
}

TEST(response_head, no_content_answers_carry_no_length_and_no_type) {
  EXPECT_TRUE(status_has_no_content(http::status::no_content));
  EXPECT_TRUE(status_has_no_content(http::status::not_modified));
  EXPECT_TRUE(status_has_no_content(http::status::continue_));
  EXPECT_FALSE(status_has_no_content(http::status::ok));
  EXPECT_FALSE(status_has_no_content(http::status::accepted));
  const auto head = response_head(11, http::status::no_content, {}, {}, std::nullopt, true);
  EXPECT_EQ(head, "HTTP/1.1 204 No Content\r\nServer: re-actions-emulator\r\n\r\n");
}

// write_answer() over beast::flat_stream, the layer beast::ssl_stream writes
// through: a head and one body run of any size arrive whole, as do a body of
// pieces. Bodies past 16 KiB (flat_stream's flattening limit) used to stop
// after the head.
TEST(write_answer, head_and_body_arrive_whole_through_a_flat_stream) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: n\r\n\r\n";
  for (const std::size_t size : {std::size_t{0}, std::size_t{100}, std::size_t{16384},
                                 std::size_t{16385}, std::size_t{40000}}) {
    for (const bool pieces : {false, true}) {
      std::string text(size, 'x');
      for (std::size_t i = 0; i < size; i += 997) text[i] = static_cast<char>('a' + i % 26);
      const auto whole = std::make_shared<const std::string>(text);
      const shared_bytes body =
          pieces ? shared_bytes(std::make_shared<const std::vector<std::string_view>>(
                       std::vector<std::string_view>{std::string_view(*whole).substr(0, size / 3),
                                                     std::string_view(*whole).substr(size / 3)}))
                 : shared_bytes(whole);
      net::io_context ioc;
      beast::flat_stream<beast_test::stream> server_side(ioc);
      beast_test::stream client(ioc);
      server_side.next_layer().connect(client);
      beast::error_code result = net::error::operation_aborted;
      bool done = false;
      net::co_spawn(ioc, write_answer(server_side, head, body),
                    [&](std::exception_ptr e, beast::error_code ec) {
                      if (e) std::rethrow_exception(e);
                      result = ec;
                      done = true;
                    });
      ioc.run();
      const std::string what = std::to_string(size) + (pieces ? " bytes in pieces" : " bytes");
      ASSERT_TRUE(done) << what;
      EXPECT_FALSE(result) << what << ": " << result.message();
      const std::string wire = client.str();
      EXPECT_EQ(wire.size(), head.size() + size) << what;
      EXPECT_TRUE(wire == head + text) << what << ": the bytes differ";
    }
  }
}

// HEAD: the head GET would have, with its Content-Length, and no body
// bytes: the next read_answer on the connection follows the empty line at once.
TEST(session, head_answer_has_gets_length_and_no_body) {
  const auto got = serve(get("/v1/users"));
  ASSERT_EQ(got.answers.size(), 1u);
  const auto out = serve("HEAD /v1/users HTTP/1.1\r\nHost: x\r\n" + admin_line() + "\r\n" +
                         get("/emulator/v1/health"));
  const auto end = out.wire.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << out.wire;
  const std::string head = out.wire.substr(0, end + 4);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("\r\nContent-Length: " + std::to_string(got.answers[0].body.size()) + "\r\n"),
            std::string::npos)
      << head;
  EXPECT_EQ(out.wire.substr(end + 4, 17), "HTTP/1.1 200 OK\r\n") << out.wire;
}

}  // namespace
}  // namespace reemu
