// Integration tests of the lifecycle engine and the control API (SPEC.md
// sections 2 and 3) over real HTTP. The clock is manual and fixed at start,
// so each lifecycle is stepped with POST /emulator/v1/clock/advance and read
// back with GET: no sleeps anywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "manual_clock_test.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/model/templates.hpp"

namespace reemu::test {
namespace {

constexpr long long t0_int = 1760000000;

json progress_of(const json& j) { return j.contains("progress") ? j["progress"] : json(); }

class control_test : public manual_clock_test {
 protected:
  // Creates an action through the control API and returns its uid.
  std::string create(const json& body) {
    const auto r = srv.post("/emulator/v1/actions", body);
    EXPECT_EQ(r.status, 201) << body << ": " << r.body;
    const json j = r.json_body();
    if (!j.is_object() || !j.contains("action_uid") || !j["action_uid"].is_string()) {
      ADD_FAILURE() << "no action_uid in " << r.body;
      return "missing";
    }
    return j["action_uid"].get<std::string>();
  }

  // Whether GET /v1/actions shows `uid` in its array `key`.
  bool listed_in(const std::string& key, const std::string& uid) {
    const json list = get_json("/v1/actions");
    for (const auto& a : list[key])
      if (a["action_uid"] == uid) return true;
    return false;
  }

  // Everything a rejected control request must leave alone.
  std::vector<std::string> observable_state() {
    std::vector<std::string> out;
    for (const char* target :
         {"/v1/actions", "/v2/actions", "/emulator/v1/users", "/emulator/v1/databases",
          "/emulator/v1/clock", "/emulator/v1/faults"})
      out.push_back(srv.get(target).body);
    return out;
  }

