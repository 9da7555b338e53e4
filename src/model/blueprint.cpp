// Shard blueprints from a database's shard count and replication.
#include "reemu/model/blueprint.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace reemu {

namespace {

constexpr std::uint64_t slot_count = 16384;

// The last slot of shard `i` of `n`: the real split rounds to the nearest
// slot (3 shards end at 5460, 10922, 16383).
std::uint64_t last_slot(std::uint64_t i, std::uint64_t n) {
  const double end = static_cast<double>((i + 1) * slot_count) / static_cast<double>(n);
  return static_cast<std::uint64_t>(std::llround(end)) - 1;
}

}  // namespace

json shards_blueprint(std::uint64_t shards_count, bool replication) {
  // More shards than slots cannot be placed; a cluster refuses them long
  // before, so the count is only clamped to keep every range non-empty.
  const std::uint64_t n = std::clamp<std::uint64_t>(shards_count, 1, slot_count);
  json out = json::array();
  std::uint64_t first = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t last = last_slot(i, n);
    json nodes = json::array({{{"node_uid", "1"}, {"role", "master"}}});
    if (replication) nodes.push_back({{"node_uid", "1"}, {"role", "slave"}});
    out.push_back({{"nodes", std::move(nodes)},
                   {"slot_range", std::to_string(first) + "-" + std::to_string(last)}});
    first = last + 1;
  }
  return out;
}

json shards_blueprint_of(const json& fields) {
  std::uint64_t count = 1;
  if (auto it = fields.find("shards_count");
      it != fields.end() && it->is_number_integer() && it->get<std::int64_t>() > 0)
    count = it->get<std::uint64_t>();
  bool replication = false;
  if (auto it = fields.find("replication"); it != fields.end() && it->is_boolean())
    replication = it->get<bool>();
  return shards_blueprint(count, replication);
}

}  // namespace reemu
