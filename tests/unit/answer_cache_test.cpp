// Unit tests for the cache of rendered read answers
// (src/state/answer_cache.cpp): an answer is served only for its own
// target, snapshot and validity interval; the least recently used go first;
// no target sequence grows it past its bounds.
#include "reemu/state/answer_cache.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace reemu;

namespace {

snapshot_ptr new_snapshot(std::uint64_t version) {
  return std::make_shared<const registry_state>(registry_data{}, version);
}

std::shared_ptr<const std::string> text(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

std::string found(answer_cache& c, const snapshot_ptr& snap, const std::string& target,
                  double now) {
  const auto body = c.find(snap, target, now);
  return body ? *body : "<none>";
}

TEST(answer_cache, serves_an_answer_for_its_target_snapshot_and_interval_only) {
  answer_cache c;
  const auto snap = new_snapshot(1);
  c.keep(snap, "/v1/bdbs/stats/last", validity{100, 101}, text("a"));
  EXPECT_EQ(found(c, snap, "/v1/bdbs/stats/last", 100), "a");
  EXPECT_EQ(found(c, snap, "/v1/bdbs/stats/last", 100.999), "a");
  EXPECT_EQ(found(c, snap, "/v1/bdbs/stats/last", 101), "<none>");  // the interval ended
  EXPECT_EQ(found(c, snap, "/v1/bdbs/stats/last", 99.5), "<none>");
  EXPECT_EQ(found(c, snap, "/v1/bdbs/stats/last?metrics=conns", 100), "<none>");
  EXPECT_EQ(found(c, new_snapshot(2), "/v1/bdbs/stats/last", 100), "<none>");

  // A newer rendering of the same target replaces the older.
  const auto next = new_snapshot(2);
  c.keep(next, "/v1/bdbs/stats/last", validity{101, 102}, text("b"));
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(found(c, next, "/v1/bdbs/stats/last", 101.5), "b");
  EXPECT_EQ(found(c, snap, "/v1/bdbs/stats/last", 100), "<none>");
}

TEST(answer_cache, a_gone_snapshot_is_never_taken_for_a_new_one) {
  answer_cache c;
  auto snap = new_snapshot(1);
  c.keep(snap, "/t", validity{0, 10}, text("old"));
  snap.reset();  // the cache's weak reference keeps the address taken
  const auto later = new_snapshot(1);
  EXPECT_EQ(found(c, later, "/t", 5), "<none>");
}

TEST(answer_cache, the_least_recently_used_go_first) {
  answer_cache c;
  const auto snap = new_snapshot(1);
  for (std::size_t i = 0; i < answer_cache::max_entries; ++i)
    c.keep(snap, "/t" + std::to_string(i), validity{0, 10}, text(std::to_string(i)));
  EXPECT_EQ(c.size(), answer_cache::max_entries);
  EXPECT_EQ(found(c, snap, "/t0", 1), "0");  // /t0 used: /t1 is now the oldest
  c.keep(snap, "/new", validity{0, 10}, text("new"));
  EXPECT_EQ(c.size(), answer_cache::max_entries);
  EXPECT_EQ(found(c, snap, "/t1", 1), "<none>");
  EXPECT_EQ(found(c, snap, "/t0", 1), "0");
  EXPECT_EQ(found(c, snap, "/new", 1), "new");
}

TEST(answer_cache, no_sequence_of_targets_grows_it_past_its_bounds) {
  answer_cache c;
  const auto snap = new_snapshot(1);
  const std::string big(answer_cache::max_bytes / 4, 'x');
  const auto big_body = text(big);  // one body kept under many targets: no 4 MiB copy each time
  for (int i = 0; i < 300; ++i) {
    c.keep(snap, "/big" + std::to_string(i), validity{0, 10}, big_body);
    c.keep(snap, "/small" + std::to_string(i), validity{0, 10}, text("s"));
    ASSERT_LE(c.size(), answer_cache::max_entries);
    ASSERT_LE(c.bytes(), answer_cache::max_bytes);
  }
  EXPECT_EQ(found(c, snap, "/small299", 1), "s");
  EXPECT_EQ(found(c, snap, "/big299", 1), big);
  // One answer larger than a quarter of the bound is not kept at all.
  c.keep(snap, "/huge", validity{0, 10}, text(big + "x"));
  EXPECT_EQ(found(c, snap, "/huge", 1), "<none>");
  EXPECT_EQ(found(c, snap, "/big299", 1), big);
}

}  // namespace
