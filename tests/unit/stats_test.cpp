// Unit tests for the statistics model (src/model/stats.cpp): sums across
// levels (shards -> database, shards -> node, nodes -> cluster), bounds
// (used_memory <= memory_size, cpu fractions), history that starts at the
// creation, retention and alignment per interval, determinism for a seed,
// steering (levels, ratios, ramps), the query time forms and the steering
// body checks.
#include "reemu/model/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "model_fixtures.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/shards.hpp"

using namespace reemu;

namespace {

using test::t0;

// Nodes 1 to 3 up since t0 - 3600 and the databases `dbs`, created at t0,
// ids seeded with `seed`.
registry_data stats_cluster(const std::vector<json>& dbs, std::uint64_t seed = 1) {
  return test::cluster_of(dbs, seed, t0 - 3600);
}

double at(const stats_sample& s, stats_kind k, std::string_view metric) {
  return s.values.at(*metric_index(k, metric));
}

// Steers `metric` of database `uid` to `value` from `since`.
void steer(registry_data& d, std::string_view object, const std::string& metric, double since,
           double target, double ramp = 0, bool ratio = false) {
  add_stats_step(d.stats, std::string(object), metric, {since, target, ramp, ratio});
}

const json sharded = {
    {"uid", 1}, {"shards_count", 3}, {"replication", true}, {"memory_size", 1e9}, {"name", "a"}};

}  // namespace

TEST(stats, intervals_and_their_retention) {
  EXPECT_EQ(to_string(stats_interval::sec1), "1sec");
  std::vector<std::size_t> kept;
  for (const auto g : stats_intervals) {
    kept.push_back(retained_of(g));
    EXPECT_EQ(parse_stats_interval(to_string(g)), g);
  }
  EXPECT_EQ(kept, (std::vector<std::size_t>{10, 30, 12, 96, 168, 62, 53}));
  EXPECT_EQ(seconds_of(stats_interval::week1), 604800);
  EXPECT_FALSE(parse_stats_interval("1day"));
  EXPECT_FALSE(parse_stats_interval(""));
}

TEST(stats, metric_lists_are_sorted_and_the_captures) {
  for (const auto k : {stats_kind::bdb, stats_kind::node, stats_kind::shard, stats_kind::cluster,
                       stats_kind::endpoint}) {
    const auto names = metric_names(k);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << to_string(k);
  }
  EXPECT_EQ(metric_names(stats_kind::bdb).size(), 36u);   // 39 keys with stime, etime, interval
  EXPECT_EQ(metric_names(stats_kind::node).size(), 25u);  // 28
  EXPECT_EQ(metric_names(stats_kind::cluster).size(), 24u);
  EXPECT_FALSE(metric_index(stats_kind::cluster, "cur_aof_rewrites"));
  EXPECT_TRUE(metric_index(stats_kind::shard, "used_memory_rss"));
}

TEST(stats, a_database_is_the_sum_of_its_master_shards) {
  registry_data d = stats_cluster({sharded});
  steer(d, "bdb:1", "instantaneous_ops_per_sec", t0 + 10, 30000);
  const stats_model m(d, t0 + 600);
  const auto db = m.last(stats_kind::bdb, 1, stats_interval::sec10);
  ASSERT_TRUE(db);
  EXPECT_GT(at(*db, stats_kind::bdb, "instantaneous_ops_per_sec"), 29000);
  const auto shards = shards_of(*d.databases.at(1), nodes_at(d.nodes, t0 + 600), t0 + 600);
  ASSERT_EQ(shards.size(), 6u);
  for (const std::string_view metric : metric_names(stats_kind::bdb)) {
    if (metric == "mem_frag_ratio" || is_time_metric(metric)) continue;
    double sum = 0;
    for (const auto& s : shards) {
      if (!s.spot.master) continue;
      sum += at(*m.sample(stats_kind::shard, s.uid, stats_interval::sec10, db->stime),
                stats_kind::shard, metric);
    }
    EXPECT_NEAR(sum, at(*db, stats_kind::bdb, metric), 1e-6) << metric;
  }
  // A replica mirrors its master's keys and memory and serves nothing.
  const auto master = *m.sample(stats_kind::shard, shards[0].uid, stats_interval::sec10, db->stime);
  const auto replica =
      *m.sample(stats_kind::shard, shards[1].uid, stats_interval::sec10, db->stime);
  EXPECT_FALSE(shards[1].spot.master);
  EXPECT_EQ(at(replica, stats_kind::shard, "used_memory"),
            at(master, stats_kind::shard, "used_memory"));
  EXPECT_EQ(at(replica, stats_kind::shard, "no_of_keys"),
            at(master, stats_kind::shard, "no_of_keys"));
  EXPECT_EQ(at(replica, stats_kind::shard, "total_req"), 0);
  // The endpoint forwards what the database served.
  const auto ep = *m.last(stats_kind::endpoint, 1, stats_interval::sec10);
  EXPECT_EQ(at(ep, stats_kind::endpoint, "total_req"), at(*db, stats_kind::bdb, "total_req"));
}

