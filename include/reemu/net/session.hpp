// One HTTP/1.1 connection's requests, over any stream: a beast::tcp_stream,
// an ssl_stream over one, or a beast::test::stream in the unit tests and the
// HTTP fuzzer. The session is the only place request bytes move: it reads
// them into a bounded buffer, feeds Beast's parser, enforces the limits
// (431, 413, 400 and a close), calls the handler (the app) once per request
// and carries out what the reply says: answer, wait, drop or close.
//
// Nothing a client sends escapes a session: the parser is fed here, inside
// the coroutine, so even an exception out of it (Beast throws
// std::length_error for a field over 65,533 bytes) ends this connection only.
// The read buffer's cap (session_limits::buffer_limit) keeps every line the
// parser must hold whole (header, chunk header with its extensions, trailer)
// below that size, so in practice it answers instead.
#pragma once

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "reemu/app/app.hpp"
#include "reemu/config/config.hpp"
#include "reemu/net/answer.hpp"
#include "reemu/net/incoming.hpp"
#include "reemu/net/net.hpp"

namespace reemu {

// The limits a session enforces, from the server config.
struct session_limits {
  std::size_t header_limit = 16UL * 1024;
  std::uint64_t body_limit = 1024UL * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};

  static session_limits from(const server_config& c) {
    return {c.header_limit, c.body_limit, std::chrono::seconds(c.read_timeout_seconds),
            std::chrono::seconds(c.idle_timeout_seconds)};
  }

  // The read buffer's cap: the longest header, chunk header (extensions
  // included) or trailer a client can make the server hold. Below 64 KiB
  // with any valid config (header_limit_bytes <= 65535), and at least 8 KiB
  // so bodies are read in useful pieces.
  std::size_t buffer_limit() const { return std::max<std::size_t>(header_limit, 8UL * 1024); }
};

// A read that ends in one of these ends the session without an answer: the
// client left, went silent or was cut off.
bool is_quiet_close(const beast::error_code& ec);

// Whether a read that ended in `ec` (`in_body`: after the header was read)
// is refused with an answer: the failure to answer with (a limit, a
// malformed request), or success when there is nothing to answer
// (is_quiet_close(), or an I/O error: the connection is gone).
result<> check_read_end(const beast::error_code& ec, bool in_body, const session_limits& limits);

// Closes `stream`'s lowest layer; its pending operations end with an
// error. Never throws (a plain socket's close() would on an error).
template <class Stream>
void close_quietly(Stream& stream) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::error_code ignored;
  if constexpr (requires { lowest.close(ignored); }) {
    lowest.close(ignored);
  } else {
    lowest.close();
  }
}

// Handler: any type with `handled handle(const incoming_request&,
// auth_cache*)`, called once per request on the session's executor. The
// server's is the app itself.
template <class Stream, class Handler = app>
class http_session {
 public:
  using parser_type = http::request_parser<http::string_body>;

  // `buffer` may already hold bytes of the first request (TLS detection);
  // its cap is set here. Everything passed must outlive run(). `stopping` is
  // the server's stop flag.
  http_session(Stream& stream, beast::flat_buffer& buffer, Handler& handler,
               const session_limits& limits, const std::atomic<bool>& stopping)
      : stream_(stream), buffer_(buffer), handler_(handler), limits_(limits), stopping_(stopping) {
    buffer_.max_size(limits_.buffer_limit());
    // The session keeps its own deadlines (deadline_after()); one the
    // stream still has from the TLS handshake would cut it short.
    auto& lowest = beast::get_lowest_layer(stream_);
    if constexpr (requires { lowest.expires_never(); }) lowest.expires_never();
  }

  // Reads and answers requests until the connection should close. Returns
  // true when the stream is fit for a clean close (a TLS close_notify): the
  // client ended the connection between requests or the last answer said
  // `Connection: close`. Never throws for anything the peer sends.
  net::awaitable<bool> run() {
    const bool clean = co_await serve_requests();
    // A pending deadline would keep the io_context busy until it passed.
    if (watchdog_) watchdog_->cancel();
    co_return clean;
  }

