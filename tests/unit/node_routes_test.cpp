// Unit tests of the node and cluster routes (src/api/nodes.cpp,
// src/api/cluster.cpp) through app::handle, no sockets: who may call each
// route, the shapes against the captures, and node actions walked on the
// manual clock.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app_request.hpp"
#include "captures.hpp"
#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"

using namespace reemu;

namespace {

constexpr double routes_t0 = 1'760'000'000;

// Keys of a JSON object, for shape comparisons.
std::set<std::string> keys_of(const json& j) {
  std::set<std::string> out;
  for (const auto& [key, value] : j.items()) out.insert(key);
  return out;
}

// One user per role, named after it (password "pw"), and three nodes.
config make_config() {
  json users = json::array();
  for (std::string_view r : {"admin", "cluster_member", "cluster_viewer", "db_member", "db_viewer",
                             "user_manager", "none"})
    users.push_back({{"email", std::string(r) + "@x.local"}, {"password", "pw"}, {"role", r}});
  json doc = {{"emulator", {{"clock", "manual"}, {"clock_start", routes_t0}}},
              {"users", users},
              {"databases", {1}},
              {"nodes", {1, {{"uid", 2}, {"addr", "192.168.16.3"}}, 3}}};
  return parse_config(doc, "nodes_test.json");
}

class nodes_test : public ::testing::Test {
 protected:
  std::unique_ptr<app> app_ = std::make_unique<app>(make_config());

  struct result {
    unsigned status;
    json body;
  };

  result call(http_t::verb method, std::string_view target, std::string_view body = {},
              std::string_view role = "admin") {
    const std::string auth =
        role.empty() ? std::string() : "Basic " + base64_encode(std::string(role) + "@x.local:pw");
    const reply r = app_->handle(test::json_request(method, target, body, auth)).reply;
    return {static_cast<unsigned>(r.status),
            r.body ? json::parse(r.body.str(), nullptr, false) : json()};
  }
  json get(std::string_view target) {
    const result r = call(http_t::verb::get, target);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return r.body;
  }
  result post(std::string_view target, std::string_view body = {}) {
    return call(http_t::verb::post, target, body);
  }
  void advance(double seconds) {
    ASSERT_EQ(post("/emulator/v1/clock/advance", json{{"seconds", seconds}}.dump()).status, 200u);
  }
};

constexpr std::string_view all_but_none[] = {"admin",     "cluster_member", "cluster_viewer",
                                             "db_member", "db_viewer",      "user_manager"};

}  // namespace

// Each new route, each role: the permission table of the Redis Software
// docs (the view_* permissions for every role but none; starting and
// cancelling node and cluster actions for the admin only). The admin's call
// comes last, so the refusals before it found the state untouched.
TEST_F(nodes_test, every_route_admits_the_roles_of_its_permission) {
  struct row {
    http_t::verb method;
    std::string_view target;
    std::string_view body;
    bool admin_only;
  };
  using v = http_t::verb;
  const row rows[] = {
      {v::get, "/v1/nodes", "", false},
      {v::get, "/v1/nodes/1", "", false},
      {v::get, "/v1/nodes/actions", "", false},
      {v::get, "/v1/nodes/1/actions", "", false},
      {v::post, "/v1/nodes/1/actions/maintenance_on", "{}", true},
      {v::get, "/v1/nodes/1/actions/maintenance_on", "", false},
      {v::delete_, "/v1/nodes/1/actions/maintenance_on", "", true},
      {v::get, "/v1/cluster", "", false},
      {v::get, "/v1/cluster/actions", "", false},
      {v::post, "/v1/cluster/actions/change_master", R"({"node_uid":"2"})", true},
      {v::get, "/v1/cluster/actions/change_master", "", false},
      {v::delete_, "/v1/cluster/actions/change_master", "", true},
  };
  for (const row& r : rows) {
    SCOPED_TRACE(std::string(r.target) + " " + std::string(http_t::to_string(r.method)));
    EXPECT_EQ(call(r.method, r.target, r.body, "").status, 401u);
    EXPECT_EQ(call(r.method, r.target, r.body, "none").status, 403u);
    for (std::string_view role : all_but_none) {
      if (role == "admin") continue;
      const result got = call(r.method, r.target, r.body, role);
      if (r.admin_only) {
        EXPECT_EQ(got.status, 403u) << role;
        EXPECT_EQ(got.body["error_code"], "insufficient_permissions") << role;
      } else {
        EXPECT_EQ(got.status, 200u) << role << ": " << got.body;
      }
    }
    const result got = call(r.method, r.target, r.body, "admin");
    EXPECT_EQ(got.status, 200u) << got.body;
  }
  // Bootstrap: anyone, with or without credentials (health checks).
  for (std::string_view role : {"", "none", "admin"})
    EXPECT_EQ(call(v::get, "/v1/bootstrap", "", role).status, 200u) << role;
}

