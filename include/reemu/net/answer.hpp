// What a session writes: a response body that shares an immutable string,
// and the one way an error answer goes out (431, 413, 400, the 503 past the
// connection cap and the HTTPS port's "speaks HTTPS" 400 alike).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/optional.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/http/errors.hpp"
#include "reemu/model/shared_bytes.hpp"
#include "reemu/net/net.hpp"

namespace reemu {

// Completion token of every session operation: errors come back as values.
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// How long one answer may take to go out to a client that reads slowly.
inline constexpr std::chrono::seconds write_timeout{30};

// A response body that shares immutable bytes (shared_bytes): cached bodies
// go out without a copy per request, and a body made of pieces (the action
// lists) goes out as one gather write of its pieces, never joined.
struct shared_body {
  using value_type = shared_bytes;

  static std::uint64_t size(const value_type& v) noexcept { return v.size(); }

  class writer {
   public:
    using const_buffers_type = std::span<const net::const_buffer>;
    template <bool is_request, class Fields>
    writer(const http::header<is_request, Fields>&, const value_type& body) : body_(body) {}
    void init(beast::error_code& ec) {
      ec = {};
      const auto as_buffer = [](std::string_view run) {
        return net::const_buffer(run.data(), run.size());
      };
      if (body_.runs() > 1) {
        many_.reserve(body_.runs());
        body_.for_each([&](std::string_view run) { many_.push_back(as_buffer(run)); });
      } else {
        body_.for_each([&](std::string_view run) { one_ = as_buffer(run); });
      }
    }
    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (body_.empty()) return boost::none;
      if (many_.empty()) return {{const_buffers_type(&one_, 1), false}};
      return {{const_buffers_type(many_), false}};
    }

   private:
    const value_type& body_;
    net::const_buffer one_;                // a body of one run: no allocation
    std::vector<net::const_buffer> many_;  // a body of pieces
  };
};

// Sets the deadline of the next operations on `stream` where its lowest
// layer has one (beast::tcp_stream); a test stream has none.
template <class Stream, class Duration>
void expire_after(Stream& stream, Duration d) {
  auto& lowest = beast::get_lowest_layer(stream);
  if constexpr (requires { lowest.expires_after(d); }) lowest.expires_after(d);
}

// An error answer with the cluster's error body (error_body()) and
// `Connection: close`, in HTTP/1.`version % 10`.
http::response<shared_body> error_response(unsigned version, api_error e,
                                           const std::string& description);

// Writes error_response() under the write timeout. Returns true when it went
// out; the caller closes the connection either way.
template <class Stream>
net::awaitable<bool> write_error(Stream& stream, unsigned version, api_error e,
                                 std::string description) {
  auto res = error_response(version, e, description);
  expire_after(stream, write_timeout);
  auto [ec, n] = co_await http::async_write(stream, res, use_tuple);
  co_return !ec;
}

}  // namespace reemu