  // The journal's entries (as admin), optionally filtered by a query string.
  json journal(const std::string& query = "") {
    const auto r = srv.get("/emulator/v1/requests" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return r.json_body()["requests"];
  }
};

// --- Lifecycles -----------------------------------------------------------------

// The issue's acceptance scenario: SMCreateBDB on bdb:3 from its template,
// walked step by step, completed, then gone after its retention.
TEST_F(control_test, state_machine_walks_its_template_and_vanishes_after_retention) {
  EXPECT_EQ(srv.get("/v1/actions/bdb/3").status, 404);

  const auto created =
      srv.post("/emulator/v1/actions",
               {{"type", "state-machine"}, {"name", "SMCreateBDB"}, {"object_name", "bdb:3"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header(http::field::content_type), "application/json");
  const json first = created.json_body();
  ASSERT_TRUE(first["action_uid"].is_string()) << created.body;
  const std::string uid = first["action_uid"];
  EXPECT_FALSE(uid.empty());
  EXPECT_EQ(first["status"], "pending");
  const std::string target = "/v1/actions/" + uid;

  json sm = get_json(target);
  EXPECT_EQ(sm["status"], "pending");
  EXPECT_EQ(sm["name"], "SMCreateBDB");
  EXPECT_EQ(sm["object_name"], "bdb:3");
  EXPECT_EQ(progress_of(sm), 0);
  EXPECT_EQ(sm["heartbeat"], t0_int);
  EXPECT_EQ(get_json("/v2/actions/" + uid)["status"], "queued");

  // The database is known from creation on, and lists the machine.
  const json for_db = get_json("/v1/actions/bdb/3");
  ASSERT_EQ(for_db.size(), 1u);
  EXPECT_EQ(for_db[0]["action_uid"], uid);
  EXPECT_TRUE(listed_in("state-machines", uid));

  // 1 s pending, then 2 s per step; each step is also read halfway through.
  const std::vector<std::string> steps = {"init",          "provision",  "create_redis",
                                          "bind_endpoint", "update_dmc", "config_redis_acl",
                                          "created"};
  const std::vector<double> progress = {0, 14.29, 28.57, 42.86, 57.14, 71.43, 85.71};
  advance(1);
  long long step_start = t0_int + 1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    sm = get_json(target);
    SCOPED_TRACE("step " + std::to_string(i) + ": " + sm.dump());
    EXPECT_EQ(sm["status"], "active");
    EXPECT_EQ(sm["state"], steps[i]);
    ASSERT_TRUE(sm["progress"].is_number());
    EXPECT_DOUBLE_EQ(sm["progress"].get<double>(), progress[i]);
    ASSERT_TRUE(sm["heartbeat"].is_number_integer());
    EXPECT_EQ(sm["heartbeat"], step_start);  // heartbeat moves with progress
    EXPECT_TRUE(sm["pending_ops"].is_object());
    const json v2 = get_json("/v2/actions/" + uid);
    EXPECT_EQ(v2["status"], "running");
    EXPECT_DOUBLE_EQ(v2["progress"].get<double>(), progress[i]);

    advance(1);  // halfway: nothing moves, not even the heartbeat
    EXPECT_EQ(get_json(target), sm);
    advance(1);
    step_start += 2;
  }

  sm = get_json(target);
  EXPECT_EQ(sm["status"], "completed") << sm;
  EXPECT_FALSE(sm.contains("progress")) << sm;  // as in the real capture
  EXPECT_FALSE(sm.contains("state")) << sm;
  EXPECT_EQ(sm["heartbeat"], t0_int + 15) << sm;
  EXPECT_EQ(get_json("/v2/actions/" + uid)["status"], "completed");

  // Retention of the template: one hour after the end.
  advance(3599);
  EXPECT_EQ(srv.get(target).status, 200);
  advance(1);
  const auto gone = srv.get(target);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, "{\"description\":\"Action " + uid +
                           " does not exist\",\"error_code\":\"action_not_found\"}");
  EXPECT_EQ(srv.get("/v2/actions/" + uid).status, 404);
  EXPECT_FALSE(listed_in("state-machines", uid));

  // The database stays known, now idle.
  const auto idle = srv.get("/v1/actions/bdb/3");
  EXPECT_EQ(idle.status, 200);
  EXPECT_EQ(idle.body, "[]");
}

TEST_F(control_test, task_template_walks_queued_starting_running_completed) {
  const std::string uid = create({{"type", "task"}, {"name", "retry_bdb"}});
  const std::string target = "/v1/actions/" + uid;

  json task = get_json(target);
  EXPECT_EQ(task["status"], "queued");
  EXPECT_EQ(task["task_id"], uid);
  EXPECT_EQ(task["name"], "retry_bdb");
  EXPECT_EQ(task["node_uid"], "1");
  EXPECT_EQ(task["creation_time"], std::to_string(t0_int));
  EXPECT_EQ(task["progress"], "0");
  EXPECT_EQ(get_json("/v2/actions/" + uid)["status"], "queued");
  EXPECT_EQ(get_json("/v2/actions/" + uid)["creation_time"], t0_int);

  // retry_bdb: 1 s queued, 1 s starting, 3 steps of 2 s.
  struct row {
    double advance;
    const char* status;
    const char* progress;
    const char* v2_status;
  };
  const std::vector<row> walk = {
      {1, "starting", "0", "running"},         {1, "running", "0", "running"},
      {1, "running", "0", "running"},          {1, "running", "33", "running"},
      {2, "running", "67", "running"},         {2, "completed", "100", "completed"},
      {3000, "completed", "100", "completed"},
  };
  for (const auto& step : walk) {
    advance(step.advance);
    task = get_json(target);
    EXPECT_EQ(task["status"], step.status) << task;
    ASSERT_TRUE(task["progress"].is_string()) << task;
    EXPECT_EQ(task["progress"], step.progress) << task;
    EXPECT_TRUE(task["node_uid"].is_string()) << task;
    EXPECT_EQ(task["creation_time"], std::to_string(t0_int)) << task;
    EXPECT_EQ(get_json("/v2/actions/" + uid)["status"], step.v2_status);
  }
  EXPECT_TRUE(listed_in("actions", uid));
}

TEST_F(control_test, failing_plan_ends_failed_with_its_error) {
  const std::string sm_uid = create({{"type", "state-machine"},
                                     {"name", "SMUpdateBDB"},
                                     {"object_name", "bdb:1"},
                                     {"simulate", {{"outcome", "failed"}, {"fail_at_step", 2}}}});
  const std::string task_uid = create({{"type", "task"},
                                       {"name", "module_installation"},
                                       {"module_uid", "m-1"},
                                       {"simulate",
                                        {{"outcome", "failed"},
                                         {"fail_at_step", 1},
                                         {"error", "disk full"},
                                         {"error_code", "no_space"}}}});

  // SMUpdateBDB: 1 s pending, 2 s steps; step 2 runs from t0+5 and fails at t0+7.
  advance(5);
  json sm = get_json("/v1/actions/" + sm_uid);
  EXPECT_EQ(sm["status"], "active") << sm;
  EXPECT_EQ(sm["state"], "update_redis") << sm;
  EXPECT_FALSE(sm.contains("error")) << sm;
  advance(2);
  sm = get_json("/v1/actions/" + sm_uid);
  EXPECT_EQ(sm["status"], "failed") << sm;
  EXPECT_EQ(sm["state"], "update_redis") << sm;
  EXPECT_DOUBLE_EQ(sm["progress"].get<double>(), 28.57) << sm;
  EXPECT_EQ(sm["error"], "simulated failure") << sm;
  EXPECT_EQ(sm["heartbeat"], t0_int + 7) << sm;
  const json sm_v2 = get_json("/v2/actions/" + sm_uid);
  EXPECT_EQ(sm_v2["status"], "failed");
  EXPECT_EQ(sm_v2["additional_info"]["error"], "simulated failure");

  // module_installation: 1 s queued, 1 s starting, 2 s steps; fails at step 1 at t0+6.
  json task = get_json("/v1/actions/" + task_uid);
  EXPECT_EQ(task["status"], "failed") << task;
  EXPECT_EQ(task["error_code"], "no_space") << task;
  EXPECT_EQ(task["error_message"], "disk full") << task;
  EXPECT_EQ(task["module_uid"], "m-1") << task;  // task-specific fields pass through
  EXPECT_EQ(task["progress"], "25") << task;
  EXPECT_EQ(get_json("/v2/actions/" + task_uid)["additional_info"]["error"], "disk full");
}

TEST_F(control_test, explicit_actions_are_patched_and_deleted) {
  const std::string uid = create({{"type", "task"},
                                  {"name", "maintenance_on"},
                                  {"status", "running"},
                                  {"progress", "40"},
                                  {"node_uid", 3}});
  json task = get_json("/v1/actions/" + uid);
  EXPECT_EQ(task["status"], "running");
  EXPECT_EQ(task["progress"], "40");
  EXPECT_EQ(task["node_uid"], "3");  // a number becomes the wire's string
  advance(100);
  EXPECT_EQ(get_json("/v1/actions/" + uid), task);  // no plan: the clock changes nothing

  const auto patched = srv.patch("/emulator/v1/actions/" + uid, {{"progress", 60}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(get_json("/v1/actions/" + uid)["progress"], "60");

  // Patching a walking machine freezes it where it stands.
  const std::string sm_uid =
      create({{"type", "state-machine"}, {"name", "SMDeleteBDB"}, {"object_name", "bdb:2"}});
  advance(3);
  ASSERT_EQ(
      srv.patch("/emulator/v1/actions/" + sm_uid, {{"pending_ops", {{"1", {{"op_name", "x"}}}}}})
          .status,
      200);
  const json frozen = get_json("/v1/actions/" + sm_uid);
  EXPECT_EQ(frozen["state"], "config_security") << frozen;
  EXPECT_EQ(frozen["pending_ops"]["1"]["op_name"], "x") << frozen;
  advance(60);
  EXPECT_EQ(get_json("/v1/actions/" + sm_uid), frozen);

  EXPECT_EQ(srv.del("/emulator/v1/actions/" + uid).status, 204);
  EXPECT_EQ(srv.get("/v1/actions/" + uid).status, 404);
  const auto again = srv.del("/emulator/v1/actions/" + uid);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json_body()["error_code"], "action_not_found");
  EXPECT_EQ(srv.patch("/emulator/v1/actions/" + uid, {{"progress", 1}}).status, 404);
}

TEST_F(control_test, clock_reads_and_advances) {
  EXPECT_EQ(get_json("/emulator/v1/clock"), json({{"mode", "manual"}, {"now", t0_int}}));
  const auto r = srv.post("/emulator/v1/clock/advance", {{"seconds", 2.5}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json_body(), json({{"mode", "manual"}, {"now", t0 + 2.5}}));
  EXPECT_EQ(get_json("/emulator/v1/clock")["now"], t0 + 2.5);
}

TEST(control_real_clock, advance_is_409) {
  test_server srv{make_config()};
  const auto r = srv.post("/emulator/v1/clock/advance", {{"seconds", 5}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json_body()["error_code"], "clock_not_manual") << r.body;
  const auto clock = srv.get("/emulator/v1/clock");
  EXPECT_EQ(clock.status, 200);
  EXPECT_EQ(clock.json_body()["mode"], "real");
}

// --- Faults ---------------------------------------------------------------------

TEST_F(control_test, status_fault_answers_the_next_matches_then_stops) {
  const auto added = srv.post(
      "/emulator/v1/faults",
      {{"path", "/v1/actions/*"}, {"status", 503}, {"error_code", "cluster_busy"}, {"times", 2}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_TRUE(added.json_body()["id"].is_number_integer());

  const std::string target = std::string("/v1/actions/") + seed_delete_uid;
  for (int i = 0; i < 2; ++i) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 503) << i;
    EXPECT_EQ(r.header(http::field::content_type), "application/json");
    EXPECT_EQ(r.json_body()["error_code"], "cluster_busy") << r.body;
    EXPECT_TRUE(r.json_body()["description"].is_string()) << r.body;
  }
  EXPECT_EQ(srv.get(target).status, 200);
  EXPECT_EQ(get_json("/emulator/v1/faults")["faults"], json::array());
}

TEST_F(control_test, delay_fault_adds_latency) {
  constexpr int delay_ms = 150;
  ASSERT_EQ(srv.post("/emulator/v1/faults",
                     {{"path", "/v1/actions"}, {"delay_ms", delay_ms}, {"times", 1}})
                .status,
            201);
  ASSERT_EQ(srv.del("/emulator/v1/requests").status, 204);
  const auto started = std::chrono::steady_clock::now();
  const auto r = srv.get("/v1/actions");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, srv.get("/v1/actions").body);
  EXPECT_GE(took, std::chrono::milliseconds(delay_ms));

  const json entries = journal("?path=/v1/actions");
  ASSERT_EQ(entries.size(), 2u) << entries;
  EXPECT_GE(entries[0]["duration_us"].get<std::uint64_t>(), delay_ms * 1000u) << entries;
  EXPECT_LT(entries[1]["duration_us"].get<std::uint64_t>(), delay_ms * 1000u) << entries;
}

TEST_F(control_test, drop_fault_closes_without_an_answer) {
  ASSERT_EQ(srv.post("/emulator/v1/faults", {{"path", "/v1/actions"}, {"drop", true}, {"times", 1}})
                .status,
            201);
  {
    client c(srv.http_port());
    response r;
    const auto ec = c.try_send(make_request(http::verb::get, "/v1/actions", admin), r);
    EXPECT_TRUE(ec) << "answered " << r.status << " " << r.body;
    EXPECT_EQ(r.status, 0u);
  }
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
  const json entries = journal("?path=/v1/actions");
  ASSERT_EQ(entries.size(), 2u) << entries;
  EXPECT_EQ(entries[0]["status"], 0);
  EXPECT_EQ(entries[0]["dropped"], true);
  EXPECT_EQ(entries[1]["status"], 200);
}

TEST_F(control_test, faults_match_user_method_and_probability) {
  ASSERT_EQ(srv.post("/emulator/v1/faults",
                     {{"path", "/v1/actions"}, {"user", "viewer@redis.local"}, {"status", 500}})
                .status,
            201);
  EXPECT_EQ(srv.get("/v1/actions", admin).status, 200);
  EXPECT_EQ(srv.get("/v1/actions", viewer).status, 500);
  // Matched on the claimed user, before the password is checked.
  EXPECT_EQ(srv.get("/v1/actions", credentials{"viewer@redis.local", "wrong"}).status, 500);
  EXPECT_EQ(srv.get("/v1/actions", viewer).json_body()["error_code"], "injected_fault");

  const json listed = get_json("/emulator/v1/faults")["faults"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["user"], "viewer@redis.local");
  EXPECT_EQ(listed[0]["hits"], 3);
  ASSERT_EQ(
      srv.del("/emulator/v1/faults/" + std::to_string(listed[0]["id"].get<long long>())).status,
      204);
  EXPECT_EQ(srv.get("/v1/actions", viewer).status, 200);

  ASSERT_EQ(srv.post("/emulator/v1/faults", {{"path", "/v*"}, {"method", "POST"}, {"status", 500}})
                .status,
            201);
  EXPECT_EQ(srv.get("/v1/actions").status, 200);  // GET does not match a POST rule
  ASSERT_EQ(srv.post("/emulator/v1/faults",
                     {{"path", "/v1/actions/bdb/*"}, {"method", "GET"}, {"status", 504}})
                .status,
            201);
  EXPECT_EQ(srv.get("/v1/actions/bdb/1").status, 504);
  EXPECT_EQ(srv.call(http::verb::head, "/v1/actions/bdb/1", admin).status, 504);  // HEAD is a GET
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
  ASSERT_EQ(srv.del("/emulator/v1/faults").status, 204);

  ASSERT_EQ(
      srv.post("/emulator/v1/faults", {{"path", "/v1/*"}, {"status", 500}, {"probability", 0}})
          .status,
      201);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(srv.get("/v1/actions/bdb/1").status, 200);
  ASSERT_EQ(
      srv.post("/emulator/v1/faults", {{"path", "/v1/*"}, {"status", 502}, {"probability", 1}})
          .status,
      201);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(srv.get("/v1/actions/bdb/1").status, 502);
}

TEST_F(control_test, faults_never_block_the_control_api) {
  ASSERT_EQ(srv.post("/emulator/v1/faults", {{"path", "/*"}, {"drop", true}}).status, 201);
  EXPECT_EQ(srv.get("/emulator/v1/clock").status, 200);
  EXPECT_EQ(srv.get("/emulator/v1/health", std::nullopt).status, 200);
  EXPECT_EQ(srv.del("/emulator/v1/faults").status, 204);
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
}

// --- Journal --------------------------------------------------------------------

TEST_F(control_test, journal_records_requests_without_credentials) {
  ASSERT_EQ(srv.del("/emulator/v1/requests").status, 204);
  EXPECT_EQ(srv.get("/v1/actions", admin).status, 200);
  EXPECT_EQ(srv.get("/v1/actions/nope", viewer).status, 404);
  EXPECT_EQ(srv.get("/v1/actions", std::nullopt).status, 401);
  EXPECT_EQ(srv.get("/v1/actions", credentials{"admin@redis.local", "Wrong-Pass-1"}).status, 401);
  EXPECT_EQ(srv.get("/v1/actions/bdb/2", nobody).status, 403);
  EXPECT_EQ(srv.get("/emulator/v1/health", std::nullopt).status, 200);  // not journaled

  const auto raw = srv.get("/emulator/v1/requests?path=/v1/*");
  ASSERT_EQ(raw.status, 200);
  const json entries = raw.json_body()["requests"];
  struct expected {
    const char* target;
    const char* user;
    unsigned status;
  };
  const std::vector<expected> want = {
      {"/v1/actions", "admin@redis.local", 200},
      {"/v1/actions/nope", "viewer@redis.local", 404},
      {"/v1/actions", "", 401},
      {"/v1/actions", "", 401},
      {"/v1/actions/bdb/2", "nobody@redis.local", 403},
  };
  ASSERT_EQ(entries.size(), want.size()) << entries;
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(entries[i].dump());
    EXPECT_EQ(entries[i]["method"], "GET");
    EXPECT_EQ(entries[i]["target"], want[i].target);
    EXPECT_EQ(entries[i]["user"], want[i].user);
    EXPECT_EQ(entries[i]["status"], want[i].status);
    EXPECT_EQ(entries[i]["time"], t0_int);  // the emulator's clock
    EXPECT_TRUE(entries[i]["duration_us"].is_number_unsigned());
  }

  const auto everything = srv.get("/emulator/v1/requests");
  for (const std::string& secret :
       {std::string("Redis123!"), std::string("Viewer123!"), std::string("Nobody123!"),
        std::string("Wrong-Pass-1"), std::string("Authorization"), std::string("authorization"),
        std::string("Basic"), base64_encode("admin@redis.local:Redis123!")}) {
    EXPECT_EQ(everything.body.find(secret), std::string::npos) << secret;
  }
  const json all = everything.json_body();
  for (const auto& e : all["requests"])
    EXPECT_NE(e["target"], "/emulator/v1/health") << "health checks are not journaled";
}

TEST_F(control_test, journal_filters_and_clears) {
  ASSERT_EQ(srv.del("/emulator/v1/requests").status, 204);
  srv.get("/v1/actions", admin);
  srv.get("/v1/actions", viewer);
  srv.get("/v1/actions/bdb/2", viewer);
  srv.get("/v1/actions", std::nullopt);
  srv.call(http::verb::post, "/v1/actions", admin, "{}");

  EXPECT_EQ(journal("?user=viewer@redis.local").size(), 2u);
  EXPECT_EQ(journal("?status=401").size(), 1u);
  EXPECT_EQ(journal("?status=405")[0]["method"], "POST");
  EXPECT_EQ(journal("?method=POST&path=/v1/actions").size(), 1u);
  EXPECT_EQ(journal("?path=/v1/actions").size(), 4u);    // exact path, queries aside
  EXPECT_EQ(journal("?path=/v1/actions/*").size(), 1u);  // a glob
  EXPECT_EQ(journal("?method=GET&user=admin@redis.local&path=/v1/*").size(), 1u);
  const json newest = journal("?limit=1&path=/v1/*");
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0]["method"], "POST");

