// Unit tests for the alerts model (src/model/alerts.cpp): the catalogue,
// an alert's state following the statistics model against its threshold
// (a database pushed past its memory threshold raises bdb_size at the
// second it crossed, a ramp crosses where the line meets the threshold, a
// later step clears it), forced states, the cluster's node-count alerts,
// the settings' checks, the transitions /v1/logs shows, the raised alerts
// the dashboard lists (state true and enabled, or forced raised) and the
// state file's record.
#include "reemu/model/alerts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model_fixtures.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/registry_data.hpp"

using namespace reemu;

namespace {

using test::t0;

// Nodes 1 to `nodes` up since t0 - 3600, and one database of 1 GB (uid 1)
// created at t0.
registry_data alert_cluster(std::uint64_t nodes = 3) {
  registry_data d;
  d.ids.seed = 1;
  for (std::uint64_t uid = 1; uid <= nodes; ++uid) {
    node one;
    one.uid = uid;
    one.started_at = t0 - 3600;
    d.nodes[uid] = std::make_shared<const node>(std::move(one));
  }
  const json db = {{"uid", 1}, {"shards_count", 2}, {"memory_size", 1e9}, {"name", "a"}};
  d.put_database(database_from_object(db, t0, d, cluster_settings{}));
  return d;
}

const json no_base = json::object();

const alert_def& def_of(alert_scope s, std::string_view name) {
  const alert_def* def = find_alert(s, name);
  EXPECT_NE(def, nullptr) << name;
  return *def;
}

void steer_memory(registry_data& d, double since, double ratio, double ramp = 0) {
  add_stats_step(d.stats, "bdb:1", "used_memory", {since, ratio, ramp, true});
}

}  // namespace

TEST(alerts, catalogues_are_sorted_and_complete) {
  for (const auto s : {alert_scope::cluster, alert_scope::node, alert_scope::bdb}) {
    const auto defs = alert_catalog(s);
    EXPECT_TRUE(
        std::is_sorted(defs.begin(), defs.end(),
                       [](const alert_def& a, const alert_def& b) { return a.name < b.name; }))
        << to_string(s);
    for (const alert_def& def : defs) {
      EXPECT_EQ(def.scope, s);
      EXPECT_EQ(def.has_threshold, !def.default_threshold.empty()) << def.name;
    }
    EXPECT_EQ(parse_alert_scope(to_string(s)), s);
  }
  EXPECT_EQ(alert_catalog(alert_scope::cluster).size(), 12u);  // the capture's
  EXPECT_EQ(alert_catalog(alert_scope::node).size(), 11u);
  EXPECT_EQ(alert_catalog(alert_scope::bdb).size(), 15u);
  EXPECT_EQ(find_alert(alert_scope::bdb, "node_memory"), nullptr);
  EXPECT_FALSE(parse_alert_scope("shard"));
  EXPECT_EQ(alert_key(alert_scope::bdb, 3, "bdb_size"), "bdb:3/bdb_size");
  EXPECT_EQ(alert_key(alert_scope::cluster, 0, "cluster_internal_bdb"),
            "cluster/cluster_internal_bdb");
  EXPECT_EQ(alert_object_name(alert_scope::node, 2), "node:2");
  EXPECT_EQ(alert_object_name(alert_scope::cluster, 0), "cluster");
}

TEST(alerts, a_database_past_its_memory_threshold_raises_bdb_size_at_the_crossing) {
  registry_data d = alert_cluster();
  const alert_def& size = def_of(alert_scope::bdb, "bdb_size");
  {
    const alert_evaluator ev(d, no_base, t0 + 50);
    const alert_value v = ev.evaluate(size, 1);
    EXPECT_FALSE(v.state);
    EXPECT_FALSE(v.enabled);
    EXPECT_EQ(v.change_time, t0);  // never changed: since the creation
    EXPECT_EQ(v.threshold, "80");
    EXPECT_EQ(v.severity, "INFO");
  }
  steer_memory(d, t0 + 100, 0.95);
  const alert_evaluator ev(d, no_base, t0 + 700);
  const alert_value v = ev.evaluate(size, 1);
  EXPECT_TRUE(v.state);
  EXPECT_EQ(v.severity, "WARNING");
  EXPECT_EQ(v.change_time, t0 + 100);
  EXPECT_EQ(v.change_value, (json{{"memory_util", 95.0}, {"state", true}, {"threshold", "80"}}));
  EXPECT_FALSE(ev.model_state(size, 1, t0 + 98));
  EXPECT_TRUE(ev.model_state(size, 1, t0 + 100));

  // The same at every later read: a pure function of the snapshot and now.
  EXPECT_EQ(alert_evaluator(d, no_base, t0 + 5000).evaluate(size, 1).change_time, t0 + 100);

  const json wire = render_alert(size, v);
  EXPECT_EQ(wire["change_time"], rfc3339(t0 + 100));
  EXPECT_EQ(wire["threshold"], "80");
  EXPECT_EQ(wire.size(), 6u);
}

