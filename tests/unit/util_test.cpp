// Unit tests for the small helpers in src/util: the hex encoder, UUIDs, log-field
// escaping, the atomic file writer and the identifier caps.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "captures.hpp"
#include "reemu/util/atomic_file.hpp"
#include "reemu/util/hex.hpp"
#include "reemu/util/identifiers.hpp"
#include "reemu/util/logging.hpp"
#include "reemu/util/uuid.hpp"

using namespace reemu;
namespace fs = std::filesystem;

namespace {

using test::read_file;

}  // namespace

TEST(hex, encodes_and_decodes) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(to_hex(bytes, 4), "000fa5ff");
  EXPECT_EQ(to_hex(bytes, 4, hex_case::upper, ':'), "00:0F:A5:FF");
  EXPECT_EQ(to_hex(bytes, 0), "");
  const auto back = from_hex("000fa5ff");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, (std::vector<unsigned char>{0x00, 0x0f, 0xa5, 0xff}));
  for (const char* bad : {"0", "0g", "AB", "0x00", " 00"}) EXPECT_FALSE(from_hex(bad)) << bad;
}

// Every byte value both ways, in both cases and with a separator: the
// encoder is Boost's, the rules around it are ours.
TEST(hex, every_byte_round_trips_and_only_lower_case_decodes) {
  std::vector<unsigned char> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<unsigned char>(i);
  const std::string lower = to_hex(all.data(), all.size());
  ASSERT_EQ(lower.size(), 512u);
  EXPECT_EQ(lower.substr(0, 8), "00010203");
  EXPECT_EQ(lower.substr(504), "fcfdfeff");
  EXPECT_EQ(lower.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(from_hex(lower), all);
  const std::string upper = to_hex(all.data(), all.size(), hex_case::upper);
  EXPECT_EQ(upper.substr(504), "FCFDFEFF");
  EXPECT_FALSE(from_hex(upper));
  EXPECT_FALSE(from_hex("0A"));  // one upper-case digit is enough to refuse
  EXPECT_FALSE(from_hex("00:0f"));
  EXPECT_FALSE(from_hex(std::string("0\0", 2)));
  EXPECT_EQ(from_hex(""), std::vector<unsigned char>{});

  const unsigned char one[] = {0xab};
  EXPECT_EQ(to_hex(one, 1, hex_case::upper, ':'), "AB");  // no separator around a single byte
  EXPECT_EQ(to_hex(all.data() + 0xfd, 3, hex_case::lower, '-'), "fd-fe-ff");
  std::string appended = "x=";
  append_hex(appended, one, 1);
  EXPECT_EQ(appended, "x=ab");  // appends, keeps what was there
}

TEST(uuid, keeps_its_shape) {
  const std::string u = make_uuid_v4();
  ASSERT_EQ(u.size(), 36u);
  for (const std::size_t dash : {8, 13, 18, 23}) EXPECT_EQ(u[dash], '-') << u;
  EXPECT_EQ(u[14], '4') << u;
  EXPECT_EQ(u.find_first_not_of("0123456789abcdef-"), std::string::npos) << u;
}

// Version 4 and the RFC 4122 variant on every draw, lower case only, no
// repeats, and every hex digit seen in the random places over a few hundred
// draws (a constant or a narrowed source would show).
TEST(uuid, is_random_version_4_in_lower_case) {
  std::set<std::string> seen;
  std::set<char> digits;
  for (int i = 0; i < 512; ++i) {
    const std::string u = make_uuid_v4();
    SCOPED_TRACE(u);
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u.find_first_not_of("0123456789abcdef-"), std::string::npos);
    EXPECT_EQ(std::count(u.begin(), u.end(), '-'), 4);
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string_view("89ab").find(u[19]), std::string_view::npos);
    EXPECT_TRUE(seen.insert(u).second);
    digits.insert(u.begin(), u.begin() + 8);
  }
  EXPECT_EQ(digits.size(), 16u);
}

TEST(uuid, threads_draw_apart) {
  std::vector<std::vector<std::string>> drawn(4);
  {
    std::vector<std::thread> threads;
    for (auto& list : drawn) {
      threads.emplace_back([&list] {
        for (int i = 0; i < 200; ++i) list.push_back(make_uuid_v4());
      });
    }
    for (auto& t : threads) t.join();
  }
  std::set<std::string> all;
  for (const auto& list : drawn) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), 800u);
}

