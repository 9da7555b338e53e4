// The bodies of GET /v1/actions and GET /v2/actions: rendered from a
// registry snapshot at a clock time, and cached, because a list is the
// emulator's hottest and largest answer. The registry stores; this renders.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "reemu/model/registry.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

// {"actions":[task…],"state-machines":[sm…]} of the actions visible at `now`.
// Narrows `v` to the interval over which the body stays the same.
std::string v1_list(const registry_data& d, double now, validity& v);

// [v2 action…] of the actions visible at `now`. Narrows `v` likewise.
std::string v2_list(const registry_data& d, double now, validity& v);

// One rendered body per list, reused while the snapshot is the same and the
// clock stays inside the body's validity interval: between changes and
// lifecycle steps every request shares the same bytes. Thread-safe; the lock
// is held for pointer copies only, never while rendering.
class list_cache {
 public:
  std::shared_ptr<const std::string> v1(const snapshot_ptr& snap, double now);
  std::shared_ptr<const std::string> v2(const snapshot_ptr& snap, double now);

 private:
  struct slot {
    std::weak_ptr<const registry_state> of;  // weak: a cache never keeps a snapshot alive
    std::shared_ptr<const std::string> body;
    validity valid;
  };
  using build_fn = std::string (*)(const registry_data&, double, validity&);
  std::shared_ptr<const std::string> get(slot& s, const snapshot_ptr& snap, double now,
                                         build_fn build);

  std::mutex mutex_;
  slot v1_;
  slot v2_;
};

}  // namespace reemu
