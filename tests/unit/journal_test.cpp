// Unit tests for the request journal (src/journal.cpp): ring eviction, filters, limit, glob_match.
#include "reemu/control/journal.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

using namespace reemu;

namespace {

journal_entry entry(double time, std::string method, std::string target, std::string user,
                    unsigned status) {
  return journal_entry{time, std::move(method), std::move(target), std::move(user), status, 0};
}

std::vector<double> times_of(const std::vector<journal_entry>& entries) {
  std::vector<double> out;
  for (const auto& e : entries) out.push_back(e.time);
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
  EXPECT_TRUE(j.query({}).empty());
}

TEST(journal, clear_empties_it) {
  journal j(100);
  fill(j);
  ASSERT_EQ(j.query({}).size(), 5u);
  j.clear();
  EXPECT_TRUE(j.query({}).empty());
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
  EXPECT_TRUE(j.query(f).empty());
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
  const auto all = j.query({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].time, 12.5);
  EXPECT_EQ(all[0].method, "PATCH");
  EXPECT_EQ(all[0].target, "/emulator/v1/actions/x");
  EXPECT_EQ(all[0].user, "admin@x");
  EXPECT_EQ(all[0].status, 200u);
  EXPECT_EQ(all[0].duration_us, 321u);
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
