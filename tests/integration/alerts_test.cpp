// Integration tests of the alerts family over real HTTP on the manual
// clock: a database created, its memory threshold set, its used_memory
// steered past it through the control API, raising bdb_size with the
// crossing's change_time and change_value, and /v1/logs recording the
// raise beside the creation events; the cluster alerts in the capture's
// shape; the cluster's alert_settings through PUT /v1/cluster; the control
// API raising and clearing an alert; 404s with the cluster's error body;
// bad POST bodies refused changing nothing; the reference's permissions.
// The sync sources' alerts: a CRDB created, its participant made
// unreachable, the clock advanced (the connection error, then the lag
// raised on that source and logged), reachable again (cleared); Replica Of
// sources cleared unless the control API forces them; their 404s and
// permissions. Every answer is checked against docs/openapi.json by the
// test client.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

std::set<std::string> key_set(const json& obj) {
  std::set<std::string> out;
  for (const auto& item : obj.items()) out.insert(item.key());
  return out;
}

const std::string sync_remote = "https://rc2.example.com:9443";

// A CRDB of this cluster (docker-cluster) and rc2.example.com.
json sync_crdb_body() {
  return json::parse(R"J({"name":"aa-alerts","default_db_config":{"name":"aa-alerts",
      "memory_size":1073741824},
      "instances":[
        {"cluster":{"url":"https://docker-cluster:9443","name":"docker-cluster",
                    "credentials":{"username":"admin@redis.local","password":"secret"}}},
        {"cluster":{"url":"https://rc2.example.com:9443","name":"rc2.example.com",
                    "credentials":{"username":"admin@redis.local","password":"secret"}}}]})J");
}

class alerts_test : public manual_clock_test {
 protected:
  // A new active database of 100 MB; its uid.
  std::string make_database() {
    const auto made = srv.post("/v1/bdbs", {{"name", "watched"}, {"memory_size", 100'000'000}});
    EXPECT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
    return std::to_string(made.json_body()["uid"].get<int>());
  }

  double now() { return get_json("/emulator/v1/clock")["now"].get<double>(); }

  // Creates the CRDB of sync_crdb_body() and waits for its task; the uid of
  // its local database.
  std::string make_crdb() {
    const auto r = srv.post("/v1/crdbs", sync_crdb_body());
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string task = r.json_body().value("id", "");
    json t;
    for (int i = 0; i < 120; ++i) {
      t = get_json("/v1/crdb_tasks/" + task);
      if (t["status"] != "queued" && t["status"] != "started") break;
      advance(1);
    }
    EXPECT_EQ(t["status"], "finished") << t;
    const json c = get_json("/v1/crdbs/" + t.value("crdb_guid", ""));
    return c["local_databases"][0].value("bdb_uid", "");
  }

