// Unit tests for the cluster's exporter text (src/api/exporter.cpp): the
// format's rules (HELP and TYPE before each family, once; names and escaped
// label values), the v2 names and labels, values equal to the statistics
// model's at the same time, counters whose rate is the model's rate and that
// never go down, and nothing for a database that is gone.
#include "reemu/api/exporter.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "exposition.hpp"
#include "model_fixtures.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/stats.hpp"

using namespace reemu;
using reemu::test::parse_exposition;

namespace {

using test::t0;

// Nodes 1 to 3 up since t0 - 3600, the databases `dbs` created at t0, and
// one user.
registry_data exporter_cluster(const std::vector<json>& dbs) {
  registry_data d;
  for (std::uint64_t uid = 1; uid <= 3; ++uid) {
    node one;
    one.uid = uid;
    one.started_at = t0 - 3600;
    d.nodes[uid] = std::make_shared<const node>(std::move(one));
  }
  for (const json& obj : dbs) d.put_database(database_from_object(obj, t0, d, cluster_settings{}));
  user u;
  u.uid = 1;
  u.email = "admin@redis.local";
  d.users.emplace(u.email, u);
  return d;
}

const json replicated = {
    {"uid", 1}, {"shards_count", 2}, {"replication", true}, {"memory_size", 1e9}, {"name", "a"}};
const json single = {{"uid", 2}, {"memory_size", 2e8}, {"name", "b"}};

double model_value(const stats_model& m, stats_kind k, std::uint64_t uid, std::string_view metric) {
  const auto s = m.last(k, uid, stats_interval::sec1);
  return s ? s->values.at(*metric_index(k, metric)) : -1;
}

}  // namespace

TEST(exporter, families_follow_the_text_format_with_the_v2_names_and_labels) {
  registry_data d = exporter_cluster({replicated, single});
  const double now = t0 + 600;
  const auto doc = parse_exposition(render_exporter_metrics(d, "cluster.local", now));

  EXPECT_EQ(doc.types.at("endpoint_read_requests"), "counter");
  EXPECT_EQ(doc.types.at("redis_server_used_memory"), "gauge");
  EXPECT_EQ(doc.types.at("redis_server_total_commands_processed"), "counter");
  EXPECT_EQ(doc.types.at("node_available_memory_bytes"), "gauge");
  EXPECT_EQ(doc.types.at("db_memory_limit_bytes"), "gauge");
  EXPECT_FALSE(doc.helps.at("endpoint_ingress").empty());

  // Every sample names the cluster.
  for (const auto& s : doc.samples) EXPECT_EQ(s.labels.at("cluster"), "cluster.local") << s.name;

  // One series per shard: 2 masters and 2 replicas of db 1, one master of db 2.
  const auto up = doc.find("redis_server_up");
  ASSERT_EQ(up.size(), 5u);
  const std::vector<shard_info> shards = all_shards(d, now);
  ASSERT_EQ(shards.size(), 5u);
  for (const shard_info& s : shards) {
    const auto one = doc.find("redis_server_up", {{"redis", std::to_string(s.uid)}});
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].value, 1);
    EXPECT_EQ(one[0].labels.at("db"), std::to_string(s.bdb_uid));
    EXPECT_EQ(one[0].labels.at("node"), std::to_string(s.spot.node_uid));
    EXPECT_EQ(one[0].labels.at("role"), s.spot.master ? "master" : "slave");
  }
  EXPECT_EQ(doc.find("redis_server_connected_slaves", {{"role", "master"}, {"db", "1"}}).size(),
            2u);
  EXPECT_EQ(doc.value("redis_server_connected_slaves", {{"redis", std::to_string(shards[0].uid)}}),
            1);

  // Databases, endpoints, nodes, the cluster.
  EXPECT_EQ(doc.value("db_memory_limit_bytes", {{"db", "1"}}), 1e9);
  EXPECT_EQ(doc.value("db_replication_factor", {{"db", "1"}}), 2);
  EXPECT_EQ(doc.value("db_replication_factor", {{"db", "2"}}), 1);
  EXPECT_EQ(doc.find("endpoint_client_connections").size(), 2u);
  EXPECT_EQ(doc.find("node_metrics_up").size(), 3u);
  EXPECT_EQ(doc.find("total_node_count").size(), 3u);
  EXPECT_EQ(doc.value("total_node_count", {{"cluster_wd", "2"}}), 3);
  EXPECT_EQ(doc.value("is_primary", {{"cluster_wd", "1"}}), 1);
  EXPECT_EQ(doc.value("is_primary", {{"cluster_wd", "3"}}), 0);
  EXPECT_EQ(doc.value("has_quorum", {{"cluster_wd", "1"}, {"has_witness_disk", "false"}}), 1);
  EXPECT_EQ(doc.value("users_count", {}), 1);
  EXPECT_EQ(doc.find("license_shards_limit").size(), 2u);
}

