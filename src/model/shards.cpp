// Shards derived from the databases: uids, placement at a time, rendering.
#include "reemu/model/shards.hpp"

#include <algorithm>

#include "reemu/model/lifecycle.hpp"

namespace reemu {

namespace {

// The placement the operation of `db` leaves at `now`, when it completed
// and moves shards.
const std::vector<shard_spot>* completed_move(const database& db, double now) {
  if (!db.op || db.op->placement.empty()) return nullptr;
  const live_state live = evaluate(db.op->plan, db.op->started_at, now);
  return live.phase == phase::completed ? &db.op->placement : nullptr;
}

}  // namespace

std::vector<std::uint64_t> shard_uids_of(const database& db) {
  const auto it = db.fields.find("shard_list");
  if (it == db.fields.end() || !it->is_array() || it->size() != shape_of(db.fields).size())
    return {};
  std::vector<std::uint64_t> out;
  for (const json& v : *it) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) return {};
    out.push_back(v.get<std::uint64_t>());
  }
  return out;
}

void assign_shard_uids(const registry_data& d, database& db) {
  std::vector<std::uint64_t> mine = shard_uids_of(db);
  // Unchanged since it was stored (assigned then): nothing to check.
  if (const auto stored = d.databases.find(db.uid);
      !mine.empty() && stored != d.databases.end() && stored->second->stored_shard_uids == mine)
    return;
  std::vector<std::uint64_t> taken;
  std::uint64_t high = 0;
  for (const auto& [uid, other] : d.databases) {
    for (std::uint64_t s : other->stored_shard_uids) {
      high = std::max(high, s);
      if (uid != db.uid) taken.push_back(s);
    }
  }
  const bool fits = !mine.empty() && std::none_of(mine.begin(), mine.end(), [&](std::uint64_t s) {
    return std::find(taken.begin(), taken.end(), s) != taken.end();
  });
  if (fits) return;
  for (std::uint64_t s : mine) high = std::max(high, s);
  const std::size_t size = shape_of(db.fields).size();
  json list = json::array();
  for (std::size_t i = 0; i < size; ++i) list.push_back(high + 1 + i);
  db.fields["shard_list"] = std::move(list);
  db.placement.clear();
  if (db.op) db.op->placement.clear();
}

std::vector<shard_spot> placement_at(const database& db, const node_map& nodes, double now) {
  const shard_shape shape = shape_of(db.fields);
  if (const auto* moved = completed_move(db, now); moved && moved->size() == shape.size())
    return *moved;
  if (db.placement.size() == shape.size()) return db.placement;
  return default_placement(shape, db.uid, nodes);
}

void settle_placement(database& db, double now) {
  if (const auto* moved = completed_move(db, now)) {
    db.placement = *moved;
    db.op->placement.clear();
  }
}

std::vector<shard_info> shards_of(const database& db, const node_map& nodes, double now) {
  const std::vector<std::uint64_t> uids = shard_uids_of(db);
  if (uids.empty()) return {};
  const shard_shape shape = shape_of(db.fields);
  const std::vector<shard_spot> spots = placement_at(db, nodes, now);
  const std::size_t per_range = shape.replication ? 2 : 1;
  std::vector<shard_info> out;
  out.reserve(uids.size());
  for (std::size_t i = 0; i < uids.size(); ++i)
    out.push_back({uids[i], db.uid, i, spots[i], slot_range(i / per_range, shape.count)});
  return out;
}

std::vector<shard_info> all_shards(const registry_data& d, double now) {
  std::vector<shard_info> out;
  for (const auto& [uid, db] : d.databases) {
    if (!view_of(*db, now).visible) continue;
    std::vector<shard_info> mine = shards_of(*db, d.nodes, now);
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

std::optional<shard_info> find_shard(const registry_data& d, std::uint64_t uid, double now) {
  for (const auto& [bdb_uid, db] : d.databases) {
    const std::vector<std::uint64_t>& uids = db->stored_shard_uids;
    if (std::find(uids.begin(), uids.end(), uid) == uids.end()) continue;
    if (!view_of(*db, now).visible) return std::nullopt;
    for (shard_info& s : shards_of(*db, d.nodes, now))
      if (s.uid == uid) return std::move(s);
  }
  return std::nullopt;
}

std::vector<std::uint64_t> shard_uids_on_node(const registry_data& d, std::uint64_t node_uid,
                                              double now) {
  std::vector<std::uint64_t> out;
  for (const shard_info& s : all_shards(d, now))
    if (s.spot.node_uid == node_uid) out.push_back(s.uid);
  std::sort(out.begin(), out.end());
  return out;
}

json render_shard(const shard_info& s, const database& db, double now) {
  const bdb_view v = view_of(db, now);
  std::string_view status = "active";
  std::string_view detailed = "ok";
  if (v.status == "pending") {
    status = "inactive";
    detailed = "busy";
  } else if (v.status == "creation-failed" || v.status == "delete-pending") {
    status = "inactive";
    detailed = "down";
  } else if (v.status == "import-pending") {
    detailed = "importing";
  }
  return {{"assigned_slots", s.slots},
          {"bdb_uid", s.bdb_uid},
          {"detailed_status", detailed},
          {"loading", {{"status", "idle"}}},
          {"node_uid", std::to_string(s.spot.node_uid)},
          {"redis_info", json::object()},
          {"report_timestamp", rfc3339(now)},
          {"role", s.spot.master ? "master" : "slave"},
          {"status", status},
          {"uid", std::to_string(s.uid)}};
}

}  // namespace reemu