  // How long a stopping server's idle keep-alive connection waits for a
  // next request before it closes: one its client sent before it could
  // know of the stop, already on its way, is answered instead of reset.
  static constexpr std::chrono::milliseconds stop_grace{100};

  // stop(), expire() and close() may also come before run() (the server's
  // stop began before the connection reached its session): run() then
  // starts where they left it.

  // The server is stopping (call on the session's executor): a session
  // waiting between keep-alive requests with no byte of the next one closes
  // unless that request arrives within stop_grace; one with a request under
  // way answers it with `Connection: close`; one waiting for a new
  // connection's first request goes on waiting for it, until expire().
  void stop() {
    if (idle_ && served_ > 0 && !has_input()) close_if_still_idle_after_grace();
  }

  // The stop's drain is ending (call on the session's executor), so what is
  // unfinished is answered now, with `Connection: close`: a request partly
  // received gets a 503 `service_unavailable`, one inside a fault's wait its
  // reply without the rest of the wait. A session waiting for a request with
  // no byte of it closes. A write under way is left to close().
  void expire() {
    expired_ = true;
    if (delay_) delay_->cancel();
    if (!writing_) cancel_io();
  }

  // Ends the connection now, whatever it is doing (the drain deadline has
  // passed; call on the session's executor): pending reads, writes and a
  // fault's wait complete at once with an error.
  void close() {
    closed_ = true;
    if (delay_) delay_->cancel();
    close_lowest();
  }

 private:
  enum class after { keep_going, closed_cleanly, closed };

  // run()'s loop: one request and its answer per round.
  net::awaitable<bool> serve_requests() {
    for (;;) {
      // A stopping server answers what it has received, then closes. A new
      // connection's first request is still awaited (until expire()): its
      // client connected to send one, and may have before the stop. Between
      // keep-alive requests the next one gets stop_grace to arrive.
      if (expired_ && !has_input()) co_return false;
      if (stopping_ && served_ > 0 && !has_input()) close_if_still_idle_after_grace();
      parser_type parser;
      parser.header_limit(static_cast<std::uint32_t>(limits_.header_limit));
      parser.body_limit(limits_.body_limit);
      if (const auto got = co_await read_request(parser); got != after::keep_going)
        co_return got == after::closed_cleanly;
      const auto next = co_await answer(parser.get());
      if (next != after::keep_going) co_return next == after::closed_cleanly;
    }
  }

  // After stop_grace, ends the wait for a next request if no byte of it has
  // come. The handler runs on the session's executor, like the session, and
  // touches nothing once the session is gone (it may end first).
  void close_if_still_idle_after_grace() {
    if (!grace_) grace_.emplace(stream_.get_executor());
    if (!alive_) alive_ = std::make_shared<char>();
    grace_->expires_after(stop_grace);
    grace_->async_wait([this, alive = std::weak_ptr<char>(alive_)](beast::error_code ec) {
      if (ec || alive.expired() || !idle_ || has_input()) return;
      stopped_idle_ = true;
      cancel_io();
    });
  }

  // The deadline of what the session does next (read a request, its body,
  // write an answer): past it the connection closes and the operation
  // under way ends with an error. One timer serves every deadline, armed
  // again only when a deadline comes before the time it is armed for; a
  // later one costs a clock read, and the timer, finding the deadline moved
  // when it fires, waits on (about once per timeout period). A timer per
  // read and per write cost more than a cached read's whole answer.
  // A test stream (no socket below) has no deadlines, as it had none with
  // beast's.
  static constexpr bool socket_below = requires(Stream & s) {
    beast::get_lowest_layer(s).native_handle();  // a plain socket
  }
  || requires(Stream& s) {
    beast::get_lowest_layer(s).socket();  // beast::tcp_stream (under TLS)
  };
  void deadline_after(std::chrono::steady_clock::duration d) {
    if constexpr (socket_below) {
      deadline_ = std::chrono::steady_clock::now() + d;
      if (!watching_ || deadline_ < armed_at_) watch_until(deadline_);
    }
  }

