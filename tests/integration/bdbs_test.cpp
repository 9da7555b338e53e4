// Integration tests of the databases family (/v1/bdbs) over real HTTP: the
// workflow real tools run (create, poll the action, update, delete, poll
// until action_not_found), the busy 409, injected failures, the
// cluster-state-id counter, permissions and strict bodies. On the manual
// clock each step is taken with POST /emulator/v1/clock/advance; on the real
// clock a plan rule makes the machines short and the test polls, as the
// tools do, under a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class bdbs_test : public manual_clock_test {
 protected:
  // POST /v1/bdbs; the answer's body.
  json create(const json& body) {
    const auto r = srv.post("/v1/bdbs", body);
    EXPECT_EQ(r.status, 200) << body << ": " << r.body;
    return r.json_body();
  }

  // Polls the action on the manual clock, one second a poll, collecting
  // each answer until it is final or gone (404); at most `polls` polls.
  std::vector<response> poll(const std::string& action_uid, int polls = 60) {
    std::vector<response> seen;
    for (int i = 0; i < polls; ++i) {
      seen.push_back(srv.get("/v1/actions/" + action_uid));
      const response& r = seen.back();
      if (r.status != 200) break;
      const std::string status = r.json_body()["status"];
      if (status == "completed" || status == "failed") break;
      advance(1);
    }
    return seen;
  }
};