  const auto unknown = srv.get("/emulator/v1/requests?colour=red");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json_body()["error_code"], "unknown_field") << unknown.body;
  const auto bad_status = srv.get("/emulator/v1/requests?status=abc");
  EXPECT_EQ(bad_status.status, 400);
  EXPECT_EQ(bad_status.json_body()["error_code"], "invalid_value") << bad_status.body;

  EXPECT_EQ(srv.del("/emulator/v1/requests").status, 204);
  EXPECT_EQ(journal("?path=/v1/*"), json::array());
}

// --- Users and databases ----------------------------------------------------------

TEST_F(control_test, users_are_added_changed_and_removed) {
  const credentials fresh{"new.viewer@redis.local", "Fresh123!"};
  EXPECT_EQ(srv.get("/v1/actions", fresh).status, 401);

  const auto added =
      srv.post("/emulator/v1/users",
               {{"email", fresh.email}, {"password", fresh.password}, {"role", "db_viewer"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json_body(), json({{"email", fresh.email}, {"role", "db_viewer"}}));
  EXPECT_EQ(added.body.find(fresh.password), std::string::npos);
  EXPECT_EQ(srv.get("/v1/actions", fresh).status, 200);
  EXPECT_EQ(srv.get("/v1/actions", fresh).body, seed_list_body());

  const json users = get_json("/emulator/v1/users")["users"];
  EXPECT_NE(
      std::find(users.begin(), users.end(), json({{"email", fresh.email}, {"role", "db_viewer"}})),
      users.end())
      << users;
  EXPECT_EQ(get_json("/emulator/v1/users").dump().find("Viewer123!"), std::string::npos);

  const std::string path = "/emulator/v1/users/" + std::string(fresh.email);
  ASSERT_EQ(srv.patch(path, {{"role", "none"}}).status, 200);
  const auto denied = srv.get("/v1/actions", fresh);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.json_body()["error_code"], "insufficient_permissions");

  ASSERT_EQ(srv.patch(path, {{"role", "cluster_viewer"}, {"password", "Changed123!"}}).status, 200);
  EXPECT_EQ(srv.get("/v1/actions", fresh).status, 401);
  EXPECT_EQ(srv.get("/v1/actions", credentials{fresh.email, "Changed123!"}).status, 200);

  EXPECT_EQ(srv.del(path).status, 204);
  EXPECT_EQ(srv.get("/v1/actions", credentials{fresh.email, "Changed123!"}).status, 401);
  const auto missing = srv.del(path);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json_body()["error_code"], "user_not_found");
  EXPECT_EQ(srv.patch(path, {{"role", "admin"}}).status, 404);

  // A new admin reaches the control API.
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "ops@redis.local"}, {"password", "Ops123!"}, {"role", "admin"}})
                .status,
            201);
  EXPECT_EQ(srv.get("/emulator/v1/clock", credentials{"ops@redis.local", "Ops123!"}).status, 200);
}