TEST(alerts, a_ramp_crosses_where_the_line_meets_the_threshold_and_a_later_step_clears) {
  registry_data d = alert_cluster();
  const alert_def& size = def_of(alert_scope::bdb, "bdb_size");
  steer_memory(d, t0 + 100, 1.0, 100);  // 0 % -> 100 % over 100 s: 80 % near t0 + 180
  const alert_value raised = alert_evaluator(d, no_base, t0 + 400).evaluate(size, 1);
  EXPECT_TRUE(raised.state);
  EXPECT_NEAR(raised.change_time, t0 + 180, 1.0);
  EXPECT_GE(raised.change_value["memory_util"].get<double>(), 80);

  steer_memory(d, t0 + 1000, 0.1);
  const alert_evaluator later(d, no_base, t0 + 3000);
  const alert_value cleared = later.evaluate(size, 1);
  EXPECT_FALSE(cleared.state);
  EXPECT_EQ(cleared.change_time, t0 + 1000);
  EXPECT_EQ(cleared.change_value["memory_util"], 10.0);

  // Both transitions, oldest first.
  const auto moves = later.transitions(size, 1, 16);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_NEAR(moves[0].first, t0 + 180, 1.0);
  EXPECT_TRUE(moves[0].second);
  EXPECT_EQ(moves[1], std::make_pair(t0 + 1000, false));
}

TEST(alerts, the_threshold_and_enabled_come_from_the_database_settings) {
  registry_data d = alert_cluster();
  steer_memory(d, t0 + 100, 0.5);
  const alert_def& size = def_of(alert_scope::bdb, "bdb_size");
  EXPECT_FALSE(alert_evaluator(d, no_base, t0 + 200).evaluate(size, 1).state);
  auto settings =
      read_bdb_alert_settings(json{{"bdb_size", {{"enabled", true}, {"threshold", "40"}}}}, {});
  ASSERT_TRUE(settings);
  d.alerts.bdb_settings[1] = *settings;
  const alert_value v = alert_evaluator(d, no_base, t0 + 200).evaluate(size, 1);
  EXPECT_TRUE(v.state);
  EXPECT_TRUE(v.enabled);
  EXPECT_EQ(v.threshold, "40");
  EXPECT_EQ(v.change_time, t0 + 100);
}

TEST(alerts, throughput_alerts_follow_the_ops) {
  registry_data d = alert_cluster();
  const alert_def& high = def_of(alert_scope::bdb, "bdb_high_throughput");
  const alert_def& low = def_of(alert_scope::bdb, "bdb_low_throughput");
  add_stats_step(d.stats, "bdb:1", "instantaneous_ops_per_sec", {t0 + 60, 60000, 0, false});
  const alert_evaluator ev(d, no_base, t0 + 120);
  EXPECT_TRUE(ev.evaluate(high, 1).state);
  // The database's ops are its shards' with a seeded jitter of a few %.
  EXPECT_NEAR(ev.evaluate(high, 1).change_value["throughput"].get<double>(), 60000, 2000);
  EXPECT_FALSE(ev.evaluate(low, 1).state);
  EXPECT_TRUE(alert_evaluator(d, no_base, t0 + 30).evaluate(low, 1).state);  // no traffic yet
}

TEST(alerts, a_forced_state_wins_from_its_time) {
  registry_data d = alert_cluster();
  const alert_def& latency = def_of(alert_scope::bdb, "bdb_high_latency");
  d.alerts.forced[alert_key(alert_scope::bdb, 1, "bdb_high_latency")] = {true, t0 + 30};
  const alert_value v = alert_evaluator(d, no_base, t0 + 40).evaluate(latency, 1);
  EXPECT_TRUE(v.state);
  EXPECT_TRUE(v.forced);
  EXPECT_EQ(v.change_time, t0 + 30);
  EXPECT_EQ(v.change_value, (json{{"state", true}, {"threshold", "10000"}}));
}