// The walk real tools run, on the manual clock.
TEST_F(bdbs_test, create_update_delete_workflow_on_the_manual_clock) {
  const json made = create({{"name", "orders"}, {"memory_size", 104857600}, {"port", 12010}});
  EXPECT_EQ(made["uid"], 3) << "after the seeded 1 and 2";
  EXPECT_EQ(made["status"], "pending");
  EXPECT_EQ(made["port"], 12010);
  EXPECT_EQ(made["endpoints"][0]["dns_name"], "redis-12010.docker-cluster");
  EXPECT_EQ(made["background_op"],
            json::parse(R"([{"name":"SMCreateBDB","progress":0,"status":"pending"}])"));
  const std::string create_uid = made["action_uid"];
  // In the list at once, and its action everywhere a poller looks.
  EXPECT_NE(srv.get("/v1/bdbs").body.find(R"("name":"orders")"), std::string::npos);
  EXPECT_EQ(get_json("/v2/actions/" + create_uid)["status"], "queued");
  EXPECT_EQ(get_json("/v1/actions/bdb/3").size(), 1u);

  const auto walk = poll(create_uid);
  ASSERT_GE(walk.size(), 8u);
  EXPECT_EQ(walk.front().json_body()["status"], "pending");
  double last_progress = -1;
  std::vector<std::string> states;
  for (const auto& r : walk) {
    const json a = r.json_body();
    if (a["status"] != "active") continue;
    EXPECT_TRUE(a["progress"].is_number());
    EXPECT_GT(a["progress"].get<double>(), last_progress - 1e-9);
    last_progress = a["progress"].get<double>();
    if (states.empty() || states.back() != a["state"]) states.push_back(a["state"]);
  }
  EXPECT_EQ(states.size(), 7u);
  const json done = walk.back().json_body();
  EXPECT_EQ(done["status"], "completed");
  EXPECT_FALSE(done.contains("state"));
  EXPECT_FALSE(done.contains("progress"));  // as in the real capture
  EXPECT_EQ(get_json("/v2/actions/" + create_uid)["progress"], 100);

  json db = get_json("/v1/bdbs/3");
  EXPECT_EQ(db["status"], "active");
  EXPECT_FALSE(db.contains("action_uid"));
  EXPECT_EQ(db["background_op"], json::parse(R"([{"status":"idle"}])"));

  const auto renamed = put("/v1/bdbs/3", {{"name", "orders-v2"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json_body()["name"], "orders-v2");
  EXPECT_EQ(renamed.json_body()["status"], "active-change-pending");
  const std::string update_uid = renamed.json_body()["action_uid"];
  EXPECT_EQ(poll(update_uid).back().json_body()["status"], "completed");
  EXPECT_EQ(get_json("/v1/bdbs/3")["status"], "active");

  const auto deleting = srv.del("/v1/bdbs/3");
  ASSERT_EQ(deleting.status, 200) << deleting.body;
  EXPECT_EQ(deleting.json_body()["status"], "delete-pending");
  EXPECT_EQ(deleting.json_body()["background_op"],
            json::parse(R"([{"name":"SMDeleteBDB","progress":0,"status":"pending"}])"));
  const std::string delete_uid = deleting.json_body()["action_uid"];
  const auto gone = poll(delete_uid);
  EXPECT_EQ(gone[gone.size() - 2].json_body()["status"], "active");
  EXPECT_EQ(gone.back().status, 404);
  EXPECT_EQ(gone.back().json_body(),
            error_body("Action " + delete_uid + " does not exist", "action_not_found"));
  const auto bdb = srv.get("/v1/bdbs/3");
  EXPECT_EQ(bdb.status, 404);
  EXPECT_EQ(bdb.json_body(), error_body("Database 3 does not exist", "db_not_exist"));
  EXPECT_EQ(srv.get("/v1/bdbs").body.find(R"("name":"orders)"), std::string::npos);
  // Create and update stay visible as completed.
  EXPECT_EQ(get_json("/v1/actions/" + create_uid)["status"], "completed");
  EXPECT_EQ(get_json("/v1/actions/" + update_uid)["status"], "completed");
}

// The same walk on the real clock: a plan rule shortens every machine, and
// the test polls as the tools do, under a deadline.
TEST(bdbs_real_clock, create_update_delete_workflow) {
  test_server srv{make_config()};
  // Long enough phases that a poll every 5 ms sees each one even on a
  // loaded machine under the sanitizers; short enough to end in a second.
  ASSERT_EQ(srv.post("/emulator/v1/plans",
                     {{"simulate", {{"step_seconds", 0.05}, {"pending_seconds", 0.3}}}})
                .status,
            201);
  const auto wait_for = [&](const std::string& uid, int want_status, const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<std::string> seen;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto r = srv.get("/v1/actions/" + uid);
      const std::string now = r.status == 200 ? std::string(r.json_body()["status"])
                                              : std::string(r.json_body()["error_code"]);
      if (seen.empty() || seen.back() != now) seen.push_back(now);
      if (static_cast<int>(r.status) == want_status && now == want) return seen;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "action " << uid << " never reached " << want;
    return seen;
  };
  const auto made = srv.post("/v1/bdbs", {{"name", "rt"}, {"memory_size", 1048576}});
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string uid = std::to_string(made.json_body()["uid"].get<int>());
  // The answer is rendered at creation: the machine has not started yet.
  EXPECT_EQ(made.json_body()["status"], "pending");
  const auto created = wait_for(made.json_body()["action_uid"], 200, "completed");
  // What the polls saw, in order: the walk never goes back.
  const std::vector<std::string> walk = {"pending", "active", "completed"};
  auto at = walk.begin();
  for (const std::string& s : created) {
    at = std::find(at, walk.end(), s);
    ASSERT_NE(at, walk.end()) << "unexpected or out-of-order status " << s;
  }
  EXPECT_NE(std::find(created.begin(), created.end(), "active"), created.end());
  EXPECT_EQ(srv.get("/v1/bdbs/" + uid).json_body()["status"], "active");

  const auto renamed = srv.call(http::verb::put, "/v1/bdbs/" + uid, admin, R"({"name":"rt2"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  wait_for(renamed.json_body()["action_uid"], 200, "completed");
  EXPECT_EQ(srv.get("/v1/bdbs/" + uid).json_body()["name"], "rt2");

  const auto deleted = srv.del("/v1/bdbs/" + uid);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  wait_for(deleted.json_body()["action_uid"], 404, "action_not_found");
  EXPECT_EQ(srv.get("/v1/bdbs/" + uid).status, 404);
}

TEST_F(bdbs_test, writes_are_refused_while_busy_and_accepted_after) {
  const json made = create({{"name", "busy"}, {"memory_size", 1048576}});
  const std::string uid = std::to_string(made["uid"].get<int>());
  const std::string target = "/v1/bdbs/" + uid;
  const auto before = srv.get("/v1/bdbs").body;
  for (const auto& r : {put(target, {{"name", "other"}}), srv.del(target),
                        srv.call(http::verb::put, target + "/flush", admin, "{}")}) {
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "busy");
  }
  EXPECT_EQ(srv.get("/v1/bdbs").body, before);
  EXPECT_EQ(srv.get(target).status, 200);  // reads go on
  advance(60);
  const auto flushed = srv.call(http::verb::put, target + "/flush", admin);
  ASSERT_EQ(flushed.status, 200) << flushed.body;
  const json f = flushed.json_body();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(get_json("/v1/actions/" + std::string(f["action_uid"]))["name"], "SMFlushBDB");
  EXPECT_EQ(put(target, {{"name", "other"}}).status, 409);
  advance(60);
  EXPECT_EQ(put(target, {{"name", "other"}}).status, 200);
}

TEST_F(bdbs_test, injected_create_failure_gives_creation_failed_and_a_failed_action_that_stays) {
  const auto rule = srv.post("/emulator/v1/plans",
                             {{"name", "SMCreateBDB"},
                              {"times", 1},
                              {"simulate", {{"fail_at_step", 3}, {"error", "out of memory"}}}});
  ASSERT_EQ(rule.status, 201) << rule.body;
  const json made = create({{"name", "doomed"}, {"memory_size", 1048576}});
  const std::string action_uid = made["action_uid"];
  const auto walk = poll(action_uid);
  const json failed = walk.back().json_body();
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"], "out of memory");
  EXPECT_EQ(failed["state"], "bind_endpoint");
  const std::string uid = std::to_string(made["uid"].get<int>());
  EXPECT_EQ(get_json("/v1/bdbs/" + uid)["status"], "creation-failed");
  EXPECT_EQ(put("/v1/bdbs/" + uid, {{"name", "x"}}).status, 409);
  advance(600);
  EXPECT_EQ(get_json("/v1/actions/" + action_uid)["status"], "failed");
  EXPECT_EQ(get_json("/v2/actions/" + action_uid)["additional_info"]["error"], "out of memory");
  // The rule was used up: the next create succeeds.
  EXPECT_EQ(get_json("/emulator/v1/plans")["plans"], json::array());
  const json next = create({{"name", "fine"}, {"memory_size", 1048576}});
  EXPECT_EQ(poll(next["action_uid"]).back().json_body()["status"], "completed");
  // The failed database can still be deleted.
  EXPECT_EQ(srv.del("/v1/bdbs/" + uid).status, 200);
}

TEST_F(bdbs_test, a_failed_delete_stays_visible_as_failed) {
  ASSERT_EQ(srv.post("/emulator/v1/plans", {{"name", "SMDeleteBDB"},
                                            {"object_name", "bdb:1"},
                                            {"simulate", {{"fail_at_step", 2}}}})
                .status,
            201);
  const auto r = srv.del("/v1/bdbs/1");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string action_uid = r.json_body()["action_uid"];
  EXPECT_EQ(poll(action_uid).back().json_body()["status"], "failed");
  advance(60);
  EXPECT_EQ(get_json("/v1/actions/" + action_uid)["status"], "failed");
  EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "active");
}

TEST_F(bdbs_test, slow_steps_for_one_database) {
  ASSERT_EQ(srv.post("/emulator/v1/plans",
                     {{"object_name", "bdb:1"}, {"simulate", {{"step_seconds", 5}}}})
                .status,
            201);
  const auto r = put("/v1/bdbs/1", {{"memory_size", 2147483648}});
  ASSERT_EQ(r.status, 200) << r.body;
  advance(1 + 5 * 6);
  EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "active-change-pending");
  advance(5);
  EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "active");
  EXPECT_EQ(get_json("/v1/bdbs/1")["memory_size"], 2147483648);
}

