// Integration tests of the shards and modules families and of OPTIONS, over
// real HTTP on the manual clock: the lists against the captures, a migrate
// and a failover polled to completion with the database busy meanwhile,
// every documented error code with nothing changed, the permission of every
// route for every role. Every answer is checked against docs/openapi.json by
// the test client.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class shards_test : public manual_clock_test {
 protected:
  response post_raw(const std::string& target, const std::string& body,
                    std::optional<credentials> who = admin) {
    return srv.call(http::verb::post, target, who, body);
  }

  // A new active database with `body` over a name and a size; its uid.
  int make_database(json body) {
    body["name"] = "sharded";
    body["memory_size"] = 1 << 20;
    const auto made = srv.post("/v1/bdbs", body);
    EXPECT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
    return made.json_body()["uid"].get<int>();
  }

  // The shards of database `bdb` as GET /v1/shards lists them.
  json shards_of(int bdb) {
    json out = json::array();
    for (const json& s : get_json("/v1/shards"))
      if (s["bdb_uid"] == bdb) out.push_back(s);
    return out;
  }
};

TEST_F(shards_test, shards_follow_the_databases_in_the_captured_shape) {
  const json list = get_json("/v1/shards");
  ASSERT_EQ(list.size(), 2u) << list;
  json want = json::parse(capture("shards_list.json"))[0];
  want["report_timestamp"] = "2025-10-09T08:53:20Z";  // t0
  EXPECT_EQ(list[0], want);
  EXPECT_EQ(list[1]["uid"], "2");
  EXPECT_EQ(list[1]["node_uid"], "2");  // the config's node 2 lists shard 2
  EXPECT_EQ(get_json("/v1/shards/2"), list[1]);
  EXPECT_EQ(get_json("/v1/bdbs/2")["shard_list"], json::parse("[2]"));

  const int uid = make_database({{"shards_count", 3}, {"replication", true}});
  const json mine = shards_of(uid);
  ASSERT_EQ(mine.size(), 6u);
  EXPECT_EQ(get_json("/v1/bdbs/" + std::to_string(uid))["shard_list"],
            json::parse("[3,4,5,6,7,8]"));
  EXPECT_EQ(mine[2]["assigned_slots"], "5461-10922");
  EXPECT_EQ(mine[3]["assigned_slots"], "5461-10922");
  EXPECT_EQ(mine[2]["role"], "master");
  EXPECT_EQ(mine[3]["role"], "slave");
  EXPECT_NE(mine[2]["node_uid"], mine[3]["node_uid"]);

  for (const std::string target : {"/v1/shards/99", "/v1/shards/x"}) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.json_body()["error_code"], "shard_not_exist");
  }
}

TEST_F(shards_test, modules_are_the_capture) {
  const auto r = srv.get("/v1/modules");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, capture("modules_list.json"));
  // The default database's modules are in the list.
  const json modules = get_json("/v1/bdbs/1")["module_list"];
  ASSERT_FALSE(modules.empty());
  for (const json& m : modules) {
    const json one = get_json("/v1/modules/" + m["module_id"].get<std::string>());
    EXPECT_EQ(one["module_name"], m["module_name"]);
    EXPECT_EQ(one["semantic_version"], m["semantic_version"]);
  }
  const auto missing = srv.get("/v1/modules/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json_body()["error_code"], "module_not_exist");
}