  void set_participant(bool reachable) {
    const auto r =
        put("/emulator/v1/participants", {{"url", sync_remote}, {"reachable", reachable}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The events of /v1/logs of `type`.
  std::vector<json> events_of(const std::string& type) {
    std::vector<json> out;
    for (const json& e : get_json("/v1/logs"))
      if (e["type"] == type) out.push_back(e);
    return out;
  }
};

TEST_F(alerts_test, a_steered_metric_crosses_its_threshold_raises_the_alert_and_logs_it) {
  const std::string uid = make_database();
  advance(60);

  // The threshold, where real clusters keep it.
  const auto set =
      srv.post("/v1/bdbs/alerts/" + uid, {{"bdb_size", {{"enabled", true}, {"threshold", "80"}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json_body()["bdb_size"]["enabled"], true);
  EXPECT_EQ(set.json_body()["bdb_size"]["state"], false);
  EXPECT_EQ(set.json_body()["bdb_size"]["threshold"], "80");

  // used_memory to 95 % of memory_size from now.
  const double crossed = now();
  const auto steered =
      put("/emulator/v1/stats/bdb/" + uid, {{"metric", "used_memory"}, {"ratio", 0.95}});
  ASSERT_EQ(steered.status, 200) << steered.body;
  advance(30);

  const json alert = get_json("/v1/bdbs/alerts/" + uid + "/bdb_size");
  EXPECT_EQ(alert["state"], true);
  EXPECT_EQ(alert["enabled"], true);
  EXPECT_EQ(alert["severity"], "WARNING");
  EXPECT_EQ(alert["change_time"], iso_of(crossed));
  EXPECT_EQ(alert["change_value"],
            (json{{"memory_util", 95.0}, {"state", true}, {"threshold", "80"}}));
  EXPECT_EQ(get_json("/v1/bdbs/alerts/" + uid)["bdb_size"], alert);
  EXPECT_EQ(get_json("/v1/bdbs/alerts")[uid]["bdb_size"], alert);
  EXPECT_EQ(get_json("/v1/bdbs/stats/last/" + uid)[uid]["used_memory"], 95'000'000.0);

  // The log: the creation, then the raise at the crossing.
  const auto created = events_of("cluster_bdb_created");
  ASSERT_EQ(created.size(), 1u);
  const auto raised = events_of("bdb_size");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0], (json{{"bdb_uid", uid},
                             {"severity", "WARNING"},
                             {"state", true},
                             {"threshold", "80"},
                             {"time", iso_of(crossed)},
                             {"type", "bdb_size"}}));
  EXPECT_LT(created[0]["time"].get<std::string>(), raised[0]["time"].get<std::string>());

  // Back under the threshold: cleared, and both transitions logged.
  advance(10);
  const double cleared = now();
  ASSERT_EQ(
      put("/emulator/v1/stats/bdb/" + uid, {{"metric", "used_memory"}, {"ratio", 0.5}}).status,
      200);
  advance(5);
  const json after = get_json("/v1/bdbs/alerts/" + uid + "/bdb_size");
  EXPECT_EQ(after["state"], false);
  EXPECT_EQ(after["severity"], "INFO");
  EXPECT_EQ(after["change_time"], iso_of(cleared));
  const auto both = events_of("bdb_size");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["state"], true);
  EXPECT_EQ(both[1]["state"], false);
  EXPECT_EQ(both[1]["time"], iso_of(cleared));
  const json newest = get_json("/v1/logs?order=desc&limit=1");
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0]["type"], "bdb_size");
}

TEST_F(alerts_test, cluster_alerts_have_the_captures_shape) {
  const json capture_doc = json::parse(capture("cluster_alerts.json"));
  const json mine = get_json("/v1/cluster/alerts");
  EXPECT_EQ(key_set(mine), key_set(capture_doc));
  for (const auto& [name, real] : capture_doc.items()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(key_set(mine[name]), key_set(real));
    EXPECT_EQ(key_set(mine[name]["change_value"]), key_set(real["change_value"]));
    EXPECT_EQ(mine[name]["enabled"], real["enabled"]);  // the template's settings
  }
  EXPECT_EQ(get_json("/v1/cluster/alerts/cluster_license_about_to_expire"),
            mine["cluster_license_about_to_expire"]);
  EXPECT_EQ(mine["cluster_license_about_to_expire"]["change_value"]["global_threshold"], "7");

  // Every node, every alert of the reference's list.
  const json nodes = get_json("/v1/nodes/alerts");
  ASSERT_TRUE(nodes.contains("1"));
  EXPECT_EQ(nodes["1"].size(), 11u);
  EXPECT_EQ(get_json("/v1/nodes/alerts/1"), nodes["1"]);
  EXPECT_EQ(
      get_json("/v1/nodes/alerts/1/node_persistent_storage")["change_value"]["global_threshold"],
      "70");
}

TEST_F(alerts_test, put_cluster_alert_settings_change_the_node_alerts) {
  const json before = get_json("/v1/cluster")["alert_settings"];
  EXPECT_EQ(before, json::parse(capture("cluster.json"))["alert_settings"]);
  const auto put_cluster =
      put("/v1/cluster",
          {{"alert_settings", {{"node_memory", {{"enabled", true}, {"threshold", "1"}}}}}});
  ASSERT_EQ(put_cluster.status, 200) << put_cluster.body;
  json expected = before;
  expected["node_memory"] = {{"enabled", true}, {"threshold", "1"}};
  EXPECT_EQ(put_cluster.json_body()["alert_settings"], expected);
  EXPECT_EQ(get_json("/v1/cluster")["alert_settings"], expected);

  const json memory = get_json("/v1/nodes/alerts/1/node_memory");
  EXPECT_EQ(memory["enabled"], true);
  EXPECT_EQ(memory["state"], true);  // the OS alone takes more than 1 %
  EXPECT_EQ(memory["change_value"]["global_threshold"], "1");

  expect_refused_changing_nothing(
      {{http::verb::put, "/v1/cluster", R"({"alert_settings":{"bogus":true}})", 400,
        "invalid_schema"},
       {http::verb::put, "/v1/cluster", R"({"alert_settings":{"node_memory":{"threshold":"x"}}})",
        400, "invalid_schema"},
       {http::verb::put, "/v1/cluster", R"({"alert_settings":[]})", 400, "invalid_schema"}},
      {"/v1/cluster", "/v1/nodes/alerts"});
}

TEST_F(alerts_test, the_control_api_raises_and_clears_an_alert) {
  const std::string uid = make_database();
  advance(5);
  const double raised_at = now();
  const auto raised =
      put("/emulator/v1/alerts/bdb/" + uid + "/bdb_high_latency", {{"state", true}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(raised.json_body()["forced"], true);
  EXPECT_EQ(raised.json_body()["object"], "bdb:" + uid);
  advance(5);
  const json alert = get_json("/v1/bdbs/alerts/" + uid + "/bdb_high_latency");
  EXPECT_EQ(alert["state"], true);
  EXPECT_EQ(alert["change_time"], iso_of(raised_at));
  const auto logged = events_of("bdb_high_latency");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0]["state"], true);
  EXPECT_EQ(logged[0]["bdb_uid"], uid);
  EXPECT_EQ(logged[0]["time"], iso_of(raised_at));

  // The cluster's alerts take uid 0.
  ASSERT_EQ(
      put("/emulator/v1/alerts/cluster/0/cluster_ocsp_query_failed", {{"state", true}}).status,
      200);
  EXPECT_EQ(get_json("/v1/cluster/alerts/cluster_ocsp_query_failed")["state"], true);

  // Back to the model: cleared, and logged.
  const auto back = srv.del("/emulator/v1/alerts/bdb/" + uid + "/bdb_high_latency");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.json_body()["forced"], false);
  EXPECT_EQ(back.json_body()["value"]["state"], false);
  const auto both = events_of("bdb_high_latency");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1]["state"], false);
  EXPECT_EQ(both[1]["severity"], "INFO");

  // Refused requests change nothing.
  const std::string shown = srv.get("/v1/cluster/alerts").body;
  EXPECT_EQ(put("/emulator/v1/alerts/bdb/" + uid + "/bdb_size", {{"state", "on"}}).status, 400);
  EXPECT_EQ(put("/emulator/v1/alerts/shard/1/bdb_size", {{"state", true}}).status, 400);
  EXPECT_EQ(put("/emulator/v1/alerts/bdb/99/bdb_size", {{"state", true}}).status, 404);
  EXPECT_EQ(put("/emulator/v1/alerts/node/99/node_memory", {{"state", true}}).status, 404);
  EXPECT_EQ(put("/emulator/v1/alerts/cluster/1/cluster_internal_bdb", {{"state", true}}).status,
            404);
  EXPECT_EQ(put("/emulator/v1/alerts/bdb/" + uid + "/node_memory", {{"state", true}}).status, 404);
  EXPECT_EQ(srv.get("/v1/cluster/alerts").body, shown);

  // Reset forgets the forced states.
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(get_json("/v1/cluster/alerts/cluster_ocsp_query_failed")["state"], false);
}

