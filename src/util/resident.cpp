// release_clean_file_pages: /proc/self/smaps read once, each clean private
// file mapping given back with madvise(MADV_DONTNEED), which for such a
// mapping means "fault it in from the file again when touched".
#include "reemu/util/resident.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>
#include <vector>

namespace reemu {

namespace {

// The hexadecimal number at the front of `text`, consumed.
bool read_hex(std::string_view& text, std::size_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  if (ec != std::errc{} || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

// The next space-separated field of `text`, consumed with its spaces.
std::string_view next_field(std::string_view& text) {
  const auto start = text.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    text = {};
    return {};
  }
  text.remove_prefix(start);
  const auto end = std::min(text.find(' '), text.size());
  const std::string_view field = text.substr(0, end);
  text.remove_prefix(end);
  return field;
}

// "Anonymous:   12 kB" → 12; -1 for a line of another field.
long field_kib(std::string_view line, std::string_view name) {
  if (line.substr(0, name.size()) != name) return -1;
  line.remove_prefix(name.size());
  const auto digits = line.find_first_of("0123456789");
  if (digits == std::string_view::npos) return -1;
  long kib = 0;
  std::from_chars(line.data() + digits, line.data() + line.size(), kib);
  return kib;
}

}  // namespace

bool parse_mapping_head(std::string_view line, mapping_head& out) {
  mapping_head m;
  if (!read_hex(line, m.start) || line.empty() || line.front() != '-') return false;
  line.remove_prefix(1);
  if (!read_hex(line, m.end) || m.end <= m.start) return false;
  const std::string_view perms = next_field(line);
  if (perms.size() != 4) return false;
  m.writable = perms[1] == 'w';
  m.is_private = perms[3] == 'p';
  const std::string_view offset = next_field(line);
  const std::string_view device = next_field(line);
  const std::string_view inode = next_field(line);
  if (offset.empty() || device.find(':') == std::string_view::npos || inode.empty()) return false;
  const std::string_view path = next_field(line);
  m.file = inode != "0" && !path.empty() && path.front() == '/';
  out = m;
  return true;
}

std::size_t release_clean_file_pages() {
  std::ifstream smaps("/proc/self/smaps");
  if (!smaps) return 0;
  struct candidate {
    mapping_head head;
    long rss_kib = -1;
    long anonymous_kib = -1;
  };
  // Read whole first: dropping pages while reading would change what the
  // file shows next.
  std::vector<candidate> mappings;
  std::string line;
  while (std::getline(smaps, line)) {
    mapping_head head;
    if (parse_mapping_head(line, head)) {
      mappings.push_back({head});
      continue;
    }
    if (mappings.empty()) continue;
    if (const long kib = field_kib(line, "Rss:"); kib >= 0) mappings.back().rss_kib = kib;
    if (const long kib = field_kib(line, "Anonymous:"); kib >= 0)
      mappings.back().anonymous_kib = kib;
  }
  std::size_t released = 0;
  for (const candidate& c : mappings) {
    const mapping_head& m = c.head;
    if (!m.file || !m.is_private || m.writable || c.anonymous_kib != 0 || c.rss_kib <= 0) continue;
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the address /proc gave
    if (::madvise(reinterpret_cast<void*>(m.start), m.end - m.start, MADV_DONTNEED) == 0)
      released += static_cast<std::size_t>(c.rss_kib);
  }
  return released;
}

}  // namespace reemu
