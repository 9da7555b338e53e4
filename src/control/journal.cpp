// Bounded request journal.
#include "reemu/control/journal.hpp"

#include <algorithm>

namespace reemu {

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  // Iterative matcher with one backtrack point: linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void journal::record(journal_entry e) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(e));
}

std::vector<journal_entry> journal::query(const journal_filter& f) const {
  const auto path_of = [](const std::string& target) {
    return std::string_view(target).substr(0, target.find('?'));
  };
  std::vector<journal_entry> out;
  std::lock_guard lock(mutex_);
  for (auto it = entries_.rbegin(); it != entries_.rend() && out.size() < f.limit; ++it) {
    if (f.method && it->method != *f.method) continue;
    if (f.path && !glob_match(*f.path, path_of(it->target))) continue;
    if (f.user && it->user != *f.user) continue;
    if (f.status && it->status != *f.status) continue;
    out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void journal::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace reemu
