// The request journal: what clients asked and what they got, for tests to
// read back. A bounded ring; never holds credentials (only the user's email).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace reemu {

struct journal_entry {
  double time = 0;  // emulator clock at arrival
  std::string method;
  std::string target;   // as sent (path and query)
  std::string user;     // authenticated email; empty when none
  unsigned status = 0;  // 0 when the connection was dropped by a fault
  std::uint64_t duration_us = 0;
};

struct journal_filter {
  std::optional<std::string> method;
  std::optional<std::string> path;  // exact path, or a glob with '*'
  std::optional<std::string> user;
  std::optional<unsigned> status;
  std::size_t limit = 1000;  // newest `limit` matches, returned oldest first
};

class journal {
 public:
  explicit journal(std::size_t capacity) : capacity_(capacity) {}

  // Appends, evicting the oldest entry when full. Thread-safe.
  void record(journal_entry e);

  // Matching entries, oldest first. Thread-safe.
  std::vector<journal_entry> query(const journal_filter& f) const;

  void clear();
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<journal_entry> entries_;
};

// '*' matches any run of characters (including '/'); everything else is
// literal. Used for journal and fault path patterns.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

}  // namespace reemu
