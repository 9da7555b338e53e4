// Unit tests for the cache of rendered databases (src/model/bdb_bodies.cpp):
// what it serves equals a fresh render at every instant of a lifecycle, after
// a change and after a delete, and it renders nothing again while a database
// and its operation's interval are unchanged.
#include "reemu/state/bdb_bodies.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "model_fixtures.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;

namespace {

using test::cluster;
using test::t0;
using test::walk;

// Adds a database created by POST /v1/bdbs at `t`; returns its uid.
std::uint64_t create(registry_data& d, const std::string& name, double t) {
  database db;
  EXPECT_EQ(new_database(d, {{"name", name}, {"memory_size", 1 << 20}}, t, cluster(), db),
            std::nullopt);
  const std::uint64_t uid = db.uid;
  begin_operation(d, std::move(db), "SMCreateBDB", t);
  return uid;
}

// GET /v1/bdbs as the handler rendered it before the cache: one JSON array.
std::string fresh_list(const registry_data& d, double now) {
  json out = json::array();
  for (const auto& [uid, db] : d.databases)
    if (view_of(*db, now).visible) out.push_back(render_bdb(*db, now));
  return dump(out);
}

// GET /v1/bdbs/{uid} likewise; empty when it is not there.
std::string fresh_one(const registry_data& d, std::uint64_t uid, double now) {
  const database* db = d.find_database(uid, now);
  return db ? dump(render_bdb(*db, now)) : std::string();
}

std::string text_of(const std::shared_ptr<const std::string>& p) { return p ? *p : std::string(); }

// Checks the cache against a fresh render of `d` at each of `times`.
void expect_fresh(bdb_cache& cache, const registry_data& d, std::uint64_t version,
                  std::initializer_list<double> times) {
  const auto snap = std::make_shared<const registry_state>(d, version);
  for (const double t : times) {
    EXPECT_EQ(cache.list(snap, t).str(), fresh_list(d, t)) << "list at t0+" << t - t0;
    for (const auto& [uid, db] : d.databases)
      EXPECT_EQ(text_of(cache.one(snap, uid, t)), fresh_one(d, uid, t))
          << "bdb " << uid << " at t0+" << t - t0;
  }
}

}  // namespace

TEST(bdb_bodies, cached_bodies_equal_fresh_renders_through_a_lifecycle) {
  registry_data d;
  const std::uint64_t a = create(d, "a", t0);
  create(d, "b", t0 + 3);
  bdb_cache cache;
  // Pending, each step of both creates (forwards and back), then active.
  const double end = t0 + 3 + walk("SMCreateBDB");
  expect_fresh(cache, d, 1,
               {t0, t0 + 0.5, t0 + 4, t0 + 4.5, t0 + 2, t0 + 7, end - 0.1, end, end + 1000});

  // A change: an update runs on `a`, then a delete, which ends in a 404 and
  // a shorter list.
  double t = end + 1000;
  begin_operation(d, *d.databases.at(a), "SMUpdateBDB", t);
  expect_fresh(cache, d, 2, {t, t + 1, t + 5, t + walk("SMUpdateBDB")});
  t += walk("SMUpdateBDB");
  begin_operation(d, *d.databases.at(a), "SMDeleteBDB", t);
  expect_fresh(cache, d, 3, {t, t + 2, t + walk("SMDeleteBDB") - 0.01, t + walk("SMDeleteBDB")});
  const auto snap = std::make_shared<const registry_state>(d, 4);
  EXPECT_EQ(cache.one(snap, a, t + walk("SMDeleteBDB")), nullptr);
  EXPECT_EQ(cache.one(snap, 99, t), nullptr);  // no such database
  d.drop_invisible(t + walk("SMDeleteBDB"));
  expect_fresh(cache, d, 5, {t + walk("SMDeleteBDB")});
}

TEST(bdb_bodies, an_unchanged_database_is_not_rendered_again) {
  registry_data d;
  const std::uint64_t a = create(d, "a", t0);
  const std::uint64_t b = create(d, "b", t0);
  const double active = t0 + walk("SMCreateBDB");
  bdb_cache cache;
  const auto first = std::make_shared<const registry_state>(d, 1);
  const auto body = cache.list(first, active);
  const auto one = cache.one(first, a, active);
  // Same snapshot, later: an active database does not change with time.
  EXPECT_EQ(cache.list(first, active + 1).id(), body.id());
  EXPECT_EQ(cache.one(first, a, active + 1), one);
  // A new snapshot in which `b` changed: `a`'s text is the one rendered
  // before, shared by the new list.
  begin_operation(d, *d.databases.at(b), "SMUpdateBDB", active + 10);
  const auto second = std::make_shared<const registry_state>(d, 2);
  EXPECT_EQ(cache.one(second, a, active + 10), one);
  const auto changed = cache.list(second, active + 10);
  EXPECT_NE(changed.id(), body.id());
  EXPECT_EQ(changed.str(), fresh_list(d, active + 10));
  // During a step of `b`'s update the list is shared; the next step renders.
  EXPECT_EQ(cache.list(second, active + 10.5).id(), changed.id());
  EXPECT_NE(cache.list(second, active + 10 + walk("SMUpdateBDB")).id(), changed.id());
}

TEST(bdb_bodies, an_empty_registry_lists_an_empty_array) {
  bdb_cache cache;
  const auto snap = std::make_shared<const registry_state>(registry_data{}, 1);
  EXPECT_EQ(cache.list(snap, t0).str(), "[]");
}

TEST(bdb_bodies, a_small_list_is_one_run_and_a_large_one_is_not_joined) {
  registry_data d;
  create(d, "a", t0);
  create(d, "b", t0);
  bdb_cache cache;
  const double active = t0 + walk("SMCreateBDB") + 1;
  auto snap = std::make_shared<const registry_state>(d, 1);
  EXPECT_EQ(cache.list(snap, active).runs(), 1u);
  // Each rendered database is a few hundred bytes: 200 make well over 64 KiB.
  for (int i = 0; i < 200; ++i) create(d, "db" + std::to_string(i), t0);
  snap = std::make_shared<const registry_state>(d, 2);
  const shared_bytes big = cache.list(snap, active);
  EXPECT_GT(big.size(), 64u * 1024);
  EXPECT_GT(big.runs(), 1u);
  EXPECT_EQ(big.str(), fresh_list(d, active));
}
