// Integration tests of the per-database action routes over real HTTP on the
// manual clock: each action started and polled to `completed` the way tools
// poll, the 409 while busy, permissions, unknown databases, bad bodies and
// dry runs that change nothing, and the `command` PING probe. Every answer
// is checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

struct action_route {
  http::verb method;
  std::string path;  // after /v1/bdbs/{uid}
  std::string body;
  std::string machine;  // the action's name
};

// Every route that starts an operation, with a body it accepts.
const std::vector<action_route>& action_routes() {
  static const std::vector<action_route> routes = {
      {http::verb::put, "/actions/rebalance", "", "SMUpdateBDB"},
      {http::verb::put, "/actions/revamp", R"({"shards_count":2})", "SMUpdateBDB"},
      {http::verb::post, "/upgrade", R"({"redis_version":"8.0","preserve_roles":true})",
       "SMUpgradeBDB"},
      {http::verb::post, "/actions/stop_traffic", "", "SMStopTrafficBDB"},
      {http::verb::post, "/actions/resume_traffic", "{}", "SMResumeTrafficBDB"},
      {http::verb::post, "/actions/recover", "", "SMRecoverBDB"},
      {http::verb::post, "/actions/export",
       R"({"export_location":{"type":"mount_point","path":"/tmp"},"email_notification":false})",
       "export_bdb"},
      {http::verb::post, "/actions/import",
       R"({"dataset_import_sources":[{"type":"url","url":"ftp://x/y.rdb"}]})", "import_bdb"},
  };
  return routes;
}

class bdb_actions_test : public manual_clock_test {
 protected:
  response start(const action_route& a, const std::string& uid = "1",
                 std::optional<credentials> who = admin) {
    return srv.call(a.method, "/v1/bdbs/" + uid + a.path, who, a.body);
  }
};

TEST_F(bdb_actions_test, each_action_runs_to_completed_and_is_busy_meanwhile) {
  for (const auto& a : action_routes()) {
    SCOPED_TRACE(a.path);
    const auto r = start(a);
    ASSERT_EQ(r.status, 200) << r.body;
    const json body = r.json_body();
    const std::string action_uid = body["action_uid"];
    if (a.path == "/upgrade") {
      EXPECT_EQ(body["uid"], 1);  // the upgraded database
      EXPECT_EQ(body["status"], "active-change-pending");
      EXPECT_EQ(body["version"], "8.0.0");
    } else {
      EXPECT_EQ(body.size(), 1u) << body;
    }
    const json db = get_json("/v1/bdbs/1");
    EXPECT_EQ(db["action_uid"], action_uid);
    EXPECT_EQ(db["background_op"][0]["name"], a.machine);
    // Busy: every write on the database waits, reads go on.
    for (const auto& other : action_routes()) {
      const auto refused = start(other);
      EXPECT_EQ(refused.status, 409) << other.path << ": " << refused.body;
      EXPECT_EQ(refused.json_body()["error_code"], "busy");
    }
    EXPECT_EQ(srv.call(http::verb::put, "/v1/bdbs/1", admin, R"({"name":"x"})").status, 409);
    const json done = poll(action_uid);
    EXPECT_EQ(done["status"], "completed");
    EXPECT_EQ(done["name"], a.machine);
    EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "active");
  }
}

TEST_F(bdb_actions_test, export_and_import_report_in_the_database_and_v2_types_them_other) {
  const auto& routes = action_routes();
  const auto exp = start(routes[6]);
  ASSERT_EQ(exp.status, 200) << exp.body;
  const std::string uid = exp.json_body()["action_uid"];
  EXPECT_EQ(get_json("/v1/bdbs/1")["export_status"], "initializing");
  EXPECT_EQ(get_json("/v2/actions/" + uid)["action_type"], "other");
  EXPECT_EQ(srv.get("/v1/actions").body.find(uid), std::string::npos);
  EXPECT_NE(srv.get("/v2/actions").body.find(uid), std::string::npos);
  EXPECT_EQ(poll(uid)["status"], "completed");
  json db = get_json("/v1/bdbs/1");
  EXPECT_EQ(db["export_status"], "succeeded");
  EXPECT_EQ(db["export_progress"], 100);

  const auto imp = start(routes[7]);
  ASSERT_EQ(imp.status, 200) << imp.body;
  EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "import-pending");
  EXPECT_EQ(poll(imp.json_body()["action_uid"])["status"], "completed");
  db = get_json("/v1/bdbs/1");
  EXPECT_EQ(db["import_status"], "succeeded");
  EXPECT_EQ(db["export_status"], "succeeded");  // kept from the export
  EXPECT_EQ(db["status"], "active");
}

