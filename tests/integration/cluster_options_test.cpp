// Integration tests of the small stored cluster settings over real HTTP:
// the cluster policy (/v1/cluster/policy, restore_default) and its use as
// new databases' defaults, the services configuration, the local services
// and their operations on the manual clock, the OCSP settings, status and
// test, the deletion of certificates; refused bodies that change nothing,
// the permission table and the stored settings kept across a restart on the
// state file. Every answer is checked against docs/openapi.json by the test
// client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class cluster_options_test : public manual_clock_test {
 protected:
  static void refused(const response& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], code) << r.body;
  }
};

TEST_F(cluster_options_test, a_fresh_policy_has_the_documented_defaults) {
  const json p = get_json("/v1/cluster/policy");
  EXPECT_EQ(p["default_non_sharded_proxy_policy"], "single");
  EXPECT_EQ(p["default_sharded_proxy_policy"], "single");
  EXPECT_EQ(p["default_shards_placement"], "dense");
  EXPECT_EQ(p["default_provisioned_redis_version"], "8.0");
  EXPECT_EQ(p["redis_upgrade_policy"], "major");
  EXPECT_EQ(p["db_conns_auditing"], false);
  EXPECT_EQ(p["login_lockout_threshold"], 5);
  EXPECT_EQ(p["login_lockout_duration"], 1800);
  EXPECT_EQ(p["login_lockout_counter_reset_after"], 900);
  EXPECT_EQ(srv.get("/v1/cluster/policy", viewer).status, 200);
  refused(srv.get("/v1/cluster/policy", nobody), 403, "insufficient_permissions");
}