TEST_F(bdbs_test, cluster_state_id_rises_by_one_per_accepted_change) {
  const auto first = srv.get("/v1/bdbs");
  const std::uint64_t id = state_id(first);
  EXPECT_EQ(state_id(srv.get("/v1/actions")), id);
  EXPECT_EQ(state_id(srv.get("/emulator/v1/health", std::nullopt)), id);
  EXPECT_EQ(state_id(srv.post("/v1/bdbs", {{"name", "x"}})), id);  // 400: no change
  EXPECT_EQ(state_id(srv.post("/v1/bdbs?dry_run", {{"name", "x"}, {"memory_size", 1}})), id);
  const auto made = srv.post("/v1/bdbs", {{"name", "x"}, {"memory_size", 1}});
  EXPECT_EQ(state_id(made), id + 1);
  EXPECT_EQ(state_id(srv.get("/v1/bdbs")), id + 1);
  advance(60);
  const std::string target = "/v1/bdbs/" + std::to_string(made.json_body()["uid"].get<int>());

  request stale = make_request(http::verb::put, target, admin, R"({"name":"y"})");
  stale.headers.emplace_back("cluster-state-id", std::to_string(id));
  const auto refused = srv.call(stale);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json_body()["error_code"], "wrong_cluster_state_id");
  EXPECT_EQ(state_id(refused), id + 1);
  request current = make_request(http::verb::put, target, admin, R"({"name":"y"})");
  current.headers.emplace_back("cluster-state-id", std::to_string(id + 1));
  EXPECT_EQ(state_id(srv.call(current)), id + 2);
  advance(60);
  EXPECT_EQ(state_id(srv.del(target)), id + 3);
  EXPECT_EQ(state_id(srv.post("/emulator/v1/databases", {{"uid", 40}})), id + 4);
}

