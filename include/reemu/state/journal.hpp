// The request journal: what clients asked and what they got, for tests to
// read back. A ring bounded by entry count and by bytes; never holds
// credentials (only the user's email). Read back a page at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reemu {

// Longest method and target kept in an entry; longer ones are cut to this
// and the entry marked, so one request costs the journal at most a few KiB
// whatever the header limit.
inline constexpr std::size_t max_journal_field = 2048;
// Most entries one query returns; page on with journal_filter::after.
inline constexpr std::size_t max_journal_page = 1000;
// Default of emulator.journal_max_bytes.
inline constexpr std::size_t default_journal_max_bytes = 16u << 20;

struct journal_entry {
  double time = 0;  // emulator clock at arrival
  std::string method;
  std::string target;   // as sent (path and query), cut to max_journal_field
  std::string user;     // authenticated email; empty when none
  unsigned status = 0;  // 0 when the connection was dropped by a fault
  std::uint64_t duration_us = 0;
  std::uint64_t fault = 0;       // id of the fault rule that delayed, failed or dropped it; 0: none
  bool not_emulated = false;     // it named a documented route the emulator does not emulate
  std::uint64_t seq = 0;         // set by record(): 1, 2, 3… in arrival order, never reused
  std::size_t target_bytes = 0;  // set by record(): the target's length as sent
  bool truncated = false;        // set by record(): method or target was cut
};

struct journal_filter {
  std::optional<std::string> method;
  std::optional<std::string> path;  // exact path, or a glob with '*'
  std::optional<std::string> user;
  std::optional<unsigned> status;
  // Without `after`: the newest `limit` matches. With it: the oldest `limit`
  // matches whose seq is greater. Returned oldest first either way.
  std::optional<std::uint64_t> after;
  std::size_t limit = max_journal_page;  // clamped to max_journal_page
};

struct journal_page {
  std::vector<std::shared_ptr<const journal_entry>> entries;  // oldest first
  bool more = false;  // other matches exist beyond the page (older, or newer with `after`)
  // The `after` for the next page: the last entry's seq, or the filter's
  // `after` (0 without one) when the page is empty.
  std::uint64_t next_after = 0;
};

class journal {
 public:
  // Keeps at most `capacity` entries and about `max_bytes` of them (an
  // entry's cost is entry_cost()); 0 for either turns the journal off.
  explicit journal(std::size_t capacity, std::size_t max_bytes = default_journal_max_bytes)
      : capacity_(capacity), max_bytes_(max_bytes) {}

  // Cuts over-long fields, numbers the entry and appends it, evicting the
  // oldest entries while either bound is exceeded. Thread-safe.
  void record(journal_entry e);

  // One page of matching entries. The lock is held only to copy the entry
  // pointers; matching runs outside it, so a slow filter never stalls the
  // requests being recorded. Thread-safe.
  journal_page query(const journal_filter& f) const;

  void clear();  // seq keeps counting: a cursor never sees old numbers again
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t max_bytes() const noexcept { return max_bytes_; }
  std::size_t bytes() const;  // current total of entry_cost()
  std::size_t size() const;   // entries held now

  // What an entry counts against max_bytes: its strings plus a fixed
  // overhead for the entry, its pointer and the ring slot.
  static std::size_t entry_cost(const journal_entry& e) noexcept;

 private:
  std::size_t capacity_;
  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const journal_entry>> entries_;
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 1;
};

// A '*'-only glob compiled once: '*' matches any run of characters
// (including '/'); everything else is literal. Matching is linear in the
// text plus the pattern (the literal runs between stars are found left to
// right with KMP), whatever the pattern: no backtracking.
class glob_pattern {
 public:
  explicit glob_pattern(std::string_view pattern);
  bool matches(std::string_view text) const;

 private:
  struct literal {
    std::string text;
    std::vector<std::size_t> border;  // KMP failure function of text
  };
  bool has_star_ = false;
  std::string prefix_, suffix_;  // before the first '*', after the last
  std::vector<literal> middle_;  // the non-empty runs between stars
};

// glob_pattern(pattern).matches(text): the one matcher for journal and
// fault path patterns.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace reemu
