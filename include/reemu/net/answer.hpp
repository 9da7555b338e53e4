// What a session writes: an answer's head, written here, and its body's
// shared bytes in one gather write, and the one way an error answer goes out (431, 413, 400, the
// 503 past the connection cap and the HTTPS port's "speaks HTTPS" 400 alike).
#pragma once

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/status.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/http/context.hpp"
#include "reemu/http/errors.hpp"
#include "reemu/model/shared_bytes.hpp"
#include "reemu/net/net.hpp"

namespace reemu {

// Completion token of every session operation: errors come back as values.
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// How long one answer may take to go out to a client that reads slowly.
inline constexpr std::chrono::seconds write_timeout{30};

// The status line and header fields of an answer, as they go out:
// `Server`, then `fields` in order, `Content-Type` (when `content_type` is
// not empty), `Content-Length` (when set) and the `Connection` field that
// `keep_alive` calls for in HTTP/1.`version % 10` (close on 1.1,
// keep-alive on 1.0), ending with the empty line. Field values come from
// the server, never from a client unchecked.
std::string response_head(unsigned version, http::status status,
                          std::span<const std::pair<std::string_view, std::string>> fields,
                          std::string_view content_type,
                          std::optional<std::uint64_t> content_length, bool keep_alive);

// Whether an answer with this status carries no Content-Length and no body
// (1xx, 204, 304; RFC 9110 section 8.6).
bool status_has_no_content(http::status status);

// Writes `sequence` whole; a write that ends short without an error (a
// layer that wrote nothing) counts as a broken pipe.
template <class Stream>
net::awaitable<beast::error_code> write_buffers(Stream& stream,
                                                std::span<const net::const_buffer> sequence,
                                                std::size_t total) {
  auto [ec, n] = co_await net::async_write(stream, sequence, use_tuple);
  if (!ec && n != total) ec = net::error::broken_pipe;
  co_return ec;
}

// Writes `head` and then the bytes of `body` in one gather write: a cached
// body goes out without a copy, and one made of pieces (the action lists)
// as its pieces, never joined.
//
// The buffers go to async_write as a span, never as a two-element
// std::array: Asio's consuming_buffers keeps a spent first element of such
// an array as an empty buffer, beast::flat_stream (under beast::ssl_stream)
// then writes zero bytes and the write stops after the head whenever the
// body is larger than one TLS record (16 KiB).
template <class Stream>
net::awaitable<beast::error_code> write_answer(Stream& stream, const std::string& head,
                                               const shared_bytes& body) {
  const auto as_buffer = [](std::string_view run) {
    return net::const_buffer(run.data(), run.size());
  };
  const std::size_t total = head.size() + body.size();
  if (body.runs() <= 1) {
    std::array<net::const_buffer, 2> buffers{net::buffer(head), net::const_buffer()};
    body.for_each([&](std::string_view run) { buffers[1] = as_buffer(run); });
    co_return co_await write_buffers(stream, buffers, total);
  }
  std::vector<net::const_buffer> buffers;
  buffers.reserve(body.runs() + 1);
  buffers.push_back(net::buffer(head));
  body.for_each([&](std::string_view run) { buffers.push_back(as_buffer(run)); });
  co_return co_await write_buffers(stream, buffers, total);
}

// Sets the deadline of the next operations on `stream` where its lowest
// layer has one (beast::tcp_stream); a test stream has none.
template <class Stream, class Duration>
void expire_after(Stream& stream, Duration d) {
  auto& lowest = beast::get_lowest_layer(stream);
  if constexpr (requires { lowest.expires_after(d); }) lowest.expires_after(d);
}

// The status line and header of an error answer with the cluster's error
// body (error_reply()) and `Connection: close`, in HTTP/1.`version % 10`;
// the body is the reply's.
std::string error_head(unsigned version, const reply& r);

// Writes error_response() under the write timeout. Returns true when it went
// out; the caller closes the connection either way.
template <class Stream>
net::awaitable<bool> write_error(Stream& stream, unsigned version, api_error e,
                                 std::string description) {
  const reply r = error_reply(e, description);
  const std::string head = error_head(version, r);
  expire_after(stream, write_timeout);
  co_return !co_await write_answer(stream, head, r.body);
}

}  // namespace reemu