  // An answer's write: its deadline is write_timeout from now, or the
  // request's own if that is later (a keep-alive request is read under the
  // idle timeout, longer than the write's: keeping it spares re-arming the
  // timer for each answer). A slow reader is cut off all the same.
  void write_deadline() {
    if constexpr (socket_below) {
      deadline_ = std::max(deadline_, std::chrono::steady_clock::now() + write_timeout);
      if (!watching_) watch_until(deadline_);
    }
  }

  void watch_until(std::chrono::steady_clock::time_point t) {
    if (!watchdog_) watchdog_.emplace(stream_.get_executor());
    if (!alive_) alive_ = std::make_shared<char>();
    watching_ = true;
    armed_at_ = t;
    watchdog_->expires_at(t);  // a wait already pending ends with operation_aborted
    watchdog_->async_wait([this, alive = std::weak_ptr<char>(alive_)](beast::error_code ec) {
      if (alive.expired() || ec) return;  // the session is gone, re-armed or done
      if (!closed_ && std::chrono::steady_clock::now() < deadline_) {
        watch_until(deadline_);
        return;
      }
      watching_ = false;
      if (!closed_) close_lowest();
    });
  }

  void close_lowest() { close_quietly(stream_); }

  // Ends the pending read (or write) with operation_aborted. A test stream
  // cannot cancel: it closes.
  void cancel_io() {
    auto& lowest = beast::get_lowest_layer(stream_);
    beast::error_code ignored;
    if constexpr (requires { lowest.cancel(ignored); }) {
      lowest.cancel(ignored);  // a plain socket (tcp_stream's cancel() does not throw either)
    } else if constexpr (requires { lowest.cancel(); }) {
      lowest.cancel();
    } else {
      lowest.close();
    }
  }

  // True when bytes of a next request have arrived: in the buffer, or in the
  // socket waiting to be read.
  bool has_input() { return buffer_.size() > 0 || has_unread_input(); }

  // True when bytes are waiting in the socket (or a test stream's input).
  bool has_unread_input() {
    auto& lowest = beast::get_lowest_layer(stream_);
    if constexpr (requires { lowest.socket().available(); }) {
      beast::error_code ec;
      return lowest.socket().available(ec) > 0 && !ec;
    } else if constexpr (requires { lowest.available(); }) {
      beast::error_code ec;
      return lowest.available(ec) > 0 && !ec;  // a plain socket
    } else if constexpr (requires { lowest.buffer().size(); }) {
      return lowest.buffer().size() > 0;  // beast::test::stream's pending input
    } else {
      return false;
    }
  }

  // Reads one request (header, checks, body) into `parser`: keep_going when
  // it is there to answer, closed_cleanly when the client closed before a
  // first byte of it, closed otherwise (a refusal is answered first).
  net::awaitable<after> read_request(parser_type& parser) {
    deadline_after(buffer_.size() > 0 ? limits_.read_timeout : limits_.idle_timeout);
    auto ec = co_await read(parser, true);
    if (!ec) {
      // Request smuggling, ambiguous credentials: refused before the body.
      if (const auto refusal = refuse_header(parser.get())) {
        co_await send_error(parser.get().version(), api_error::bad_request, std::string(*refusal));
        co_return after::closed;
      }
      if (parser.is_done()) co_return after::keep_going;
      deadline_after(limits_.read_timeout);
      parser.eager(true);  // the body in as few calls as the bytes allow
      ec = co_await read(parser, false);
      if (!ec) co_return after::keep_going;
    }
    if (ec == http::error::end_of_stream) co_return after::closed_cleanly;
    // The drain ended this read: a request partly received is answered.
    if (expired_ && ec == net::error::operation_aborted &&
        (parser.got_some() || buffer_.size() > 0)) {
      const unsigned version = parser.is_header_done() ? parser.get().version() : 11;
      co_await send_error(version, api_error::service_unavailable,
                          "The server is shutting down; send the request again later");
      co_return after::closed;
    }
    if (auto read = check_read_end(ec, parser.is_header_done(), limits_); !read) {
      const unsigned version = parser.is_header_done() ? parser.get().version() : 11;
      const failure refusal = read.error();
      co_await send_error(version, refusal.error, refusal.description);
    }
    co_return after::closed;
  }

