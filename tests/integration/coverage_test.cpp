// The documented routes the emulator does not emulate, over real HTTP: their
// 501 not_emulated (after authentication), the 404 the config may ask for
// instead, their metrics series per route and their mark in the journal.
// Every answer is checked against docs/openapi.json by the client.
#include <gtest/gtest.h>

#include <string>

#include "test_server.hpp"

namespace reemu::test {
namespace {

std::string not_emulated_text(std::string_view route) {
  return std::string(route) +
         " is a Redis Software route the emulator does not emulate yet: see docs/coverage.md";
}

std::string series(std::string_view family, std::string_view method, std::string_view route) {
  return "reemu_not_emulated_requests_total{family=\"" + std::string(family) + "\",method=\"" +
         std::string(method) + "\",route=\"" + std::string(route) + "\"}";
}

TEST(not_emulated_http, a_documented_route_answers_501_after_authentication) {
  test_server srv{manual_clock_config()};
  const auto ldap = srv.get("/v1/cluster/ldap");
  EXPECT_EQ(ldap.status, 501u);
  EXPECT_EQ(ldap.json_body(),
            error_body(not_emulated_text("GET /v1/cluster/ldap"), "not_emulated"));
  EXPECT_EQ(ldap.header(http::field::content_type), "application/json");
  EXPECT_FALSE(ldap.headers["cluster-state-id"].empty());
  // Without credentials: the 401 a real cluster sends first.
  const auto anonymous = srv.get("/v1/cluster/ldap", std::nullopt);
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_FALSE(anonymous.header(http::field::www_authenticate).empty());
  // Any role: the inventory names no permission.
  EXPECT_EQ(srv.get("/v1/cluster/ldap", viewer).status, 501u);
  // The template, whatever the parameter's value.
  const auto syncer = srv.get("/v1/bdbs/1/syncer_state/replica?x=1");
  EXPECT_EQ(syncer.status, 501u);
  EXPECT_EQ(
      syncer.json_body(),
      error_body(not_emulated_text("GET /v1/bdbs/{uid}/syncer_state/replica"), "not_emulated"));
  // A write, and a documented route under a served template.
  EXPECT_EQ(srv.call(http::verb::put, "/v1/nodes/1", admin, R"({"addr":"10.0.0.1"})").status, 501u);
  EXPECT_EQ(srv.get("/v1/bdbs/debuginfo").status, 501u);
  EXPECT_EQ(srv.get("/v1/bdbs/1").status, 200u);
  // Not documented, or served by no real cluster: an unknown path.
  const auto unknown = srv.get("/v1/no_such_route");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json_body()["error_code"], "not_found");
  EXPECT_EQ(srv.get("/v1/endpoints").status, 404u);
  EXPECT_EQ(srv.get("/v1/cluster/alert_settings").status, 404u);
}

TEST(not_emulated_http, counted_per_route_and_marked_in_the_journal) {
  test_server srv{manual_clock_config()};
  for (int i = 0; i < 2; ++i) EXPECT_EQ(srv.get("/v1/cluster/ldap").status, 501u);
  EXPECT_EQ(srv.get("/v1/cluster/ldap", std::nullopt).status, 401u);
  EXPECT_EQ(srv.get("/v1/bdbs/1/peer_stats").status, 501u);
  EXPECT_EQ(srv.get("/v1/endpoints").status, 404u);
  const auto metrics = srv.get("/emulator/v1/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("# TYPE reemu_not_emulated_requests_total counter\n"),
            std::string::npos);
  EXPECT_NE(metrics.body.find(series("cluster", "GET", "/v1/cluster/ldap") + " 3\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(series("bdbs", "GET", "/v1/bdbs/{bdb_uid}/peer_stats") + " 1\n"),
            std::string::npos);
  EXPECT_EQ(metrics.body.find("route=\"/v1/endpoints\""), std::string::npos);
  // Counted under no family in the request totals.
  EXPECT_NE(metrics.body.find("reemu_http_requests_total{family=\"none\",method=\"GET\","
                              "status=\"501\"} 3\n"),
            std::string::npos);

  const json journal = srv.get("/emulator/v1/requests?path=/v1/*").json_body()["requests"];
  ASSERT_EQ(journal.size(), 5u) << journal;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(journal[i].value("not_emulated", false), true) << journal[i];
  }
  EXPECT_EQ(journal[2]["status"], 401);
  EXPECT_FALSE(journal[4].contains("not_emulated")) << journal[4];  // /v1/endpoints
}

TEST(not_emulated_http, answers_404_like_an_unknown_path_when_configured) {
  test_server srv{
      manual_clock_config(1760000000, [](json& doc) { doc["emulator"]["not_emulated"] = "404"; })};
  const auto ldap = srv.get("/v1/cluster/ldap", std::nullopt);
  EXPECT_EQ(ldap.status, 404u);
  EXPECT_EQ(ldap.json_body(), error_body("Route /v1/cluster/ldap does not exist", "not_found"));
  EXPECT_EQ(srv.get("/v1/bdbs/debuginfo").status, 404u);
  const auto metrics = srv.get("/emulator/v1/metrics");
  EXPECT_NE(metrics.body.find(series("cluster", "GET", "/v1/cluster/ldap") + " 1\n"),
            std::string::npos)
      << metrics.body;
}

}  // namespace
}  // namespace reemu::test
