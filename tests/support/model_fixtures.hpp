// What the model's unit tests share: a clock time to start at, the default
// cluster settings and how long a template's walk takes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/model/database.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/registry_data.hpp"
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

// A registry with nodes 1 to 3 (up since `nodes_up_since` when given) and
// the databases `dbs`, created at t0; `seed` seeds its ids when given.
inline registry_data cluster_of(const std::vector<json>& dbs,
                                std::optional<std::uint64_t> seed = std::nullopt,
                                std::optional<double> nodes_up_since = std::nullopt) {
  registry_data d;
  if (seed) d.ids.seed = *seed;
  for (std::uint64_t uid = 1; uid <= 3; ++uid) {
    node one;
    one.uid = uid;
    if (nodes_up_since) one.started_at = *nodes_up_since;
    d.nodes[uid] = std::make_shared<const node>(std::move(one));
  }
  for (const json& obj : dbs) d.put_database(database_from_object(obj, t0, d, cluster()));
  return d;
}

}  // namespace reemu::test
