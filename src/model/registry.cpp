// Copy-on-write registry and the list-body cache.
#include "reemu/model/registry.hpp"

#include <algorithm>

namespace reemu {

std::shared_ptr<const action> registry_data::find(std::string_view uid) const {
  const auto it = by_uid.find(uid);
  return it == by_uid.end() ? nullptr : it->second;
}

namespace {
// Static actions look the same at every instant: serialise them once.
// A null `fields` means the action was prepared before (a copy of a
// registry entry that nobody edited): nothing to redo.
void prepare(action& a) {
  if (a.fields.is_null()) return;
  const auto it = a.fields.find("object_name");
  a.object_name = it != a.fields.end() && it->is_string() ? it->get<std::string>() : std::string();
  a.static_v1.reset();
  if (!a.plan) {
    a.static_v1 = std::make_shared<const std::string>(dump(render_v1(a, 0)));
    a.fields = json();  // the text is the only copy from now on
  }
}
}  // namespace

bool registry_data::add(action a) {
  if (by_uid.contains(std::string_view(a.uid))) return false;
  prepare(a);
  auto p = std::make_shared<const action>(std::move(a));
  by_uid.emplace(p->uid, p);
  actions.push_back(std::move(p));
  return true;
}

bool registry_data::replace(action a) {
  const auto it = by_uid.find(std::string_view(a.uid));
  if (it == by_uid.end()) return false;
  prepare(a);
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
}

namespace {

// Appends each visible action of `kind` to `out`, comma-separated. Bodies
// are concatenated rather than built as one JSON tree: no transient copy of
// the whole registry, and static actions cost one memcpy each.
void append_v1(std::string& out, const registry_data& d, action_kind kind, double now,
               validity& v) {
  bool first = true;
  for (const auto& a : d.actions) {
    if (a->kind != kind || !is_visible(*a, now, &v)) continue;
    if (!first) out.push_back(',');
    first = false;
    if (a->static_v1)
      out += *a->static_v1;
    else
      out += dump(render_v1(*a, now, &v));
  }
}

std::string build_v1_list(const registry_data& d, double now, validity& v) {
  std::string out;
  std::size_t estimate = 64;
  for (const auto& a : d.actions) estimate += (a->static_v1 ? a->static_v1->size() : 256) + 1;
  out.reserve(estimate);  // one allocation, not a doubling chain, for a large registry
  out += R"({"actions":[)";
  append_v1(out, d, action_kind::task, now, v);
  out += R"(],"state-machines":[)";
  append_v1(out, d, action_kind::state_machine, now, v);
  out += "]}";
  return out;
}

std::string build_v2_list(const registry_data& d, double now, validity& v) {
  std::string out = "[";
  for (const auto& a : d.actions) {
    if (!is_visible(*a, now, &v)) continue;
    if (out.size() > 1) out.push_back(',');
    out += dump(render_v2(*a, now, &v));
  }
  out.push_back(']');
  return out;
}

}  // namespace

registry_state::registry_state(registry_data data, std::uint64_t version)
    : data_(std::move(data)), version_(version) {}

std::shared_ptr<const std::string> registry_state::cached(cached_body& slot, double now,
                                                          std::string (*build)(const registry_data&,
                                                                               double,
                                                                               validity&)) const {
  {
    std::lock_guard lock(cache_mutex_);
    if (slot.body && now >= slot.valid.from && now < slot.valid.until) return slot.body;
  }
  // Built outside the lock: two threads may build the same body once each,
  // which is cheaper than making every reader wait on one builder.
  validity v;
  auto body = std::make_shared<const std::string>(build(data_, now, v));
  std::lock_guard lock(cache_mutex_);
  slot.body = body;
  slot.valid = v;
  return body;
}

std::shared_ptr<const std::string> registry_state::v1_list_body(double now) const {
  return cached(v1_cache_, now, &build_v1_list);
}

std::shared_ptr<const std::string> registry_state::v2_list_body(double now) const {
  return cached(v2_cache_, now, &build_v2_list);
}

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
    if (!p->plan) continue;
    action restarted = *p;
    restarted.started_at = now;
    restarted.created_at = now;
    p = std::make_shared<const action>(std::move(restarted));
    fresh.by_uid[p->uid] = p;
  }
  replace_all(std::move(fresh));
}

}  // namespace reemu
