// The live fault rules.
#include "reemu/state/fault_table.hpp"

#include <algorithm>

#include "reemu/state/journal.hpp"

namespace reemu {

std::uint64_t fault_table::add(fault_rule rule) {
  std::lock_guard lock(mutex_);
  rule.id = next_id_++;
  rule.hits = 0;
  rules_.push_back(std::move(rule));
  count_.store(rules_.size(), std::memory_order_release);
  return rules_.back().id;
}

bool fault_table::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const bool removed = std::erase_if(rules_, [&](const fault_rule& r) { return r.id == id; }) > 0;
  count_.store(rules_.size(), std::memory_order_release);
  return removed;
}

std::vector<fault_rule> fault_table::list() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::uint64_t fault_table::next_id() const {
  std::lock_guard lock(mutex_);
  return next_id_;
}

void fault_table::restore(std::vector<fault_rule> rules, std::uint64_t next_id) {
  std::lock_guard lock(mutex_);
  rules_ = std::move(rules);
  next_id_ = std::max<std::uint64_t>(next_id, 1);
  for (const auto& r : rules_) next_id_ = std::max(next_id_, r.id + 1);
  count_.store(rules_.size(), std::memory_order_release);
}

void fault_table::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  count_.store(0, std::memory_order_release);
  rng_.seed(seed_);
  next_id_ = 1;
}

std::optional<fault_effect> fault_table::match(std::string_view method, std::string_view path,
                                               std::string_view user) {
  if (count_.load(std::memory_order_acquire) == 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    fault_rule& r = *it;
    if (!r.method.empty() && r.method != method) continue;
    if (!r.user.empty() && r.user != user) continue;
    if (!glob_match(r.path, path)) continue;
    if (r.probability) {
      // Draw only for matching requests, so the sequence depends on the seed
      // and the requests made, not on unrelated traffic.
      std::uniform_real_distribution<double> dist(0.0, 1.0);
      if (dist(rng_) >= *r.probability) continue;
    }
    fault_effect e{r.delay_ms,          r.drop, r.status, r.error_code, r.description,
                   r.times.has_value(), r.id};
    ++r.hits;
    if (r.times && --*r.times == 0) {
      rules_.erase(it);
      count_.store(rules_.size(), std::memory_order_release);
    }
    return e;
  }
  return std::nullopt;
}

}  // namespace reemu
