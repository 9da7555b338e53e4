// Shards derived from the databases: uids, placement at a time, rendering.
#include "reemu/model/shards.hpp"

#include <algorithm>
#include <map>

#include "reemu/model/lifecycle.hpp"
#include "reemu/util/number.hpp"

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

namespace {

// Whether `mine` (a database's shard_list) holds no uid twice and none that
// a database other than `uid` holds: one pass over every database's uids.
bool holds_free_uids(const registry_data& d, std::uint64_t uid, std::vector<std::uint64_t> mine) {
  std::sort(mine.begin(), mine.end());
  if (std::adjacent_find(mine.begin(), mine.end()) != mine.end()) return false;
  for (const auto& [other_uid, other] : d.databases) {
    if (other_uid == uid) continue;
    for (const std::uint64_t s : other->stored_shard_uids)
      if (std::binary_search(mine.begin(), mine.end(), s)) return false;
  }
  return true;
}

}  // namespace

void assign_shard_uids(const registry_data& d, database& db) {
  const std::vector<std::uint64_t> mine = shard_uids_of(db);
  if (!mine.empty()) {
    // Unchanged since it was stored (assigned then): nothing to check.
    if (const auto stored = d.databases.find(db.uid);
        stored != d.databases.end() && stored->second->stored_shard_uids == mine)
      return;
    if (holds_free_uids(d, db.uid, mine)) return;
  }
  std::uint64_t high = d.databases.shard_high();
  for (const std::uint64_t s : mine) high = std::max(high, s);
  const std::size_t size = shape_of(db.fields).size();
  json list = json::array();
  for (std::size_t i = 0; i < size; ++i) list.push_back(high + 1 + i);
  db.fields["shard_list"] = std::move(list);
  db.placement.clear();
  if (db.op) db.op->placement.clear();
}

result<> check_shard_room(const registry_data& d, const database& db) {
  const std::uint64_t limit = d.license.shards_limit;
  const std::size_t wanted = shape_of(db.fields).size();
  const auto stored = d.databases.find(db.uid);
  const std::size_t held =
      stored == d.databases.end() ? 0 : stored->second->stored_shard_uids.size();
  if (wanted <= held) return {};
  const std::size_t in_use = d.databases.shard_count();
  if (in_use - held + wanted <= limit) return {};
  return failure{api_error::insufficient_resources,
                 "Not enough shards left in the licence: it allows " + std::to_string(limit) +
                     " shards (shards_limit), " + std::to_string(in_use) +
                     " are in use and database " + std::to_string(db.uid) + " needs " +
                     std::to_string(wanted - held) + " more; delete or shrink a database first"};
}

shard_usage shards_in_use(const registry_data& d, double now) {
  shard_usage used;
  for (const auto& [uid, db] : d.databases) {
    if (!view_of(*db, now).visible) continue;
    const auto bigstore = db->fields.find("bigstore");
    const bool flash =
        bigstore != db->fields.end() && bigstore->is_boolean() && bigstore->get<bool>();
    (flash ? used.flash : used.ram) += db->stored_shard_uids.size();
  }
  return used;
}

result<std::vector<std::uint64_t>> read_shard_uids(const json& list) {
  std::vector<std::uint64_t> out;
  for (const json& v : list) {
    std::optional<std::uint64_t> uid;
    if (v.is_number_unsigned()) uid = v.get<std::uint64_t>();
    if (v.is_string()) uid = parse_number<std::uint64_t>(v.get_ref<const std::string&>());
    if (!uid) {
      return failure{api_error::invalid_schema,
                     "Field 'shard_uids' must hold shard uids (\"2\"), got " + v.dump()};
    }
    out.push_back(*uid);
    // Repeats are squeezed out whenever the list reaches twice the bound, so
    // it never holds more than that: one uid said 40 000 times stays small.
    if (out.size() == 2 * max_database_shards) {
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      if (out.size() > max_database_shards) break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > max_database_shards) {
    return failure{api_error::invalid_schema,
                   "Field 'shard_uids' names more than " + std::to_string(max_database_shards) +
                       " shards, the most one database holds; split the request"};
  }
  return out;
}

std::vector<shard_spot> placement_at(const database& db, const node_map& nodes, double now) {
  const shard_shape shape = shape_of(db.fields);
  std::vector<shard_spot> fallback = default_placement(shape, db.uid, nodes);
  const std::vector<shard_spot>* moved = completed_move(db, now);
  if (!moved || moved->size() != shape.size())
    moved = db.placement.size() == shape.size() ? &db.placement : nullptr;
  if (!moved) return fallback;
  std::vector<shard_spot> out = *moved;
  // A node removed since the move: its shards went where they go by default.
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!nodes.contains(out[i].node_uid)) out[i].node_uid = fallback[i].node_uid;
  return out;
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
  const node_map nodes = nodes_at(d.nodes, now);
  std::vector<shard_info> out;
  for (const auto& [uid, db] : d.databases) {
    if (!view_of(*db, now).visible) continue;
    std::vector<shard_info> mine = shards_of(*db, nodes, now);
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

std::optional<shard_info> find_shard(const registry_data& d, std::uint64_t uid, double now) {
  std::vector<shard_info> found;
  if (find_shards(d, {uid}, now, found)) return std::nullopt;
  return std::move(found.front());
}

std::optional<std::uint64_t> find_shards(const registry_data& d,
                                         const std::vector<std::uint64_t>& uids, double now,
                                         std::vector<shard_info>& out) {
  out.clear();
  // Where each asked uid is: the first database (in uid order) holding it
  // and its place there; one pass over the databases' uids.
  struct spot_of {
    const database* db = nullptr;
    std::size_t index = 0;
  };
  std::vector<spot_of> where(uids.size());
  for (const auto& [bdb_uid, db] : d.databases) {
    const std::vector<std::uint64_t>& mine = db->stored_shard_uids;
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const auto at = std::lower_bound(uids.begin(), uids.end(), mine[i]);
      if (at == uids.end() || *at != mine[i]) continue;
      spot_of& w = where[static_cast<std::size_t>(at - uids.begin())];
      if (!w.db) w = {db.get(), i};
    }
  }
  // Each database's placement is worked out once, however many of its
  // shards are asked.
  const node_map nodes = nodes_at(d.nodes, now);
  std::map<std::uint64_t, std::vector<shard_spot>> spots;
  for (std::size_t k = 0; k < uids.size(); ++k) {
    const spot_of& w = where[k];
    if (!w.db || !view_of(*w.db, now).visible) return uids[k];
    auto placed = spots.find(w.db->uid);
    if (placed == spots.end())
      placed = spots.emplace(w.db->uid, placement_at(*w.db, nodes, now)).first;
    const shard_shape shape = shape_of(w.db->fields);
    const std::size_t per_range = shape.replication ? 2 : 1;
    out.push_back({uids[k], w.db->uid, w.index, placed->second[w.index],
                   slot_range(w.index / per_range, shape.count)});
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
