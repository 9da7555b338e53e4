// The route inventory: every route of the Redis Software REST API the docs
// list (docs/route-inventory.csv, compiled into the binary), each marked
// emulated or not, and the lookup that lets a request for a documented route
// the emulator lacks be answered as such (501 not_emulated) instead of as a
// typo (404).
//
// The router stays the truth of what is served: the lookup takes the
// inventory's rows that no route of the router has the shape of, whatever
// their `emulated` column says; tests/unit/route_inventory_test.cpp holds
// that column to the router, and docs/coverage.md is generated from it.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/http/router.hpp"
#include "reemu/model/version_profile.hpp"

namespace reemu {

// Where a row comes from (the `source` column).
enum class route_source {
  docs,          // the official docs' request pages
  reference,     // served by real clusters, missing from the docs' list
  unregistered,  // called by clients, served by no real cluster: a plain 404
};

struct inventory_route {
  std::size_t line = 0;  // line of docs/route-inventory.csv, for messages
  std::string family;    // the docs' resource family ("bdbs", "license", …)
  http_t::verb method = http_t::verb::get;
  std::string path;  // the router's syntax: "/v1/bdbs/{uid}/availability"
  bool emulated = false;
  std::string reason;  // why not, when not emulated
  route_source source = route_source::docs;
};

// A malformed inventory text: the message names the line and the column.
class inventory_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses an inventory text: '#' lines are comments, the first other line
// names the columns (found by name, so a later column such as a per-version
// one is ignored here), then one route a line. Refuses an unknown method or
// source, a path that is not "/v1/…" or "/v2/…", a quote, a route listed twice
// (by shape), a missing `reason` on a route not emulated and an unregistered
// route marked emulated. Throws inventory_error.
std::vector<inventory_route> parse_route_inventory(std::string_view text);

// The inventory compiled into the binary, parsed on first use (thread-safe).
const std::vector<inventory_route>& route_inventory();

// The route's shape: its pattern with every capture written "{}"
// ("/v1/bdbs/{bdb_uid}/shards" -> "/v1/bdbs/{}/shards"), so routes compare
// whatever their parameters are named.
std::string route_shape(std::string_view pattern);

// The documented routes a router does not serve, and how a request finds one.
// Keeps pointers into `inventory`, which must outlive it (the compiled-in
// inventory lives for the program). Immutable after construction, so
// thread-safe.
class not_emulated_routes {
 public:
  // `version` is the release presented: the documented routes it lacks
  // (model/version_profile.hpp) are not "not emulated" but absent, and
  // find() answers them nullptr, like an unregistered route.
  not_emulated_routes(const std::vector<inventory_route>& inventory,
                      const std::vector<route>& served,
                      const version_profile& version = newest_version_profile());

  // After the router matched no route for the method (404, 405): the
  // documented route the request names, or nullptr (an unknown path, or a
  // route real clusters do not serve either). The most specific route wins
  // ("/v1/roles/builtin" over "/v1/roles/{uid}"). HEAD looks up GET.
  const inventory_route* find(http_t::verb method, const std::vector<std::string>& segments) const;

  // After the router matched its route number `served_index`: a documented
  // route more specific than it that the request names instead (GET
  // /v1/bdbs/stats under GET /v1/bdbs/{uid}), or nullptr. An empty list
  // for almost every route, so the hot path pays one size check.
  const inventory_route* more_specific(std::size_t served_index, http_t::verb method,
                                       const std::vector<std::string>& segments) const;

  // The routes not emulated, in a fixed order: a metrics series each.
  const std::vector<const inventory_route*>& routes() const noexcept { return missing_; }
  // The position of `r` (a route find() or more_specific() returned) in routes().
  std::size_t index_of(const inventory_route* r) const;
  // For the answer stages after routing: a route that admits any
  // authenticated user (and takes faults), no handler, for routes()[i].
  const route& stand_in(std::size_t i) const { return stand_ins_[i]; }

 private:
  std::vector<const inventory_route*> missing_;
  std::vector<std::vector<std::string_view>> parts_;  // each of missing_ split into segments
  std::vector<route> stand_ins_;                      // one per missing_, same order
  std::vector<const inventory_route*> rows_;          // of lookup_'s routes, by index
  std::vector<bool> absent_;                          // per rows_: unregistered or lacked
  router lookup_;                                 // missing and unregistered, most specific first
  std::vector<std::vector<std::size_t>> shadow_;  // per served route: indices into missing_,
                                                  // most specific first
};

// The 501 answer to a documented route the emulator does not emulate.
reply not_emulated_reply(const inventory_route& r);

}  // namespace reemu
