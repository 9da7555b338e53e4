// Integration tests of the licence over real HTTP on the manual clock: the
// trial a fresh cluster shows, a key the config names installed (200, empty
// body), keys refused without a change, a licence expired through the
// control API or by the clock refusing database creates and updates (and
// nothing else), and a create refused past the licence's shards. Every
// answer is checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <string>

#include "captures.hpp"
#include "manual_clock_test.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

const std::string paid_key = "----- LICENSE START -----\npaid\n----- LICENSE END -----\n";
const std::string small_key = "----- LICENSE START -----\nsmall\n----- LICENSE END -----\n";
const std::string old_key = "----- LICENSE START -----\nold\n----- LICENSE END -----\n";

// The default config on the manual clock, with three keys: a paid one, one
// that allows fewer shards than the seed holds, one that expired.
config license_config() {
  return manual_clock_config(t0, [](json& doc) {
    doc["licenses"] = json::array(
        {{{"license", paid_key},
          {"expiration_date", "2030-01-01T00:00:00Z"},
          {"shards_limit", 400},
          {"ram_shards_limit", 300},
          {"flash_shards_limit", 100},
          {"features", {"bigstore"}},
          {"owner", "Redis"},
          {"cluster_name", "docker-cluster"}},
         {{"license", small_key}, {"expiration_date", "2030-01-01T00:00:00Z"}, {"shards_limit", 1}},
         {{"license", old_key},
          {"activation_date", "2024-01-01T00:00:00Z"},
          {"expiration_date", "2025-01-01T00:00:00Z"},
          {"shards_limit", 400}}});
  });
}

class license_test : public ::testing::Test {
 protected:
  test_server srv{license_config()};

  json license() {
    const auto r = srv.get("/v1/license");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json_body();
  }

  response install(const std::string& text, std::optional<credentials> who = admin) {
    return srv.call(http::verb::put, "/v1/license", who, json{{"license", text}}.dump());
  }

  response set_terms(const json& body) {
    return srv.call(http::verb::put, "/emulator/v1/license", admin, body.dump());
  }

  void advance(double seconds) {
    ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", seconds}}).status, 200u);
  }

  static std::string state_id(const response& r) {
    const auto it = r.headers.find("cluster-state-id");
    return it == r.headers.end() ? std::string() : std::string(it->value());
  }
};

TEST_F(license_test, a_fresh_cluster_shows_its_trial) {
  const json shown = license();
  const json captured = json::parse(capture("license.json"));
  ASSERT_EQ(shown.size(), captured.size());
  for (auto it = captured.begin(); it != captured.end(); ++it) {
    ASSERT_TRUE(shown.contains(it.key())) << it.key();
    EXPECT_EQ(shown[it.key()].type(), it->type()) << it.key();
  }
  EXPECT_EQ(shown["activation_date"], "2025-10-09T08:53:20Z");  // the cluster's creation
  EXPECT_EQ(shown["expiration_date"], "2025-11-08T08:53:20Z");  // 30 days on
  EXPECT_EQ(shown["expired"], false);
  EXPECT_EQ(shown["features"], captured["features"]);
  EXPECT_EQ(shown["license"], captured["license"]);
  EXPECT_EQ(shown["key"], "");
  EXPECT_EQ(shown["shards_limit"], 16384);   // emulator.shards_limit's default
  EXPECT_EQ(shown["ram_shards_in_use"], 2);  // the seed's two databases
  EXPECT_EQ(shown["flash_shards_in_use"], 0);
  for (const char* key : {"cluster_name", "owner", "ram_shards_limit", "flash_shards_limit"})
    EXPECT_TRUE(shown[key].is_null()) << key;

  // Every role but none may read it.
  EXPECT_EQ(srv.get("/v1/license", viewer).status, 200u);
  EXPECT_EQ(srv.get("/v1/license", db_viewer).status, 200u);
  const auto refused = srv.get("/v1/license", nobody);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.json_body()["error_code"], "insufficient_permissions");
}

