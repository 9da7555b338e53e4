// Unit tests for the node model (src/model/node.cpp): rendering from the
// compiled-in capture, config entries and the state file's records.
#include "reemu/model/node.hpp"

#include <gtest/gtest.h>

#include "captures.hpp"
#include "reemu/model/wire.hpp"

using namespace reemu;

namespace {

node from(const json& obj, double now = 1000) {
  auto n = node_from_object(obj, now, "nodes[0]");
  EXPECT_TRUE(n) << n.error().description;
  return n ? std::move(*n) : node{};
}

std::string error_of(const json& obj) {
  const auto n = node_from_object(obj, 1000, "nodes[0]");
  return n ? std::string() : n.error().description;
}

}  // namespace

TEST(node, the_template_is_the_capture) {
  // With a released build for software_version: the capture's is a pre-release one.
  EXPECT_EQ(json::parse(reemu::test::capture("node_single.json"))["software_version"],
            "100.0.21-16135");
  EXPECT_EQ(node_template()["software_version"], "8.2.0-25");
  EXPECT_EQ(node_template(), json::parse(reemu::test::released_node_capture()));
}

TEST(node, the_default_node_renders_as_the_capture) {
  const double now = 5000;
  EXPECT_EQ(render_node(default_node(now), now), json::parse(reemu::test::released_node_capture()));
}

TEST(node, uptime_grows_with_the_clock) {
  const node n = from({{"uid", 2}, {"uptime", 10}}, 1000);
  EXPECT_EQ(render_node(n, 1000)["uptime"], 10);
  EXPECT_EQ(render_node(n, 1060.7)["uptime"], 70);
  EXPECT_EQ(render_node(n, 0)["uptime"], 0);  // a clock set back shows no negative uptime
  EXPECT_EQ(render_node(n, 1000)["uid"], 2);
}

TEST(node, fields_override_the_template_and_only_differences_are_kept) {
  const node n = from({{"uid", 3}, {"addr", "192.168.16.4"}, {"cores", 14}});
  EXPECT_EQ(n.fields, (json{{"addr", "192.168.16.4"}}));
  const json out = render_node(n, 1000);
  EXPECT_EQ(out["addr"], "192.168.16.4");
  EXPECT_EQ(out.size(), node_template().size());
}

TEST(node, shards_given_replace_the_templates) {
  const json out = render_node(from({{"uid", 1}}), 1000, {4, 7});
  EXPECT_EQ(out["shard_list"], json::array({4, 7}));
  EXPECT_EQ(out["shard_count"], 2);
  EXPECT_EQ(out["ram_shard_count"], 2);
  EXPECT_EQ(out["flash_shard_count"], 0);
  EXPECT_EQ(render_node(from({{"uid", 1}}), 1000, {})["shard_list"], json::array());
}

TEST(node, bad_entries_name_the_key) {
  EXPECT_NE(error_of({{"addr", "x"}}).find("nodes[0].uid"), std::string::npos);
  EXPECT_NE(error_of({{"uid", 0}}).find("nodes[0].uid"), std::string::npos);
  EXPECT_NE(error_of({{"uid", "1"}}).find("nodes[0].uid"), std::string::npos);
  EXPECT_NE(error_of({{"uid", 1}, {"adr", "x"}}).find("'nodes[0].adr' is not a node field"),
            std::string::npos);
  EXPECT_NE(error_of({{"uid", 1}, {"cores", "14"}}).find("must be a number"), std::string::npos);
  EXPECT_NE(error_of({{"uid", 1}, {"external_addr", "x"}}).find("must be an array"),
            std::string::npos);
  EXPECT_NE(error_of({{"uid", 1}, {"uptime", -1}}).find("uptime"), std::string::npos);
  EXPECT_NE(error_of(json::array()).find("nodes[0]"), std::string::npos);
}

TEST(node, records_round_trip) {
  const node n = from({{"uid", 2}, {"addr", "10.0.0.2"}, {"uptime", 12.5}}, 1000);
  const json record = node_record(n);
  const auto back = node_from_record(record, "nodes[0]");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(back->uid, 2u);
  EXPECT_EQ(back->fields, n.fields);
  EXPECT_EQ(back->started_at, n.started_at);
  EXPECT_EQ(node_record(*back), record);
}

TEST(node, bad_records_are_refused) {
  EXPECT_FALSE(node_from_record(json{{"uid", 1}, {"fields", json::object()}}, "nodes[0]"));
  EXPECT_FALSE(node_from_record(json{{"uid", 0}, {"fields", json::object()}, {"started_at", 1}},
                                "nodes[0]"));
  EXPECT_FALSE(
      node_from_record(json{{"uid", 1}, {"fields", json::array()}, {"started_at", 1}}, "nodes[0]"));
  EXPECT_FALSE(node_from_record(
      json{{"uid", 1}, {"fields", json::object()}, {"started_at", 1}, {"x", 1}}, "nodes[0]"));
}
