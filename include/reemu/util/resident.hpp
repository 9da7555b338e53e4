// The process's resident set once start-up is over: the pages of code and
// read-only data that start-up touched stay mapped in this process until
// the kernel reclaims them, and `VmRSS` counts every one (the kernel maps
// 64 KiB around each fault, so start-up touches most of the executable's
// code). release_clean_file_pages() drops them from this process's page
// tables now, as reclaim would later: the page cache keeps them, and what
// the process runs next faults back in only what it uses.
#pragma once

#include <cstddef>
#include <string_view>

namespace reemu {

// One line of /proc/PID/smaps that heads a mapping, read: its range, whether
// it is writable and private, and whether it maps a file (a path, not
// "[heap]", "[stack]", "[vdso]" or an anonymous mapping).
struct mapping_head {
  std::size_t start = 0;
  std::size_t end = 0;
  bool writable = false;
  bool is_private = false;
  bool file = false;
};

// Reads a mapping's head line ("start-end perms offset dev inode [path]");
// false for any other line.
bool parse_mapping_head(std::string_view line, mapping_head& out);

// Drops from the page tables the pages of every private file mapping that
// is not writable and holds no private copy of a page ("Anonymous: 0 kB":
// no relocated data, no debugger breakpoint, no uprobe), so each page is the
// file's and reading it again gives the same bytes. Returns the KiB that
// were resident in those mappings (0 where /proc is not mounted).
std::size_t release_clean_file_pages();

}  // namespace reemu
