// The non-template parts of a session (include/reemu/net/session.hpp) and of
// its answers (include/reemu/net/answer.hpp).
#include "reemu/net/session.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "reemu/http/context.hpp"

namespace reemu {

std::string response_head(unsigned version, http::status status,
                          std::span<const std::pair<std::string_view, std::string>> fields,
                          std::string_view content_type,
                          std::optional<std::uint64_t> content_length, bool keep_alive) {
  std::string head;
  head.reserve(160);
  head += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  head += std::to_string(static_cast<unsigned>(status));
  head += ' ';
  head += http::obsolete_reason(status);
  head += "\r\nServer: re-actions-emulator\r\n";
  const auto field = [&head](std::string_view name, std::string_view value) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  };
  for (const auto& [name, value] : fields) field(name, value);
  if (!content_type.empty()) field("Content-Type", content_type);
  if (content_length) field("Content-Length", std::to_string(*content_length));
  if (version >= 11 && !keep_alive) field("Connection", "close");
  if (version < 11 && keep_alive) field("Connection", "keep-alive");
  head += "\r\n";
  return head;
}

bool status_has_no_content(http::status status) {
  return http::to_status_class(status) == http::status_class::informational ||
         status == http::status::no_content || status == http::status::not_modified;
}

std::string error_head(unsigned version, const reply& r) {
  return response_head(version, r.status, {}, r.content_type, r.body.size(), false);
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