TEST_F(license_test, a_key_the_config_names_is_installed_with_an_empty_200) {
  const auto before = srv.get("/v1/license");
  advance(3600);
  const auto r = install(paid_key);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.body.empty()) << r.body;
  EXPECT_NE(state_id(r), state_id(before));  // a change of the cluster's configuration
  const json shown = license();
  EXPECT_EQ(shown["license"], paid_key);
  EXPECT_EQ(shown["key"], paid_key);
  EXPECT_EQ(shown["activation_date"], "2025-10-09T09:53:20Z");  // installed now
  EXPECT_EQ(shown["expiration_date"], "2030-01-01T00:00:00Z");
  EXPECT_EQ(shown["shards_limit"], 400);
  EXPECT_EQ(shown["ram_shards_limit"], 300);
  EXPECT_EQ(shown["flash_shards_limit"], 100);
  EXPECT_EQ(shown["owner"], "Redis");
  EXPECT_EQ(shown["cluster_name"], "docker-cluster");
  EXPECT_EQ(shown["features"], json::array({"bigstore"}));
  // Line endings do not matter: vrl joins a file's lines with \n.
  std::string crlf = "\r\n----- LICENSE START -----\r\npaid\r\n----- LICENSE END -----";
  EXPECT_EQ(install(crlf).status, 200u);

  // A viewer may not install.
  const auto viewer_put = install(paid_key, viewer);
  EXPECT_EQ(viewer_put.status, 403u);
  EXPECT_EQ(viewer_put.json_body()["error_code"], "insufficient_permissions");
}

TEST_F(license_test, refused_keys_and_bodies_change_nothing) {
  const auto before = srv.get("/v1/license");
  const std::string trial_text = json::parse(capture("license.json"))["license"];
  struct refusal {
    std::string body;
    unsigned status;
    std::string code;
  };
  const std::vector<refusal> cases = {
      {json{{"license", "----- LICENSE START -----\nforged\n----- LICENSE END -----\n"}}.dump(),
       400, "invalid_license"},
      {json{{"license", ""}}.dump(), 400, "invalid_license"},
      {json{{"license", trial_text}}.dump(), 400, "invalid_license"},  // no way back to a trial
      {"{}", 400, "invalid_schema"},
      {R"({"license":1})", 400, "invalid_schema"},
      {json{{"license", paid_key}, {"key", paid_key}}.dump(), 400, "invalid_schema"},
      {"{\"license\":", 400, "invalid_schema"},
      {"", 400, "invalid_schema"},
      {json{{"license", small_key}}.dump(), 406, "license_violation"},
      {json{{"license", old_key}}.dump(), 406, "license_violation"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const auto r = srv.call(http::verb::put, "/v1/license", admin, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], c.code) << r.body;
  }
  const auto small = install(small_key);
  EXPECT_NE(small.body.find("allows 1 shards (shards_limit) but 2 are in use"), std::string::npos)
      << small.body;
  EXPECT_NE(install(old_key).body.find("expired on 2025-01-01T00:00:00Z"), std::string::npos);
  const auto after = srv.get("/v1/license");
  EXPECT_EQ(after.body, before.body);
  EXPECT_EQ(state_id(after), state_id(before));
}

TEST_F(license_test, an_expired_licence_refuses_creates_and_updates_only) {
  const auto expired = set_terms({{"expires_in_seconds", 0}});
  ASSERT_EQ(expired.status, 200u) << expired.body;
  EXPECT_EQ(expired.json_body()["expired"], true);
  EXPECT_EQ(license()["expired"], true);

  const auto create = srv.post("/v1/bdbs", {{"name", "late"}, {"memory_size", 1073741824}});
  EXPECT_EQ(create.status, 403u) << create.body;
  EXPECT_EQ(create.json_body()["error_code"], "license_expired");
  EXPECT_EQ(create.json_body()["description"], "redislabs license expired");
  const auto dry = srv.post("/v1/bdbs?dry_run", {{"name", "late"}, {"memory_size", 1073741824}});
  EXPECT_EQ(dry.status, 403u) << dry.body;
  const auto update = srv.call(http::verb::put, "/v1/bdbs/1", admin, R"({"name":"renamed"})");
  EXPECT_EQ(update.status, 403u) << update.body;
  EXPECT_EQ(update.json_body()["error_code"], "license_expired");

  // Reads and the other writes go on.
  EXPECT_EQ(srv.get("/v1/bdbs").status, 200u);
  EXPECT_EQ(srv.get("/v1/bdbs/1").json_body()["name"], "default-db");
  EXPECT_EQ(srv.post("/v1/bdbs/1/actions/stop_traffic", json::object()).status, 200u);
  EXPECT_EQ(srv.del("/v1/bdbs/2").status, 200u);

  // A new key lifts it.
  ASSERT_EQ(install(paid_key).status, 200u);
  EXPECT_EQ(srv.post("/v1/bdbs", {{"name", "again"}, {"memory_size", 1073741824}}).status, 200u);
}

