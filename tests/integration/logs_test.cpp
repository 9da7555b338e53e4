// Integration tests of the cluster event log over real HTTP on the manual
// clock: a database created, updated and deleted shows its events at the
// times its state machines reach them (none before), users and roles and the
// licence log theirs, order/limit/offset/stime/etime select, a bad query is
// a 400 that names the parameter, db_viewer is refused, the log survives a
// restart from the state file and a reset empties it. Every answer is
// checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "manual_clock_test.hpp"
#include "reemu/model/database.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

std::string at(double t) { return rfc3339(t); }

std::vector<std::string> types_of(const json& events, const std::string& object_key = {},
                                  const std::string& object = {}) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (!object_key.empty() && e.value(object_key, json()) != json(object)) continue;
    out.push_back(e.at("type").get<std::string>());
  }
  return out;
}

class logs_test : public ::testing::Test {
 protected:
  test_server srv{manual_clock_config(t0)};

  json logs(const std::string& query = {}) {
    const auto r = srv.get("/v1/logs" + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json_body();
  }

  void advance(double seconds) {
    ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", seconds}}).status, 200u);
  }
};

TEST_F(logs_test, a_fresh_cluster_has_an_empty_log) { EXPECT_EQ(logs(), json::array()); }

// SMCreateBDB, SMUpdateBDB and SMDeleteBDB each wait 1 s, then walk 7 steps
// of 2 s (src/model/templates.cpp): a machine started at T is active at
// T + 1 and ends at T + 15.
TEST_F(logs_test, a_database_lifecycle_is_logged_at_the_times_it_happened) {
  const auto made = srv.post("/v1/bdbs", {{"name", "logged"}, {"memory_size", 1048576}});
  ASSERT_EQ(made.status, 200u) << made.body;
  const std::string uid = std::to_string(made.json_body()["uid"].get<int>());
  const std::string create_uid = made.json_body()["action_uid"];
  EXPECT_EQ(logs(), json::array()) << "the machine has not started yet";

  advance(60);
  const auto renamed = srv.call(http::verb::put, "/v1/bdbs/" + uid, admin, R"({"name":"logged2"})");
  ASSERT_EQ(renamed.status, 200u) << renamed.body;
  advance(7);  // mid-update: started, not finished
  json mid = logs();
  EXPECT_EQ(types_of(mid, "bdb_uid", uid),
            (std::vector<std::string>{"cluster_action_started", "cluster_action_completed",
                                      "cluster_bdb_created", "cluster_action_started"}));
  advance(53);
  const auto deleted = srv.del("/v1/bdbs/" + uid);
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  advance(60);

  const json all = logs();
  ASSERT_EQ(types_of(all, "bdb_uid", uid),
            (std::vector<std::string>{"cluster_action_started", "cluster_action_completed",
                                      "cluster_bdb_created", "cluster_action_started",
                                      "cluster_action_completed", "bdb_name_updated",
                                      "cluster_bdb_updated", "cluster_action_started",
                                      "cluster_action_completed", "cluster_bdb_deleted"}));
  std::vector<json> of_db;
  for (const auto& e : all)
    if (e.value("bdb_uid", "") == uid) of_db.push_back(e);
  EXPECT_EQ(of_db[0]["time"], at(t0 + 1));
  EXPECT_EQ(of_db[0]["action_uid"], create_uid);
  EXPECT_EQ(of_db[0]["action_name"], "SMCreateBDB");
  EXPECT_EQ(of_db[0]["object_name"], "bdb:" + uid);
  EXPECT_EQ(of_db[2]["time"], at(t0 + 15));
  EXPECT_EQ(of_db[2]["bdb_name"], "logged");
  EXPECT_EQ(of_db[2]["severity"], "INFO");
  EXPECT_EQ(of_db[3]["time"], at(t0 + 61));
  EXPECT_EQ(of_db[5]["time"], at(t0 + 75));
  EXPECT_EQ(of_db[5]["old_val"], "logged");
  EXPECT_EQ(of_db[5]["new_val"], "logged2");
  EXPECT_EQ(of_db[9]["time"], at(t0 + 135));
  EXPECT_EQ(of_db[9]["bdb_name"], "logged2");
  for (const auto& e : all) {
    EXPECT_TRUE(e["time"].is_string());
    EXPECT_TRUE(e["type"].is_string());
    EXPECT_TRUE(e["severity"].is_string());
  }
}

TEST_F(logs_test, users_and_roles_log_their_changes) {
  const auto role = srv.post("/v1/roles", {{"name", "ops"}, {"management", "db_viewer"}});
  ASSERT_EQ(role.status, 200u) << role.body;
  advance(1);
  const auto user = srv.post("/v1/users", {{"email", "ops@redis.local"},
                                           {"password", "Ops12345!"},
                                           {"name", "ops"},
                                           {"role", "db_viewer"}});
  ASSERT_EQ(user.status, 200u) << user.body;
  const std::string user_uid = std::to_string(user.json_body()["uid"].get<int>());
  advance(1);
  ASSERT_EQ(srv.del("/v1/users/" + user_uid).status, 200u);
  const json all = logs();
  ASSERT_EQ(types_of(all), (std::vector<std::string>{"cluster_role_created", "cluster_user_created",
                                                     "cluster_user_deleted"}));
  EXPECT_EQ(all[0]["role_name"], "ops");
  EXPECT_EQ(all[0]["time"], at(t0));
  EXPECT_EQ(all[1]["user_name"], "ops");
  EXPECT_EQ(all[1]["time"], at(t0 + 1));
  EXPECT_EQ(all[2]["time"], at(t0 + 2));
}

TEST_F(logs_test, order_limit_offset_stime_and_etime_select) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(
        srv.post("/v1/roles", {{"name", "r" + std::to_string(i)}, {"management", "none"}}).status,
        200u);
    advance(10);
  }
  const json desc = logs("?order=desc&limit=2&offset=1");
  ASSERT_EQ(desc.size(), 2u);
  EXPECT_EQ(desc[0]["role_name"], "r3");
  EXPECT_EQ(desc[1]["role_name"], "r2");
  const json asc = logs("?order=asc&limit=1");
  ASSERT_EQ(asc.size(), 1u);
  EXPECT_EQ(asc[0]["role_name"], "r0");
  // The window is inclusive at both ends; a client's isoformat() is read too.
  const json window = logs("?stime=" + at(t0 + 10) + "&etime=2025-10-09T08:53:50.000000%2B00:00");
  EXPECT_EQ(types_of(window, "role_name", "r1").size(), 1u);
  ASSERT_EQ(window.size(), 3u);
  EXPECT_EQ(window[2]["role_name"], "r3");
  EXPECT_EQ(logs("?offset=99"), json::array());
}