TEST_F(alerts_test, unknown_objects_and_alerts_are_404_with_the_error_body) {
  const std::string uid = make_database();
  const auto no_db = srv.get("/v1/bdbs/alerts/99");
  EXPECT_EQ(no_db.status, 404);
  EXPECT_EQ(no_db.json_body(),
            (json{{"description", "Database 99 does not exist"}, {"error_code", "db_not_exist"}}));
  EXPECT_EQ(srv.get("/v1/bdbs/alerts/99/bdb_size").json_body()["error_code"], "db_not_exist");
  const auto no_alert = srv.get("/v1/bdbs/alerts/" + uid + "/bdb_bogus");
  EXPECT_EQ(no_alert.status, 404);
  EXPECT_EQ(no_alert.json_body(), (json{{"description", "Alert 'bdb_bogus' does not exist"},
                                        {"error_code", "not_found"}}));
  EXPECT_EQ(srv.get("/v1/nodes/alerts/99").json_body()["error_code"], "node_not_found");
  EXPECT_EQ(srv.get("/v1/nodes/alerts/1/bdb_size").status, 404);
  EXPECT_EQ(srv.get("/v1/cluster/alerts/node_memory").status, 404);
  EXPECT_EQ(srv.post("/v1/bdbs/alerts/99", {{"bdb_size", {{"enabled", true}}}}).status, 404);
}

