// Integration tests of the node and cluster routes over real HTTP on the
// manual clock: a node taken into maintenance and back, polled the way tools
// poll (/v1/actions/{task_id}), the 409 of a second instance, a cancel, a
// remove, a cluster change_master, and bad requests that change nothing.
// Every answer is checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <string>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class nodes_test : public manual_clock_test {
 protected:
  // Starts a node action; its task_id.
  std::string start(const std::string& uid, const std::string& action, const json& body = {}) {
    const auto r =
        srv.post("/v1/nodes/" + uid + "/actions/" + action, body.is_null() ? json::object() : body);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("task_id", "");
  }
};

TEST_F(nodes_test, maintenance_on_then_off_polled_through_the_actions_api) {
  const json body = {{"overwrite_snapshot", true},
                     {"evict_ha_replica", false},
                     {"evict_active_active_replica", false},
                     {"evict_dbs", {"1"}}};
  const auto r = srv.post("/v1/nodes/1/actions/maintenance_on", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["status"], "queued");
  const std::string task_id = r.json_body()["task_id"];

  // One instance at a time.
  const auto second = srv.post("/v1/nodes/1/actions/maintenance_on", json::object());
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.json_body()["error_code"], "action_in_progress");

  json seen = get_json("/v1/nodes/1/actions/maintenance_on");
  EXPECT_EQ(seen["task_id"], task_id);
  const json task = poll(task_id);
  EXPECT_EQ(task["status"], "completed");
  EXPECT_EQ(task["task_id"], task_id);
  EXPECT_EQ(task["node_uid"], "1");
  EXPECT_EQ(get_json("/v1/nodes/1")["accept_servers"], false);
  EXPECT_EQ(get_json("/v1/nodes/1/actions")["actions"][0]["status"], "completed");

  const std::string off = start("1", "maintenance_off", {{"skip_shards_restore", false}});
  EXPECT_EQ(poll(off)["status"], "completed");
  EXPECT_EQ(get_json("/v1/nodes/1")["accept_servers"], true);
  EXPECT_EQ(get_json("/v1/nodes/actions")["actions"].size(), 2u);
  bool in_v2 = false;
  for (const auto& a : get_json("/v2/actions")) in_v2 = in_v2 || a["action_uid"] == off;
  EXPECT_TRUE(in_v2);
}

TEST_F(nodes_test, a_cancel_goes_through_cancelling_to_cancelled) {
  const std::string task_id = start("2", "enslave_node");
  const auto cancel = srv.del("/v1/nodes/2/actions/enslave_node");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.json_body()["status"], "cancelling");
  EXPECT_EQ(poll(task_id)["status"], "cancelled");
  EXPECT_EQ(srv.del("/v1/nodes/2/actions/enslave_node").status, 404);
  EXPECT_EQ(srv.del("/v1/nodes/2/actions/maintenance_on").status, 404);
}

TEST_F(nodes_test, a_removed_node_disappears) {
  const std::string task_id = start("3", "remove", {{"wait_for_persistence", true}});
  EXPECT_EQ(get_json("/v1/nodes/3")["status"], "decommissioning");
  EXPECT_EQ(poll(task_id)["status"], "completed");
  const auto gone = srv.get("/v1/nodes/3");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json_body()["error_code"], "node_not_found");
  EXPECT_EQ(get_json("/v1/nodes").size(), 2u);
  EXPECT_EQ(get_json("/v1/actions/" + task_id)["name"], "remove_node");  // kept by retention
}

TEST_F(nodes_test, change_master_runs_as_a_cluster_task) {
  const auto r = srv.post("/v1/cluster/actions/change_master", {{"node_uid", "2"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string task_id = r.json_body()["task_id"];
  EXPECT_EQ(srv.post("/v1/cluster/actions/change_master", {{"node_uid", "1"}}).status, 409);
  EXPECT_EQ(get_json("/v1/cluster/actions")["actions"][0]["task_id"], task_id);
  EXPECT_EQ(poll(task_id)["status"], "completed");
  EXPECT_EQ(get_json("/v1/cluster/actions/change_master")["status"], "completed");
  EXPECT_EQ(srv.get("/v1/cluster/actions/reset").status, 404);
}

TEST_F(nodes_test, inventory_answers_conform_and_bootstrap_needs_no_credentials) {
  EXPECT_EQ(get_json("/v1/nodes").size(), 3u);
  EXPECT_EQ(get_json("/v1/cluster")["name"], "docker-cluster");
  const auto boot = srv.get("/v1/bootstrap", std::nullopt);
  ASSERT_EQ(boot.status, 200) << boot.body;
  EXPECT_EQ(boot.json_body()["bootstrap_status"]["state"], "completed");
  EXPECT_EQ(boot.json_body()["local_node_info"]["uid"], "1");
  EXPECT_EQ(srv.get("/v1/nodes", std::nullopt).status, 401);
  EXPECT_EQ(srv.post("/v1/nodes/1/actions/maintenance_on", json::object(), viewer).status, 403);
}

TEST_F(nodes_test, bad_requests_change_nothing) {
  using v = http::verb;
  expect_refused_changing_nothing(
      {
          {v::post, "/v1/nodes/1/actions/maintenance_on", R"({"evict_dbs":"1"})", 400,
           "invalid_schema"},
          {v::post, "/v1/nodes/1/actions/maintenance_on", R"({"keep_slave_shards":1})", 400,
           "invalid_schema"},
          {v::post, "/v1/nodes/1/actions/remove", R"({"wait_for_persistence":true,"x":1})", 400,
           "invalid_schema"},
          {v::post, "/v1/nodes/1/actions/drain", "{}", 400, "invalid_schema"},
          {v::post, "/v1/nodes/7/actions/maintenance_on", "{}", 404, "node_not_found"},
          {v::post, "/v1/nodes/x/actions/maintenance_on", "{}", 404, "node_not_found"},
          {v::delete_, "/v1/nodes/1/actions/remove", "", 404, "action_not_found"},
          {v::post, "/v1/cluster/actions/change_master", "", 400, "invalid_schema"},
          {v::post, "/v1/cluster/actions/change_master", R"({"node_uid":"two"})", 400,
           "invalid_schema"},
          {v::post, "/v1/cluster/actions/change_master", R"({"node_uid":"7"})", 404,
           "node_not_found"},
          {v::delete_, "/v1/cluster/actions/change_master", "", 404, "action_not_found"},
      },
      {"/v1/nodes", "/v1/nodes/actions", "/v1/cluster/actions", "/v1/actions"});
}

}  // namespace
}  // namespace reemu::test