TEST_F(logs_test, a_bad_query_is_a_400_naming_the_parameter) {
  ASSERT_EQ(srv.post("/v1/roles", {{"name", "r"}, {"management", "none"}}).status, 200u);
  for (const std::string q : {"?order=up", "?limit=-1", "?limit=x", "?offset=1.5",
                              "?stime=yesterday", "?etime=2025-13-01T00:00:00Z"}) {
    const auto r = srv.get("/v1/logs" + q);
    EXPECT_EQ(r.status, 400u) << q;
    EXPECT_EQ(r.json_body()["error_code"], "invalid_schema") << q;
    const std::string name = q.substr(1, q.find('=') - 1);
    EXPECT_NE(r.json_body()["description"].get<std::string>().find("'" + name + "'"),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(logs().size(), 1u) << "a refused query changes nothing";
}

TEST_F(logs_test, db_viewer_may_not_read_the_log_a_cluster_viewer_may) {
  const auto refused = srv.get("/v1/logs", db_viewer);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.json_body()["error_code"], "insufficient_permissions");
  EXPECT_EQ(srv.get("/v1/logs", viewer).status, 200u);
  EXPECT_EQ(srv.get("/v1/logs", std::nullopt).status, 401u);
}

TEST_F(logs_test, node_maintenance_is_logged_when_it_completes) {
  const auto on = srv.post("/v1/nodes/2/actions/maintenance_on", json::object());
  ASSERT_EQ(on.status, 200u) << on.body;
  advance(3600);
  const json all = logs();
  const auto types = types_of(all, "node_uid", "");
  std::vector<std::string> of_node;
  for (const auto& e : all)
    if (e.value("node_uid", json()) == json(2)) of_node.push_back(e["type"]);
  ASSERT_FALSE(of_node.empty()) << all.dump();
  EXPECT_EQ(of_node.front(), "cluster_action_started");
  EXPECT_EQ(of_node.back(), "cluster_node_maintenance_on");
}

TEST_F(logs_test, a_reset_empties_the_log) {
  ASSERT_EQ(srv.post("/v1/roles", {{"name", "r"}, {"management", "none"}}).status, 200u);
  ASSERT_EQ(logs().size(), 1u);
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200u);
  EXPECT_EQ(logs(), json::array());
}

