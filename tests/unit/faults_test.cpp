// Unit tests for fault rules (src/faults.cpp): matching, countdown, seeded probability.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/state/fault_table.hpp"

using namespace reemu;

namespace {

fault_rule rule(std::string path, unsigned status = 500) {
  fault_rule r;
  r.path = std::move(path);
  r.status = status;
  return r;
}

// Which of `draws` matches fire for a single probability rule.
std::vector<bool> draw_sequence(fault_table& t, int draws) {
  std::vector<bool> out;
  for (int i = 0; i < draws; ++i) out.push_back(t.match("GET", "/v1/actions", "").has_value());
  return out;
}

}  // namespace

TEST(faults, empty_table_matches_nothing) {
  fault_table t(1);
  EXPECT_FALSE(t.match("GET", "/v1/actions", "").has_value());
  EXPECT_TRUE(t.list().empty());
}

TEST(faults, matching_by_method_path_and_user) {
  fault_table t(1);
  fault_rule r = rule("/v1/actions/*", 503);
  r.method = "GET";
  r.user = "viewer@redis.local";
  r.error_code = "busy";
  r.description = "try later";
  r.delay_ms = 20;
  t.add(r);

  struct row {
    std::string_view method, path, user;
    bool fires;
  };
  constexpr std::array rows = {
      row{"GET", "/v1/actions/abc", "viewer@redis.local", true},
      row{"GET", "/v1/actions/bdb/1", "viewer@redis.local", true},  // '*' spans '/'
      row{"GET", "/v1/actions/", "viewer@redis.local", true},
      row{"GET", "/v1/actions", "viewer@redis.local", false},
      row{"POST", "/v1/actions/abc", "viewer@redis.local", false},
      row{"get", "/v1/actions/abc", "viewer@redis.local", false},  // methods are exact
      row{"GET", "/v1/actions/abc", "admin@redis.local", false},
      row{"GET", "/v1/actions/abc", "", false},
      row{"GET", "/v2/actions/abc", "viewer@redis.local", false},
  };
  for (const auto& c : rows) {
    SCOPED_TRACE(std::string(c.method) + " " + std::string(c.path) + " as '" + std::string(c.user) +
                 "'");
    const auto e = t.match(c.method, c.path, c.user);
    ASSERT_EQ(e.has_value(), c.fires);
    if (e) {
      EXPECT_EQ(e->status, 503u);
      EXPECT_EQ(e->error_code, "busy");
      EXPECT_EQ(e->description, "try later");
      EXPECT_EQ(e->delay_ms, 20u);
      EXPECT_FALSE(e->drop);
    }
  }
  ASSERT_EQ(t.list().size(), 1u);
  EXPECT_EQ(t.list()[0].hits, 3u);
}

TEST(faults, empty_method_and_user_match_anything) {
  fault_table t(1);
  fault_rule r = rule("/v2/actions", 0);
  r.drop = true;
  t.add(r);
  for (std::string_view method : {"GET", "HEAD", "DELETE"})
    for (std::string_view user : {"", "a@x", "b@y"}) {
      const auto e = t.match(method, "/v2/actions", user);
      ASSERT_TRUE(e.has_value());
      EXPECT_TRUE(e->drop);
      EXPECT_EQ(e->status, 0u);
    }
  EXPECT_FALSE(t.match("GET", "/v2/actions/x", "").has_value());  // exact path without '*'
}

TEST(faults, first_matching_rule_wins) {
  fault_table t(1);
  const auto a = t.add(rule("/v1/*", 500));
  const auto b = t.add(rule("/v1/actions", 404));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(t.match("GET", "/v1/actions", "")->status, 500u);
  EXPECT_TRUE(t.remove(a));
  EXPECT_FALSE(t.remove(a));
  EXPECT_EQ(t.match("GET", "/v1/actions", "")->status, 404u);
  EXPECT_EQ(t.add(rule("/x")), 3u);  // ids are not reused
}