  // write_error(), marked as a write under way for expire(). `description`
  // outlives the call: a co_await's temporaries last until it resumes.
  net::awaitable<void> send_error(unsigned version, api_error e, const std::string& description) {
    write_deadline();
    writing_ = true;
    co_await write_error(stream_, version, e, description);
    writing_ = false;
  }

  // Feeds the parser from the buffer, reading more from the stream as it
  // needs, until the header (`header_only`) or the whole message is parsed.
  // Returns the error that stopped it: a parse error, a limit, the buffer's
  // cap (http::error::buffer_overflow), end_of_stream when the client closed
  // before a first byte, an I/O error.
  //
  // The header limit is counted here. Beast 1.81's put() checks it against
  // the bytes of one call only, and consumes a header field by field, so a
  // header arriving in pieces would never reach it (Beast's own read loop
  // counts the total; this one must too). The parser is handed at most the
  // header's remaining allowance, and while the header is not done every
  // buffered byte is header: consumed + buffered over the limit is a 431,
  // the same answer a header in one piece gets, at the same size.
  net::awaitable<beast::error_code> read(parser_type& parser, bool header_only) {
    std::size_t header_used = 0;  // header bytes the parser has consumed
    for (;;) {
      // Beast 1.81 asserts (n >= 5; debug builds only, boostorg/beast#2861)
      // when handed a chunked body's rest as exactly "0\r\n" and then as one
      // byte more. Waiting for more bytes changes nothing a client can see:
      // "0\r\n" alone never ends a message.
      const bool too_short = !header_only && parser.chunked() &&
                             std::string_view(static_cast<const char*>(buffer_.data().data()),
                                              buffer_.size()) == "0\r\n";
      if (buffer_.size() > 0 && !too_short) {
        beast::error_code ec;
        std::size_t used = 0;
        auto input = buffer_.data();
        if (header_only) {
          input = net::buffer(input, limits_.header_limit - header_used);
        }
        try {
          used = parser.put(input, ec);
        } catch (const std::exception& e) {
          // Beast throws for what it cannot store (std::length_error for a
          // field over 64 KiB); the buffer's cap prevents it, this keeps it
          // to this connection should another one appear.
          spdlog::warn("request refused, the HTTP parser threw: {}", e.what());
          co_return http::error::bad_field;
        }
        buffer_.consume(used);
        if (header_only) {
          header_used += used;
          const bool parsing = !ec || ec == http::error::need_more;
          if (parsing && !parser.is_header_done() &&
              header_used + buffer_.size() > limits_.header_limit)
            co_return http::error::header_limit;
        }
        if (!ec && (header_only ? parser.is_header_done() : parser.is_done())) co_return ec;
        if (ec && ec != http::error::need_more) co_return ec;
        if (!ec && used > 0) continue;
      }
      if (buffer_.size() >= buffer_.max_size()) co_return http::error::buffer_overflow;
      // Past the drain only what has arrived is read; expire() may have come
      // while the last read's bytes were on their way to this coroutine.
      if (expired_ && !has_unread_input()) co_return net::error::operation_aborted;
      const std::size_t room = std::min<std::size_t>(buffer_.max_size() - buffer_.size(), 16384);
      idle_ = header_only && !parser.got_some() && buffer_.size() == 0;
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(room), use_tuple);
      idle_ = false;
      buffer_.commit(n);
      // stop() ended the wait for a next request, but its first bytes came
      // meanwhile: the request is read and answered after all.
      if (ec == net::error::operation_aborted && std::exchange(stopped_idle_, false) && !expired_ &&
          !closed_ && has_input())
        continue;
      if (ec == net::error::eof) {
        if (!parser.got_some() && buffer_.size() == 0) co_return http::error::end_of_stream;
        parser.put_eof(ec);
        if (!ec && !parser.is_done()) ec = http::error::partial_message;
        co_return ec;
      }
      if (ec) co_return ec;
    }
  }

  // Hands the request to the handler and carries out its reply.
  net::awaitable<after> answer(const http::request<http::string_body>& req) {
    handled h = handler_.handle(to_incoming(req), &auth_);
    if (h.reply.delay.count() > 0) {
      if (!delay_) delay_.emplace(stream_.get_executor());
      delay_->expires_after(h.reply.delay);
      co_await delay_->async_wait(use_tuple);  // expire() cuts it short
      if (closed_) co_return after::closed;
    }
    if (h.reply.drop) {
      auto& lowest = beast::get_lowest_layer(stream_);
      beast::error_code ignored;
      if constexpr (requires { lowest.socket(); }) {
        lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
      } else if constexpr (requires { lowest.shutdown(tcp::socket::shutdown_both, ignored); }) {
        lowest.shutdown(tcp::socket::shutdown_both, ignored);
      }
      close_lowest();
      co_return after::closed;
    }

    // The head is written here (answer.hpp): Beast's serializer walks a
    // buffer sequence of its fields per write, which cost more than the
    // rest of a cached read's answer.
    const bool keep = keep_alive(req);
    const bool head_only = req.method() == http::verb::head;
    const bool bodiless = status_has_no_content(h.reply.status);
    std::optional<std::uint64_t> length;  // HEAD: what GET would send
    if (head_only || !bodiless) length = h.reply.body.size();
    const std::string head =
        response_head(req.version(), h.reply.status, h.reply.headers,
                      h.reply.body ? h.reply.content_type : std::string_view(), length, keep);
    write_deadline();
    writing_ = true;
    // A named local, not a temporary in the co_await expression (GCC 12
    // destroys such a temporary twice).
    const shared_bytes body = head_only || bodiless ? shared_bytes() : h.reply.body;
    const auto ec = co_await write_answer(stream_, head, body);
    writing_ = false;
    ++served_;
    if (ec) co_return after::closed;
    co_return keep ? after::keep_going : after::closed_cleanly;
  }

  // Whether the connection stays open after answering `req`.
  bool keep_alive(const http::request<http::string_body>& req) {
    if (!req.keep_alive()) return false;
    // RFC 9112 section 6.1: a Transfer-Encoding in a request before HTTP/1.1
    // may be a smuggling attempt through an old proxy; close after answering.
    if (req.version() < 11 && req.count(http::field::transfer_encoding) > 0) return false;
    // A stopping server keeps a connection only for a request already
    // received after this one (pipelined): it is answered too.
    return !stopping_ || has_input();
  }

  Stream& stream_;
  beast::flat_buffer& buffer_;
  Handler& handler_;
  session_limits limits_;
  const std::atomic<bool>& stopping_;
  auth_cache auth_;                                 // this connection's last authentication
  std::optional<net::steady_timer> delay_;          // a fault's wait
  std::optional<net::steady_timer> grace_;          // stop_grace
  std::optional<net::steady_timer> watchdog_;       // deadline_'s timer
  std::chrono::steady_clock::time_point deadline_;  // of what the session does now
  std::chrono::steady_clock::time_point armed_at_;  // when watchdog_ fires
  bool watching_ = false;                           // watchdog_ is armed
  std::shared_ptr<char> alive_;  // while the session lives, for the timers' handlers
  std::uint64_t served_ = 0;     // requests answered on this connection
  bool idle_ = false;            // waiting for the first byte of a request
  bool stopped_idle_ = false;    // stop() cancelled that wait
  bool writing_ = false;         // an answer is being written
  bool expired_ = false;         // expire() was called
  bool closed_ = false;          // close() was called
};

}  // namespace reemu