TEST_F(alerts_test, bad_threshold_bodies_are_refused_changing_nothing) {
  const std::string uid = make_database();
  const std::string target = "/v1/bdbs/alerts/" + uid;
  expect_refused_changing_nothing(
      {{http::verb::post, target, "[]", 400, "invalid_schema"},
       {http::verb::post, target, "{", 400, "invalid_schema"},
       {http::verb::post, target, R"({"bdb_bogus":{"enabled":true}})", 400, "invalid_schema"},
       {http::verb::post, target, R"({"bdb_size":{"enabled":"yes"}})", 400, "invalid_schema"},
       {http::verb::post, target, R"({"bdb_size":{"threshold":80}})", 400, "invalid_schema"},
       {http::verb::post, target, R"({"bdb_size":{"colour":"red"}})", 400, "invalid_schema"},
       {http::verb::post, target, R"({"bdb_size":{"enabled":true,"threshold":"high"}})", 406,
        "invalid_threshold"},
       {http::verb::post, target,
        R"({"bdb_high_latency":{"enabled":true},"bdb_size":{"threshold":"150"}})", 406,
        "invalid_threshold"}},
      {target});

  // A dry run answers what the change would show and changes nothing.
  const std::string before = srv.get(target).body;
  const auto dry = srv.post(target + "?dry_run", {{"bdb_size", {{"enabled", true}}}});
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.json_body()["bdb_size"]["enabled"], true);
  EXPECT_EQ(srv.get(target).body, before);
}

TEST_F(alerts_test, roles_read_alerts_and_database_admins_set_thresholds) {
  const std::string uid = make_database();
  for (const std::string& target : std::vector<std::string>{
           "/v1/cluster/alerts", "/v1/cluster/alerts/cluster_even_node_count", "/v1/nodes/alerts",
           "/v1/nodes/alerts/1", "/v1/nodes/alerts/1/node_memory", "/v1/bdbs/alerts",
           "/v1/bdbs/alerts/" + uid, "/v1/bdbs/alerts/" + uid + "/bdb_size"}) {
    EXPECT_EQ(srv.get(target, admin).status, 200) << target;
    EXPECT_EQ(srv.get(target, viewer).status, 200) << target;
    EXPECT_EQ(srv.get(target, db_viewer).status, 200) << target;
    EXPECT_EQ(srv.get(target, nobody).status, 403) << target;
    EXPECT_EQ(srv.get(target, std::nullopt).status, 401) << target;
  }
  const json body = {{"bdb_size", {{"enabled", true}}}};
  EXPECT_EQ(srv.post("/v1/bdbs/alerts/" + uid, body, viewer).status, 403);
  EXPECT_EQ(srv.post("/v1/bdbs/alerts/" + uid, body, db_viewer).status, 403);
  EXPECT_EQ(srv.post("/v1/bdbs/alerts/" + uid, body, admin).status, 200);
  EXPECT_EQ(put("/emulator/v1/alerts/bdb/" + uid + "/bdb_size", {{"state", true}}, viewer).status,
            403);
}

