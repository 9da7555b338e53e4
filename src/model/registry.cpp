// Copy-on-write registry.
#include "reemu/model/registry.hpp"

#include <algorithm>

#include "reemu/model/wire.hpp"

namespace reemu {

std::shared_ptr<const action> registry_data::find(std::string_view uid) const {
  const auto it = by_uid.find(uid);
  return it == by_uid.end() ? nullptr : it->second;
}

bool registry_data::add(action a) {
  if (by_uid.contains(std::string_view(a.uid))) return false;
  auto p = std::make_shared<const action>(std::move(a));
  by_uid.emplace(p->uid, p);
  actions.push_back(std::move(p));
  return true;
}

bool registry_data::replace(action a) {
  const auto it = by_uid.find(std::string_view(a.uid));
  if (it == by_uid.end()) return false;
  auto p = std::make_shared<const action>(std::move(a));
  const auto pos = std::find(actions.begin(), actions.end(), it->second);
  if (pos != actions.end()) *pos = p;
  it->second = std::move(p);
  return true;
}

bool registry_data::remove(std::string_view uid) {
  const auto it = by_uid.find(uid);
  if (it == by_uid.end()) return false;
  std::erase(actions, it->second);
  by_uid.erase(it);
  return true;
}

void registry_data::drop_invisible(double now) {
  std::erase_if(actions, [&](const std::shared_ptr<const action>& a) {
    if (is_visible(*a, now)) return false;
    by_uid.erase(a->uid);
    return true;
  });
  std::erase_if(databases, [&](const auto& entry) { return !view_of(*entry.second, now).visible; });
}

const database* registry_data::find_database(std::uint64_t uid, double now) const {
  const auto it = databases.find(uid);
  if (it == databases.end() || !view_of(*it->second, now).visible) return nullptr;
  return it->second.get();
}

void registry_data::put_database(database db) {
  bdb_uid_high = std::max(bdb_uid_high, db.uid);
  const std::uint64_t uid = db.uid;
  databases[uid] = std::make_shared<const database>(std::move(db));
}

registry_state::registry_state(registry_data data, std::uint64_t version)
    : data_(std::move(data)), version_(version) {}

registry::registry(registry_data seed)
    : seed_(seed), current_(std::make_shared<const registry_state>(std::move(seed), 1)) {}

snapshot_ptr registry::snapshot() const {
  std::lock_guard lock(pointer_mutex_);
  return current_;
}

void registry::publish(registry_data data) {
  const std::uint64_t version = snapshot()->version() + 1;
  auto next = std::make_shared<const registry_state>(std::move(data), version);
  std::lock_guard lock(pointer_mutex_);
  current_ = std::move(next);
}

std::optional<failure> registry::update(
    const std::function<std::optional<failure>(registry_data&)>& change) {
  std::lock_guard writer(writer_mutex_);
  registry_data draft = snapshot()->data();
  if (auto f = change(draft)) return f;
  publish(std::move(draft));
  return std::nullopt;
}

void registry::replace_all(registry_data data) {
  std::lock_guard writer(writer_mutex_);
  publish(std::move(data));
}

void registry::reset(double now) {
  registry_data fresh = seed_;
  for (auto& p : fresh.actions) {
    if (!p->plan()) continue;
    action restarted = *p;
    restarted.started_at = now;
    restarted.created_at = now;
    p = std::make_shared<const action>(std::move(restarted));
    fresh.by_uid[p->uid] = p;
  }
  replace_all(std::move(fresh));
}

}  // namespace reemu