TEST_F(bdbs_test, every_route_needs_its_permission) {
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "member@redis.local"}, {"password", "M"}, {"role", "db_member"}})
                .status,
            201);
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "users@redis.local"}, {"password", "U"}, {"role", "user_manager"}})
                .status,
            201);
  ASSERT_EQ(srv.post("/emulator/v1/users", {{"email", "cluster.member@redis.local"},
                                            {"password", "C"},
                                            {"role", "cluster_member"}})
                .status,
            201);
  const credentials cluster_member{"cluster.member@redis.local", "C"};
  const credentials member{"member@redis.local", "M"};
  const credentials user_manager{"users@redis.local", "U"};
  const std::string body = R"({"name":"p","memory_size":1})";
  for (const auto& who : {viewer, db_viewer, user_manager}) {
    SCOPED_TRACE(who.email);
    EXPECT_EQ(srv.get("/v1/bdbs", who).status, 200);
    EXPECT_EQ(srv.get("/v1/bdbs/1", who).status, 200);
    for (const auto& [method, target] :
         std::vector<std::pair<http::verb, std::string>>{{http::verb::post, "/v1/bdbs"},
                                                         {http::verb::put, "/v1/bdbs/1"},
                                                         {http::verb::delete_, "/v1/bdbs/1"},
                                                         {http::verb::put, "/v1/bdbs/1/flush"}}) {
      const auto r = srv.call(method, target, who, method == http::verb::delete_ ? "" : body);
      EXPECT_EQ(r.status, 403) << target;
      EXPECT_EQ(r.json_body()["error_code"], "insufficient_permissions");
    }
  }
  EXPECT_EQ(srv.get("/v1/bdbs", nobody).status, 403);
  EXPECT_EQ(srv.get("/v1/bdbs/1", nobody).status, 403);
  EXPECT_EQ(srv.get("/v1/bdbs", std::nullopt).status, 401);
  EXPECT_EQ(srv.get("/v1/bdbs").body, srv.get("/v1/bdbs", viewer).body);
  const auto made = srv.post("/v1/bdbs", json::parse(body), member);
  ASSERT_EQ(made.status, 200) << made.body;
  advance(60);
  const std::string target = "/v1/bdbs/" + std::to_string(made.json_body()["uid"].get<int>());
  EXPECT_EQ(srv.call(http::verb::put, target, member, R"({"name":"q"})").status, 200);
  advance(60);
  EXPECT_EQ(srv.call(http::verb::put, target + "/flush", member).status, 200);
  advance(60);
  EXPECT_EQ(srv.del(target, member).status, 200);
  const auto by_cluster_member = srv.post("/v1/bdbs", json::parse(body), cluster_member);
  EXPECT_EQ(by_cluster_member.status, 200) << by_cluster_member.body;
  EXPECT_EQ(srv.get("/v1/bdbs", cluster_member).status, 200);
}