// A keep-alive connection that authenticated once must not keep rights the
// control API has since taken away.
TEST_F(control_test, credential_changes_reach_open_connections) {
  const credentials fresh{"kept.alive@redis.local", "Kept123!"};
  ASSERT_EQ(
      srv.post("/emulator/v1/users",
               {{"email", fresh.email}, {"password", fresh.password}, {"role", "cluster_viewer"}})
          .status,
      201);
  const std::string path = "/emulator/v1/users/" + std::string(fresh.email);
  client c(srv.http_port());
  const auto as_fresh = make_request(http::verb::get, "/v1/actions", fresh);
  EXPECT_EQ(c.send(as_fresh).status, 200);
  EXPECT_EQ(c.send(as_fresh).status, 200);

  ASSERT_EQ(srv.patch(path, {{"role", "none"}}).status, 200);
  EXPECT_EQ(c.send(as_fresh).status, 403);
  ASSERT_EQ(srv.patch(path, {{"role", "db_viewer"}}).status, 200);
  EXPECT_EQ(c.send(as_fresh).status, 200);
  ASSERT_EQ(srv.patch(path, {{"password", "Other123!"}}).status, 200);
  EXPECT_EQ(c.send(as_fresh).status, 401);
  const auto with_new_password =
      make_request(http::verb::get, "/v1/actions", credentials{fresh.email, "Other123!"});
  EXPECT_EQ(c.send(with_new_password).status, 200);
  ASSERT_EQ(srv.del(path).status, 204);
  EXPECT_EQ(c.send(with_new_password).status, 401);

  // The same for the control API itself: an admin demoted mid-connection.
  client admin_conn(srv.http_port());
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "boss@redis.local"}, {"password", "Boss123!"}, {"role", "admin"}})
                .status,
            201);
  const auto clock = make_request(http::verb::get, "/emulator/v1/clock",
                                  credentials{"boss@redis.local", "Boss123!"});
  EXPECT_EQ(admin_conn.send(clock).status, 200);
  ASSERT_EQ(srv.patch("/emulator/v1/users/boss@redis.local", {{"role", "cluster_viewer"}}).status,
            200);
  EXPECT_EQ(admin_conn.send(clock).status, 403);
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(admin_conn.send(clock).status, 401);
}

