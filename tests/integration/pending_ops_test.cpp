// Integration tests of the shard operations state machines show in
// pending_ops, over real HTTP on the manual clock: a rebalance polled
// through /v1/actions/{uid} (and the lists, the bdb list and /v2/actions)
// shows migrate_shard operations with rising progress, finished ones gone,
// then completes with the shards moved back; a rebalance that moves nothing
// keeps {}; a failover shows failover_shard and a revamp that reshards
// shows reshard. Every answer is checked against docs/openapi.json by the
// test client.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class pending_ops_test : public manual_clock_test {
 protected:
  // A new active database with 2 masters and their replicas; its uid.
  int make_database(json body = {{"shards_count", 2}, {"replication", true}}) {
    body["name"] = "moving";
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

  // The state machine `uid` in GET /v1/actions.
  json listed(const std::string& uid) {
    const json list = get_json("/v1/actions");
    for (const json& sm : list["state-machines"])
      if (sm["action_uid"] == uid) return sm;
    ADD_FAILURE() << "no state machine " << uid << " in /v1/actions: " << list;
    return {};
  }

  // A PUT without a body (sre's rebalance); its action_uid.
  std::string start(const std::string& target) {
    const auto r = srv.call(http::verb::put, target);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("action_uid", "");
  }
};

TEST_F(pending_ops_test, a_rebalance_shows_its_migrations_rising_then_completes_with_shards_moved) {
  const int bdb = make_database();
  const std::string path = "/v1/bdbs/" + std::to_string(bdb);
  const json before = shards_of(bdb);
  ASSERT_EQ(before.size(), 4u);
  // Dense: both masters on one node, both replicas on another; move the
  // masters to the third node.
  const std::string home = before[0]["node_uid"];
  const std::string replicas = before[1]["node_uid"];
  std::string away;
  for (const char* n : {"1", "2", "3"})
    if (n != home && n != replicas) away = n;
  const std::string m0 = before[0]["uid"];
  const std::string m1 = before[2]["uid"];
  const auto migrate = srv.post("/v1/shards/actions/migrate",
                                {{"shard_uids", {m0, m1}}, {"target_node_uid", std::stoi(away)}});
  ASSERT_EQ(migrate.status, 200) << migrate.body;
  const std::string migrate_uid = migrate.json_body()["action_uid"];
  advance(1);  // past its pending second
  const json moving = get_json("/v1/actions/" + migrate_uid)["pending_ops"];
  EXPECT_EQ(moving, json::parse(R"({")" + m0 + R"(":{"op_name":"migrate_shard","progress":0},")" +
                                m1 + R"(":{"op_name":"migrate_shard","progress":0}})"));
  EXPECT_EQ(poll(migrate_uid)["status"], "completed");
  EXPECT_EQ(shards_of(bdb)[0]["node_uid"], away);
  EXPECT_EQ(shards_of(bdb)[2]["node_uid"], away);

  // The rebalance's dry run names where it puts them: home again.
  const auto dry = srv.call(http::verb::put, path + "/actions/rebalance?dry_run=true");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.json_body()[0]["nodes"][0]["node_uid"], home);

  const std::string uid = start(path + "/actions/rebalance");
  ASSERT_FALSE(uid.empty());
  json a = get_json("/v1/actions/" + uid);
  EXPECT_EQ(a["name"], "SMUpdateBDB");
  EXPECT_EQ(a["status"], "pending");
  EXPECT_EQ(a["pending_ops"], json::object());  // nothing issued before the walk

  // Poll one manual second at a time: m0 migrates with rising progress,
  // then is gone while m1 migrates, then the machine completes.
  std::vector<int> m0_progress;
  std::vector<int> m1_progress;
  bool saw_m1_alone = false;
  for (int i = 0; i < 60; ++i) {
    advance(1);
    a = get_json("/v1/actions/" + uid);
    if (a["status"] != "active") break;
    const json ops = a["pending_ops"];
    ASSERT_TRUE(ops.is_object()) << a;
    ASSERT_FALSE(ops.empty()) << a;  // every active second has one to finish
    for (const auto& [shard, op] : ops.items()) {
      EXPECT_TRUE(shard == m0 || shard == m1) << a;
      EXPECT_EQ(op["op_name"], "migrate_shard") << a;
      ASSERT_TRUE(op["progress"].is_number()) << a;
    }
    if (ops.contains(m0)) {
      m0_progress.push_back(ops[m0]["progress"].get<int>());
      EXPECT_EQ(ops[m1]["progress"], 0) << a;  // waits its turn
    } else {
      saw_m1_alone = true;
      m1_progress.push_back(ops[m1]["progress"].get<int>());
    }
    // The same at this moment in the list, the bdb list and /v2.
    EXPECT_EQ(listed(uid)["pending_ops"], ops);
    const json by_bdb = get_json("/v1/actions/bdb/" + std::to_string(bdb));
    ASSERT_FALSE(by_bdb.empty());
    EXPECT_EQ(by_bdb.back()["action_uid"], uid) << by_bdb;  // its create, migrate, then it
    EXPECT_EQ(by_bdb.back()["pending_ops"], ops);
    const json v2 = get_json("/v2/actions/" + uid);
    EXPECT_EQ(v2["status"], "running");
    EXPECT_EQ(v2["additional_info"]["pending_ops"], ops) << v2;
    EXPECT_EQ(v2["additional_info"]["object_uid"], std::to_string(bdb));
    // Shards move when the machine completes.
    EXPECT_EQ(shards_of(bdb)[0]["node_uid"], away);
  }
  EXPECT_EQ(a["status"], "completed") << a;
  EXPECT_TRUE(saw_m1_alone);
  ASSERT_GE(m0_progress.size(), 3u);
  ASSERT_GE(m1_progress.size(), 3u);
  EXPECT_TRUE(std::is_sorted(m0_progress.begin(), m0_progress.end()));
  EXPECT_LT(m0_progress.front(), m0_progress.back());
  EXPECT_LT(m1_progress.front(), m1_progress.back());
  // Completed: no operation left (a completed machine shows no pending_ops,
  // as the captured one), in v2 neither.
  EXPECT_EQ(a.value("pending_ops", json::object()), json::object()) << a;
  EXPECT_FALSE(get_json("/v2/actions/" + uid)["additional_info"].contains("pending_ops"));
  const json after = shards_of(bdb);
  EXPECT_EQ(after[0]["node_uid"], home);
  EXPECT_EQ(after[2]["node_uid"], home);
  EXPECT_EQ(after[1]["node_uid"], replicas);
  EXPECT_EQ(get_json(path)["status"], "active");

  // Balanced now: a second rebalance moves nothing and keeps {}.
  const std::string idle = start(path + "/actions/rebalance");
  advance(3);
  const json still = get_json("/v1/actions/" + idle);
  EXPECT_EQ(still["status"], "active");
  EXPECT_EQ(still["pending_ops"], json::object());
  const json v2 = get_json("/v2/actions/" + idle);
  EXPECT_FALSE(v2["additional_info"].contains("pending_ops")) << v2;
  EXPECT_EQ(poll(idle)["status"], "completed");
  for (std::size_t i = 0; i < after.size(); ++i)
    EXPECT_EQ(shards_of(bdb)[i]["node_uid"], after[i]["node_uid"]);
}

