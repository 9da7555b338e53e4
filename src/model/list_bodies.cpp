// List bodies, built by concatenation, and their cache.
#include "reemu/model/list_bodies.hpp"

namespace reemu {

namespace {

// Appends each visible action of `kind` to `out`, comma-separated. Bodies
// are concatenated rather than built as one JSON tree: no transient copy of
// the whole registry, and static actions cost one memcpy each.
void append_v1(std::string& out, const registry_data& d, action_kind kind, double now,
               validity& v) {
  bool first = true;
  for (const auto& a : d.actions) {
    if (a->kind != kind || !listed_in_v1(*a) || !is_visible(*a, now, &v)) continue;
    if (!first) out.push_back(',');
    first = false;
    if (const auto* text = a->static_v1()) {
      out += **text;
    } else {
      out += dump(render_v1(*a, now, &v));
    }
  }
}

// The same snapshot: weak_ptr keeps the control block alive, so a later
// snapshot can never reuse its address and pass for the cached one.
bool same_snapshot(const std::weak_ptr<const registry_state>& cached, const snapshot_ptr& snap) {
  return !cached.owner_before(snap) && !snap.owner_before(cached);
}

}  // namespace

std::string v1_list(const registry_data& d, double now, validity& v) {
  std::string out;
  std::size_t estimate = 64;
  for (const auto& a : d.actions) {
    const auto* text = a->static_v1();
    estimate += (text ? (*text)->size() : 256) + 1;
  }
  out.reserve(estimate);  // one allocation, not a doubling chain, for a large registry
  out += R"({"actions":[)";
  append_v1(out, d, action_kind::task, now, v);
  out += R"(],"state-machines":[)";
  append_v1(out, d, action_kind::state_machine, now, v);
  out += "]}";
  return out;
}

std::string v2_list(const registry_data& d, double now, validity& v) {
  std::string out = "[";
  for (const auto& a : d.actions) {
    if (!is_visible(*a, now, &v)) continue;
    if (out.size() > 1) out.push_back(',');
    out += dump(render_v2(*a, now, &v));
  }
  out.push_back(']');
  return out;
}

std::shared_ptr<const std::string> list_cache::get(slot& s, const snapshot_ptr& snap, double now,
                                                   build_fn build) {
  {
    std::lock_guard lock(mutex_);
    if (s.body && same_snapshot(s.of, snap) && now >= s.valid.from && now < s.valid.until)
      return s.body;
  }
  // Built outside the lock: two threads may build the same body once each,
  // which is cheaper than making every reader wait on one builder.
  validity v;
  auto body = std::make_shared<const std::string>(build(snap->data(), now, v));
  std::lock_guard lock(mutex_);
  s = {snap, body, v};
  return body;
}

std::shared_ptr<const std::string> list_cache::v1(const snapshot_ptr& snap, double now) {
  return get(v1_, snap, now, &v1_list);
}

std::shared_ptr<const std::string> list_cache::v2(const snapshot_ptr& snap, double now) {
  return get(v2_, snap, now, &v2_list);
}

}  // namespace reemu
