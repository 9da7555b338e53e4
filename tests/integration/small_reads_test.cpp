// Integration tests of the small reads (/v1/ocsp, /v1/suffixes,
// /v1/suffix/{name}, /v1/jsonschema) over real HTTP: the captured OCSP configuration, the
// cluster's one DNS suffix, and who may read them. Every answer is checked
// against docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "captures.hpp"
#include "manual_clock_test.hpp"
#include "reemu/model/bdb_schema.hpp"

namespace reemu::test {
namespace {

class small_reads_test : public manual_clock_test {};

TEST_F(small_reads_test, ocsp_answers_the_capture_to_admins_only) {
  const auto r = srv.get("/v1/ocsp");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, json::parse(capture("ocsp.json")).dump());
  const auto v = srv.get("/v1/ocsp", viewer);
  EXPECT_EQ(v.status, 403) << v.body;
  EXPECT_EQ(v.json_body()["error_code"], "insufficient_permissions");
  // Only GET is emulated; the routes real clusters do not serve stay 404.
  EXPECT_EQ(srv.del("/v1/ocsp/cache").status, 404);
  EXPECT_EQ(srv.post("/v1/ocsp/query", json::object()).status, 404);
}

TEST_F(small_reads_test, the_cluster_has_one_dns_suffix_named_after_it) {
  const json list = get_json("/v1/suffixes");
  ASSERT_EQ(list.size(), 1u);
  const json& s = list[0];
  EXPECT_EQ(s["name"], "docker-cluster");
  for (const char* key : {"default", "internal", "mdns", "use_aaaa_ns"})
    EXPECT_TRUE(s[key].is_boolean()) << key;
  EXPECT_TRUE(s["slaves"].is_array());
  EXPECT_EQ(get_json("/v1/suffix/docker-cluster"), s);
  const auto missing = srv.get("/v1/suffix/example.com");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json_body()["error_code"], "not_found");
  EXPECT_EQ(srv.get("/v1/suffixes", viewer).status, 200);
  EXPECT_EQ(srv.get("/v1/suffixes", nobody).status, 403);
  EXPECT_EQ(srv.post("/v1/suffix", json::object()).status, 404);  // not served (§0.1)
}

TEST_F(small_reads_test, jsonschema_of_bdb_is_the_schema_the_bdb_routes_check) {
  const auto r = srv.get("/v1/jsonschema?object=bdb", db_viewer);
  ASSERT_EQ(r.status, 200) << r.body;
  const json schema = r.json_body();
  EXPECT_EQ(schema, bdb_json_schema());
  EXPECT_EQ(schema["type"], "object");
  // What it refuses, PUT /v1/bdbs/1 refuses, and nothing changes.
  const json before = get_json("/v1/bdbs/1");
  const json enum_values = schema["properties"]["eviction_policy"]["enum"];
  EXPECT_EQ(std::count(enum_values.begin(), enum_values.end(), "lru"), 0);
  const auto refused = put("/v1/bdbs/1", {{"eviction_policy", "lru"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json_body()["error_code"], "invalid_schema");
  EXPECT_EQ(schema["properties"].contains("persistence"), false);
  EXPECT_EQ(put("/v1/bdbs/1", {{"persistence", "aof"}}).status, 400);
  EXPECT_EQ(get_json("/v1/bdbs/1"), before);
  // The documentation's other objects are not emulated; others are invalid.
  const auto node = srv.get("/v1/jsonschema?object=node");
  EXPECT_EQ(node.status, 501);
  EXPECT_EQ(node.json_body()["error_code"], "not_emulated");
  const auto bad = srv.get("/v1/jsonschema?object=bdbs");
  EXPECT_EQ(bad.status, 406);
  EXPECT_EQ(bad.json_body()["error_code"], "invalid_object");
  EXPECT_EQ(srv.get("/v1/jsonschema?object=").status, 406);
  EXPECT_EQ(get_json("/v1/jsonschema"), json({{"bdb", schema}}));
  EXPECT_EQ(srv.get("/v1/jsonschema?object=bdb", std::nullopt).status, 401);
}

}  // namespace
}  // namespace reemu::test
