// Unit tests for the request journal (src/control/journal.cpp): ring eviction, the byte
// bound, filters, limit and paging, glob_match and its running time.
#include "reemu/state/journal.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

using namespace reemu;

namespace {

journal_entry entry(double time, std::string method, std::string target, std::string user,
                    unsigned status) {
  return journal_entry{time, std::move(method), std::move(target), std::move(user), status, 0};
}

std::vector<double> times_of(const journal_page& page) {
  std::vector<double> out;
  for (const auto& e : page.entries) out.push_back(e->time);
  return out;
}

// Five requests, times 1..5.
void fill(journal& j) {
  j.record(entry(1, "GET", "/v1/actions", "admin@x", 200));
  j.record(entry(2, "GET", "/v1/actions/abc?verbose=1", "viewer@x", 404));
  j.record(entry(3, "POST", "/emulator/v1/actions", "admin@x", 201));
  j.record(entry(4, "GET", "/v2/actions", "", 401));
  j.record(entry(5, "HEAD", "/v1/actions?x=1", "viewer@x", 0));
}

}  // namespace

TEST(journal, ring_evicts_the_oldest) {
  journal j(3);
  EXPECT_EQ(j.capacity(), 3u);
  for (int i = 1; i <= 5; ++i) j.record(entry(i, "GET", "/v1/actions", "", 200));
  EXPECT_EQ(times_of(j.query({})), (std::vector<double>{3, 4, 5}));
  j.record(entry(6, "GET", "/v1/actions", "", 200));
  EXPECT_EQ(times_of(j.query({})), (std::vector<double>{4, 5, 6}));
}

TEST(journal, capacity_zero_records_nothing) {
  journal j(0);
  j.record(entry(1, "GET", "/v1/actions", "", 200));
  EXPECT_TRUE(j.query({}).entries.empty());
}

TEST(journal, clear_empties_it) {
  journal j(100);
  fill(j);
  ASSERT_EQ(j.query({}).entries.size(), 5u);
  j.clear();
  EXPECT_TRUE(j.query({}).entries.empty());
  j.record(entry(9, "GET", "/", "", 200));
  EXPECT_EQ(times_of(j.query({})), (std::vector<double>{9}));
}

