// The non-template parts of a session (include/reemu/net/session.hpp) and of
// its answers (include/reemu/net/answer.hpp).
#include "reemu/net/session.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "reemu/http/context.hpp"

namespace reemu {

http::response<shared_body> error_response(unsigned version, api_error e,
                                           const std::string& description) {
  reply r = error_reply(e, description);
  http::response<shared_body> res{r.status, version};
  res.set(http::field::server, "re-actions-emulator");
  res.set(http::field::content_type, r.content_type);
  res.keep_alive(false);
  res.body() = r.body;
  res.prepare_payload();
  return res;
}

bool is_quiet_close(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::bad_descriptor ||
         ec == net::ssl::error::stream_truncated || ec == http::error::partial_message;
}

result<> check_read_end(const beast::error_code& ec, bool in_body, const session_limits& limits) {
  if (is_quiet_close(ec)) return {};
  const auto bytes = [](std::uint64_t n) { return std::to_string(n) + " bytes"; };
  if (ec == http::error::header_limit || (ec == http::error::buffer_overflow && !in_body)) {
    return failure{api_error::header_too_large,
                   "Request header larger than " + bytes(limits.header_limit)};
  }
  // The parser checks Content-Length against the body limit while it reads
  // the header, so an announced oversized body stops before a byte of it.
  if (ec == http::error::body_limit) {
    return failure{api_error::body_too_large,
                   "Request body larger than " + bytes(limits.body_limit)};
  }
  // A chunk header (size and extensions) or a trailer that does not fit the
  // read buffer: every byte a client sends counts against a limit.
  if (ec == http::error::buffer_overflow) {
    return failure{api_error::bad_request,
                   "Chunk header or trailer longer than " + bytes(limits.buffer_limit())};
  }
  if (ec.category() == beast::error_code(http::error::bad_method).category()) {
    return failure{api_error::bad_request, std::string(in_body ? "Malformed HTTP request body: "
                                                               : "Malformed HTTP request: ") +
                                               ec.message()};
  }
  return {};
}

}  // namespace reemu
