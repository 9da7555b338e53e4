// What the model's unit tests share: a clock time to start at, the default
// cluster settings and how long a template's walk takes.
#pragma once

#include <string_view>

#include "reemu/model/database.hpp"
#include "reemu/model/templates.hpp"

namespace reemu::test {

// A clock time for seeds and creates (2027-01-15).
inline constexpr double t0 = 1'800'000'000;

// The cluster settings of a config that sets none.
inline const cluster_settings& cluster() {
  static const cluster_settings c;
  return c;
}

// The end of template `name`'s walk, from its start: pending, starting and
// every step.
inline double walk(std::string_view name) {
  const simulate_plan& p = find_template(name)->plan;
  return p.pending_seconds + p.starting_seconds +
         p.step_seconds * static_cast<double>(p.steps.size());
}

}  // namespace reemu::test