TEST(exporter, gauges_are_the_stats_models_last_second) {
  registry_data d = exporter_cluster({replicated, single});
  add_stats_step(d.stats, "bdb:1", "instantaneous_ops_per_sec", {t0 + 10, 30000, 0, false});
  const double now = t0 + 600.5;
  const stats_model m(d, now);
  const auto doc = parse_exposition(render_exporter_metrics(d, "c", now));

  double keys = 0;
  for (const shard_info& s : all_shards(d, now)) {
    const std::string redis = std::to_string(s.uid);
    EXPECT_EQ(doc.value("redis_server_used_memory", {{"redis", redis}}),
              model_value(m, stats_kind::shard, s.uid, "used_memory"));
    EXPECT_EQ(doc.value("redis_server_instantaneous_ops_per_sec", {{"redis", redis}}),
              model_value(m, stats_kind::shard, s.uid, "instantaneous_ops_per_sec"));
    if (s.bdb_uid == 1 && s.spot.master)
      keys += doc.value("redis_server_db_keys", {{"redis", redis}});
  }
  EXPECT_GT(keys, 0);
  EXPECT_EQ(keys, model_value(m, stats_kind::bdb, 1, "no_of_keys"));
  for (const std::string node : {"1", "2", "3"}) {
    EXPECT_EQ(doc.value("node_available_memory_bytes", {{"node", node}}),
              model_value(m, stats_kind::node, std::stoull(node), "available_memory"));
    EXPECT_EQ(doc.value("node_memory_MemFree_bytes", {{"node", node}}),
              model_value(m, stats_kind::node, std::stoull(node), "free_memory"));
  }
  // bdb_conns = connections - disconnections (the reference's PromQL).
  EXPECT_EQ(doc.value("endpoint_client_connections", {{"db", "1"}}) -
                doc.value("endpoint_client_disconnections", {{"db", "1"}}) -
                doc.value("endpoint_proxy_disconnections", {{"db", "1"}}),
            model_value(m, stats_kind::bdb, 1, "conns"));
}

TEST(exporter, counters_grow_at_the_models_rate_and_never_go_down) {
  registry_data d = exporter_cluster({replicated});
  add_stats_step(d.stats, "bdb:1", "instantaneous_ops_per_sec", {t0 + 10, 30000, 0, false});
  add_stats_step(d.stats, "bdb:1", "instantaneous_ops_per_sec", {t0 + 400, 1000, 60, false});
  double before_reads = -1;
  double before_cmds = -1;
  for (double t = t0; t <= t0 + 900; t += 30) {
    const auto doc = parse_exposition(render_exporter_metrics(d, "c", t));
    const double reads = doc.value("endpoint_read_requests", {{"db", "1"}});
    double cmds = 0;
    for (const auto& s : doc.find("redis_server_total_commands_processed")) cmds += s.value;
    EXPECT_GE(reads, before_reads) << t - t0;
    EXPECT_GE(cmds, before_cmds) << t - t0;
    before_reads = reads;
    before_cmds = cmds;
  }
  // Over a steady minute, the rate of the counters is the model's.
  const double a = t0 + 100;
  const double b = t0 + 160;
  const auto da = parse_exposition(render_exporter_metrics(d, "c", a));
  const auto db = parse_exposition(render_exporter_metrics(d, "c", b));
  const auto rate = [&](const std::string& name) {
    return (db.value(name, {{"db", "1"}}) - da.value(name, {{"db", "1"}})) / (b - a);
  };
  EXPECT_NEAR(rate("endpoint_read_requests"), 18000, 1);
  EXPECT_NEAR(rate("endpoint_write_requests"), 9000, 1);
  EXPECT_NEAR(rate("endpoint_other_requests"), 3000, 1);
  EXPECT_NEAR(rate("endpoint_ingress"), 30000.0 * 110, 1);
  // Before any traffic, nothing was counted.
  const auto quiet = parse_exposition(render_exporter_metrics(d, "c", t0 + 5));
  EXPECT_EQ(quiet.value("endpoint_read_requests", {{"db", "1"}}), 0);
}

TEST(exporter, label_values_are_escaped) {
  const registry_data d = exporter_cluster({single});
  const std::string text = render_exporter_metrics(d, "a\"b\\c\nd", t0 + 60);
  EXPECT_NE(text.find(R"(cluster="a\"b\\c\nd")"), std::string::npos);
  const auto doc = parse_exposition(text);
  EXPECT_EQ(doc.find("node_metrics_up", {{"cluster", "a\"b\\c\nd"}}).size(), 3u);
}

TEST(exporter, a_database_that_is_gone_has_no_series) {
  const registry_data d = exporter_cluster({});
  const auto doc = parse_exposition(render_exporter_metrics(d, "c", t0 + 60));
  EXPECT_TRUE(doc.find("redis_server_up").empty());
  EXPECT_TRUE(doc.find("db_memory_limit_bytes").empty());
  EXPECT_EQ(doc.find("node_metrics_up").size(), 3u);
}