TEST_F(nodes_test, nodes_cluster_and_bootstrap_have_the_captured_shapes) {
  const json list = get("/v1/nodes");
  ASSERT_EQ(list.size(), 3u);
  const json captured = json::parse(reemu::test::capture("nodes_list.json"));
  for (const auto& n : list) EXPECT_EQ(keys_of(n), keys_of(captured[0]));
  EXPECT_EQ(list[1]["addr"], "192.168.16.3");
  // Node 1 has the capture's fields: it renders as the capture at the clock's start.
  EXPECT_EQ(get("/v1/nodes/1"), json::parse(reemu::test::released_node_capture()));
  const json cluster = get("/v1/cluster");
  EXPECT_EQ(keys_of(cluster), keys_of(json::parse(reemu::test::capture("cluster.json"))));
  EXPECT_EQ(cluster["name"], "docker-cluster");
  const json boot = get("/v1/bootstrap");
  const json boot_capture = json::parse(reemu::test::capture("bootstrap_status.json"));
  EXPECT_EQ(keys_of(boot["local_node_info"]), keys_of(boot_capture["local_node_info"]));
  EXPECT_EQ(boot["local_node_info"]["uid"], "1");
  EXPECT_EQ(boot["local_node_info"]["software_version"], "8.2.0-25");  // the default profile's
  EXPECT_EQ(boot["local_node_info"]["uptime"], 412);  // node 1's, the capture's was a second later
  EXPECT_EQ(boot["bootstrap_status"], boot_capture["bootstrap_status"]);
  EXPECT_EQ(call(http_t::verb::get, "/v1/nodes/4").body["error_code"], "node_not_found");
  EXPECT_EQ(call(http_t::verb::get, "/v1/nodes/x").status, 404u);
  EXPECT_EQ(get("/v1/nodes/1/actions"), json::parse(R"({"actions":[]})"));
  EXPECT_EQ(call(http_t::verb::get, "/v1/nodes/1/actions/remove").body["error_code"],
            "action_not_found");
  EXPECT_EQ(get("/v1/cluster/actions"), json::parse(R"({"actions":[]})"));
}