TEST_F(bdb_actions_test, dry_runs_and_optimize_answer_a_blueprint_and_change_nothing) {
  const auto before = srv.get("/v1/bdbs");
  const auto actions = srv.get("/v2/actions").body;
  const json one =
      json::parse(R"([{"nodes":[{"node_uid":"1","role":"master"}],"slot_range":"0-16383"}])");
  const auto rebalance = srv.call(http::verb::put, "/v1/bdbs/1/actions/rebalance?dry_run=true");
  ASSERT_EQ(rebalance.status, 200) << rebalance.body;
  EXPECT_EQ(rebalance.json_body(), one);
  EXPECT_EQ(state_id(rebalance), state_id(before));
  const auto revamp = srv.call(http::verb::put, "/v1/bdbs/1/actions/revamp?dry_run", admin,
                               R"({"shards_count":3,"replication":true})");
  ASSERT_EQ(revamp.status, 200) << revamp.body;
  ASSERT_EQ(revamp.json_body().size(), 3u);
  EXPECT_EQ(revamp.json_body()[1]["slot_range"], "5461-10922");
  EXPECT_EQ(revamp.json_body()[1]["nodes"].size(), 2u);
  const auto optimize = srv.get("/v1/bdbs/1/actions/optimize_shards_placement", db_viewer);
  ASSERT_EQ(optimize.status, 200) << optimize.body;
  EXPECT_EQ(optimize.json_body(), one);
  EXPECT_GT(state_id(optimize), 0u);
  EXPECT_EQ(
      srv.get("/v1/bdbs/1/actions/optimize_shards_placement?shards_count=2").json_body().size(),
      2u);
  EXPECT_EQ(srv.get("/v1/bdbs/1/actions/optimize_shards_placement?shards_count=0").status, 400);
  // The blueprint goes back through PUT /v1/bdbs/{uid} (vrl's optimize script).
  EXPECT_EQ(srv.get("/v1/bdbs").body, before.body);
  EXPECT_EQ(srv.get("/v2/actions").body, actions);
  const auto put = srv.call(http::verb::put, "/v1/bdbs/1", admin,
                            json{{"shards_blueprint", optimize.json_body()}}.dump());
  EXPECT_EQ(put.status, 200) << put.body;
}

TEST_F(bdb_actions_test, recovery_plan_and_recover_of_a_failed_create) {
  const json plan = get_json("/v1/bdbs/1/actions/recover");
  EXPECT_EQ(plan, json::parse(R"({"data_files":[],"status":"ready"})"));
  ASSERT_EQ(srv.post("/emulator/v1/plans",
                     {{"name", "SMCreateBDB"}, {"times", 1}, {"simulate", {{"fail_at_step", 1}}}})
                .status,
            201);
  const auto made = srv.post("/v1/bdbs", {{"name", "doomed"}, {"memory_size", 1}});
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "failed");
  const std::string target = "/v1/bdbs/" + std::to_string(made.json_body()["uid"].get<int>());
  EXPECT_EQ(get_json(target)["status"], "creation-failed");
  EXPECT_EQ(srv.call(http::verb::post, target + "/actions/stop_traffic").status, 409);
  const auto recover = srv.call(http::verb::post, target + "/actions/recover", admin,
                                R"({"ignore_errors":false,"recover_without_data":true})");
  ASSERT_EQ(recover.status, 200) << recover.body;
  EXPECT_EQ(poll(recover.json_body()["action_uid"])["status"], "completed");
  EXPECT_EQ(get_json(target)["status"], "active");
}

