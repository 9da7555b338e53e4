// The bdb object's JSON Schema (GET /v1/jsonschema?object=bdb) against the
// bdb routes' own body check: one table, both must agree on every body, so
// the schema a tool reads and the validation it meets cannot drift apart.
#include "reemu/model/bdb_schema.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "captures.hpp"
#include "schema_check.hpp"

namespace {

using nlohmann::json;
using reemu::bdb_body_kind;
using reemu::check_bdb_body;

// The schema in a minimal OpenAPI document, for the contract checker.
const reemu::test::openapi_contract& checker() {
  static const reemu::test::openapi_contract c(
      json{{"openapi", "3.1.0"},
           {"paths", json::object()},
           {"components", {{"schemas", {{"Bdb", reemu::bdb_json_schema()}}}}}});
  return c;
}

bool schema_accepts(const json& body) {
  return checker().check_value({{"$ref", "#/components/schemas/Bdb"}}, body).empty();
}

struct row {
  std::string_view body;
  bool accepted;  // by both
};

// PUT /v1/bdbs/{uid} bodies, good and bad, as clients send them.
const std::vector<row>& update_rows() {
  static const std::vector<row> rows = {
      {R"({})", true},
      {R"({"replication": true, "data_persistence": "aof"})", true},
      {R"({"name":"renamed"})", true},
      {R"({"name":"a-b_c9"})", true},
      {R"({"name":"bad name"})", false},
      {R"({"name":""})", false},
      {R"({"name":"-x"})", false},
      {R"({"name":"x234567890123456789012345678901234567890123456789012345678901234"})", false},
      {R"({"memory_size":1})", true},
      {R"({"memory_size":0})", false},
      {R"({"memory_size":-1})", false},
      {R"({"memory_size":1.5})", false},
      {R"({"memory_size":"1"})", false},
      {R"({"port":0})", true},
      {R"({"port":65535})", true},
      {R"({"port":70000})", false},
      {R"({"shards_count":512})", true},
      {R"({"shards_count":513})", false},
      {R"({"shards_count":0})", false},
      {R"({"uid":0})", false},
      {R"({"uid":7})", true},
      {R"({"replication":"yes"})", false},
      {R"({"data_persistence":"always"})", false},
      {R"({"eviction_policy":"allkeys-lfu"})", true},
      {R"({"eviction_policy":"lru"})", false},
      {R"({"redis_version":"7.4"})", true},
      {R"({"redis_version":"5.0"})", false},
      {R"({"persistence":"disabled"})", false},
      {R"({"repl_backlog_size":"auto"})", true},
      {R"({"repl_backlog_size":1048576})", true},
      {R"({"repl_backlog_size":true})", false},
      {R"({"module_list":["search"]})", false},
      {R"({"module_list":[{"module_name":"search","module_args":""}]})", true},
      {R"({"shard_key_regex":[{"regex":1}]})", false},
      {R"({"shard_key_regex":[{"regex":".*"}]})", true},
      {R"({"tags":[{"key":"team","value":"sre"}]})", true},
      {R"({"tags":[{"key":1}]})", false},
      {R"({"avoid_nodes":["1","2"]})", true},
      {R"({"avoid_nodes":[1]})", false},
      {R"({"shards_blueprint":[{"nodes":[{"node_uid":"3","role":"master"}],"slot_range":"0-16383"}]})",
       true},
      {R"({"status":"anything"})", true},  // live keys are the cluster's: not compared here
      {R"({"version":"8.0.0"})", true},    // read-only: the route compares it with the stored one
      {R"({"sharding":true,"oss_sharding":true,"shards_count":3,"shards_placement":"sparse","proxy_policy":"all-master-shards"})",
       true},
      {R"({"proxy_policy":"some"})", false},
      {R"({"authentication_redis_pass":"secret","tls_mode":"enabled"})", true},
      {R"({"tls_mode":"on"})", false},
  };
  return rows;
}

TEST(bdb_json_schema, accepts_exactly_what_the_update_route_accepts) {
  for (const row& r : update_rows()) {
    const json body = json::parse(r.body);
    const bool route = static_cast<bool>(check_bdb_body(body, bdb_body_kind::update, false));
    EXPECT_EQ(route, r.accepted) << "route: " << r.body;
    EXPECT_EQ(schema_accepts(body), r.accepted) << "schema: " << r.body;
  }
  // A database as GET shows it, sent back whole.
  const json whole = json::parse(reemu::test::capture("bdb_single.json"));
  EXPECT_TRUE(check_bdb_body(whole, bdb_body_kind::update, false));
  EXPECT_TRUE(schema_accepts(whole));
}

TEST(bdb_json_schema, a_create_is_the_schema_plus_name_memory_size_and_no_read_only_field) {
  const json schema = reemu::bdb_json_schema();
  const auto create_by_schema = [&](const json& body) {
    if (!schema_accepts(body) || !body.contains("name") || !body.contains("memory_size"))
      return false;
    for (const auto& [key, value] : body.items()) {
      if (key != "uid" && schema["properties"][key].value("readOnly", false)) return false;
    }
    return true;
  };
  for (const row& r : update_rows()) {
    json body = json::parse(r.body);
    body.emplace("name", "x");
    body.emplace("memory_size", 1);
    const bool route = static_cast<bool>(check_bdb_body(body, bdb_body_kind::create, false));
    EXPECT_EQ(route, create_by_schema(body)) << body;
  }
  EXPECT_FALSE(create_by_schema(json{{"name", "x"}}));
  EXPECT_FALSE(check_bdb_body(json{{"name", "x"}}, bdb_body_kind::create, false));
}

TEST(bdb_json_schema, names_every_field_of_the_object_with_its_type) {
  const json schema = reemu::bdb_json_schema();
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["additionalProperties"], false);
  const json whole = json::parse(reemu::test::capture("bdb_single.json"));
  for (const auto& [key, value] : whole.items()) {
    ASSERT_TRUE(schema["properties"].contains(key)) << key;
  }
  EXPECT_EQ(schema["properties"]["memory_size"]["type"], "integer");
  EXPECT_EQ(schema["properties"]["eviction_policy"]["enum"].size(), 8u);
  EXPECT_EQ(schema["properties"]["shard_list"]["readOnly"], true);
}

}  // namespace