TEST_F(nodes_test, maintenance_on_completes_and_the_node_stops_accepting_servers) {
  const result started = post("/v1/nodes/2/actions/maintenance_on");
  ASSERT_EQ(started.status, 200u) << started.body;
  EXPECT_EQ(started.body["status"], "queued");
  const std::string task_id = started.body["task_id"];
  json task = get("/v1/actions/" + task_id);
  EXPECT_EQ(task["action_uid"], task_id);
  EXPECT_EQ(task["node_uid"], "2");
  EXPECT_EQ(task["progress"], "0");
  EXPECT_EQ(get("/v1/nodes/2")["accept_servers"], true);  // not yet
  advance(60);
  task = get("/v1/actions/" + task_id);
  EXPECT_EQ(task["status"], "completed");
  EXPECT_EQ(task["progress"], "100");
  EXPECT_EQ(get("/v1/nodes/2")["accept_servers"], false);
  EXPECT_EQ(get("/v1/nodes/1")["accept_servers"], true);
  const json action = get("/v1/nodes/2/actions/maintenance_on");
  EXPECT_EQ(action["status"], "completed");
  EXPECT_EQ(action["task_id"], task_id);
  EXPECT_EQ(action["node_uid"], "2");
  EXPECT_EQ(get("/v1/nodes/actions")["actions"].size(), 1u);
  // v2 lists it as a task.
  bool listed = false;
  for (const auto& a : get("/v2/actions"))
    if (a["action_uid"] == task_id) listed = a["action_type"] == "task";
  EXPECT_TRUE(listed);

  // maintenance_off completes: accepting again; a new maintenance_on
  // replaces the finished one and keeps the node out of maintenance until
  // it completes.
  ASSERT_EQ(post("/v1/nodes/2/actions/maintenance_off").status, 200u);
  advance(60);
  EXPECT_EQ(get("/v1/nodes/2")["accept_servers"], true);
  const result again = post("/v1/nodes/2/actions/maintenance_on");
  ASSERT_EQ(again.status, 200u);
  EXPECT_NE(again.body["task_id"], task_id);
  EXPECT_EQ(get("/v1/nodes/2/actions/maintenance_on")["task_id"], again.body["task_id"]);
  EXPECT_EQ(get("/v1/nodes/2")["accept_servers"], true);
  EXPECT_EQ(get("/v1/actions/" + task_id)["status"],
            "completed");  // the old task, kept by retention
}

TEST_F(nodes_test, one_instance_of_each_action_at_a_time) {
  ASSERT_EQ(post("/v1/nodes/1/actions/maintenance_on").status, 200u);
  const result second = post("/v1/nodes/1/actions/maintenance_on");
  EXPECT_EQ(second.status, 409u);
  EXPECT_EQ(second.body["error_code"], "action_in_progress");
  EXPECT_EQ(post("/v1/nodes/1/actions/enslave_node").status, 200u);    // another action: fine
  EXPECT_EQ(post("/v1/nodes/2/actions/maintenance_on").status, 200u);  // another node: fine
  advance(60);
  EXPECT_EQ(post("/v1/nodes/1/actions/maintenance_on").status, 200u);  // the first one ended
}

TEST_F(nodes_test, a_cancelled_action_has_no_effect) {
  const result started = post("/v1/nodes/3/actions/remove", R"({"wait_for_persistence":true})");
  ASSERT_EQ(started.status, 200u) << started.body;
  advance(3);
  EXPECT_EQ(get("/v1/nodes/3")["status"], "decommissioning");
  const result cancelled = call(http_t::verb::delete_, "/v1/nodes/3/actions/remove");
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  EXPECT_EQ(cancelled.body["status"], "cancelling");
  const std::string task_id = started.body["task_id"];
  EXPECT_EQ(get("/v1/actions/" + task_id)["status"], "cancelling");
  advance(60);
  EXPECT_EQ(get("/v1/actions/" + task_id)["status"], "cancelled");
  EXPECT_EQ(get("/v1/nodes/3/actions/remove_node")["status"], "cancelled");
  EXPECT_EQ(get("/v1/nodes/3")["status"], "active");
  const result again = call(http_t::verb::delete_, "/v1/nodes/3/actions/remove");
  EXPECT_EQ(again.status, 404u);
  EXPECT_EQ(again.body["error_code"], "action_not_found");
}

TEST_F(nodes_test, a_removed_node_is_gone_and_its_task_stays) {
  const result started = post("/v1/nodes/3/actions/remove");
  ASSERT_EQ(started.status, 200u);
  const result busy = post("/v1/nodes/3/actions/maintenance_on");
  EXPECT_EQ(busy.status, 409u);  // nothing else while it is removed
  advance(60);
  EXPECT_EQ(call(http_t::verb::get, "/v1/nodes/3").status, 404u);
  EXPECT_EQ(get("/v1/nodes").size(), 2u);
  EXPECT_EQ(get("/v1/actions/" + started.body["task_id"].get<std::string>())["status"],
            "completed");
  EXPECT_EQ(post("/v1/nodes/3/actions/maintenance_on").body["error_code"], "node_not_found");
}

