// Version profiles: the Redis Software releases the emulator can present
// itself as (--rs-version, config emulator.rs_version). A profile is a row
// of one small table: the build string the nodes (and the bootstrap status)
// report as software_version, and the routes that release does not have,
// which the router leaves out at start-up so they answer 404 like any
// unknown path, as that release does.
//
// The table is facts about real clusters: the route differences are the
// `version_specific` entries of tests/data/compliance_baseline.json (reduced
// from redis-developer/redis-enterprise-rs, live runs against each release),
// and tests/integration/parity_test.cpp holds each profile to that file.
// docs/compatibility.md says where each build string comes from.
//
// A profile is a start-up setting, not part of the state: the state file
// stores no software version, so one file loads under any profile.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace reemu {

struct version_profile {
  std::string_view name;              // what --rs-version takes: "7.22", "8.0", "8.2"
  std::string_view software_version;  // a released build: "8.2.0-25"
  // The routes this release lacks, "METHOD /path/{param}" (any parameter
  // names: the router compares shapes). Every documented method of a path
  // the baseline saw answer 404 on this release where later ones serve it.
  std::span<const std::string_view> absent_routes;
};

// Every profile, oldest first. Static; thread-safe.
std::span<const version_profile> version_profiles();

// The newest release: the default profile.
const version_profile& newest_version_profile();

// The profile named `name` ("8.0"), or nullptr.
const version_profile* find_version_profile(std::string_view name);

// The names of every profile, for messages: "7.22, 8.0, 8.2".
std::string version_profile_names();

// True when `profile` lacks the route `method` `pattern` (the method's
// name, "GET"; a path template whose parameter names need not match).
bool lacks_route(const version_profile& profile, std::string_view method, std::string_view pattern);

}  // namespace reemu
