// The live fault rules: matched on every emulated-API request, edited by
// the control API, saved in the state file.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "reemu/model/faults.hpp"

namespace reemu {

class fault_table {
 public:
  explicit fault_table(std::uint64_t seed) : seed_(seed), rng_(seed) {}

  // Adds `rule` (its id is assigned) and returns the id. Thread-safe.
  std::uint64_t add(fault_rule rule);
  bool remove(std::uint64_t id);
  std::vector<fault_rule> list() const;
  // Removes every rule and reseeds the generator, so a run repeats after reset.
  void clear();
  // The id the next rule gets: one more than any rule had since the last
  // clear(), removed ones included. Thread-safe.
  std::uint64_t next_id() const;
  // Replaces every rule with `rules`, ids and counts as given (state-file
  // restore); new rules get ids from `next_id` on, or above the highest of
  // `rules` if that is more. Thread-safe.
  void restore(std::vector<fault_rule> rules, std::uint64_t next_id = 1);

  // The first rule matching (method, path, user), counted and drawn; nullopt
  // when none fires. Thread-safe.
  std::optional<fault_effect> match(std::string_view method, std::string_view path,
                                    std::string_view user);

  // True when at least one rule exists (a relaxed read: a hint for callers
  // that would otherwise compute match()'s arguments for nothing).
  bool has_rules() const noexcept { return count_.load(std::memory_order_relaxed) != 0; }

 private:
  std::uint64_t seed_;
  mutable std::mutex mutex_;
  std::mt19937_64 rng_;
  std::uint64_t next_id_ = 1;
  std::vector<fault_rule> rules_;
  // Mirrors rules_.size(): match() skips the lock when there are no rules,
  // which is the common case on the hot path.
  std::atomic<std::size_t> count_{0};
};

}  // namespace reemu