TEST(journal, filters) {
  journal j(100);
  fill(j);
  struct row {
    std::string_view name;
    journal_filter filter;
    std::vector<double> expected;
  };
  const auto with = [](auto edit) {
    journal_filter f;
    edit(f);
    return f;
  };
  const std::vector<row> rows = {
      {"no filter", {}, {1, 2, 3, 4, 5}},
      {"method GET", with([](journal_filter& f) { f.method = "GET"; }), {1, 2, 4}},
      {"method get (exact)", with([](journal_filter& f) { f.method = "get"; }), {}},
      {"method HEAD", with([](journal_filter& f) { f.method = "HEAD"; }), {5}},
      {"exact path ignores the query",
       with([](journal_filter& f) { f.path = "/v1/actions"; }),
       {1, 5}},
      {"glob path", with([](journal_filter& f) { f.path = "/v1/actions/*"; }), {2}},
      {"glob everywhere", with([](journal_filter& f) { f.path = "*actions*"; }), {1, 2, 3, 4, 5}},
      {"glob does not see the query", with([](journal_filter& f) { f.path = "*verbose*"; }), {}},
      {"user", with([](journal_filter& f) { f.user = "viewer@x"; }), {2, 5}},
      {"anonymous user", with([](journal_filter& f) { f.user = ""; }), {4}},
      {"status", with([](journal_filter& f) { f.status = 404; }), {2}},
      {"dropped", with([](journal_filter& f) { f.status = 0; }), {5}},
      {"combined",
       with([](journal_filter& f) {
         f.method = "GET";
         f.user = "admin@x";
         f.path = "/v1/*";
       }),
       {1}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(times_of(j.query(r.filter)), r.expected);
  }
}

TEST(journal, limit_keeps_the_newest_oldest_first) {
  journal j(100);
  fill(j);
  journal_filter f;
  f.limit = 2;
  EXPECT_EQ(times_of(j.query(f)), (std::vector<double>{4, 5}));
  f.limit = 0;
  EXPECT_TRUE(j.query(f).entries.empty());
  f.limit = 100;
  EXPECT_EQ(times_of(j.query(f)), (std::vector<double>{1, 2, 3, 4, 5}));
  // The limit applies after the filter.
  f.limit = 2;
  f.method = "GET";
  EXPECT_EQ(times_of(j.query(f)), (std::vector<double>{2, 4}));
}

TEST(journal, entries_are_kept_whole) {
  journal j(2);
  j.record(journal_entry{12.5, "PATCH", "/emulator/v1/actions/x", "admin@x", 200, 321});
  const auto page = j.query({});
  ASSERT_EQ(page.entries.size(), 1u);
  const journal_entry& e = *page.entries[0];
  EXPECT_EQ(e.time, 12.5);
  EXPECT_EQ(e.method, "PATCH");
  EXPECT_EQ(e.target, "/emulator/v1/actions/x");
  EXPECT_EQ(e.user, "admin@x");
  EXPECT_EQ(e.status, 200u);
  EXPECT_EQ(e.duration_us, 321u);
  EXPECT_EQ(e.seq, 1u);
  EXPECT_FALSE(e.truncated);
}

TEST(journal, glob_match_table) {
  struct row {
    std::string_view pattern, text;
    bool matches;
  };
  constexpr std::array rows = {
      row{"", "", true},
      row{"", "a", false},
      row{"*", "", true},
      row{"*", "/v1/actions/x", true},
      row{"**", "abc", true},
      row{"/v1/actions", "/v1/actions", true},
      row{"/v1/actions", "/v1/actions/", false},
      row{"/v1/actions", "/v1/action", false},
      row{"/v1/actions", "/V1/actions", false},
      row{"/v1/*", "/v1/actions", true},
      row{"/v1/*", "/v1/", true},
      row{"/v1/*", "/v1", false},
      row{"/v1/*", "/v1/actions/bdb/1", true},  // '*' crosses '/'
      row{"/v1/*/x", "/v1/a/b/x", true},
      row{"/v1/*/x", "/v1/a/b/y", false},
      row{"*x", "abcx", true},
      row{"*x", "abc", false},
      row{"a*b*c", "aXbYc", true},
      row{"a*b*c", "abc", true},
      row{"a*b*c", "aXbY", false},
      row{"a*b*c", "acb", false},
      row{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
      row{"a?c", "abc", false},  // only '*' is special
      row{"a?c", "a?c", true},
      row{"[ab]", "a", false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(r.pattern) + " ~ " + std::string(r.text));
    EXPECT_EQ(glob_match(r.pattern, r.text), r.matches);
  }
}

// Item 5 of the robustness issue: 12,000 requests with 15 KB targets added
// 149 MiB to a journal bounded only by count.
TEST(journal, bytes_are_bounded_and_long_targets_cut) {
  const std::size_t max_bytes = 256 * 1024;
  journal j(100000, max_bytes);
  const std::string long_target = "/v1/actions/" + std::string(15000, 'x');
  for (int i = 1; i <= 2000; ++i) {
    j.record(entry(i, "GET", long_target, "", 401));
    ASSERT_LE(j.bytes(), max_bytes) << "after " << i << " entries";
  }
  const auto page = j.query({});
  ASSERT_FALSE(page.entries.empty());
  EXPECT_LT(page.entries.size(), 2000u);  // the byte bound evicted, not the count
  EXPECT_EQ(page.entries.back()->time, 2000);
  for (const auto& e : page.entries) {
    EXPECT_EQ(e->target.size(), max_journal_field);
    EXPECT_TRUE(e->truncated);
    EXPECT_EQ(e->target_bytes, long_target.size());
    EXPECT_EQ(e->target, long_target.substr(0, max_journal_field));
  }
  // Each kept entry costs about 2 KiB, not 15.
  EXPECT_GT(page.entries.size(), max_bytes / (max_journal_field + 1024));
}

TEST(journal, short_entries_are_not_marked) {
  journal j(10);
  j.record(entry(1, "GET", std::string(max_journal_field, 'a'), "", 200));
  const auto page = j.query({});
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_FALSE(page.entries[0]->truncated);
  EXPECT_EQ(page.entries[0]->target_bytes, max_journal_field);
}

TEST(journal, an_entry_over_the_byte_bound_is_not_kept) {
  journal j(10, 100);  // smaller than any entry
  j.record(entry(1, "GET", "/v1/actions", "", 200));
  EXPECT_TRUE(j.query({}).entries.empty());
  EXPECT_EQ(j.bytes(), 0u);
}

TEST(journal, pages_with_after) {
  journal j(100);
  for (int i = 1; i <= 7; ++i) j.record(entry(i, i % 2 ? "GET" : "POST", "/v1/actions", "", 200));
  journal_filter f;
  f.after = 0;
  f.limit = 3;
  auto page = j.query(f);
  EXPECT_EQ(times_of(page), (std::vector<double>{1, 2, 3}));  // oldest first from the cursor
  EXPECT_TRUE(page.more);
  EXPECT_EQ(page.next_after, 3u);
  f.after = page.next_after;
  page = j.query(f);
  EXPECT_EQ(times_of(page), (std::vector<double>{4, 5, 6}));
  f.after = page.next_after;
  page = j.query(f);
  EXPECT_EQ(times_of(page), (std::vector<double>{7}));
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.next_after, 7u);
  f.after = page.next_after;
  page = j.query(f);  // nothing new: the cursor stays
  EXPECT_TRUE(page.entries.empty());
  EXPECT_EQ(page.next_after, 7u);
  // Filters apply within the page; the cursor is the last match.
  f.after = 0;
  f.method = "POST";
  page = j.query(f);
  EXPECT_EQ(times_of(page), (std::vector<double>{2, 4, 6}));
  EXPECT_FALSE(page.more);
  // Without after: the newest matches, and `more` says older ones exist.
  journal_filter newest;
  newest.limit = 2;
  page = j.query(newest);
  EXPECT_EQ(times_of(page), (std::vector<double>{6, 7}));
  EXPECT_TRUE(page.more);
}

TEST(journal, seq_survives_eviction_and_clear) {
  journal j(2);
  for (int i = 1; i <= 5; ++i) j.record(entry(i, "GET", "/", "", 200));
  journal_filter f;
  f.after = 1;  // older than anything kept: everything kept is newer
  EXPECT_EQ(times_of(j.query(f)), (std::vector<double>{4, 5}));
  j.clear();
  j.record(entry(6, "GET", "/", "", 200));
  const auto page = j.query({});
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0]->seq, 6u);  // a cursor taken before the clear still works
  f.after = 5;
  EXPECT_EQ(times_of(j.query(f)), (std::vector<double>{6}));
}