TEST_F(control_test, databases_are_added_and_deleted) {
  EXPECT_EQ(get_json("/emulator/v1/databases"), json::parse(R"({"databases":[1,2]})"));
  EXPECT_EQ(srv.get("/v1/actions/bdb/7").status, 404);

  const auto added = srv.post("/emulator/v1/databases", {{"uid", 7}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json_body()["uid"], 7);
  EXPECT_EQ(added.json_body()["status"], "active");
  const auto idle = srv.get("/v1/actions/bdb/7");
  EXPECT_EQ(idle.status, 200);
  EXPECT_EQ(idle.body, "[]");
  EXPECT_EQ(get_json("/emulator/v1/databases"), json::parse(R"({"databases":[1,2,7]})"));

  const auto twice = srv.post("/emulator/v1/databases", {{"uid", 7}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.json_body()["error_code"], "database_exists");

  EXPECT_EQ(srv.del("/emulator/v1/databases/7").status, 204);
  const auto gone = srv.get("/v1/actions/bdb/7");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json_body()["error_code"], "db_not_exist");
  const auto again = srv.del("/emulator/v1/databases/7");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json_body()["error_code"], "db_not_exist");
}

// --- Reset ------------------------------------------------------------------------

TEST_F(control_test, reset_restores_the_seed_and_the_clock) {
  const auto before = observable_state();
  create({{"type", "state-machine"}, {"name", "SMCreateBDB"}, {"object_name", "bdb:9"}});
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "x@redis.local"}, {"password", "X"}, {"role", "admin"}})
                .status,
            201);
  ASSERT_EQ(srv.del("/emulator/v1/users/viewer@redis.local").status, 204);
  ASSERT_EQ(srv.del(std::string("/emulator/v1/actions/") + seed_delete_uid).status, 204);
  ASSERT_EQ(srv.post("/emulator/v1/databases", {{"uid", 4}}).status, 201);
  ASSERT_EQ(srv.post("/emulator/v1/faults", {{"path", "/v2/*"}, {"status", 500}}).status, 201);
  advance(500);
  ASSERT_NE(observable_state(), before);

  const auto r = srv.post("/emulator/v1/reset", json::object());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["clock"], json({{"mode", "manual"}, {"now", t0_int}})) << r.body;
  EXPECT_EQ(r.json_body()["actions"], 6) << r.body;
  EXPECT_EQ(r.json_body()["users"], 4) << r.body;
  EXPECT_EQ(r.json_body()["databases"], 2) << r.body;
  EXPECT_EQ(observable_state(), before);
  EXPECT_EQ(srv.get("/v1/actions").body, seed_list_body());
  EXPECT_EQ(srv.get("/v2/actions").status, 200);
  EXPECT_EQ(srv.get("/v1/actions", viewer).status, 200);
  EXPECT_EQ(srv.get("/v1/actions", credentials{"x@redis.local", "X"}).status, 401);
  // The journal starts over too: only what came after the reset.
  for (const auto& e : journal()) EXPECT_NE(e["target"], "/v1/actions/bdb/9");

  // An empty body is a reset too; a body with fields is refused.
  EXPECT_EQ(srv.call(http::verb::post, "/emulator/v1/reset", admin).status, 200);
  const auto bad = srv.post("/emulator/v1/reset", {{"keep_users", true}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json_body()["error_code"], "unknown_field");
}