TEST_F(nodes_test, change_master_is_a_task_and_conflicts_while_it_runs) {
  const result started = post("/v1/cluster/actions/change_master", R"({"node_uid":2})");
  ASSERT_EQ(started.status, 200u) << started.body;
  const result conflict = post("/v1/cluster/actions/change_master", R"({"node_uid":"1"})");
  EXPECT_EQ(conflict.status, 409u);
  EXPECT_EQ(conflict.body["error_code"], "action_in_progress");
  EXPECT_EQ(post("/v1/cluster/actions/change_master", R"({"node_uid":"9"})").status, 404u);
  advance(60);
  const json action = get("/v1/cluster/actions/change_master");
  EXPECT_EQ(action["status"], "completed");
  EXPECT_EQ(action["progress"], 100);
  EXPECT_EQ(get("/v1/actions/" + started.body["task_id"].get<std::string>())["node_uid"], "2");
}

TEST_F(nodes_test, plan_rules_steer_node_actions) {
  ASSERT_EQ(
      post(
          "/emulator/v1/plans",
          R"({"name":"maintenance_on","object_name":"node:1","simulate":{"outcome":"failed"},"times":1})")
          .status,
      201u);
  const result started = post("/v1/nodes/1/actions/maintenance_on");
  ASSERT_EQ(started.status, 200u);
  advance(60);
  const json action = get("/v1/nodes/1/actions/maintenance_on");
  EXPECT_EQ(action["status"], "failed");
  EXPECT_TRUE(action.contains("error_code"));
  EXPECT_EQ(get("/v1/nodes/1")["accept_servers"], true);  // a failed one changes nothing
}

TEST_F(nodes_test, refused_requests_change_nothing) {
  const json nodes = get("/v1/nodes");
  const json actions = get("/v1/actions");
  using v = http_t::verb;
  struct row {
    v method;
    std::string_view target;
    std::string_view body;
    unsigned status;
  };
  const row rows[] = {
      {v::post, "/v1/nodes/1/actions/maintenance_on", R"({"evict_dbs":[{}]})", 400},
      {v::post, "/v1/nodes/1/actions/maintenance_on", R"({"overwrite_snapshot":"yes"})", 400},
      {v::post, "/v1/nodes/1/actions/maintenance_on", R"({"drain":true})", 400},
      {v::post, "/v1/nodes/1/actions/maintenance_off", R"({"snapshot_name":1})", 400},
      {v::post, "/v1/nodes/1/actions/remove", R"([])", 400},
      {v::post, "/v1/nodes/1/actions/remove", "{", 400},
      {v::post, "/v1/nodes/1/actions/enslave_node", R"({"x":1})", 400},
      {v::post, "/v1/nodes/1/actions/restart", "{}", 400},
      {v::post, "/v1/nodes/9/actions/maintenance_on", "{}", 404},
      {v::delete_, "/v1/nodes/1/actions/maintenance_on", "", 404},
      {v::post, "/v1/cluster/actions/change_master", "{}", 400},
      {v::post, "/v1/cluster/actions/change_master", R"({"node_uid":true})", 400},
      {v::post, "/v1/cluster/actions/change_master", R"({"node_uid":"2","x":1})", 400},
      {v::post, "/v1/cluster/actions/reset", R"({"node_uid":"2"})", 400},
      {v::post, "/v1/cluster/actions/change_master", R"({"node_uid":"9"})", 404},
      {v::delete_, "/v1/cluster/actions/change_master", "", 404},
  };
  for (const row& r : rows) {
    SCOPED_TRACE(std::string(r.target) + " " + std::string(r.body));
    EXPECT_EQ(call(r.method, r.target, r.body).status, r.status);
  }
  EXPECT_EQ(get("/v1/nodes"), nodes);
  EXPECT_EQ(get("/v1/actions"), actions);
  EXPECT_EQ(get("/v1/nodes/actions"), json::parse(R"({"actions":[]})"));
  EXPECT_EQ(get("/v1/cluster/actions"), json::parse(R"({"actions":[]})"));
}
