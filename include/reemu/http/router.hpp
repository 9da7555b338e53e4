// The router: routes are data (verb, pattern, who may call, handler) and
// matching is a pure function from (verb, path) to a route, a 404 or a 405.
// Each route family (api/actions, control/health, control/users, …)
// exports its own table; app/families.cpp lists the families.
#pragma once

#include <boost/url/url_view.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/auth/access.hpp"
#include "reemu/http/context.hpp"

namespace reemu {

struct route {
  http_t::verb method;
  std::string_view pattern;  // "/v1/actions/{uid}": literal segments and {name} captures
  reemu::access access;      // who may call it (auth/access.hpp)
  handler_fn handler = nullptr;
  // False for the routes that watch the emulator rather than use it (the
  // metrics a scraper polls, the dashboard page): like health, they would
  // drown the requests a test wants to read back in the journal.
  bool journal = true;
  // True for POST /v1/users/authorize: with no Authorization header, the
  // credentials may come as {"username","password"} in the JSON body.
  bool credentials_in_body = false;
};

struct route_match {
  enum class kind { found, not_found, method_not_allowed } result = kind::not_found;
  const reemu::route* route = nullptr;
  path_params params;
  std::string allow;  // for 405: "GET, HEAD"
};

class router {
 public:
  explicit router(std::vector<route> routes);

  // Matches decoded path `segments` (no empty segments; a trailing '/' is
  // ignored by the caller) against the table. HEAD matches GET routes. Pure.
  route_match match(http_t::verb method, const std::vector<std::string>& segments) const;

  const std::vector<route>& routes() const noexcept { return routes_; }

 private:
  struct compiled {
    std::vector<std::string_view> parts;  // "{uid}" kept as is
  };
  std::vector<route> routes_;
  std::vector<compiled> compiled_;
};

// Parses a request target: origin form ("/v1/actions?x=1") as clients send
// it, or absolute form ("http://host:8080/v1/actions") as proxies do, which
// HTTP/1.1 servers must accept too. nullopt for anything else. The view
// points into `target`.
std::optional<boost::urls::url_view> parse_target(std::string_view target);

// Splits a parsed target's path into decoded segments; nullopt when one is
// empty or holds a NUL. A trailing '/' is dropped; "//" is invalid.
std::optional<std::vector<std::string>> path_segments(const boost::urls::url_view& url);
// The same from the text: parse_target, then the segments.
std::optional<std::vector<std::string>> path_segments(std::string_view target);

}  // namespace reemu
