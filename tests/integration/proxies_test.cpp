// Integration tests of the proxies family (/v1/proxies) over real HTTP: one
// proxy per node with the real capture's keys and types, updates of one
// proxy and of all, refused bodies that change nothing, the permission
// table (all roles read, admins and user managers change) and the changed
// settings kept across a restart on the state file. Every answer is checked
// against docs/openapi.json by the test client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class proxies_test : public manual_clock_test {
 protected:
  static void refused(const response& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], code) << r.body;
  }
};

TEST_F(proxies_test, one_proxy_per_node_shaped_as_captured) {
  const json captured = json::parse(capture("proxies_list.json")).at(0);
  const json list = get_json("/v1/proxies");
  const json nodes = get_json("/v1/nodes");
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), nodes.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& p = list[i];
    EXPECT_EQ(p["uid"], nodes[i]["uid"]);
    ASSERT_EQ(p.size(), captured.size());
    for (auto it = captured.begin(); it != captured.end(); ++it) {
      ASSERT_TRUE(p.contains(it.key())) << it.key();
      EXPECT_EQ(p[it.key()].type(), it->type()) << it.key();
      if (it.key() != "uid") {
        EXPECT_EQ(p[it.key()], *it) << it.key();  // a fresh proxy's values
      }
    }
    EXPECT_EQ(get_json("/v1/proxies/" + p["uid"].dump()), p);
  }
  // The wire text is compact with sorted keys: node 1's is the capture's.
  EXPECT_EQ(srv.get("/v1/proxies/1").body, captured.dump());
  refused(srv.get("/v1/proxies/99"), 404, "proxy_not_found");
  refused(srv.get("/v1/proxies/x"), 404, "proxy_not_found");
}

TEST_F(proxies_test, an_update_changes_one_proxy_then_all) {
  const auto before = srv.get("/v1/proxies");
  const auto one = put("/v1/proxies/2", json::parse(R"({"allow_restart":true,
      "proxy":{"threads":8,"max_threads":12,"log_level":"debug","corefile":true}})"));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body, "");
  EXPECT_EQ(state_id(one), state_id(before) + 1);
  const json p2 = get_json("/v1/proxies/2");
  EXPECT_EQ(p2["threads"], 8);
  EXPECT_EQ(p2["max_threads"], 12);
  EXPECT_EQ(p2["log_level"], "debug");
  EXPECT_EQ(p2["corefile"], true);
  EXPECT_EQ(p2["conns"], 500000);  // untouched
  EXPECT_EQ(get_json("/v1/proxies/1")["threads"], 3);

  // threads may rise up to the max_threads set before.
  ASSERT_EQ(put("/v1/proxies/2", {{"proxy", {{"threads", 12}}}}).status, 200);
  EXPECT_EQ(get_json("/v1/proxies/2")["threads"], 12);

  const auto all = put("/v1/proxies", {{"proxy", {{"threads", 4}}}});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.body, "");
  for (const json& p : get_json("/v1/proxies")) EXPECT_EQ(p["threads"], 4) << p["uid"];
  EXPECT_EQ(get_json("/v1/proxies/2")["max_threads"], 12);  // kept its own
  EXPECT_EQ(get_json("/v1/proxies/2")["log_level"], "debug");
}

TEST_F(proxies_test, refused_bodies_change_nothing) {
  ASSERT_EQ(put("/v1/proxies/1", {{"proxy", {{"threads", 5}}}}).status, 200);
  const auto put_verb = http::verb::put;
  expect_refused_changing_nothing(
      {
          {put_verb, "/v1/proxies/1", "{}", 400, "missing_field"},
          {put_verb, "/v1/proxies/1", R"({"allow_restart":true})", 400, "missing_field"},
          {put_verb, "/v1/proxies/1", "[1]", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", "{", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads":4},"extra":1})", 400,
           "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"allow_restart":"yes","proxy":{}})", 400,
           "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":[]})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"uid":2}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"nope":1}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads":"8"}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads":0}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads":-1}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads":2.5}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads":9}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"max_threads":4}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"corefile":1}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"log_level":"loud"}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/1", R"({"proxy":{"threads_usage_threshold":101}})", 400,
           "invalid_schema"},
          {put_verb, "/v1/proxies", R"({"proxy":{"threads":9}})", 400, "invalid_schema"},
          {put_verb, "/v1/proxies/9", R"({"proxy":{"threads":4}})", 404, "proxy_not_found"},
      },
      {"/v1/proxies"});
  const auto r = put("/v1/proxies/1", {{"proxy", {{"log_level", "loud"}}}});
  EXPECT_NE(r.json_body()["description"].get<std::string>().find("proxy.log_level"),
            std::string::npos)
      << r.body;
}

TEST_F(proxies_test, all_roles_read_admins_and_user_managers_change) {
  for (const auto& who : {viewer, db_viewer}) {
    SCOPED_TRACE(std::string(who.email));
    EXPECT_EQ(srv.get("/v1/proxies", who).status, 200);
    EXPECT_EQ(srv.get("/v1/proxies/1", who).status, 200);
    refused(put("/v1/proxies/1", {{"proxy", {{"threads", 4}}}}, who), 403,
            "insufficient_permissions");
    refused(put("/v1/proxies", {{"proxy", {{"threads", 4}}}}, who), 403,
            "insufficient_permissions");
  }
  refused(srv.get("/v1/proxies", nobody), 403, "insufficient_permissions");
  EXPECT_EQ(get_json("/v1/proxies/1")["threads"], 3);
}

TEST(proxies_state, changed_settings_outlive_a_restart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-proxies-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(
        t0, [&](json& doc) { doc["emulator"]["state_file"] = (dir / "state.json").string(); });
  };
  json kept;
  {
    test_server srv{cfg()};
    ASSERT_EQ(srv.call(http::verb::put, "/v1/proxies/3", admin,
                       R"({"proxy":{"threads":6,"max_threads":10,"log_level":"warn"}})")
                  .status,
              200);
    kept = srv.get("/v1/proxies").json_body();
    EXPECT_EQ(kept[2]["threads"], 6);
  }
  {
    test_server srv{cfg()};
    EXPECT_EQ(srv.get("/v1/proxies").json_body(), kept);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
