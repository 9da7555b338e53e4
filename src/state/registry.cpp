// Copy-on-write registry: snapshots published under a short lock.
#include "reemu/state/registry.hpp"

#include <utility>

namespace reemu {

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

result<> registry::update(double now, const std::function<result<>(registry_data&)>& change) {
  std::lock_guard writer(writer_mutex_);
  const snapshot_ptr before = snapshot();
  registry_data draft = before->data();
  draft.drop_invisible(now);
  const std::uint64_t database_edits = draft.databases.edits();
  const node_map nodes = draft.nodes;  // a few shared pointers
  const task_slots cluster_tasks = draft.cluster_tasks;
  const license installed = draft.license;
  const redis_acl_map redis_acls = draft.redis_acls;  // a few entries
  const ldap_mapping_map ldap_mappings = draft.ldap_mappings;
  const proxy_map proxies = draft.proxies;       // the changed proxies only
  const auto crdbs = draft.active_active.crdbs;  // a few
  if (auto changed = change(draft); !changed) return changed.error();
  // Users, roles, the password rules and the cluster options are few:
  // compared whole.
  const registry_data& was = before->data();
  if (draft.databases.edits() != database_edits || draft.nodes != nodes ||
      draft.cluster_tasks != cluster_tasks || draft.license != installed ||
      draft.redis_acls != redis_acls || draft.ldap_mappings != ldap_mappings ||
      draft.proxies != proxies || draft.active_active.crdbs != crdbs || draft.users != was.users ||
      draft.roles != was.roles || draft.passwords != was.passwords || draft.options != was.options)
    ++draft.cluster_state_id;
  draft.drop_invisible(now);
  publish(std::move(draft));
  return {};
}

void registry::replace_all(registry_data data) {
  std::lock_guard writer(writer_mutex_);
  publish(std::move(data));
}

void registry::reset(double now) {
  registry_data fresh = seed_;
  std::vector<action> restarted;
  for (const auto& p : seed_.actions) {
    if (!p->plan()) continue;
    restarted.push_back(*p);
    restarted.back().started_at = now;
    restarted.back().created_at = now;
  }
  for (action& a : restarted) fresh.replace(std::move(a));
  replace_all(std::move(fresh));
}

}  // namespace reemu