TEST(alerts, node_count_alerts_follow_the_nodes) {
  const alert_def& even = def_of(alert_scope::cluster, "cluster_even_node_count");
  const alert_def& few = def_of(alert_scope::cluster, "cluster_too_few_nodes_for_replication");
  const registry_data three = alert_cluster(3);
  const alert_evaluator ev3(three, no_base, t0 + 10);
  EXPECT_FALSE(ev3.evaluate(even, 0).state);
  EXPECT_FALSE(ev3.evaluate(few, 0).state);
  EXPECT_EQ(ev3.evaluate(even, 0).change_value, (json{{"node_count", 3}, {"state", false}}));
  const registry_data one = alert_cluster(1);
  const alert_evaluator ev1(one, no_base, t0 + 10);
  EXPECT_TRUE(ev1.evaluate(even, 0).state);  // as the one-node capture shows
  EXPECT_TRUE(ev1.evaluate(few, 0).state);
  EXPECT_EQ(ev1.evaluate(few, 0).severity, "WARNING");
  EXPECT_FALSE(alert_evaluator(alert_cluster(2), no_base, t0).evaluate(few, 0).state);
}

TEST(alerts, cluster_alert_settings_merge_over_the_base) {
  const json base = {{"node_memory", {{"enabled", false}, {"threshold", "70"}}},
                     {"cluster_ocsp_query_failed", true}};
  auto read =
      read_cluster_alert_settings(json{{"node_memory", {{"enabled", true}, {"threshold", "1"}}},
                                       {"node_failed", true},
                                       {"cluster_node_operation_failed", false}});
  ASSERT_TRUE(read) << read.error().description;
  registry_data d = alert_cluster();
  d.alerts.cluster_settings = *read;
  const json merged = effective_cluster_alert_settings(d.alerts, base);
  EXPECT_EQ(merged["node_memory"], (json{{"enabled", true}, {"threshold", "1"}}));
  EXPECT_EQ(merged["cluster_ocsp_query_failed"], true);
  const alert_evaluator ev(d, base, t0 + 10);
  const alert_value mem = ev.evaluate(def_of(alert_scope::node, "node_memory"), 1);
  EXPECT_TRUE(mem.enabled);
  EXPECT_EQ(mem.change_value["global_threshold"], "1");
  EXPECT_TRUE(mem.change_value.contains("memory_util"));
  EXPECT_TRUE(ev.evaluate(def_of(alert_scope::node, "node_failed"), 1).enabled);

  for (const json& bad :
       {json::array(), json{{"bogus", true}}, json{{"node_memory", "yes"}},
        json{{"node_memory", {{"threshold", 80}}}}, json{{"node_memory", {{"threshold", "x"}}}},
        json{{"node_memory", {{"enabled", 1}}}}, json{{"node_failed", {{"threshold", "1"}}}},
        json{{"node_memory", {{"extra", true}}}}}) {
    const auto refused = read_cluster_alert_settings(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().error, api_error::invalid_schema) << bad;
  }
}

TEST(alerts, database_settings_are_checked_field_by_field) {
  const std::map<std::string, bdb_alert_setting> current{{"bdb_size", {true, "70"}}};
  auto ok = read_bdb_alert_settings(
      json{{"bdb_size", {{"threshold", "85.5"}}}, {"bdb_high_latency", {{"enabled", true}}}},
      current);
  ASSERT_TRUE(ok) << ok.error().description;
  EXPECT_EQ(ok->at("bdb_size"), (bdb_alert_setting{true, "85.5"}));           // enabled kept
  EXPECT_EQ(ok->at("bdb_high_latency"), (bdb_alert_setting{true, "10000"}));  // default threshold

  const std::vector<std::pair<json, api_error>> bad{
      {json::array(), api_error::invalid_schema},
      {json{{"bdb_bogus", json::object()}}, api_error::invalid_schema},
      {json{{"bdb_size", true}}, api_error::invalid_schema},
      {json{{"bdb_size", {{"enabled", "yes"}}}}, api_error::invalid_schema},
      {json{{"bdb_size", {{"threshold", 80}}}}, api_error::invalid_schema},
      {json{{"bdb_size", {{"other", 1}}}}, api_error::invalid_schema},
      {json{{"bdb_size", {{"threshold", "high"}}}}, api_error::invalid_threshold},
      {json{{"bdb_size", {{"threshold", "120"}}}}, api_error::invalid_threshold},
      {json{{"bdb_high_latency", {{"threshold", "-1"}}}}, api_error::invalid_threshold},
      {json{{"bdb_high_latency", {{"threshold", ""}}}}, api_error::invalid_threshold},
  };
  for (const auto& [body, code] : bad) {
    const auto refused = read_bdb_alert_settings(body, current);
    ASSERT_FALSE(refused) << body;
    EXPECT_EQ(refused.error().error, code) << body;
  }
}

