// Unit tests for shard blueprints (src/model/blueprint.cpp): the real
// cluster's slot split and the shape the reference documents.
#include "reemu/model/blueprint.hpp"

#include <gtest/gtest.h>

using namespace reemu;

TEST(blueprint, one_shard_holds_every_slot) {
  EXPECT_EQ(
      shards_blueprint(1, false),
      json::parse(R"([{"nodes":[{"node_uid":"1","role":"master"}],"slot_range":"0-16383"}])"));
  EXPECT_EQ(shards_blueprint(0, false), shards_blueprint(1, false));
}

TEST(blueprint, slots_split_as_a_cluster_splits_them) {
  const json b = shards_blueprint(3, true);
  ASSERT_EQ(b.size(), 3u);
  // The reference's example: the middle of three shards is 5461-10922.
  EXPECT_EQ(b[0]["slot_range"], "0-5460");
  EXPECT_EQ(b[1]["slot_range"], "5461-10922");
  EXPECT_EQ(b[2]["slot_range"], "10923-16383");
  EXPECT_EQ(b[1]["nodes"],
            json::parse(R"([{"node_uid":"1","role":"master"},{"node_uid":"1","role":"slave"}])"));
  EXPECT_EQ(shards_blueprint(16384, false).back()["slot_range"], "16383-16383");
  EXPECT_EQ(shards_blueprint(100000, false).size(), 16384u);
}

TEST(blueprint, of_fields_reads_shards_count_and_replication) {
  EXPECT_EQ(shards_blueprint_of(json::object()), shards_blueprint(1, false));
  EXPECT_EQ(shards_blueprint_of({{"shards_count", 2}, {"replication", true}}),
            shards_blueprint(2, true));
  EXPECT_EQ(shards_blueprint_of({{"shards_count", "2"}, {"replication", 1}}),
            shards_blueprint(1, false));
}
