// Unit tests that call app::handle directly, without a socket: the request a
// session would hand over for a JSON call.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <string_view>

#include "reemu/app/app.hpp"

namespace reemu::test {

// A request with `body` as application/json. Views into the arguments: they
// must outlive the call to app::handle.
inline incoming_request json_request(boost::beast::http::verb method, std::string_view target,
                                     std::string_view body, std::string_view authorization) {
  incoming_request req;
  req.method = method;
  req.method_text = boost::beast::http::to_string(method);
  req.target = target;
  req.authorization = authorization;
  req.content_type = "application/json";
  req.body = body;
  return req;
}

}  // namespace reemu::test