TEST_F(cluster_options_test, a_policy_update_is_partial_and_restore_default_undoes_it) {
  const json fresh = get_json("/v1/cluster/policy");
  const auto before = srv.get("/v1/cluster/policy");
  const auto r = put("/v1/cluster/policy", {{"default_shards_placement", "sparse"},
                                            {"default_sharded_proxy_policy", "all-nodes"},
                                            {"login_lockout_threshold", 0}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(state_id(r), state_id(before) + 1);
  json expected = fresh;
  expected["default_shards_placement"] = "sparse";
  expected["default_sharded_proxy_policy"] = "all-nodes";
  expected["login_lockout_threshold"] = 0;
  EXPECT_EQ(get_json("/v1/cluster/policy"), expected);

  // New databases take the policy's defaults when their body gives none.
  const auto sharded = srv.post(
      "/v1/bdbs",
      {{"name", "sharded"}, {"memory_size", 1048576}, {"sharding", true}, {"shards_count", 2}});
  ASSERT_EQ(sharded.status, 200) << sharded.body;
  EXPECT_EQ(sharded.json_body()["shards_placement"], "sparse");
  EXPECT_EQ(sharded.json_body()["proxy_policy"], "all-nodes");
  const auto plain = srv.post(
      "/v1/bdbs", {{"name", "plain"}, {"memory_size", 1048576}, {"shards_placement", "dense"}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json_body()["shards_placement"], "dense");
  EXPECT_EQ(plain.json_body()["proxy_policy"], "single");

  const auto restored = srv.call(http::verb::put, "/v1/cluster/policy/restore_default", admin, "");
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(get_json("/v1/cluster/policy"), fresh);
}

TEST_F(cluster_options_test, refused_policy_bodies_change_nothing) {
  ASSERT_EQ(put("/v1/cluster/policy", {{"rack_aware", true}}).status, 200);
  const auto put_verb = http::verb::put;
  const std::string target = "/v1/cluster/policy";
  expect_refused_changing_nothing(
      {
          {put_verb, target, "[1]", 400, "invalid_schema"},
          {put_verb, target, "{", 400, "invalid_schema"},
          {put_verb, target, R"({"no_such_setting":1})", 400, "invalid_schema"},
          {put_verb, target, R"({"rack_aware":"yes"})", 400, "invalid_schema"},
          {put_verb, target, R"({"default_shards_placement":"wide"})", 400, "invalid_schema"},
          {put_verb, target, R"({"login_lockout_threshold":-1})", 400, "invalid_schema"},
          {put_verb, target, R"({"login_lockout_threshold":2.5})", 400, "invalid_schema"},
          {put_verb, target, R"({"default_provisioned_redis_version":"5.0"})", 400,
           "invalid_schema"},
          {put_verb, target, R"({"rack_aware":false,"default_sharded_proxy_policy":1})", 400,
           "invalid_schema"},
      },
      {target});
  EXPECT_EQ(get_json(target)["rack_aware"], true);
  const auto r = put(target, {{"default_shards_placement", "wide"}});
  EXPECT_EQ(r.json_body()["description"],
            "Field 'default_shards_placement' must be one of dense, sparse, got \"wide\"");
  for (const auto& who : {viewer, db_viewer}) {
    refused(put(target, {{"rack_aware", false}}, who), 403, "insufficient_permissions");
    refused(srv.call(http::verb::put, "/v1/cluster/policy/restore_default", who, ""), 403,
            "insufficient_permissions");
  }
  EXPECT_EQ(get_json(target)["rack_aware"], true);
}

TEST_F(cluster_options_test, services_configuration_is_read_and_changed) {
  const json fresh = get_json("/v1/cluster/services_configuration");
  EXPECT_EQ(fresh["cm_server"], json({{"operating_mode", "enabled"}}));
  EXPECT_EQ(fresh["entraid_agent_mgr"], json({{"operating_mode", "disabled"}}));
  const auto r =
      put("/v1/cluster/services_configuration", {{"cm_server", {{"operating_mode", "disabled"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  json expected = fresh;
  expected["cm_server"]["operating_mode"] = "disabled";
  EXPECT_EQ(r.json_body(), expected);
  EXPECT_EQ(get_json("/v1/cluster/services_configuration"), expected);
  const std::string target = "/v1/cluster/services_configuration";
  expect_refused_changing_nothing(
      {
          {http::verb::put, target, R"({"ccs":{"operating_mode":"disabled"}})", 400,
           "invalid_schema"},
          {http::verb::put, target, R"({"cm_server":{"operating_mode":"off"}})", 400,
           "invalid_schema"},
          {http::verb::put, target, R"({"cm_server":"disabled"})", 400, "invalid_schema"},
          {http::verb::put, target, R"({"cm_server":{"operating_mode":"enabled","x":1}})", 400,
           "invalid_schema"},
      },
      {target});
  EXPECT_EQ(srv.get(target, viewer).status, 200);
  refused(put(target, {{"cm_server", {{"operating_mode", "enabled"}}}}, viewer), 403,
          "insufficient_permissions");
}

TEST_F(cluster_options_test, local_services_run_since_start_and_follow_operations) {
  advance(3 * 86400 + 3539);
  const json services = get_json("/v1/local/services");
  ASSERT_TRUE(services.contains("alert_mgr"));
  EXPECT_EQ(services["alert_mgr"], json({{"start_time", "2025-10-09T08:53:20Z"},
                                         {"status", "RUNNING"},
                                         {"uptime", "3 days, 0:58:59"}}));
  for (const auto& [name, s] : services.items()) EXPECT_EQ(s["status"], "RUNNING") << name;
  EXPECT_EQ(srv.get("/v1/local/services", nobody).status, 200);

  const auto stop = srv.post("/v1/local/services",
                             {{"operation_type", "stop"}, {"services", {"alert_mgr", "ccs"}}});
  ASSERT_EQ(stop.status, 200) << stop.body;
  EXPECT_EQ(stop.json_body(), json({{"alert_mgr", true}, {"ccs", true}}));
  EXPECT_EQ(get_json("/v1/local/services")["alert_mgr"], json({{"status", "STOPPED"}}));
  EXPECT_EQ(get_json("/v1/local/services")["ccs"]["status"], "STOPPED");

  advance(61);
  const auto start =
      srv.post("/v1/services", {{"operation_type", "start"}, {"services", {"alert_mgr"}}});
  ASSERT_EQ(start.status, 200) << start.body;
  advance(5);
  const json after = get_json("/v1/local/services");
  EXPECT_EQ(after["alert_mgr"]["status"], "RUNNING");
  EXPECT_EQ(after["alert_mgr"]["uptime"], "0:00:05");
  EXPECT_EQ(after["ccs"]["status"], "STOPPED");
  EXPECT_EQ(after["cm_server"]["uptime"], "3 days, 1:00:05");

  expect_refused_changing_nothing(
      {
          {http::verb::post, "/v1/local/services",
           R"({"operation_type":"stop","services":["nope"]})", 400, "invalid_schema"},
          {http::verb::post, "/v1/local/services",
           R"({"operation_type":"pause","services":["ccs"]})", 400, "invalid_schema"},
          {http::verb::post, "/v1/local/services", R"({"operation_type":"stop"})", 400,
           "invalid_schema"},
          {http::verb::post, "/v1/services",
           R"({"operation_type":"stop","services":["ccs","ccs"]})", 400, "invalid_schema"},
          {http::verb::post, "/v1/services", R"({"operation_type":"stop","services":[],"x":1})",
           400, "invalid_schema"},
      },
      {"/v1/local/services"});
  refused(srv.post("/v1/services", {{"operation_type", "start"}, {"services", {"ccs"}}}, viewer),
          403, "insufficient_permissions");
  EXPECT_EQ(get_json("/v1/local/services")["ccs"]["status"], "STOPPED");
}

TEST_F(cluster_options_test, ocsp_settings_change_within_their_ranges) {
  const json fresh = json::parse(capture("ocsp.json"));
  EXPECT_EQ(get_json("/v1/ocsp"), fresh);
  const auto r = put("/v1/ocsp", {{"query_frequency", 7200}, {"response_timeout", 60}});
  ASSERT_EQ(r.status, 200) << r.body;
  json expected = fresh;
  expected["query_frequency"] = 7200;
  expected["response_timeout"] = 60;
  EXPECT_EQ(r.json_body(), expected);
  EXPECT_EQ(get_json("/v1/ocsp"), expected);
  expect_refused_changing_nothing(
      {
          {http::verb::put, "/v1/ocsp", R"({"ocsp_functionality":true})", 400, "no_responder_url"},
          {http::verb::put, "/v1/ocsp", R"({"responder_url":"http://ocsp.example"})", 400,
           "invalid_schema"},
          {http::verb::put, "/v1/ocsp", R"({"query_frequency":59})", 400, "invalid_schema"},
          {http::verb::put, "/v1/ocsp", R"({"recovery_frequency":86401})", 400, "invalid_schema"},
          {http::verb::put, "/v1/ocsp", R"({"recovery_max_tries":0})", 400, "invalid_schema"},
          {http::verb::put, "/v1/ocsp", R"({"response_timeout":61})", 400, "invalid_schema"},
          {http::verb::put, "/v1/ocsp", R"({"extra":1})", 400, "invalid_schema"},
      },
      {"/v1/ocsp"});
  const json status = get_json("/v1/ocsp/status");
  EXPECT_EQ(status["cert_status"], "UNKNOWN");
  EXPECT_EQ(status["responder_url"], "");
  refused(srv.post("/v1/ocsp/test", json::object()), 500, "no_responder_url");
  for (const auto& who : {viewer, db_viewer}) {
    refused(put("/v1/ocsp", {{"query_frequency", 60}}, who), 403, "insufficient_permissions");
    refused(srv.get("/v1/ocsp/status", who), 403, "insufficient_permissions");
    refused(srv.post("/v1/ocsp/test", json::object(), who), 403, "insufficient_permissions");
  }
  EXPECT_EQ(get_json("/v1/ocsp"), expected);
}

TEST_F(cluster_options_test, only_optional_certificates_are_deleted) {
  const json before = get_json("/v1/cluster/certificates");
  for (const char* name : {"api", "proxy_cert", "cm", "syncer", "metrics_exporter"}) {
    refused(srv.del(std::string("/v1/cluster/certificates/") + name), 403, "certificate_required");
  }
  refused(srv.del("/v1/cluster/certificates/nope"), 404, "certificate_not_found");
  const auto ok = srv.del("/v1/cluster/certificates/ldap_client_cert");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "");
  refused(srv.call(http::verb::delete_, "/v1/cluster/certificates/sso_service", viewer, ""), 403,
          "insufficient_permissions");
  EXPECT_EQ(get_json("/v1/cluster/certificates"), before);
}

TEST(cluster_options_state, stored_settings_outlive_a_restart) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("reemu-cluster-options-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(
        t0, [&](json& doc) { doc["emulator"]["state_file"] = (dir / "state.json").string(); });
  };
  json policy;
  json config;
  json ocsp;
  json services;
  {
    test_server srv{cfg()};
    ASSERT_EQ(srv.call(http::verb::put, "/v1/cluster/policy", admin,
                       R"({"redis_upgrade_policy":"latest","max_simultaneous_backups":2})")
                  .status,
              200);
    ASSERT_EQ(srv.call(http::verb::put, "/v1/cluster/services_configuration", admin,
                       R"({"mdns_server":{"operating_mode":"disabled"}})")
                  .status,
              200);
    ASSERT_EQ(srv.call(http::verb::put, "/v1/ocsp", admin, R"({"recovery_max_tries":9})").status,
              200);
    ASSERT_EQ(srv.post("/v1/local/services",
                       {{"operation_type", "stop"}, {"services", {"stats_archiver"}}})
                  .status,
              200);
    policy = srv.get("/v1/cluster/policy").json_body();
    config = srv.get("/v1/cluster/services_configuration").json_body();
    ocsp = srv.get("/v1/ocsp").json_body();
    services = srv.get("/v1/local/services").json_body();
    EXPECT_EQ(policy["redis_upgrade_policy"], "latest");
  }
  {
    test_server srv{cfg()};
    EXPECT_EQ(srv.get("/v1/cluster/policy").json_body(), policy);
    EXPECT_EQ(srv.get("/v1/cluster/services_configuration").json_body(), config);
    EXPECT_EQ(srv.get("/v1/ocsp").json_body(), ocsp);
    EXPECT_EQ(srv.get("/v1/local/services").json_body()["stats_archiver"],
              json({{"status", "STOPPED"}}));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