TEST(stats, nodes_sum_their_shards_and_the_cluster_sums_the_nodes) {
  registry_data d = stats_cluster({sharded, {{"uid", 2}, {"memory_size", 1e8}, {"name", "b"}}});
  steer(d, "bdb:1", "instantaneous_ops_per_sec", t0, 9000);
  steer(d, "bdb:2", "instantaneous_ops_per_sec", t0, 1000);
  const double now = t0 + 300;
  const stats_model m(d, now);
  const double stime = now - 60;
  double node_req = 0;
  double node_conns = 0;
  double cores = 0;
  double cpu = 0;
  for (std::uint64_t n = 1; n <= 3; ++n) {
    const auto s = *m.sample(stats_kind::node, n, stats_interval::sec1, stime);
    node_req += at(s, stats_kind::node, "total_req");
    node_conns += at(s, stats_kind::node, "conns");
    cores += 14;
    cpu += 14 * at(s, stats_kind::node, "cpu_user");
    double fractions = 0;
    for (const auto* f :
         {"cpu_idle", "cpu_iowait", "cpu_irqs", "cpu_nice", "cpu_steal", "cpu_system", "cpu_user"})
      fractions += at(s, stats_kind::node, f);
    EXPECT_NEAR(fractions, 1.0, 1e-9) << n;
    EXPECT_LE(at(s, stats_kind::node, "provisional_memory"),
              at(s, stats_kind::node, "available_memory"));
  }
  double dbs_req = 0;
  for (std::uint64_t b = 1; b <= 2; ++b)
    dbs_req += at(*m.sample(stats_kind::bdb, b, stats_interval::sec1, stime), stats_kind::bdb,
                  "total_req");
  EXPECT_NEAR(node_req, dbs_req, 1e-6);
  const auto c = *m.sample(stats_kind::cluster, 0, stats_interval::sec1, stime);
  EXPECT_NEAR(at(c, stats_kind::cluster, "total_req"), node_req, 1e-6);
  EXPECT_NEAR(at(c, stats_kind::cluster, "conns"), node_conns, 1e-9);
  EXPECT_NEAR(at(c, stats_kind::cluster, "cpu_user"), std::round(cpu / cores * 1000) / 1000, 1e-9);
}

TEST(stats, history_starts_at_the_creation) {
  const registry_data d = stats_cluster({{{"uid", 1}, {"name", "a"}}});
  const stats_model m(d, t0 + 300.5);
  EXPECT_FALSE(m.sample(stats_kind::bdb, 1, stats_interval::sec1, t0 - 1));
  EXPECT_TRUE(m.sample(stats_kind::bdb, 1, stats_interval::sec1, t0));
  const auto ten = m.series(stats_kind::bdb, 1, stats_interval::sec10);
  ASSERT_EQ(ten.size(), 30u);  // 300 s of history: 30 of them, the retention
  EXPECT_EQ(ten.front().stime, t0);
  EXPECT_EQ(ten.back().etime, t0 + 300);
  const auto one = m.series(stats_kind::bdb, 1, stats_interval::sec1);
  ASSERT_EQ(one.size(), 10u);
  EXPECT_EQ(one.back().etime, t0 + 300);
  for (std::size_t i = 1; i < one.size(); ++i) EXPECT_EQ(one[i].stime, one[i - 1].etime);
  // t0 is a multiple of 300: one complete 5min sample, nothing longer yet.
  EXPECT_EQ(m.series(stats_kind::bdb, 1, stats_interval::min5).size(), 1u);
  EXPECT_TRUE(m.series(stats_kind::bdb, 1, stats_interval::min15).empty());
  // Within stime/etime only.
  const auto some = m.series(stats_kind::bdb, 1, stats_interval::sec10, t0 + 100, t0 + 150);
  ASSERT_EQ(some.size(), 5u);
  EXPECT_EQ(some.front().stime, t0 + 100);
  EXPECT_EQ(some.back().etime, t0 + 150);
  // An idle database: no ops, the overhead of its shard in memory.
  const auto s = one.back();
  EXPECT_EQ(at(s, stats_kind::bdb, "instantaneous_ops_per_sec"), 0);
  EXPECT_EQ(at(s, stats_kind::bdb, "no_of_keys"), 0);
  EXPECT_EQ(at(s, stats_kind::bdb, "last_req_time"), 0);
  EXPECT_GT(at(s, stats_kind::bdb, "used_memory"), 1e6);
}

