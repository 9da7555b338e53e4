// The route families the app serves. Each family (a resource of the
// emulated API, the control API, the public routes) exports its own route
// table from its own file; this is the one list that names them, so adding a
// family is one new file and one line in src/app/families.cpp, with no edit
// to the session or the dispatcher.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/config/config.hpp"
#include "reemu/http/router.hpp"

namespace reemu {

struct route_family {
  std::string_view name;           // for messages and docs: "actions", "control"
  std::vector<route> (*routes)();  // the family's route table
  bool (*enabled)(const config&);  // whether this config serves it
};

// Every family, in match order (the router takes the first route that
// matches, so a family whose paths overlap another's must come first).
const std::vector<route_family>& route_families();

// The routes of every family `cfg` enables, in order, less those the
// release it presents lacks (cfg.cluster.version).
std::vector<route> all_routes(const config& cfg);

// For each route of all_routes(cfg), the index of its family in
// route_families(): the metrics count requests by family.
std::vector<std::size_t> route_family_indices(const config& cfg);

// The name of every family, by index: the metrics' family labels.
std::vector<std::string> family_names();

// Every route of every family, whatever a config turns off, one a line:
// "METHOD\tPATH\tFAMILY\tACCESS\n", ACCESS being the permission's name,
// "any_user", "admin" or "public" (re-actions-emulator --list-routes).
std::string route_listing();

}  // namespace reemu