TEST(alerts, the_log_shows_the_transitions_of_enabled_steered_alerts) {
  registry_data d = alert_cluster();
  event_log log;
  add_alert_transitions(log, d, no_base, t0 + 500);
  EXPECT_TRUE(log.empty());  // nothing steered

  steer_memory(d, t0 + 100, 0.95);
  add_alert_transitions(log, d, no_base, t0 + 500);
  EXPECT_TRUE(log.empty());  // bdb_size not enabled

  d.alerts.bdb_settings[1]["bdb_size"] = {true, "80"};
  add_alert_transitions(log, d, no_base, t0 + 500);
  ASSERT_EQ(log.size(), 1u);
  const logged_event& e = *log.begin();
  EXPECT_EQ(e.time, t0 + 100);
  EXPECT_EQ(e.fields, (json{{"bdb_uid", "1"},
                            {"severity", "WARNING"},
                            {"state", true},
                            {"threshold", "80"},
                            {"type", "bdb_size"}}));

  // A forced alert is the control API's: its events are recorded there.
  d.alerts.forced["bdb:1/bdb_size"] = {false, t0 + 200};
  event_log none;
  add_alert_transitions(none, d, no_base, t0 + 500);
  EXPECT_TRUE(none.empty());
}

TEST(alerts, a_control_event_names_the_alert_and_its_object) {
  event_log log;
  record_alert_event(log, def_of(alert_scope::node, "node_failed"), 2, true, "", t0);
  record_alert_event(log, def_of(alert_scope::cluster, "cluster_license_about_to_expire"), 0, false,
                     "7", t0 + 1);
  ASSERT_EQ(log.size(), 2u);
  auto it = log.begin();
  EXPECT_EQ(
      it->fields,
      (json{{"node_uid", 2}, {"severity", "CRITICAL"}, {"state", true}, {"type", "node_failed"}}));
  ++it;
  EXPECT_EQ(it->fields, (json{{"global_threshold", "7"},
                              {"severity", "INFO"},
                              {"state", false},
                              {"type", "cluster_license_about_to_expire"}}));
}

// "bdb:1/bdb_size" for each alert raised() lists, in its order.
std::vector<std::string> raised_keys(const registry_data& d, const json& base, double now) {
  std::vector<std::string> out;
  for (const raised_alert& a : alert_evaluator(d, base, now).raised())
    out.push_back(alert_key(a.def->scope, a.uid, a.def->name));
  return out;
}