TEST(stats, keys_grow_with_writes_and_memory_stays_under_its_size) {
  registry_data d = stats_cluster({{{"uid", 1}, {"name", "a"}, {"memory_size", 100e6}}});
  // Traffic from an hour after the creation: no keys before it.
  steer(d, "bdb:1", "instantaneous_ops_per_sec", t0 + 3600, 10000);
  const stats_model early(d, t0 + 3660);
  const stats_model later(d, t0 + 3720);
  EXPECT_EQ(*early.value(stats_kind::bdb, 1, "no_of_keys", t0 + 3599, stats_interval::sec1), 0);
  const double k1 = *early.value(stats_kind::bdb, 1, "no_of_keys", t0 + 3659, stats_interval::sec1);
  const double k2 = *later.value(stats_kind::bdb, 1, "no_of_keys", t0 + 3719, stats_interval::sec1);
  EXPECT_NEAR(k1, 10000 * 0.015 * 60, 1);  // 1.5 % of ops are new keys
  EXPECT_NEAR(k2, 2 * k1, 2);
  // Hours later the memory is full, not past it.
  const stats_model full(d, t0 + 86400);
  const auto s = *full.last(stats_kind::bdb, 1, stats_interval::sec1);
  EXPECT_LE(at(s, stats_kind::bdb, "used_memory"), 100e6);
  EXPECT_GT(at(s, stats_kind::bdb, "used_memory"), 99e6);
}

TEST(stats, steering_sets_levels_ratios_and_ramps) {
  registry_data d = stats_cluster({sharded});
  steer(d, "bdb:1", "used_memory", t0 + 100, 0.95, 0, true);
  steer(d, "bdb:1", "instantaneous_ops_per_sec", t0 + 100, 1000, 100);  // ramps from 0
  steer(d, "node:2", "cpu_user", t0 + 100, 0.5);
  const stats_model m(d, t0 + 400);
  const auto g = stats_interval::sec1;
  EXPECT_LT(*m.value(stats_kind::bdb, 1, "used_memory", t0 + 98, g), 1e8);
  EXPECT_NEAR(*m.value(stats_kind::bdb, 1, "used_memory", t0 + 100, g), 0.95e9, 3);
  EXPECT_EQ(*m.value(stats_kind::bdb, 1, "instantaneous_ops_per_sec", t0 + 50, g), 0);
  // Halfway up the ramp, the average of [150, 151) is about 505.
  EXPECT_NEAR(*m.value(stats_kind::bdb, 1, "instantaneous_ops_per_sec", t0 + 150, g), 505, 15);
  EXPECT_NEAR(*m.value(stats_kind::bdb, 1, "instantaneous_ops_per_sec", t0 + 300, g), 1000, 25);
  const auto node = *m.sample(stats_kind::node, 2, g, t0 + 300);
  EXPECT_EQ(at(node, stats_kind::node, "cpu_user"), 0.5);
  EXPECT_LE(at(node, stats_kind::node, "cpu_idle"), 0.5);
}

TEST(stats, a_stopped_or_pending_database_shows_no_ops) {
  registry_data d = stats_cluster({{{"uid", 1}, {"name", "a"}}});
  steer(d, "bdb:1", "instantaneous_ops_per_sec", t0, 500);
  database db = *d.databases.at(1);
  db.traffic_stopped = true;
  d.put_database(db);
  const stats_model m(d, t0 + 60);
  EXPECT_EQ(
      *m.value(stats_kind::bdb, 1, "instantaneous_ops_per_sec", t0 + 30, stats_interval::sec1), 0);
  EXPECT_EQ(*m.value(stats_kind::bdb, 1, "conns", t0 + 30, stats_interval::sec1), 0);
}

TEST(stats, the_same_seed_gives_the_same_figures) {
  registry_data a = stats_cluster({sharded}, 7);
  registry_data b = stats_cluster({sharded}, 7);
  registry_data c = stats_cluster({sharded}, 8);
  for (registry_data* d : {&a, &b, &c}) steer(*d, "bdb:1", "instantaneous_ops_per_sec", t0, 5000);
  const auto shard = shard_uids_of(*a.databases.at(1)).front();
  const auto one = stats_model(a, t0 + 100).series(stats_kind::shard, shard, stats_interval::sec1);
  const auto two = stats_model(b, t0 + 100).series(stats_kind::shard, shard, stats_interval::sec1);
  const auto three =
      stats_model(c, t0 + 100).series(stats_kind::shard, shard, stats_interval::sec1);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i].values, two[i].values);
  EXPECT_NE(one.back().values, three.back().values);
}

