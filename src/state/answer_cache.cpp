// The bounded cache of rendered read answers.
#include "reemu/state/answer_cache.hpp"

#include <iterator>
#include <utility>

namespace reemu {

std::shared_ptr<const std::string> answer_cache::find(const snapshot_ptr& snap,
                                                      std::string_view target, double now) {
  const std::scoped_lock lock(mutex_);
  const auto it = by_target_.find(target);
  if (it == by_target_.end()) return nullptr;
  const entry& e = *it->second;
  if (!same_object(e.of, snap) || !e.valid.holds_at(now)) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return e.body;
}

void answer_cache::keep(const snapshot_ptr& snap, std::string_view target, const validity& valid,
                        std::shared_ptr<const std::string> body) {
  if (!body || body->size() > max_bytes / 4) return;
  const std::scoped_lock lock(mutex_);
  if (const auto it = by_target_.find(target); it != by_target_.end()) erase(it->second);
  lru_.push_front(entry{std::string(target), snap, valid, std::move(body)});
  by_target_.emplace(lru_.front().target, lru_.begin());
  bytes_ += lru_.front().body->size();
  while (lru_.size() > max_entries || bytes_ > max_bytes) erase(std::prev(lru_.end()));
}

void answer_cache::erase(order::iterator it) {
  bytes_ -= it->body->size();
  by_target_.erase(it->target);
  lru_.erase(it);
}

std::size_t answer_cache::size() const {
  const std::scoped_lock lock(mutex_);
  return lru_.size();
}

std::size_t answer_cache::bytes() const {
  const std::scoped_lock lock(mutex_);
  return bytes_;
}

}  // namespace reemu