TEST(alerts, raised_lists_the_raised_alerts_that_are_enabled_or_forced) {
  registry_data d = alert_cluster();
  // An idle database's bdb_low_throughput is raised but disabled: not listed.
  EXPECT_TRUE(alert_evaluator(d, no_base, t0 + 30)
                  .evaluate(def_of(alert_scope::bdb, "bdb_low_throughput"), 1)
                  .state);
  EXPECT_TRUE(raised_keys(d, no_base, t0 + 30).empty());

  // Over its threshold but disabled: not listed; enabled: listed, evaluated
  // as the alert routes show it.
  steer_memory(d, t0 + 100, 0.95);
  EXPECT_TRUE(raised_keys(d, no_base, t0 + 200).empty());
  d.alerts.bdb_settings[1]["bdb_size"] = {true, "80"};
  const auto raised = alert_evaluator(d, no_base, t0 + 200).raised();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].def, find_alert(alert_scope::bdb, "bdb_size"));
  EXPECT_EQ(raised[0].uid, 1u);
  EXPECT_FALSE(raised[0].value.forced);
  EXPECT_EQ(raised[0].value.change_time, t0 + 100);
  const json shown = render_raised_alert(raised[0]);
  json routes = shown;
  for (const char* key : {"object", "scope", "uid", "name", "forced"}) routes.erase(key);
  const alert_def& size = def_of(alert_scope::bdb, "bdb_size");
  EXPECT_EQ(routes, render_alert(size, alert_evaluator(d, no_base, t0 + 200).evaluate(size, 1)));
  EXPECT_EQ(shown["object"], "bdb:1");
  EXPECT_EQ(shown["scope"], "bdb");
  EXPECT_EQ(shown["uid"], 1);
  EXPECT_EQ(shown["name"], "bdb_size");
  EXPECT_EQ(shown["forced"], false);
  EXPECT_EQ(shown["state"], true);

  // Enabled but below its threshold: not listed.
  d.alerts.bdb_settings[1]["bdb_size"] = {true, "99"};
  EXPECT_TRUE(raised_keys(d, no_base, t0 + 200).empty());
  d.alerts.bdb_settings[1]["bdb_size"] = {true, "80"};

  // Forced raised, disabled: listed from its time on, the cluster's first,
  // then the nodes' by uid, then the databases'. Forced cleared: gone.
  d.alerts.forced[alert_key(alert_scope::bdb, 1, "bdb_high_latency")] = {true, t0 + 150};
  d.alerts.forced[alert_key(alert_scope::node, 3, "node_failed")] = {true, t0 + 150};
  d.alerts.forced[alert_key(alert_scope::node, 2, "node_memory")] = {true, t0 + 150};
  d.alerts.forced[alert_key(alert_scope::cluster, 0, "cluster_internal_bdb")] = {true, t0 + 150};
  EXPECT_EQ(raised_keys(d, no_base, t0 + 140), std::vector<std::string>{"bdb:1/bdb_size"});
  EXPECT_EQ(
      raised_keys(d, no_base, t0 + 200),
      (std::vector<std::string>{"cluster/cluster_internal_bdb", "node:2/node_memory",
                                "node:3/node_failed", "bdb:1/bdb_high_latency", "bdb:1/bdb_size"}));
  const auto forced = alert_evaluator(d, no_base, t0 + 200).raised();
  EXPECT_TRUE(forced[2].value.forced);
  EXPECT_FALSE(forced[2].value.enabled);
  EXPECT_EQ(forced[2].value.severity, "CRITICAL");
  EXPECT_EQ(render_raised_alert(forced[0])["uid"], 0);
  EXPECT_EQ(render_raised_alert(forced[0])["object"], "cluster");
  d.alerts.forced[alert_key(alert_scope::bdb, 1, "bdb_size")] = {false, t0 + 180};
  d.alerts.forced.erase(alert_key(alert_scope::node, 2, "node_memory"));
  EXPECT_EQ(raised_keys(d, no_base, t0 + 200),
            (std::vector<std::string>{"cluster/cluster_internal_bdb", "node:3/node_failed",
                                      "bdb:1/bdb_high_latency"}));
}

TEST(alerts, raised_follows_the_cluster_settings_and_the_objects_at_now) {
  // A one-node cluster raises cluster_even_node_count, listed once enabled.
  registry_data one = alert_cluster(1);
  EXPECT_TRUE(raised_keys(one, no_base, t0 + 10).empty());
  const json base = {{"cluster_even_node_count", true}};
  EXPECT_EQ(raised_keys(one, base, t0 + 10),
            std::vector<std::string>{"cluster/cluster_even_node_count"});
  one.alerts.cluster_settings = {{"cluster_even_node_count", false}};  // PUT /v1/cluster's
  EXPECT_TRUE(raised_keys(one, base, t0 + 10).empty());

  // Only the objects there at now: a forced state left behind by a
  // database that is gone lists nothing.
  registry_data d = alert_cluster();
  d.alerts.forced[alert_key(alert_scope::bdb, 1, "bdb_high_latency")] = {true, t0};
  EXPECT_EQ(raised_keys(d, no_base, t0 + 1), std::vector<std::string>{"bdb:1/bdb_high_latency"});
  d.databases.erase(1);
  EXPECT_TRUE(raised_keys(d, no_base, t0 + 1).empty());
}

TEST(alerts, the_store_round_trips_through_its_record) {
  alert_store a;
  a.cluster_settings = {{"node_memory", {{"enabled", true}, {"threshold", "75"}}},
                        {"node_failed", true}};
  a.bdb_settings[3]["bdb_size"] = {true, "90"};
  a.bdb_settings[3]["bdb_low_throughput"] = {false, "5"};
  a.forced["bdb:3/bdb_size"] = {true, 1700000123.5};
  const auto back = alert_store_from_record(alert_store_record(a), "alerts");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(*back, a);
  EXPECT_EQ(*alert_store_from_record(alert_store_record(alert_store{}), "alerts"), alert_store{});

  for (const char* bad :
       {R"([])", R"({"bdb_settings":{}})", R"({"bdb_settings":[{"bdb_uid":"1","alerts":{}}]})",
        R"({"forced":[{"key":"bdb:1/bdb_size","state":"on","since":1}]})",
        R"({"cluster_settings":{"bogus":true}})"}) {
    EXPECT_FALSE(alert_store_from_record(json::parse(bad), "alerts")) << bad;
  }
}