TEST(stats, unknown_objects_have_no_samples) {
  const registry_data d = stats_cluster({{{"uid", 1}, {"name", "a"}}});
  const stats_model m(d, t0 + 60);
  EXPECT_FALSE(m.exists(stats_kind::bdb, 9));
  EXPECT_FALSE(m.exists(stats_kind::node, 9));
  EXPECT_FALSE(m.exists(stats_kind::shard, 99));
  EXPECT_TRUE(m.series(stats_kind::bdb, 9, stats_interval::sec1).empty());
  EXPECT_FALSE(m.value(stats_kind::bdb, 1, "no_such_metric", t0 + 10, stats_interval::sec1));
}

TEST(stats, render_keeps_the_asked_metrics_as_floats) {
  const registry_data d = stats_cluster({{{"uid", 1}, {"name", "a"}}});
  const stats_model m(d, t0 + 60);
  const auto s = *m.last(stats_kind::bdb, 1, stats_interval::sec1);
  const json all = render_stats_sample(stats_kind::bdb, s, true);
  EXPECT_EQ(all.size(), 39u);
  EXPECT_TRUE(all["conns"].is_number_float());
  EXPECT_EQ(all["last_req_time"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(all["interval"], "1sec");
  const std::vector<std::string> keep{"used_memory", "no_of_keys"};
  const json few = render_stats_sample(stats_kind::bdb, s, false, keep);
  EXPECT_EQ(few.size(), 4u) << few;  // stime, etime and the two
}

TEST(stats, query_times_take_iso_forms) {
  EXPECT_EQ(parse_stats_time("2025-10-14T00:07:11Z"), 1760400431);
  EXPECT_EQ(parse_stats_time("2025-10-14T00:07:11.5Z"), 1760400431.5);
  EXPECT_EQ(parse_stats_time("2025-10-14T02:07:11+02:00"), 1760400431);
  EXPECT_EQ(parse_stats_time("2025-10-13T23:07:11-01:00"), 1760400431);
  EXPECT_FALSE(parse_stats_time("2025-10-14"));
  EXPECT_FALSE(parse_stats_time("2025-10-14T00:07:11"));
  EXPECT_FALSE(parse_stats_time("2025-10-14T00:07:11.Z"));
  EXPECT_FALSE(parse_stats_time("yesterday"));
}

TEST(stats, steering_bodies_are_checked) {
  const auto ok = read_stats_steer(stats_kind::bdb, {{"metric", "used_memory"}, {"ratio", 0.95}});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->step.ratio);
  EXPECT_EQ(ok->step.target, 0.95);
  for (const json& bad :
       {json{{"metric", "used_memory"}},
        json{{"metric", "used_memory"}, {"value", 1}, {"ratio", 0.5}},
        json{{"metric", "nope"}, {"value", 1}}, json{{"metric", "last_req_time"}, {"value", 1}},
        json{{"metric", "conns"}, {"ratio", 0.5}}, json{{"metric", "used_memory"}, {"ratio", 1.5}},
        json{{"metric", "mem_frag_ratio"}, {"value", 2}, {"ramp_seconds", 5}},
        json{{"metric", "conns"}, {"value", -1}},
        json{{"metric", "conns"}, {"value", 1}, {"extra", 1}}, json{{"value", 1}}}) {
    const auto r = read_stats_steer(stats_kind::bdb, bad);
    ASSERT_FALSE(r) << bad;
    const bool schema = r.error().error == api_error::invalid_schema ||
                        r.error().error == api_error::missing_field;  // no "metric"
    EXPECT_TRUE(schema) << bad;
  }
  EXPECT_TRUE(read_stats_steer(stats_kind::node, {{"metric", "free_memory"}, {"ratio", 0.1}}));
  EXPECT_FALSE(read_stats_steer(stats_kind::node, {{"metric", "cpu_user"}, {"value", 2}}));
  EXPECT_FALSE(read_stats_steer(stats_kind::shard, {{"metric", "conns"}, {"value", 2}}));
}

TEST(stats, steering_records_round_trip_and_stay_bounded) {
  stats_steering s;
  for (int i = 0; i < 40; ++i) add_stats_step(s, "bdb:1", "conns", {t0 + i, 1.0 * i, 0, false});
  EXPECT_EQ(s.objects["bdb:1"]["conns"].size(), max_stats_steps);
  add_stats_step(s, "node:1", "free_memory", {t0, 0.2, 0, true});
  const auto back = stats_steering_from_record(stats_steering_record(s), "stats");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  EXPECT_FALSE(stats_steering_from_record(
      json::parse(R"([{"object":"x:1","metric":"conns","steps":[]}])"), "stats"));
}