TEST(journal, limit_is_capped) {
  journal j(5000);
  for (int i = 1; i <= 1500; ++i) j.record(entry(i, "GET", "/", "", 200));
  journal_filter f;
  f.limit = 100000;
  const auto page = j.query(f);
  EXPECT_EQ(page.entries.size(), max_journal_page);
  EXPECT_TRUE(page.more);
}

// Item 6: "*a…a b" with 4,000 a's over 600 entries took 4.6 s with the
// backtracking matcher (O(text * pattern) per entry). Both shapes below are
// linear now; the old matcher needs billions of steps for them. The bound is
// generous (the linear matcher takes well under a millisecond each).
TEST(journal, glob_match_is_linear_on_hostile_patterns) {
  const std::string text(100000, 'a');
  const std::string anchored = "*" + std::string(20000, 'a') + "b";
  const std::string floating = "*" + std::string(20000, 'a') + "b*";
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(glob_match(anchored, text));
  EXPECT_FALSE(glob_match(floating, text));
  EXPECT_TRUE(glob_match("*" + std::string(20000, 'a') + "*", text));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::milliseconds(500));
}

TEST(journal, glob_pattern_matches_like_glob_match) {
  const glob_pattern p("/v1/*/x*y");
  EXPECT_TRUE(p.matches("/v1/a/b/xzy"));
  EXPECT_TRUE(p.matches("/v1//xy"));
  EXPECT_FALSE(p.matches("/v1/xy"));
  EXPECT_FALSE(p.matches("/v1/a/x"));
  // The runs between stars must not overlap the anchored ends.
  EXPECT_FALSE(glob_match("ab*b*ba", "aba"));
  EXPECT_TRUE(glob_match("ab*b*ba", "abbba"));
  EXPECT_FALSE(glob_match("a*a", "a"));
  EXPECT_TRUE(glob_match("a*a", "aa"));
  EXPECT_TRUE(glob_match("*aab*", "aaab"));  // KMP restarts inside a partial match
}