// Item 7: log lines a client can neither split nor make invalid.
TEST(logging, escapes_control_bytes_quotes_and_invalid_utf8) {
  struct row {
    std::string in, text, json;
  };
  const std::vector<row> rows = {
      {"plain /v1/actions", "plain /v1/actions", "plain /v1/actions"},
      {"a\r\nb", R"(a\r\nb)", R"(a\r\nb)"},
      {"q\"b\\", R"(q\"b\\)", R"(q\"b\\)"},
      {"\x01\x7f", R"(\x01\x7f)", R"(\u0001\u007f)"},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
      {"\xff", R"(\xff)", R"(\\xff)"},
      {"\xc3(", R"(\xc3()", R"(\\xc3()"},                         // lead byte, no continuation
      {"\xc0\xaf", R"(\xc0\xaf)", R"(\\xc0\\xaf)"},               // overlong '/'
      {"\xed\xa0\x80", R"(\xed\xa0\x80)", R"(\\xed\\xa0\\x80)"},  // a surrogate
      {"\xf4\x90\x80\x80", R"(\xf4\x90\x80\x80)", R"(\\xf4\\x90\\x80\\x80)"},  // > U+10FFFF
      {"\xe2\x82", R"(\xe2\x82)", R"(\\xe2\\x82)"},                            // cut short
      // The edges of each UTF-8 length: first and last well-formed, and
      // the overlong and out-of-range forms just beyond.
      {"\xc2\x80 \xdf\xbf", "\xc2\x80 \xdf\xbf", "\xc2\x80 \xdf\xbf"},
      {"\xc1\xbf", R"(\xc1\xbf)", R"(\\xc1\\xbf)"},  // overlong U+007F
      {"\xe0\xa0\x80 \xef\xbf\xbf", "\xe0\xa0\x80 \xef\xbf\xbf", "\xe0\xa0\x80 \xef\xbf\xbf"},
      {"\xe0\x9f\xbf", R"(\xe0\x9f\xbf)", R"(\\xe0\\x9f\\xbf)"},  // overlong U+07FF
      {"\xed\x9f\xbf \xee\x80\x80", "\xed\x9f\xbf \xee\x80\x80", "\xed\x9f\xbf \xee\x80\x80"},
      {"\xed\xbf\xbf", R"(\xed\xbf\xbf)", R"(\\xed\\xbf\\xbf)"},  // last surrogate
      {"\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf", "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf",
       "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"},
      {"\xf0\x8f\xbf\xbf", R"(\xf0\x8f\xbf\xbf)", R"(\\xf0\\x8f\\xbf\\xbf)"},  // overlong
      {"\xf5\x80\x80\x80", R"(\xf5\x80\x80\x80)", R"(\\xf5\\x80\\x80\\x80)"},
      {"\x80", R"(\x80)", R"(\\x80)"},                            // a continuation byte alone
      {"\xe2\x28\xa1", R"(\xe2(\xa1)", R"(\\xe2(\\xa1)"},         // a second byte that is not one
      {"\xe2\x82\x28", R"(\xe2\x82()", R"(\\xe2\\x82()"},         // a third byte that is not one
      {"\xf0\x9f\x98", R"(\xf0\x9f\x98)", R"(\\xf0\\x9f\\x98)"},  // four bytes cut at three
      {std::string("a\0b", 3), R"(a\x00b)", R"(a\u0000b)"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    EXPECT_EQ(log_escape(r.in), r.text);
    EXPECT_EQ(json_escape(r.in), r.json);
    // Whatever the input, the JSON form parses back as a string.
    const auto parsed = nlohmann::json::parse("\"" + json_escape(r.in) + "\"", nullptr, false);
    EXPECT_FALSE(parsed.is_discarded());
  }
}

TEST(identifiers, over_long_field_names_the_field_and_the_limit) {
  const nlohmann::json body = {{"a", "xx"}, {"b", std::string(300, 'b')}, {"n", 5}};
  EXPECT_EQ(over_long_field(body, {{"a", 2}, {"n", 1}, {"missing"}}), std::nullopt);
  const auto m = over_long_field(body, {{"a", 2}, {"b"}});
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(*m, "'b' is 300 bytes long; the limit is 256 bytes");
  EXPECT_EQ(over_long_field(nlohmann::json::array(), {{"a", 0}}), std::nullopt);
}

class atomic_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("reemu-atomic-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "out.pem";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_, path_;
};

TEST_F(atomic_file_test, writes_with_the_mode_asked_for) {
  ASSERT_EQ(write_file_atomically(path_.string(), "one", {}, 0644), std::nullopt);
  EXPECT_EQ(read_file(path_), "one");
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  ASSERT_EQ(write_file_atomically(path_.string(), "two"), std::nullopt);
  EXPECT_EQ(read_file(path_), "two");
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(path_.string() + ".tmp"));
}

TEST_F(atomic_file_test, a_planted_symlink_is_replaced_not_followed) {
  const fs::path victim = dir_ / "victim";
  { std::ofstream(victim) << "precious"; }
  fs::create_symlink(victim, path_.string() + ".tmp");
  ASSERT_EQ(write_file_atomically(path_.string(), "new"), std::nullopt);
  EXPECT_EQ(read_file(victim), "precious");
  EXPECT_EQ(read_file(path_), "new");
  EXPECT_FALSE(fs::is_symlink(path_));
}

TEST_F(atomic_file_test, replace_only_puts_the_whole_file_in_place_without_waiting_for_the_disk) {
  // The ports file's and --tls-cert-out's way: no fsync, the same rename.
  { std::ofstream(path_) << "old"; }
  { std::ofstream(path_.string() + ".tmp") << "stale"; }
  ASSERT_EQ(write_file_atomically(path_.string(), "whole", {}, 0644, durability::replace_only),
            std::nullopt);
  EXPECT_EQ(read_file(path_), "whole");
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  EXPECT_FALSE(fs::exists(path_.string() + ".tmp"));
  const auto err = write_file_atomically((dir_ / "missing" / "x").string(), "x", {}, 0600,
                                         durability::replace_only);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("open "), std::string::npos) << *err;
}

TEST_F(atomic_file_test, errors_name_the_step_and_the_file) {
  const auto err = write_file_atomically((dir_ / "missing" / "x").string(), "x");
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("open " + (dir_ / "missing" / "x.tmp").string()), std::string::npos) << *err;
}
