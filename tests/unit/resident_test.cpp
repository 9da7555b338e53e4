// release_clean_file_pages (util/resident.hpp): which mappings it may drop,
// read from /proc/self/smaps, and that what it drops reads back the same.
#include "reemu/util/resident.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace reemu {
namespace {

TEST(resident, a_mapping_head_is_read_and_other_lines_are_not) {
  mapping_head m;
  ASSERT_TRUE(parse_mapping_head(
      "00400000-00c1a000 r-xp 00000000 fe:01 1835131                    /usr/bin/emu", m));
  EXPECT_EQ(m.start, 0x400000u);
  EXPECT_EQ(m.end, 0xc1a000u);
  EXPECT_FALSE(m.writable);
  EXPECT_TRUE(m.is_private);
  EXPECT_TRUE(m.file);
  ASSERT_TRUE(parse_mapping_head("7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0 ", m));
  EXPECT_TRUE(m.writable);
  EXPECT_FALSE(m.file);
  ASSERT_TRUE(parse_mapping_head("01d3c000-01d5d000 rw-p 00000000 00:00 0    [heap]", m));
  EXPECT_FALSE(m.file);
  ASSERT_TRUE(parse_mapping_head("7ffd5e9f2000-7ffd5e9f4000 r-xp 00000000 00:00 0   [vdso]", m));
  EXPECT_FALSE(m.file);
  ASSERT_TRUE(parse_mapping_head("7f00-7f10 r--s 00000000 00:05 77 /dev/shm/x", m));
  EXPECT_FALSE(m.is_private);
  for (const char* line :
       {"Rss:                 124 kB", "Anonymous:             0 kB", "VmFlags: rd ex mr mw me dw",
        "", "10-08 r-xp 0 fe:01 1 /x", "zz-10 r-xp 0 fe:01 1 /x"})
    EXPECT_FALSE(parse_mapping_head(line, m)) << line;
}

// The file-backed part of this process's resident set, in KiB.
long rss_file_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  return -1;
}

TEST(resident, clean_pages_are_dropped_and_private_copies_kept) {
  const auto path =
      std::filesystem::temp_directory_path() / ("reemu-resident-" + std::to_string(::getpid()));
  constexpr std::size_t size = std::size_t{4} << 20;
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(size, 'f');
  }
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  // A clean read-only mapping, every page read; and a private copy: written,
  // then made read-only (as relocated data is), which must never go back to
  // the file's bytes.
  auto* clean = static_cast<char*>(::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0));
  auto* copied =
      static_cast<char*>(::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  ::close(fd);
  std::filesystem::remove(path);
  ASSERT_NE(clean, MAP_FAILED);
  ASSERT_NE(copied, MAP_FAILED);
  long sum = 0;
  for (std::size_t i = 0; i < size; i += 4096) sum += clean[i];
  EXPECT_EQ(sum, static_cast<long>('f') * static_cast<long>(size / 4096));
  std::memset(copied, 'c', size);
  ASSERT_EQ(::mprotect(copied, size, PROT_READ), 0);

  const long before = rss_file_kib();
  const std::size_t released = release_clean_file_pages();
  const long after = rss_file_kib();
  EXPECT_GE(released, size / 1024) << "the clean mapping's 4 MiB at least";
  EXPECT_LE(after, before - static_cast<long>(size / 1024)) << before << " KiB before";
  for (std::size_t i = 0; i < size; i += 4096) {
    ASSERT_EQ(clean[i], 'f') << "the file's byte, read back, at " << i;
    ASSERT_EQ(copied[i], 'c') << "the private copy, kept, at " << i;
  }
  ::munmap(clean, size);
  ::munmap(copied, size);
}

}  // namespace
}  // namespace reemu
