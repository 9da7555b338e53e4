// Bounded request journal and the '*' glob matcher.
#include "reemu/state/journal.hpp"

#include <algorithm>

namespace reemu {

namespace {

std::vector<std::size_t> border_table(std::string_view p) {
  std::vector<std::size_t> b(p.size(), 0);
  for (std::size_t i = 1, k = 0; i < p.size(); ++i) {
    while (k > 0 && p[i] != p[k]) k = b[k - 1];
    if (p[i] == p[k]) ++k;
    b[i] = k;
  }
  return b;
}

// Leftmost occurrence of `p` in `text` at or after `from`, or npos. KMP:
// O(text + p) whatever the input, where string_view::find may take O(text * p).
std::size_t find_from(std::string_view text, std::size_t from, std::string_view p,
                      const std::vector<std::size_t>& border) {
  for (std::size_t i = from, k = 0; i < text.size(); ++i) {
    while (k > 0 && text[i] != p[k]) k = border[k - 1];
    if (text[i] == p[k]) ++k;
    if (k == p.size()) return i + 1 - p.size();
  }
  return std::string_view::npos;
}

std::string clip(std::string_view s, bool& cut) {
  if (s.size() <= max_journal_field) return std::string(s);
  cut = true;
  return std::string(s.substr(0, max_journal_field));
}

std::size_t heap_bytes(const std::string& s) noexcept {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;  // 15: libstdc++'s in-object capacity
}

}  // namespace

glob_pattern::glob_pattern(std::string_view pattern) {
  const auto first = pattern.find('*');
  if (first == std::string_view::npos) {
    prefix_ = pattern;
    return;
  }
  has_star_ = true;
  const auto last = pattern.rfind('*');
  prefix_ = pattern.substr(0, first);
  suffix_ = pattern.substr(last + 1);
  std::string_view rest = pattern.substr(first + 1, last - first);
  while (!rest.empty()) {
    const auto star = rest.find('*');
    const std::string_view run = rest.substr(0, star);
    if (!run.empty()) middle_.push_back({std::string(run), border_table(run)});
    rest.remove_prefix(star == std::string_view::npos ? rest.size() : star + 1);
  }
}

bool glob_pattern::matches(std::string_view text) const {
  if (!has_star_) return text == prefix_;
  if (text.size() < prefix_.size() + suffix_.size() || !text.starts_with(prefix_) ||
      !text.ends_with(suffix_))
    return false;
  // Between the anchored ends, each run taken at its leftmost place leaves
  // the most room for the next: greedy is exact for '*'-only globs.
  const std::string_view inside = text.substr(0, text.size() - suffix_.size());
  std::size_t at = prefix_.size();
  for (const auto& run : middle_) {
    const auto found = find_from(inside, at, run.text, run.border);
    if (found == std::string_view::npos) return false;
    at = found + run.text.size();
  }
  return true;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  return glob_pattern(pattern).matches(text);
}

std::size_t journal::entry_cost(const journal_entry& e) noexcept {
  // The entry shares one allocation with its shared_ptr control block;
  // the deque slot holds the pointer. 64 covers both and the heap headers.
  return sizeof(journal_entry) + 64 + heap_bytes(e.method) + heap_bytes(e.target) +
         heap_bytes(e.user);
}

void journal::record(journal_entry e) {
  if (capacity_ == 0 || max_bytes_ == 0) return;
  // Built outside the lock: the copy and the allocation are the slow part.
  e.target_bytes = e.target.size();
  if (e.method.size() > max_journal_field || e.target.size() > max_journal_field) {
    e.method = clip(e.method, e.truncated);
    e.target = clip(e.target, e.truncated);
  }
  const std::size_t cost = entry_cost(e);
  auto entry = std::make_shared<journal_entry>(std::move(e));
  std::lock_guard lock(mutex_);
  entry->seq = next_seq_++;
  entries_.push_back(std::move(entry));
  bytes_ += cost;
  // The newest entry goes too if it alone is over the byte bound: the bound
  // holds strictly.
  while (!entries_.empty() && (entries_.size() > capacity_ || bytes_ > max_bytes_)) {
    bytes_ -= entry_cost(*entries_.front());
    entries_.pop_front();
  }
}

journal_page journal::query(const journal_filter& f) const {
  const std::size_t limit = std::min(f.limit, max_journal_page);
  std::vector<std::shared_ptr<const journal_entry>> all;
  {
    // Only pointers are copied under the lock (10 000 entries: ~160 KB).
    std::lock_guard lock(mutex_);
    auto from = entries_.begin();
    if (f.after && !entries_.empty() && *f.after >= entries_.front()->seq) {
      from += static_cast<std::ptrdiff_t>(
          std::min<std::uint64_t>(*f.after - entries_.front()->seq + 1, entries_.size()));
    }
    all.assign(from, entries_.end());
  }
  const std::optional<glob_pattern> path =
      f.path ? std::optional<glob_pattern>(glob_pattern(*f.path)) : std::nullopt;
  const auto keep = [&](const journal_entry& e) {
    const std::string_view target = e.target;
    return (!f.method || e.method == *f.method) &&
           (!path || path->matches(target.substr(0, target.find('?')))) &&
           (!f.user || e.user == *f.user) && (!f.status || e.status == *f.status);
  };
  journal_page page;
  const auto take = [&](const std::shared_ptr<const journal_entry>& e) {
    if (!keep(*e)) return true;
    if (page.entries.size() == limit) {
      page.more = true;
      return false;
    }
    page.entries.push_back(e);
    return true;
  };
  if (f.after) {
    for (auto it = all.begin(); it != all.end() && take(*it); ++it) {
    }
  } else {
    for (auto it = all.rbegin(); it != all.rend() && take(*it); ++it) {
    }
    std::reverse(page.entries.begin(), page.entries.end());
  }
  page.next_after = page.entries.empty() ? f.after.value_or(0) : page.entries.back()->seq;
  return page;
}

void journal::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  bytes_ = 0;
}

std::size_t journal::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t journal::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace reemu
