// Shard blueprints and the default placement of a database's shards.
#include "reemu/model/blueprint.hpp"

#include <algorithm>
#include <cmath>

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

shard_shape shape_of(const json& fields) {
  shard_shape s;
  // More shards than slots cannot be placed; bodies are refused long before
  // (max_shards_count), so the count of a stored field is only clamped.
  if (auto it = fields.find("shards_count");
      it != fields.end() && it->is_number_integer() && it->get<std::int64_t>() > 0)
    s.count = std::min(it->get<std::uint64_t>(), slot_count);
  if (auto it = fields.find("replication"); it != fields.end() && it->is_boolean())
    s.replication = it->get<bool>();
  if (auto it = fields.find("shards_placement"); it != fields.end() && it->is_string())
    s.sparse = *it == "sparse";
  return s;
}

std::string slot_range(std::uint64_t i, std::uint64_t n) {
  n = std::clamp<std::uint64_t>(n, 1, slot_count);
  const std::uint64_t first = i == 0 ? 0 : last_slot(i - 1, n) + 1;
  return std::to_string(first) + "-" + std::to_string(last_slot(i, n));
}

std::vector<shard_spot> default_placement(const shard_shape& shape, std::uint64_t bdb_uid,
                                          const node_map& nodes) {
  std::vector<std::uint64_t> uids;
  for (const auto& [uid, n] : nodes) uids.push_back(uid);
  if (uids.empty()) uids.push_back(1);
  const std::size_t count = uids.size();
  const std::size_t start = bdb_uid == 0 ? 0 : (bdb_uid - 1) % count;
  std::vector<shard_spot> out;
  out.reserve(shape.size());
  for (std::uint64_t i = 0; i < shape.count; ++i) {
    const std::size_t master = shape.sparse ? (start + i) % count : start;
    out.push_back({uids[master], true});
    if (shape.replication) out.push_back({uids[(master + 1) % count], false});
  }
  return out;
}

json shards_blueprint(const shard_shape& shape, const std::vector<shard_spot>& placement) {
  const auto spot_json = [](const shard_spot& s) {
    return json{{"node_uid", std::to_string(s.node_uid)}, {"role", s.master ? "master" : "slave"}};
  };
  const std::size_t per_range = shape.replication ? 2 : 1;
  json out = json::array();
  for (std::uint64_t i = 0; i < shape.count; ++i) {
    json nodes = json::array();
    // The master first, whichever place of the pair holds it after a failover.
    for (bool master : {true, false}) {
      for (std::size_t k = 0; k < per_range; ++k) {
        const std::size_t at = i * per_range + k;
        if (at < placement.size() && placement[at].master == master)
          nodes.push_back(spot_json(placement[at]));
      }
    }
    out.push_back({{"nodes", std::move(nodes)}, {"slot_range", slot_range(i, shape.count)}});
  }
  return out;
}

json shards_blueprint_of(const json& fields, std::uint64_t bdb_uid, const node_map& nodes) {
  const shard_shape shape = shape_of(fields);
  return shards_blueprint(shape, default_placement(shape, bdb_uid, nodes));
}

}  // namespace reemu