TEST_F(shards_test, a_migrate_moves_the_shard_when_its_machine_completes) {
  const auto r = post_raw("/v1/shards/1/actions/migrate", R"({"target_node_uid":3})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["description"], "Migrate was triggered");
  const std::string action_uid = r.json_body()["action_uid"];
  const json action = get_json("/v1/actions/" + action_uid);
  EXPECT_EQ(action["name"], "SMUpdateBDB");
  EXPECT_EQ(action["object_name"], "bdb:1");
  // Busy meanwhile: database writes answer busy, shard actions db_busy.
  const auto busy = put("/v1/bdbs/1", {{"name", "x"}});
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(busy.json_body()["error_code"], "busy");
  const auto again =
      post_raw("/v1/shards/actions/migrate", R"({"shard_uids":["1"],"target_node_uid":2})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json_body()["error_code"], "db_busy");
  EXPECT_EQ(get_json("/v1/shards/1")["node_uid"], "1");
  // How many times node `uid`'s shard_list names shard 1.
  const auto shard_1_on = [&](int uid) {
    const json list = get_json("/v1/nodes/" + std::to_string(uid))["shard_list"];
    return std::count(list.begin(), list.end(), json(1));
  };
  EXPECT_EQ(shard_1_on(1), 1);
  EXPECT_EQ(poll(action_uid)["status"], "completed");
  EXPECT_EQ(get_json("/v1/shards/1")["node_uid"], "3");
  // The nodes follow: shard 1 left node 1 for node 3.
  EXPECT_EQ(shard_1_on(1), 0);
  EXPECT_EQ(shard_1_on(3), 1);
  EXPECT_EQ(get_json("/v1/bdbs/1")["status"], "active");
  // The next operation keeps the moved shard where it is.
  ASSERT_EQ(put("/v1/bdbs/1", {{"name", "moved"}}).status, 200);
  advance(60);
  EXPECT_EQ(get_json("/v1/shards/1")["node_uid"], "3");
}

TEST_F(shards_test, a_failed_migrate_moves_nothing) {
  ASSERT_EQ(srv.post("/emulator/v1/plans", {{"name", "SMUpdateBDB"},
                                            {"object_name", "bdb:2"},
                                            {"times", 1},
                                            {"simulate", {{"fail_at_step", 2}}}})
                .status,
            201);
  const auto r = post_raw("/v1/shards/actions/migrate",
                          R"({"shard_uids":["2"],"target_node_uid":1,"preserve_roles":false})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(poll(r.json_body()["action_uid"])["status"], "failed");
  EXPECT_EQ(get_json("/v1/shards/2")["node_uid"], "2");
}

TEST_F(shards_test, a_failover_swaps_master_and_replica) {
  const int uid = make_database({{"replication", true}});
  const json before = shards_of(uid);
  ASSERT_EQ(before.size(), 2u);
  const std::string master = before[0]["uid"];
  const std::string replica = before[1]["uid"];
  const auto refused = post_raw("/v1/shards/" + replica + "/actions/failover", "");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json_body()["error_code"], "shard_is_slave");
  const auto r = post_raw("/v1/shards/actions/failover", json{{"shard_uids", {master}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["description"], "Failover was triggered");
  EXPECT_EQ(get_json("/v1/actions/" + r.json_body()["action_uid"].get<std::string>())["name"],
            "SMRedisFailover");
  EXPECT_EQ(get_json("/v1/bdbs/" + std::to_string(uid))["status"], "active-change-pending");
  EXPECT_EQ(poll(r.json_body()["action_uid"])["status"], "completed");
  const json after = shards_of(uid);
  EXPECT_EQ(after[0]["role"], "slave");
  EXPECT_EQ(after[1]["role"], "master");
  EXPECT_EQ(after[0]["node_uid"], before[0]["node_uid"]);
}

TEST_F(shards_test, refused_actions_change_nothing) {
  const int uid = make_database({{"replication", true}});
  const std::string master = shards_of(uid)[0]["uid"];
  const std::string replica = shards_of(uid)[1]["uid"];
  using http::verb;
  expect_refused_changing_nothing(
      {
          {verb::post, "/v1/shards/actions/migrate", R"({"target_node_uid":2})", 404,
           "shard_uids_required"},
          {verb::post, "/v1/shards/actions/failover", "{}", 404, "shard_uids_required"},
          {verb::post, "/v1/shards/actions/failover", R"({"shard_uids":[]})", 404,
           "shard_uids_required"},
          {verb::post, "/v1/shards/actions/migrate",
           R"({"shard_uids":["1","99"],"target_node_uid":2})", 404, "shard_not_exist"},
          {verb::post, "/v1/shards/99/actions/failover", "", 404, "shard_not_exist"},
          {verb::post, "/v1/shards/1/actions/migrate", "{}", 404, "node_not_exist"},
          {verb::post, "/v1/shards/1/actions/migrate", R"({"target_node_uid":9})", 404,
           "node_not_exist"},
          {verb::post, "/v1/shards/actions/failover", json{{"shard_uids", {"1", master}}}.dump(),
           400, "failover_shards_different_bdb"},
          {verb::post, "/v1/shards/actions/failover", json{{"shard_uids", {replica}}}.dump(), 400,
           "shard_is_slave"},
          {verb::post, "/v1/shards/1/actions/migrate", R"({"target_node":2})", 400,
           "invalid_schema"},
          {verb::post, "/v1/shards/1/actions/migrate", R"({"target_node_uid":"2"})", 400,
           "invalid_schema"},
          {verb::post, "/v1/shards/actions/migrate", R"({"shard_uids":[true],"target_node_uid":2})",
           400, "invalid_schema"},
          {verb::post, "/v1/shards/1/actions/failover", R"({"force_rebind":1})", 400,
           "invalid_schema"},
          {verb::post, "/v1/shards/1/actions/failover", "[]", 400, "invalid_schema"},
          {verb::post, "/v1/shards/1/actions/failover", "{", 400, "invalid_schema"},
      },
      {"/v1/shards", "/v1/actions"});
  // A dry run checks the same and changes nothing either: 60 s later every
  // shard is where it was (report_timestamp follows the clock).
  const auto placement = [&] {
    json shards = get_json("/v1/shards");
    for (json& shard : shards) shard.erase("report_timestamp");
    return shards;
  };
  const json before = placement();
  const auto dry =
      post_raw("/v1/shards/1/actions/migrate", R"({"target_node_uid":2,"dry_run":true})");
  EXPECT_EQ(dry.status, 200) << dry.body;
  EXPECT_FALSE(dry.json_body().contains("action_uid"));
  const auto dry_query = post_raw("/v1/shards/1/actions/failover?dry_run=true", "");
  EXPECT_EQ(dry_query.status, 200) << dry_query.body;
  advance(60);
  EXPECT_EQ(placement(), before);
}

TEST_F(shards_test, options_lists_the_methods_of_a_registered_path) {
  for (const auto& [target, allow] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/shards", "GET, HEAD"},
           {"/v1/shards/1/actions/migrate", "POST"},
           {"/v1/bdbs/1", srv.call(http::verb::patch, "/v1/bdbs/1").header(http::field::allow)}}) {
    SCOPED_TRACE(target);
    const auto r = srv.call(http::verb::options, target, std::nullopt);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header(http::field::allow), allow);
    EXPECT_EQ(r.body, "");
  }
  const auto unknown = srv.call(http::verb::options, "/v1/nothing", admin);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json_body()["error_code"], "not_found");
  // Other methods are as they were: 405 with the same Allow.
  const auto refused = srv.call(http::verb::delete_, "/v1/shards", admin);
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(refused.header(http::field::allow), "GET, HEAD");
}

TEST_F(shards_test, every_route_needs_its_permission) {
  for (const auto& [email, role] :
       std::vector<std::pair<std::string, std::string>>{{"cm@redis.local", "cluster_member"},
                                                        {"dm@redis.local", "db_member"},
                                                        {"um@redis.local", "user_manager"}}) {
    ASSERT_EQ(srv.post("/emulator/v1/users", {{"email", email}, {"password", "P"}, {"role", role}})
                  .status,
              201);
  }
  struct caller {
    credentials who;
    bool views;  // view_all_shard_stats, view_shard_stats, view_cluster_modules
    bool acts;   // migrate_shard, failover_shard
  };
  const std::vector<caller> callers = {
      {admin, true, true},      {{"cm@redis.local", "P"}, true, true},
      {viewer, true, false},    {{"dm@redis.local", "P"}, true, true},
      {db_viewer, true, false}, {{"um@redis.local", "P"}, true, false},
      {nobody, false, false},
  };
  struct call {
    http::verb method;
    std::string target;
    std::string body;
    bool action;
  };
  const std::vector<call> calls = {
      {http::verb::get, "/v1/shards", "", false},
      {http::verb::get, "/v1/shards/1", "", false},
      {http::verb::get, "/v1/modules", "", false},
      {http::verb::get, "/v1/modules/b14385b09778a335835ee3ae380bbc77", "", false},
      {http::verb::post, "/v1/shards/actions/migrate",
       R"({"shard_uids":["1"],"target_node_uid":2,"dry_run":true})", true},
      {http::verb::post, "/v1/shards/actions/failover", R"({"shard_uids":["1"],"dry_run":true})",
       true},
      {http::verb::post, "/v1/shards/1/actions/migrate", R"({"target_node_uid":2,"dry_run":true})",
       true},
      {http::verb::post, "/v1/shards/1/actions/failover", R"({"dry_run":true})", true},
  };
  for (const caller& c : callers) {
    for (const call& k : calls) {
      SCOPED_TRACE(std::string(c.who.email) + " " + k.target);
      const auto r = srv.call(k.method, k.target, c.who, k.body);
      EXPECT_EQ(r.status, (k.action ? c.acts : c.views) ? 200 : 403) << r.body;
    }
  }
  EXPECT_EQ(srv.get("/v1/shards", std::nullopt).status, 401);
}

}  // namespace
}  // namespace reemu::test