TEST_F(alerts_test, a_crdt_source_raises_its_alerts_while_its_participant_is_unreachable) {
  const std::string uid = make_crdb();
  const std::string plain = make_database();
  const std::string base = "/v1/bdbs/crdt_sources/alerts";
  const std::string connection = base + "/" + uid + "/2/bdb_crdt_src_syncer_connection_error";
  const std::string lag = base + "/" + uid + "/2/bdb_crdt_src_high_syncer_lag";

  // One source (the other participant, instance 2), its three alerts
  // cleared; a database without sources has none.
  const json all = get_json(base);
  EXPECT_EQ(key_set(all), std::set<std::string>{uid});
  EXPECT_EQ(key_set(all[uid]), std::set<std::string>{"2"});
  EXPECT_EQ(key_set(all[uid]["2"]), (std::set<std::string>{"bdb_crdt_src_high_syncer_lag",
                                                           "bdb_crdt_src_syncer_connection_error",
                                                           "bdb_crdt_src_syncer_general_error"}));
  EXPECT_EQ(get_json(base + "/" + uid), all[uid]);
  EXPECT_EQ(get_json(base + "/" + uid + "/2"), all[uid]["2"]);
  EXPECT_EQ(get_json(connection), all[uid]["2"]["bdb_crdt_src_syncer_connection_error"]);
  EXPECT_EQ(get_json(connection)["state"], false);
  EXPECT_EQ(get_json(base + "/" + plain), json::object());
  EXPECT_EQ(get_json("/v1/bdbs/replica_sources/alerts/" + uid), json::object());

  // The database's thresholds apply to its sources.
  const auto set =
      srv.post("/v1/bdbs/alerts/" + uid,
               {{"bdb_crdt_src_syncer_connection_error", {{"enabled", true}}},
                {"bdb_crdt_src_high_syncer_lag", {{"enabled", true}, {"threshold", "60"}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(get_json(lag)["threshold"], "60");
  EXPECT_EQ(get_json(lag)["enabled"], true);

  // Unreachable: the connection error at once, the lag after 60 s.
  advance(10);
  const double down = now();
  set_participant(false);
  const json raised = get_json(connection);
  EXPECT_EQ(raised["state"], true);
  EXPECT_EQ(raised["severity"], "WARNING");
  EXPECT_EQ(raised["change_time"], iso_of(down));
  EXPECT_EQ(raised["change_value"], (json{{"state", true}, {"threshold", "0"}}));
  EXPECT_EQ(get_json(lag)["state"], false);
  advance(61);
  const json lagging = get_json(lag);
  EXPECT_EQ(lagging["state"], true);
  EXPECT_EQ(lagging["change_time"], iso_of(down + 60));
  EXPECT_EQ(get_json(base)[uid]["2"]["bdb_crdt_src_high_syncer_lag"], lagging);
  EXPECT_EQ(get_json("/v1/bdbs/" + uid + "/syncer_state/crdt")["sources"][0]["status"],
            "out-of-sync");
  const auto logged = events_of("bdb_crdt_src_syncer_connection_error");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], (json{{"bdb_uid", uid},
                             {"crdt_src_id", "2"},
                             {"severity", "WARNING"},
                             {"state", true},
                             {"threshold", "0"},
                             {"time", iso_of(down)},
                             {"type", "bdb_crdt_src_syncer_connection_error"}}));

  // Reachable again: both cleared at that moment, and logged.
  advance(5);
  const double up = now();
  set_participant(true);
  advance(30);
  for (const std::string& target : {connection, lag}) {
    const json cleared = get_json(target);
    EXPECT_EQ(cleared["state"], false) << target;
    EXPECT_EQ(cleared["severity"], "INFO") << target;
    EXPECT_EQ(cleared["change_time"], iso_of(up)) << target;
  }
  const auto lag_events = events_of("bdb_crdt_src_high_syncer_lag");
  ASSERT_EQ(lag_events.size(), 2u);
  EXPECT_EQ(lag_events[0]["time"], iso_of(down + 60));
  EXPECT_EQ(lag_events[1]["state"], false);
  EXPECT_EQ(lag_events[1]["time"], iso_of(up));

  // The general error only when forced, through the source's control route.
  const std::string general =
      "/emulator/v1/alerts/bdb/" + uid + "/crdt_sources/2/bdb_crdt_src_syncer_general_error";
  const auto forced = put(general, {{"state", true}});
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(forced.json_body()["object"], "bdb:" + uid + "/crdt_src:2");
  EXPECT_EQ(forced.json_body()["forced"], true);
  EXPECT_EQ(get_json(base + "/" + uid + "/2/bdb_crdt_src_syncer_general_error")["state"], true);
  EXPECT_EQ(get_json("/v1/bdbs/alerts/" + uid + "/bdb_crdt_src_syncer_general_error")["state"],
            false);  // the database's own alert is another
  ASSERT_EQ(srv.del(general).status, 200);
  EXPECT_EQ(get_json(general)["value"]["state"], false);
  const auto general_events = events_of("bdb_crdt_src_syncer_general_error");
  ASSERT_EQ(general_events.size(), 2u);
  EXPECT_EQ(general_events[0]["crdt_src_id"], "2");
}

TEST_F(alerts_test, replica_sources_are_cleared_unless_forced_and_unknown_ones_are_404) {
  const auto made =
      srv.post("/v1/bdbs", {{"name", "replica"},
                            {"memory_size", 100'000'000},
                            {"replica_sources", {{{"uri", "redis://:secret@10.0.0.1:12000"}}}}});
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
  const std::string uid = std::to_string(made.json_body()["uid"].get<int>());
  const std::string base = "/v1/bdbs/replica_sources/alerts";

  // The entry has no uid: its position names it.
  const json all = get_json(base);
  EXPECT_EQ(key_set(all), std::set<std::string>{uid});
  EXPECT_EQ(key_set(all[uid]), std::set<std::string>{"1"});
  const std::string general = base + "/" + uid + "/1/bdb_replica_src_syncer_general_error";
  EXPECT_EQ(get_json(general)["state"], false);
  EXPECT_EQ(get_json(general)["threshold"], "0");
  EXPECT_EQ(get_json("/v1/bdbs/crdt_sources/alerts"), json::object());

  // Forced by the control API, and logged with the source's id.
  const std::string control =
      "/emulator/v1/alerts/bdb/" + uid + "/replica_sources/1/bdb_replica_src_syncer_general_error";
  const double raised_at = now();
  const auto raised = put(control, {{"state", true}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(raised.json_body()["object"], "bdb:" + uid + "/replica_src:1");
  EXPECT_EQ(get_json(general)["state"], true);
  EXPECT_EQ(get_json(general)["change_time"], iso_of(raised_at));
  const auto logged = events_of("bdb_replica_src_syncer_general_error");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0]["replica_src_id"], "1");
  EXPECT_EQ(logged[0]["bdb_uid"], uid);

  // 404s with the cluster's error body, in the order database, source, alert.
  const auto no_db = srv.get("/v1/bdbs/crdt_sources/alerts/99");
  EXPECT_EQ(no_db.status, 404);
  EXPECT_EQ(no_db.json_body(),
            (json{{"description", "Database 99 does not exist"}, {"error_code", "db_not_exist"}}));
  EXPECT_EQ(srv.get(base + "/99/1/bdb_size").json_body()["error_code"], "db_not_exist");
  const auto no_source = srv.get(base + "/" + uid + "/5");
  EXPECT_EQ(no_source.status, 404);
  EXPECT_EQ(no_source.json_body(),
            (json{{"description", "Database " + uid + " has no Replica Of source 5"},
                  {"error_code", "not_found"}}));
  EXPECT_EQ(srv.get(base + "/" + uid + "/x").status, 404);
  EXPECT_EQ(srv.get("/v1/bdbs/crdt_sources/alerts/" + uid + "/1").json_body()["description"],
            "Database " + uid + " has no CRDT source 1");
  const auto no_alert = srv.get(base + "/" + uid + "/1/bdb_crdt_src_high_syncer_lag");
  EXPECT_EQ(no_alert.status, 404);
  EXPECT_EQ(no_alert.json_body(),
            (json{{"description",
                   "Alert 'bdb_crdt_src_high_syncer_lag' does not exist for a Replica Of source "
                   "(bdb_replica_src_high_syncer_lag, bdb_replica_src_syncer_connection_error, "
                   "bdb_replica_src_syncer_general_error)"},
                  {"error_code", "not_found"}}));
  EXPECT_EQ(srv.get(base + "/" + uid + "/1/bdb_size").status, 404);

  // The control route refuses what it cannot name, changing nothing.
  const std::string shown = srv.get(base).body;
  const std::string prefix = "/emulator/v1/alerts/bdb/";
  EXPECT_EQ(
      put(prefix + uid + "/sync_sources/1/bdb_replica_src_syncer_general_error", {{"state", false}})
          .status,
      400);
  EXPECT_EQ(
      put(prefix + "99/replica_sources/1/bdb_replica_src_syncer_general_error", {{"state", false}})
          .json_body()["error_code"],
      "db_not_exist");
  EXPECT_EQ(put(prefix + uid + "/replica_sources/4/bdb_replica_src_syncer_general_error",
                {{"state", false}})
                .status,
            404);
  EXPECT_EQ(put(prefix + uid + "/replica_sources/1/bdb_size", {{"state", false}}).status, 404);
  EXPECT_EQ(put(control, {{"state", "off"}}).status, 400);
  EXPECT_EQ(srv.get(base).body, shown);

  // Reset forgets the forced state.
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(get_json(base), json::object());
}

TEST_F(alerts_test, sync_source_alerts_take_the_database_alert_permissions) {
  const std::string uid = make_crdb();
  for (const std::string& target : std::vector<std::string>{
           "/v1/bdbs/crdt_sources/alerts", "/v1/bdbs/crdt_sources/alerts/" + uid,
           "/v1/bdbs/crdt_sources/alerts/" + uid + "/2",
           "/v1/bdbs/crdt_sources/alerts/" + uid + "/2/bdb_crdt_src_high_syncer_lag",
           "/v1/bdbs/replica_sources/alerts", "/v1/bdbs/replica_sources/alerts/" + uid}) {
    EXPECT_EQ(srv.get(target, admin).status, 200) << target;
    EXPECT_EQ(srv.get(target, viewer).status, 200) << target;
    EXPECT_EQ(srv.get(target, db_viewer).status, 200) << target;
    EXPECT_EQ(srv.get(target, nobody).status, 403) << target;
    EXPECT_EQ(srv.get(target, std::nullopt).status, 401) << target;
  }
  EXPECT_EQ(
      put("/emulator/v1/alerts/bdb/" + uid + "/crdt_sources/2/bdb_crdt_src_syncer_general_error",
          {{"state", true}}, viewer)
          .status,
      403);
}

}  // namespace
}  // namespace reemu::test