TEST_F(bdb_actions_test, command_ping_answers_once_the_database_is_active) {
  const auto made = srv.post("/v1/bdbs", {{"name", "probe"}, {"memory_size", 1}});
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string target = "/v1/bdbs/" + std::to_string(made.json_body()["uid"].get<int>());
  const auto early = srv.post(target + "/command", {{"command", "PING"}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.json_body()["error_code"], "busy");
  EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
  const auto ping = srv.post(target + "/command", {{"command", "PING"}, {"args", json::array()}});
  ASSERT_EQ(ping.status, 200) << ping.body;
  EXPECT_EQ(ping.body, R"({"response":true})");
  EXPECT_EQ(srv.post(target + "/command", {{"command", "ping"}}).status, 200);
  const auto other = srv.post(target + "/command", {{"command", "FLUSHALL"}});
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(other.json_body()["error_code"], "invalid_schema");
  EXPECT_EQ(srv.post("/v1/bdbs/9/command", {{"command", "PING"}}).status, 404);
  EXPECT_EQ(srv.post(target + "/command", {{"command", "PING"}}, db_viewer).status, 403);
}

TEST_F(bdb_actions_test, writes_need_their_permission_and_reads_do_not) {
  for (const auto& a : action_routes()) {
    const auto r = start(a, "1", db_viewer);
    EXPECT_EQ(r.status, 403) << a.path << ": " << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "insufficient_permissions");
    EXPECT_EQ(start(a, "1", std::nullopt).status, 401) << a.path;
  }
  EXPECT_EQ(srv.get("/v1/bdbs/1/actions/optimize_shards_placement", db_viewer).status, 200);
  EXPECT_EQ(srv.get("/v1/bdbs/1/actions/recover", nobody).status, 403);
  EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "active");
}

TEST_F(bdb_actions_test, unknown_databases_and_bad_bodies_change_nothing) {
  std::vector<refusal> rows;
  for (const auto& a : action_routes()) {
    rows.push_back({a.method, "/v1/bdbs/9" + a.path, a.body, 404, "db_not_exist"});
    rows.push_back({a.method, "/v1/bdbs/x" + a.path, a.body, 404, "db_not_exist"});
  }
  const std::vector<refusal> bad = {
      {http::verb::get, "/v1/bdbs/9/actions/optimize_shards_placement", "", 404, "db_not_exist"},
      {http::verb::get, "/v1/bdbs/9/actions/recover", "", 404, "db_not_exist"},
      {http::verb::put, "/v1/bdbs/9/actions/rebalance?dry_run", "", 404, "db_not_exist"},
      {http::verb::put, "/v1/bdbs/1/actions/revamp", R"({"name":"x"})", 400, "invalid_schema"},
      {http::verb::put, "/v1/bdbs/1/actions/revamp", R"({"shards_count":0})", 400,
       "invalid_schema"},
      {http::verb::put, "/v1/bdbs/1/actions/revamp?dry_run", "{", 400, "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/upgrade", R"({"redis_version":"5.0"})", 400,
       "invalid_version"},
      {http::verb::post, "/v1/bdbs/1/upgrade", R"({"force_restart":"yes"})", 400, "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/actions/recover", R"({"data_files":{}})", 400,
       "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/actions/export", "", 400, "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/actions/export", R"({"email_notification":true})", 400,
       "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/actions/import", R"({"dataset_import_sources":[]})", 400,
       "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/actions/import",
       R"({"dataset_import_sources":[{"type":"url"}],"x":1})", 400, "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/command", "", 400, "invalid_schema"},
      {http::verb::post, "/v1/bdbs/1/command", R"({"args":[]})", 400, "invalid_schema"},
  };
  rows.insert(rows.end(), bad.begin(), bad.end());
  expect_refused_changing_nothing(rows, {"/v2/actions"});
}

TEST_F(bdb_actions_test, journal_faults_and_state_id_cover_the_routes) {
  ASSERT_EQ(srv.post("/emulator/v1/faults", {{"method", "PUT"},
                                             {"path", "/v1/bdbs/1/actions/rebalance"},
                                             {"status", 503},
                                             {"times", 1}})
                .status,
            201);
  EXPECT_EQ(srv.call(http::verb::put, "/v1/bdbs/1/actions/rebalance").status, 503);
  const auto before = srv.get("/v1/bdbs");
  const auto r = srv.call(http::verb::put, "/v1/bdbs/1/actions/rebalance");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(state_id(r), state_id(before) + 1);
  const json journal =
      get_json("/emulator/v1/requests?path=/v1/bdbs/1/actions/rebalance")["requests"];
  ASSERT_EQ(journal.size(), 2u) << journal;
  EXPECT_EQ(journal[0]["status"], 503);
  EXPECT_EQ(journal[1]["status"], 200);
}

}  // namespace
}  // namespace reemu::test