TEST_F(control_test, reset_restarts_seeded_simulations) {
  test_server s{manual_clock_config(t0, [](json& doc) {
    doc["state-machines"].push_back(
        json::parse(R"({"action_uid":"11111111-2222-4333-8444-555555555555",
        "name":"SMCreateBDB","object_name":"bdb:2","simulate":{}})"));
  })};
  const std::string target = "/v1/actions/11111111-2222-4333-8444-555555555555";
  EXPECT_EQ(s.get(target).json_body()["status"], "pending");
  ASSERT_EQ(s.post("/emulator/v1/clock/advance", {{"seconds", 20}}).status, 200);
  EXPECT_EQ(s.get(target).json_body()["status"], "completed");
  ASSERT_EQ(s.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(s.get(target).json_body()["status"], "pending");
  EXPECT_EQ(s.get(target).json_body()["heartbeat"], t0_int);
}

// --- Control API access -------------------------------------------------------------

TEST_F(control_test, control_api_is_for_admins_only) {
  const std::vector<std::pair<http::verb, std::string>> routes = {
      {http::verb::get, "/emulator/v1/clock"},     {http::verb::get, "/emulator/v1/users"},
      {http::verb::get, "/emulator/v1/requests"},  {http::verb::get, "/emulator/v1/faults"},
      {http::verb::get, "/emulator/v1/databases"}, {http::verb::get, "/emulator/v1/templates"},
      {http::verb::post, "/emulator/v1/reset"},    {http::verb::delete_, "/emulator/v1/requests"},
  };
  const auto before = observable_state();
  for (const auto& [method, target] : routes) {
    const std::string what = std::string(http::to_string(method)) + " " + target;
    const auto anonymous = srv.call(method, target, std::nullopt);
    EXPECT_EQ(anonymous.status, 401) << what;
    EXPECT_EQ(anonymous.json_body()["error_code"], "unauthorized") << what;
    EXPECT_EQ(anonymous.header(http::field::www_authenticate).rfind("Basic realm=", 0), 0u) << what;
    EXPECT_EQ(srv.call(method, target, credentials{"admin@redis.local", "nope"}).status, 401)
        << what;
    for (const auto& who : {viewer, db_viewer, nobody}) {
      const auto r = srv.call(method, target, who);
      EXPECT_EQ(r.status, 403) << what << " as " << who.email;
      EXPECT_EQ(r.json_body()["error_code"], "insufficient_permissions") << what;
    }
  }
  EXPECT_EQ(
      srv.post("/emulator/v1/actions", {{"type", "task"}, {"name", "retry_bdb"}}, viewer).status,
      403);
  EXPECT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 5}}, viewer).status, 403);
  EXPECT_EQ(observable_state(), before);
  // Every template is listed (the admin's view, after the refusals).
  EXPECT_EQ(get_json("/emulator/v1/templates")["templates"].size(), all_templates().size());
}

