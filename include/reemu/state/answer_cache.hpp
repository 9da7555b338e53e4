// Rendered answers of read routes whose body is a function of the request
// target, the registry snapshot and the clock alone (the statistics routes):
// kept while the snapshot is the same and the clock stays inside the
// interval over which the answer holds, so pollers of the same target share
// one rendering per second instead of recomputing the model each time.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

// A bounded least-recently-used map from target to answer body. What a
// client sends cannot grow it: at most max_entries answers of at most
// max_bytes in all (an answer larger than max_bytes / 4 is not kept).
// Thread-safe; the lock is held for lookups and pointer copies only, never
// while rendering.
class answer_cache {
 public:
  static constexpr std::size_t max_entries = 64;
  static constexpr std::size_t max_bytes = std::size_t{16} << 20;

  // The body kept for `target` of `snap`, valid at `now`; null when none is.
  std::shared_ptr<const std::string> find(const snapshot_ptr& snap, std::string_view target,
                                          double now);

  // Keeps `body`, rendered for `target` of `snap`, over `valid`; evicts the
  // least recently used answers beyond the bounds.
  void keep(const snapshot_ptr& snap, std::string_view target, const validity& valid,
            std::shared_ptr<const std::string> body);

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  struct entry {
    std::string target;
    std::weak_ptr<const registry_state> of;  // weak: a cache never keeps a snapshot alive
    validity valid;
    std::shared_ptr<const std::string> body;
  };
  using order = std::list<entry>;  // most recently used first

  void erase(order::iterator it);  // lock held

  mutable std::mutex mutex_;
  order lru_;
  std::unordered_map<std::string_view, order::iterator> by_target_;  // views entry::target
  std::size_t bytes_ = 0;
};

}  // namespace reemu
