// The registry's contents: actions, databases and the rest, edited on a copy.
#include "reemu/model/registry_data.hpp"

#include <algorithm>

#include "reemu/model/lifecycle.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// The clock time from which `a` is invisible (forever when it never is).
double gone_time(const action& a) noexcept {
  if (const simulate_plan* plan = a.plan()) {
    const live_state s = evaluate(*plan, a.started_at, forever);
    if (s.visible) return forever;
    return s.valid_from;
  }
  return a.gone_at;
}

// The clock time from which `db` is invisible: when its SMDeleteBDB
// completes (forever when it has none, or it fails).
double gone_time(const database& db) noexcept {
  if (!db.op || db.op->name != "SMDeleteBDB") return forever;
  const live_state s = evaluate(db.op->plan, db.op->started_at, forever);
  if (s.phase != phase::completed) return forever;
  return s.ended_at;
}

}  // namespace

std::shared_ptr<const action> registry_data::find(std::string_view uid) const {
  return actions.find(uid);
}

bool registry_data::add(action a) {
  if (actions.contains(a.uid)) return false;
  const double gone = gone_time(a);
  actions.push_back(std::make_shared<const action>(std::move(a)));
  actions_expire_at = std::min(actions_expire_at, gone);
  return true;
}

bool registry_data::replace(action a) {
  const double gone = gone_time(a);
  if (!actions.replace(std::make_shared<const action>(std::move(a)))) return false;
  actions_expire_at = std::min(actions_expire_at, gone);
  return true;
}

bool registry_data::remove(std::string_view uid) { return actions.erase(uid); }

void registry_data::drop_invisible(double now) {
  if (now >= actions_expire_at) {
    // One read-only pass finds the expired and the next expiry; a few are
    // erased one by one (copying a chunk each), many by one rebuild.
    std::vector<std::string> gone;
    double next = forever;
    for (const auto& a : actions) {
      const double t = gone_time(*a);
      if (now >= t) {
        gone.push_back(a->uid);
      } else {
        next = std::min(next, t);
      }
    }
    if (gone.size() * action_store::chunk_size < actions.size()) {
      for (const auto& uid : gone) actions.erase(uid);
    } else {
      actions.erase_if([&](const action& a) { return now >= gone_time(a); });
    }
    actions_expire_at = next;
  }
  if (now >= databases_expire_at) {
    double next = forever;
    databases.erase_if([&](const auto& entry) {
      const database& db = *entry.second;
      if (!view_of(db, now).visible) return true;
      next = std::min(next, gone_time(db));
      return false;
    });
    databases_expire_at = next;
  }
  std::erase_if(nodes, [&](const auto& entry) { return !view_of(*entry.second, now).visible; });
  // CRDBs and their tasks are few (a task is kept 500 s): scanned whole.
  for (auto& entry : active_active.crdbs) fold_crdb_changes(entry.second, now);
  std::erase_if(active_active.crdbs,
                [&](const auto& entry) { return now >= entry.second.gone_at; });
  std::erase_if(active_active.tasks,
                [&](const auto& entry) { return !crdb_task_visible(entry.second, now); });
}

registry_data registry_data::settled_at(double now) const {
  registry_data d = *this;
  d.drop_invisible(now);
  return d;
}

// The cluster-state-id request header, when sent, names the state the
// client last saw; a change made since refuses the update.
result<> registry_data::check_state_id(std::string_view expected) const {
  if (expected.empty()) return {};
  const auto id = parse_number<std::uint64_t>(expected);
  if (!id) {
    return failure{
        api_error::invalid_schema,
        "Header cluster-state-id must be a whole number, got \"" + std::string(expected) + "\""};
  }
  if (*id != cluster_state_id) {
    return failure{api_error::wrong_cluster_state_id, "The given CLUSTER-STATE-ID (" +
                                                          std::to_string(*id) +
                                                          ") does not match the current one (" +
                                                          std::to_string(cluster_state_id) + ")"};
  }
  return {};
}

const database* registry_data::find_database(std::uint64_t uid, double now) const {
  const auto it = databases.find(uid);
  if (it == databases.end() || !view_of(*it->second, now).visible) return nullptr;
  return it->second.get();
}

void registry_data::put_database(database db) {
  bdb_uid_high = std::max(bdb_uid_high, db.uid);
  db.stored_ports.clear();
  ports_of(db, db.stored_ports);
  db.stored_shard_uids = shard_uids_of(db);
  databases_expire_at = std::min(databases_expire_at, gone_time(db));
  const std::uint64_t uid = db.uid;
  databases.put(uid, std::make_shared<const database>(std::move(db)));
}

}  // namespace reemu