TEST(control_disabled, control_api_is_absent_when_turned_off) {
  test_server srv{
      manual_clock_config(t0, [](json& doc) { doc["emulator"]["control_api"] = false; })};
  for (const char* target : {"/emulator/v1/clock", "/emulator/v1/requests", "/emulator/v1/users"}) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.json_body()["error_code"], "not_found") << target;
  }
  const auto create = srv.post("/emulator/v1/actions", {{"type", "task"}, {"name", "retry_bdb"}});
  EXPECT_EQ(create.status, 404);
  EXPECT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 404);
  EXPECT_EQ(srv.get("/emulator/v1/health", std::nullopt).status, 200);
  EXPECT_EQ(srv.get("/v1/actions").body, seed_list_body());
}

// --- Bad input ----------------------------------------------------------------------

TEST_F(control_test, bad_input_is_400_and_changes_nothing) {
  struct bad_case {
    const char* what;
    http::verb method;
    std::string target;
    std::string body;
    const char* error_code;
    unsigned status = 400;
  };
  const std::string actions = "/emulator/v1/actions";
  const std::string users = "/emulator/v1/users";
  const std::vector<bad_case> cases = {
      {"malformed JSON", http::verb::post, actions, "{\"type\":", "malformed_json"},
      {"not JSON at all", http::verb::post, actions, "type=task", "malformed_json"},
      {"empty body", http::verb::post, actions, "", "malformed_json"},
      {"not an object", http::verb::post, actions, "[1,2]", "invalid_type"},
      {"name of the wrong type", http::verb::post, actions, R"({"type":"task","name":7})",
       "invalid_type"},
      {"missing name", http::verb::post, actions, R"({"type":"task"})", "missing_field"},
      {"unknown simulate field", http::verb::post, actions,
       R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3","simulate":{"stepz":["a"]}})",
       "unknown_field"},
      {"unknown advance field", http::verb::post, "/emulator/v1/clock/advance",
       R"({"seconds":1,"minutes":2})", "unknown_field"},
      {"unknown user field", http::verb::post, users,
       R"({"email":"u@redis.local","password":"p","role":"admin","superpowers":true})",
       "unknown_field"},
      {"unknown type", http::verb::post, actions, R"({"type":"job","name":"retry_bdb"})",
       "unknown_action_type"},
      {"unknown template", http::verb::post, actions, R"({"type":"task","name":"no_such_thing"})",
       "unknown_template"},
      {"template of the other kind", http::verb::post, actions,
       R"({"type":"task","name":"SMCreateBDB"})", "invalid_value"},
      {"step_seconds 0", http::verb::post, actions,
       R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3","simulate":{"step_seconds":0}})",
       "invalid_value"},
      {"fail_at_step past the steps", http::verb::post, actions,
       R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3","simulate":{"outcome":"failed","fail_at_step":7}})",
       "invalid_value"},
      {"task progress 150", http::verb::post, actions,
       R"({"type":"task","name":"retry_bdb","status":"running","progress":150})", "invalid_value"},
      {"state machine progress 150", http::verb::post, actions,
       R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3","status":"active","progress":150})",
       "invalid_value"},
      {"patch progress 150", http::verb::patch, std::string(actions) + "/" + seed_delete_uid,
       R"({"progress":150})", "invalid_value"},
      {"patch unknown status", http::verb::patch, std::string(actions) + "/" + seed_delete_uid,
       R"({"status":"exploded"})", "invalid_value"},
      {"patch unknown field", http::verb::patch, std::string(actions) + "/" + seed_delete_uid,
       R"({"colour":"red"})", "unknown_field"},
      {"negative advance", http::verb::post, "/emulator/v1/clock/advance", R"({"seconds":-5})",
       "invalid_value"},
      {"advance of the wrong type", http::verb::post, "/emulator/v1/clock/advance",
       R"({"seconds":"5"})", "invalid_type"},
      {"unknown role", http::verb::post, users,
       R"({"email":"u@redis.local","password":"p","role":"superuser"})", "unknown_role"},
      {"duplicate user", http::verb::post, users,
       R"({"email":"admin@redis.local","password":"p","role":"admin"})", "user_exists"},
      {"patch unknown role", http::verb::patch, users + "/viewer@redis.local", R"({"role":"root"})",
       "unknown_role"},
      {"removing the last admin", http::verb::delete_, users + "/admin@redis.local", "",
       "invalid_value"},
      {"demoting the last admin", http::verb::patch, users + "/admin@redis.local",
       R"({"role":"db_viewer"})", "invalid_value"},
      {"database 0", http::verb::post, "/emulator/v1/databases", R"({"uid":0})", "invalid_value"},
      {"duplicate database", http::verb::post, "/emulator/v1/databases", R"({"uid":1})",
       "database_exists"},
      {"fault without effect", http::verb::post, "/emulator/v1/faults", R"({"path":"/v1/actions"})",
       "invalid_value"},
      {"fault with a relative path", http::verb::post, "/emulator/v1/faults",
       R"({"path":"v1","status":500})", "invalid_value"},
      {"fault probability 2", http::verb::post, "/emulator/v1/faults",
       R"({"path":"/v1/*","status":500,"probability":2})", "invalid_value"},
  };

  const auto before = observable_state();
  for (const auto& c : cases) {
    request r = make_request(c.method, c.target, admin);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = c.body;
    const auto answer = srv.call(r);
    EXPECT_EQ(answer.status, c.status) << c.what << ": " << answer.body;
    EXPECT_EQ(answer.header(http::field::content_type), "application/json") << c.what;
    const json j = answer.json_body();
    EXPECT_EQ(j["error_code"], c.error_code) << c.what << ": " << answer.body;
    EXPECT_TRUE(j["description"].is_string() && !j["description"].get<std::string>().empty())
        << c.what;
    EXPECT_EQ(observable_state(), before) << c.what;
  }
}

// Control-API bodies are JSON: another Content-Type (what `curl -d` sends,
// and what a cross-site form can send) or none answers 415 and changes
// nothing; parameters of application/json are fine.
TEST_F(control_test, bodies_must_be_sent_as_json) {
  const auto before = observable_state();
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", ""}) {
    request r = make_request(http::verb::post, "/emulator/v1/actions", admin);
    if (*type != '\0') r.headers.emplace_back("Content-Type", type);
    r.body = R"({"type":"task","name":"retry_bdb"})";
    const auto refused = srv.call(r);
    EXPECT_EQ(refused.status, 415) << type << ": " << refused.body;
    EXPECT_EQ(refused.json_body()["error_code"], "unsupported_media_type") << type;
  }
  EXPECT_EQ(observable_state(), before);
  request r = make_request(http::verb::post, "/emulator/v1/clock/advance", admin);
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.body = R"({"seconds":3})";
  EXPECT_EQ(srv.call(r).status, 200);
  EXPECT_EQ(get_json("/emulator/v1/clock")["now"], t0_int + 3);
}

}  // namespace
}  // namespace reemu::test