// The answers are kept (state/answer_cache.hpp), and that is never seen: a
// target asked again answers what a target never asked before renders
// (`fresh`, a parameter the route ignores, makes each one new), as the
// events a plan scheduled come due, a write logs its own, the control API
// raises an alert, and a steered metric crosses an alert's threshold (a
// transition the model adds, at a whole second, with no write).
TEST_F(logs_test, kept_answers_are_what_rendering_gives_as_events_come_due) {
  int rendered = 0;
  const auto ask = [&](const std::string& query = {}) {
    const std::string kept = srv.get("/v1/logs" + query).body;
    const auto fresh = srv.get("/v1/logs" + query + (query.empty() ? "?" : "&") +
                               "fresh=" + std::to_string(++rendered));
    EXPECT_EQ(fresh.status, 200u) << fresh.body;
    EXPECT_EQ(kept, fresh.body) << query;
    return json::parse(kept);
  };
  const auto count = [](const json& events, const std::string& type) {
    return std::count_if(events.begin(), events.end(),
                         [&](const json& e) { return e["type"] == type; });
  };

  // (a) the clock: the create's events are due 1 s and 15 s after it.
  const auto made = srv.post("/v1/bdbs", {{"name", "kept"}, {"memory_size", 100'000'000}});
  ASSERT_EQ(made.status, 200u) << made.body;
  const std::string uid = std::to_string(made.json_body()["uid"].get<int>());
  EXPECT_EQ(ask(), json::array());
  EXPECT_EQ(ask(), json::array());
  advance(0.5);
  EXPECT_EQ(ask(), json::array());
  advance(0.5);
  EXPECT_EQ(types_of(ask()), std::vector<std::string>{"cluster_action_started"});
  EXPECT_EQ(ask("?order=desc&limit=1").size(), 1u);
  advance(14);
  EXPECT_EQ(count(ask(), "cluster_bdb_created"), 1);

  // (b) a write logs its own event at once.
  ASSERT_EQ(srv.post("/v1/roles", {{"name", "kept"}, {"management", "none"}}).status, 200u);
  EXPECT_EQ(count(ask(), "cluster_role_created"), 1);

  // (c) the control API: an alert raised by hand logs at once.
  ASSERT_EQ(srv.call(http::verb::put, "/emulator/v1/alerts/bdb/" + uid + "/bdb_high_throughput",
                     admin, json{{"state", true}}.dump())
                .status,
            200u);
  EXPECT_EQ(count(ask(), "bdb_high_throughput"), 1);

  // And a steered metric that ramps across an alert's threshold: the model
  // adds the transition at the second it crosses, with no write then (the
  // kept answer of the steering's second must not outlive it).
  ASSERT_EQ(
      srv.post("/v1/bdbs/alerts/" + uid, {{"bdb_size", {{"enabled", true}, {"threshold", "80"}}}})
          .status,
      200u);
  ASSERT_EQ(srv.call(http::verb::put, "/emulator/v1/stats/bdb/" + uid, admin,
                     json{{"metric", "used_memory"}, {"ratio", 0.95}, {"ramp_seconds", 10}}.dump())
                .status,
            200u);
  EXPECT_EQ(count(ask(), "bdb_size"), 0);
  double raised_after = 0;
  for (double waited = 0.5; waited <= 12; waited += 0.5) {
    advance(0.5);
    const auto raised = count(ask(), "bdb_size");
    if (raised_after == 0 && raised == 1) raised_after = waited;
    EXPECT_EQ(raised, raised_after == 0 ? 0 : 1) << "after " << waited << " s";
  }
  EXPECT_GT(raised_after, 1) << "the ramp crosses 80 % late in its 10 s";
  EXPECT_LE(raised_after, 11);
}

TEST(logs_state_file, the_log_survives_a_restart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-logs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "state.json").string();
  const config cfg =
      manual_clock_config(t0, [&](json& doc) { doc["emulator"]["state_file"] = file; });
  json before;
  {
    test_server srv{cfg};
    ASSERT_EQ(srv.post("/v1/roles", {{"name", "kept"}, {"management", "none"}}).status, 200u);
    ASSERT_EQ(srv.post("/v1/bdbs", {{"name", "kept"}, {"memory_size", 1048576}}).status, 200u);
    ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 5}}).status, 200u);
    before = srv.get("/v1/logs").json_body();
    ASSERT_EQ(before.size(), 2u);
  }
  test_server again{cfg};
  EXPECT_EQ(again.get("/v1/logs").json_body(), before);
  ASSERT_EQ(again.post("/emulator/v1/clock/advance", {{"seconds", 60}}).status, 200u);
  EXPECT_EQ(types_of(again.get("/v1/logs").json_body()).back(), "cluster_bdb_created")
      << "the events the plan scheduled were kept too";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