// A failed SMDeleteBDB made through the control API stays visible as failed
// too, though a completed one vanishes at once.
TEST_F(bdbs_test, a_failed_control_api_delete_machine_stays_visible) {
  const auto failing = srv.post("/emulator/v1/actions", {{"type", "state-machine"},
                                                         {"name", "SMDeleteBDB"},
                                                         {"object_name", "bdb:2"},
                                                         {"simulate", {{"fail_at_step", 1}}}});
  ASSERT_EQ(failing.status, 201) << failing.body;
  const auto completing =
      srv.post("/emulator/v1/actions",
               {{"type", "state-machine"}, {"name", "SMDeleteBDB"}, {"object_name", "bdb:2"}});
  ASSERT_EQ(completing.status, 201) << completing.body;
  advance(60);
  const json failed = get_json("/v1/actions/" + std::string(failing.json_body()["action_uid"]));
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["state"], "config_security");
  EXPECT_EQ(srv.get("/v1/actions/" + std::string(completing.json_body()["action_uid"])).status,
            404);
}

TEST_F(bdbs_test, bad_bodies_get_400_and_change_nothing) {
  expect_refused_changing_nothing(
      {
          {http::verb::post, "/v1/bdbs", "", 400, "invalid_schema"},
          {http::verb::post, "/v1/bdbs", "{", 400, "invalid_schema"},
          {http::verb::post, "/v1/bdbs", "[]", 400, "invalid_schema"},
          {http::verb::post, "/v1/bdbs", R"({"memory_size":1})", 400, "missing_db_name"},
          {http::verb::post, "/v1/bdbs", R"({"name":"a"})", 400, "missing_memory_size"},
          {http::verb::post, "/v1/bdbs", R"({"name":"a","memory_size":1,"persistence":"aof"})", 400,
           "invalid_schema"},
          {http::verb::post, "/v1/bdbs", R"({"name":"a","memory_size":"1GB"})", 400,
           "invalid_schema"},
          {http::verb::post, "/v1/bdbs", R"({"name":"a","memory_size":1,"data_persistence":"x"})",
           400, "invalid_schema"},
          {http::verb::post, "/v1/bdbs", R"({"name":"a","memory_size":1,"uid":1})", 409,
           "uid_exists"},
          {http::verb::post, "/v1/bdbs", R"({"name":"a","memory_size":1,"port":14968})", 409,
           "port_unavailable"},
          {http::verb::put, "/v1/bdbs/1", R"({"shards_count":"2"})", 400, "invalid_schema"},
          {http::verb::put, "/v1/bdbs/1", R"({"uid":7})", 400, "invalid_schema"},
          {http::verb::put, "/v1/bdbs/1", R"({"version":"7.4.2"})", 400, "invalid_schema"},
          {http::verb::put, "/v1/bdbs/1", R"({"port":12000})", 409, "port_unavailable"},
          {http::verb::put, "/v1/bdbs/9", R"({"name":"a"})", 404, "db_not_exist"},
          {http::verb::delete_, "/v1/bdbs/9", "", 404, "db_not_exist"},
          {http::verb::put, "/v1/bdbs/x/flush", "", 404, "db_not_exist"},
      },
      {"/v1/actions"});
}

TEST_F(bdbs_test, real_client_bodies_are_accepted) {
  // sre sends a field the bdb object lacks; it passes only with the option on.
  const json sre = {{"name", "test-db"},
                    {"type", "redis"},
                    {"memory_size", 33554432},
                    {"port", 12001},
                    {"replication", true},
                    {"sharding", true},
                    {"oss_sharding", true},
                    {"shards_count", 2},
                    {"shards_placement", "sparse"},
                    {"proxy_policy", "all-master-shards"}};
  const json made = create(sre);
  EXPECT_EQ(made["endpoints"][0]["proxy_policy"], "all-master-shards");
  json with_extra = sre;
  with_extra["persistence"] = "disabled";
  with_extra["port"] = 12002;
  EXPECT_EQ(srv.post("/v1/bdbs", with_extra).json_body()["error_code"], "invalid_schema");
  test_server lenient{
      manual_clock_config(t0, [](json& doc) { doc["emulator"]["accept_unknown_fields"] = true; })};
  const auto r = lenient.post("/v1/bdbs", with_extra);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["persistence"], "disabled");
  // vrl's modify: a GET sent back with one change is accepted.
  advance(60);
  json dumped = get_json("/v1/bdbs/1");
  dumped["name"] = "renamed";
  const auto sent_back = put("/v1/bdbs/1", dumped);
  EXPECT_EQ(sent_back.status, 200) << sent_back.body;
  EXPECT_EQ(sent_back.json_body()["name"], "renamed");
}

