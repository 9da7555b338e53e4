// From a parsed Beast request to the app's incoming_request: one definition
// for the server's sessions and the HTTP fuzzer, so the fuzzer exercises
// exactly what a connection hands over.
#pragma once

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

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

}  // namespace reemu
