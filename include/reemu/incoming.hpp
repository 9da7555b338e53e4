// From a parsed Beast request to the app's incoming_request: one definition
// for the server's sessions and the HTTP fuzzer, so the fuzzer exercises
// exactly what a connection hands over.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "reemu/app.hpp"

namespace reemu {

// Views into `req`: valid while `req` lives and is not modified.
inline incoming_request to_incoming(
    const boost::beast::http::request<boost::beast::http::string_body>& req) {
  namespace http = boost::beast::http;
  incoming_request in;
  in.method = req.method();
  in.method_text = req.method_string();
  in.target = req.target();
  if (auto it = req.find(http::field::authorization); it != req.end()) in.authorization = it->value();
  if (auto it = req.find(http::field::content_type); it != req.end()) in.content_type = it->value();
  in.body = req.body();
  return in;
}

}  // namespace reemu