TEST_F(bdbs_test, seeded_database_is_the_capture_and_fields_select_keys) {
  EXPECT_EQ(srv.get("/v1/bdbs/1").body, capture("bdb_single.json"));
  const json list = get_json("/v1/bdbs");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].dump(), json::parse(capture("bdb_single.json")).dump());
  EXPECT_EQ(srv.get("/v1/bdbs?fields=uid,name").body,
            R"([{"name":"default-db","uid":1},{"name":"cache-db","uid":2}])");
  EXPECT_EQ(srv.get("/v1/bdbs/2?fields=port,nosuchfield").body, R"({"port":12000})");
  EXPECT_EQ(srv.get("/v1/bdbs/0").status, 404);
  EXPECT_EQ(srv.get("/v1/bdbs/abc").status, 404);
}

TEST_F(bdbs_test, dry_run_validates_and_changes_nothing) {
  const auto before = srv.get("/v1/bdbs").body;
  const auto r = srv.post("/v1/bdbs?dry_run=true", {{"name", "dry"}, {"memory_size", 1}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json_body().contains("action_uid"));
  EXPECT_EQ(r.json_body()["uid"], 3);
  const auto p = srv.call(http::verb::put, "/v1/bdbs/1?dry_run", admin, R"({"name":"dry"})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json_body()["name"], "dry");
  EXPECT_EQ(srv.post("/v1/bdbs?dry_run", {{"name", "dry"}}).status, 400);
  EXPECT_EQ(srv.get("/v1/bdbs").body, before);
}

TEST_F(bdbs_test, journal_faults_and_reset_cover_the_routes) {
  ASSERT_EQ(srv.post("/emulator/v1/faults",
                     {{"method", "POST"}, {"path", "/v1/bdbs"}, {"status", 503}, {"times", 1}})
                .status,
            201);
  const auto refused = srv.post("/v1/bdbs", {{"name", "f"}, {"memory_size", 1}});
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(get_json("/emulator/v1/databases")["databases"], json::parse("[1,2]"));
  const json made = create({{"name", "f"}, {"memory_size", 1}});
  const json journal = get_json("/emulator/v1/requests?path=/v1/bdbs")["requests"];
  ASSERT_EQ(journal.size(), 2u) << journal;
  EXPECT_EQ(journal[0]["status"], 503);
  EXPECT_EQ(journal[1]["status"], 200);
  EXPECT_EQ(journal[1]["method"], "POST");

  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(get_json("/emulator/v1/databases")["databases"], json::parse("[1,2]"));
  EXPECT_EQ(srv.get("/v1/bdbs/1").body, capture("bdb_single.json"));
  EXPECT_EQ(srv.get("/v1/actions/" + std::string(made["action_uid"])).status, 404);
}

TEST_F(bdbs_test, control_api_seeds_inspects_and_removes_databases) {
  json pasted = json::parse(capture("bdb_single.json"));
  pasted["uid"] = 8;
  pasted["name"] = "pasted";
  pasted["endpoints"][0]["port"] = 13000;
  const auto added = srv.post("/emulator/v1/databases", pasted);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(srv.get("/v1/bdbs/8").body, added.body);
  EXPECT_EQ(added.json_body()["name"], "pasted");

  const json made = create({{"name", "watched"}, {"memory_size", 1}});
  const json seen = get_json("/emulator/v1/databases/" + std::to_string(made["uid"].get<int>()));
  EXPECT_EQ(seen["status"], "pending");
  EXPECT_EQ(seen["busy"], true);
  EXPECT_EQ(seen["operation"]["name"], "SMCreateBDB");
  EXPECT_EQ(seen["operation"]["action_uid"], made["action_uid"]);
  EXPECT_EQ(seen["fields"]["name"], "watched");

  const auto replaced = srv.call(http::verb::put, "/emulator/v1/databases/8", admin,
                                 R"({"name":"replaced","memory_size":5})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(get_json("/v1/bdbs/8")["name"], "replaced");
  EXPECT_EQ(srv.del("/emulator/v1/databases/8").status, 204);
  EXPECT_EQ(srv.get("/v1/bdbs/8").status, 404);
  EXPECT_EQ(srv.get("/emulator/v1/databases/8").status, 404);
}

}  // namespace
}  // namespace reemu::test