TEST(faults, times_counts_down_and_removes_the_rule) {
  fault_table t(1);
  fault_rule r = rule("/v1/actions", 503);
  r.times = 3;
  t.add(r);
  t.add(rule("/v1/actions", 500));  // behind it, takes over when it is gone
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(t.list().size(), 2u);
    EXPECT_EQ(*t.list()[0].times, static_cast<std::uint64_t>(3 - i));
    const auto e = t.match("GET", "/v1/actions", "");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->status, 503u);
  }
  ASSERT_EQ(t.list().size(), 1u);
  EXPECT_EQ(t.match("GET", "/v1/actions", "")->status, 500u);
  // Non-matching requests do not count.
  fault_rule once = rule("/v2/actions", 502);
  once.times = 1;
  t.add(once);
  EXPECT_FALSE(t.match("GET", "/v2/actions/x", "").has_value());
  EXPECT_EQ(t.list().size(), 2u);
  EXPECT_EQ(t.match("GET", "/v2/actions", "")->status, 502u);
  EXPECT_EQ(t.list().size(), 1u);
}

TEST(faults, probability_is_repeatable_for_a_seed) {
  fault_rule r = rule("/v1/actions", 500);
  r.probability = 0.3;
  fault_table a(42), b(42), c(43);
  a.add(r);
  b.add(r);
  c.add(r);
  const auto first = draw_sequence(a, 1000);
  const auto second = draw_sequence(b, 1000);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, draw_sequence(c, 1000));  // another seed, another sequence

  const auto fired = std::count(first.begin(), first.end(), true);
  EXPECT_GT(fired, 240);  // 0.3 * 1000 = 300, sigma about 14.5
  EXPECT_LT(fired, 360);
  EXPECT_EQ(a.list()[0].hits, static_cast<std::uint64_t>(fired));
}

TEST(faults, probability_extremes) {
  fault_table t(7);
  fault_rule never = rule("/n", 500);
  never.probability = 0.0;
  fault_rule always = rule("/a", 500);
  always.probability = 1.0;
  t.add(never);
  t.add(always);
  for (int i = 0; i < 200; ++i) {
    EXPECT_FALSE(t.match("GET", "/n", "").has_value());
    EXPECT_TRUE(t.match("GET", "/a", "").has_value());
  }
}

TEST(faults, a_missed_draw_falls_through_to_the_next_rule) {
  fault_table t(3);
  fault_rule sometimes = rule("/v1/actions", 503);
  sometimes.probability = 0.5;
  t.add(sometimes);
  t.add(rule("/v1/actions", 500));
  int s503 = 0, s500 = 0;
  for (int i = 0; i < 200; ++i) {
    const auto e = t.match("GET", "/v1/actions", "");
    ASSERT_TRUE(e.has_value());
    (e->status == 503 ? s503 : s500)++;
  }
  EXPECT_GT(s503, 50);
  EXPECT_GT(s500, 50);
}

TEST(faults, clear_reseeds_and_restarts_ids) {
  fault_rule r = rule("/v1/actions", 500);
  r.probability = 0.5;
  fault_table t(99);
  t.add(r);
  const auto first = draw_sequence(t, 200);
  t.clear();
  EXPECT_TRUE(t.list().empty());
  EXPECT_FALSE(t.match("GET", "/v1/actions", "").has_value());
  EXPECT_EQ(t.add(r), 1u);
  EXPECT_EQ(draw_sequence(t, 200), first);
}

TEST(faults, draws_happen_only_for_matching_requests) {
  fault_rule r = rule("/v1/actions", 500);
  r.probability = 0.5;
  fault_table quiet(5), noisy(5);
  quiet.add(r);
  noisy.add(r);
  std::vector<bool> a, b;
  for (int i = 0; i < 100; ++i) {
    a.push_back(quiet.match("GET", "/v1/actions", "").has_value());
    noisy.match("GET", "/v2/actions", "");  // unrelated traffic
    b.push_back(noisy.match("GET", "/v1/actions", "").has_value());
  }
  EXPECT_EQ(a, b);
}