TEST_F(pending_ops_test, a_failover_shows_failover_shard_and_only_failovers_brings_roles_back) {
  const int bdb = make_database();
  const json before = shards_of(bdb);
  const std::string master = before[2]["uid"];
  const auto r = srv.post("/v1/shards/" + master + "/actions/failover", json::object());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string uid = r.json_body()["action_uid"];
  advance(1);
  const json a = get_json("/v1/actions/" + uid);
  EXPECT_EQ(a["name"], "SMRedisFailover");
  EXPECT_EQ(a["pending_ops"],
            json::parse(R"({")" + master + R"(":{"op_name":"failover_shard","progress":20}})"));
  EXPECT_EQ(poll(uid)["status"], "completed");
  EXPECT_EQ(shards_of(bdb)[2]["role"], "slave");
  EXPECT_EQ(shards_of(bdb)[3]["role"], "master");

  // A rebalance of the failovers only: the promoted replica hands back.
  const std::string back =
      start("/v1/bdbs/" + std::to_string(bdb) + "/actions/rebalance?only_failovers=true");
  advance(2);
  const json ops = get_json("/v1/actions/" + back)["pending_ops"];
  ASSERT_EQ(ops.size(), 1u) << ops;
  EXPECT_EQ(ops[before[3]["uid"].get<std::string>()]["op_name"], "failover_shard");
  EXPECT_EQ(poll(back)["status"], "completed");
  const json after = shards_of(bdb);
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i]["role"], before[i]["role"]) << i;
    EXPECT_EQ(after[i]["node_uid"], before[i]["node_uid"]) << i;
  }
}

TEST_F(pending_ops_test, a_revamp_that_reshards_shows_reshard_for_each_new_shard) {
  const int bdb = make_database({{"shards_count", 1}});
  const auto r = srv.call(http::verb::put, "/v1/bdbs/" + std::to_string(bdb) + "/actions/revamp",
                          admin, R"({"shards_count":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string uid = r.json_body()["action_uid"];
  advance(1);
  const json ops = get_json("/v1/actions/" + uid)["pending_ops"];
  const json list = get_json("/v1/bdbs/" + std::to_string(bdb))["shard_list"];
  ASSERT_EQ(list.size(), 2u);
  ASSERT_EQ(ops.size(), 2u) << ops;
  for (const json& shard : list)
    EXPECT_EQ(ops[std::to_string(shard.get<int>())]["op_name"], "reshard") << ops;
  EXPECT_EQ(poll(uid)["status"], "completed");
}

}  // namespace
}  // namespace reemu::test
