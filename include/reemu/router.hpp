// The router: routes are data (verb, pattern, permission, handler) and
// matching is a pure function from (verb, path) to a route, a 404 or a 405.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/context.hpp"

namespace reemu {

struct route {
  http_t::verb method;
  std::string_view pattern;     // "/v1/actions/{uid}": literal segments and {name} captures
  std::string_view permission;  // needed permission; empty = no authentication at all
  bool admin_only = false;      // control API: the admin role, whatever the permission table says
  handler_fn handler = nullptr;
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

// Splits a path's decoded segments; nullopt for a target that is not a valid
// origin-form path ("/a/b?x=1"). A trailing '/' is dropped; "//" is invalid.
std::optional<std::vector<std::string>> path_segments(std::string_view target);

}  // namespace reemu
