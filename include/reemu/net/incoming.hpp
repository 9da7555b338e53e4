// From a parsed Beast request to the app's incoming_request, and the header
// checks a session makes before it reads a body.
#pragma once

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string_view>

#include "reemu/app/app.hpp"

namespace reemu {

// Views into `req`: valid while `req` lives and is not modified.
inline incoming_request to_incoming(
    const boost::beast::http::request<boost::beast::http::string_body>& req) {
  namespace http = boost::beast::http;
  incoming_request in;
  in.method = req.method();
  in.method_text = req.method_string();
  in.target = req.target();
  if (auto it = req.find(http::field::authorization); it != req.end())
    in.authorization = it->value();
  if (auto it = req.find(http::field::content_type); it != req.end()) in.content_type = it->value();
  if (auto it = req.find("X-Emulator-Journal"); it != req.end()) in.journal_mode = it->value();
  if (auto it = req.find("cluster-state-id"); it != req.end()) in.cluster_state_id = it->value();
  if (auto it = req.find("X-Task-ID"); it != req.end()) in.task_id = it->value();
  if (auto it = req.find("X-Result-TTL"); it != req.end()) in.result_ttl = it->value();
  if (auto it = req.find(http::field::host); it != req.end()) in.host = it->value();
  if (auto it = req.find(http::field::origin); it != req.end()) in.origin = it->value();
  if (auto it = req.find("Sec-Fetch-Site"); it != req.end()) in.sec_fetch_site = it->value();
  in.body = req.body();
  return in;
}

// True when the header frames its body in a way the server refuses (400 and
// a close) against request smuggling. Beast refuses Content-Length with
// chunked and conflicting lengths itself, but reads a Transfer-Encoding
// whose last coding is not chunked as no body at all (its bytes would be read
// as the next request) and "gzip, chunked" as plain chunked. Chunked alone is
// the only coding served (RFC 9112 section 6.1).
inline bool unsupported_transfer_encoding(const boost::beast::http::fields& header) {
  namespace http = boost::beast::http;
  const auto codings = header.count(http::field::transfer_encoding);
  return codings > 1 || (codings == 1 &&
                         !boost::beast::iequals(header[http::field::transfer_encoding], "chunked"));
}

// Why a request header is refused with 400 and a close, or nothing: an
// unsupported Transfer-Encoding, two Authorization fields (which one a
// proxy in front checked is anyone's guess), an HTTP/1.1 request without
// Host or any request with two (RFC 9112 section 3.2; what nginx in front
// of a cluster answers). The Host value itself is not checked.
inline std::optional<std::string_view> refuse_header(
    const boost::beast::http::request_header<>& header) {
  namespace http = boost::beast::http;
  if (unsupported_transfer_encoding(header))
    return "Unsupported Transfer-Encoding: only chunked is accepted";
  if (header.count(http::field::authorization) > 1)
    return "More than one Authorization header: send one";
  const auto hosts = header.count(http::field::host);
  if (hosts == 0 && header.version() >= 11) return "HTTP/1.1 request without a Host header";
  if (hosts > 1) return "More than one Host header: send one";
  return std::nullopt;
}

}  // namespace reemu