TEST_F(license_test, the_trial_expires_by_the_clock) {
  advance(30 * 86400 - 1);
  EXPECT_EQ(license()["expired"], false);
  EXPECT_EQ(srv.post("/v1/bdbs?dry_run", {{"name", "x"}, {"memory_size", 1024}}).status, 200u);
  advance(1);
  EXPECT_EQ(license()["expired"], true);
  const auto create = srv.post("/v1/bdbs", {{"name", "x"}, {"memory_size", 1024}});
  EXPECT_EQ(create.status, 403u);
  EXPECT_EQ(create.json_body()["error_code"], "license_expired");
}

TEST_F(license_test, a_create_past_the_licences_shards_is_refused) {
  const auto set = set_terms({{"shards_limit", 3}});
  ASSERT_EQ(set.status, 200u) << set.body;
  EXPECT_EQ(set.json_body()["shards_limit"], 3);
  const std::string bdbs = srv.get("/v1/bdbs").body;
  const auto two =
      srv.post("/v1/bdbs", {{"name", "two"}, {"memory_size", 1024}, {"shards_count", 2}});
  EXPECT_EQ(two.status, 406u) << two.body;
  EXPECT_EQ(two.json_body()["error_code"], "insufficient_resources");
  EXPECT_NE(two.body.find("allows 3 shards (shards_limit), 2 are in use"), std::string::npos)
      << two.body;
  EXPECT_EQ(srv.get("/v1/bdbs").body, bdbs);
  const auto grow = srv.call(http::verb::put, "/v1/bdbs/1", admin, R"({"shards_count":3})");
  EXPECT_EQ(grow.status, 406u) << grow.body;
  const auto one = srv.post("/v1/bdbs", {{"name", "one"}, {"memory_size", 1024}});
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(license()["ram_shards_in_use"], 3);
}

TEST_F(license_test, the_control_room_refuses_bad_terms_and_can_start_a_fresh_trial) {
  const std::string before = srv.get("/v1/license").body;
  for (const json& bad :
       {json{{"expires_in_seconds", 1}, {"expiration_date", "2030-01-01T00:00:00Z"}},
        json{{"expiration_date", "2030-01-01"}}, json{{"shards_limit", -1}},
        json{{"expiration_date", "2020-01-01T00:00:00Z"}},  // before it starts
        json{{"surprise", true}}}) {
    const auto r = set_terms(bad);
    EXPECT_EQ(r.status, 400u) << bad.dump() << ": " << r.body;
  }
  EXPECT_EQ(srv.get("/v1/license").body, before);
  EXPECT_EQ(srv.call(http::verb::put, "/emulator/v1/license", viewer, "{}").status, 403u);

  ASSERT_EQ(install(paid_key).status, 200u);
  advance(60);
  const auto trial = set_terms({{"trial", true}, {"owner", "tests"}});
  ASSERT_EQ(trial.status, 200u) << trial.body;
  EXPECT_EQ(trial.json_body()["activation_date"], "2025-10-09T08:54:20Z");
  EXPECT_EQ(trial.json_body()["key"], "");
  EXPECT_EQ(trial.json_body()["owner"], "tests");
  EXPECT_EQ(srv.get("/emulator/v1/license").json_body(), license());
}

}  // namespace
}  // namespace reemu::test
