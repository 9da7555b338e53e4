// Unit tests for shard blueprints and the default placement
// (src/model/blueprint.cpp): the real cluster's slot split, the shape the
// reference documents, dense and sparse placement across nodes.
#include "reemu/model/blueprint.hpp"

#include <gtest/gtest.h>

using namespace reemu;

namespace {

node_map nodes_1_to(std::uint64_t n) {
  node_map out;
  for (std::uint64_t uid = 1; uid <= n; ++uid) {
    node one;
    one.uid = uid;
    out[uid] = std::make_shared<const node>(std::move(one));
  }
  return out;
}

json blueprint(std::uint64_t count, bool replication, std::uint64_t nodes = 1,
               std::uint64_t bdb_uid = 1, bool sparse = false) {
  const shard_shape shape{count, replication, sparse};
  return shards_blueprint(shape, default_placement(shape, bdb_uid, nodes_1_to(nodes)));
}

}  // namespace

TEST(blueprint, one_shard_holds_every_slot) {
  EXPECT_EQ(blueprint(1, false), json::parse(R"([{"nodes":[{"node_uid":"1","role":"master"}],
                                                  "slot_range":"0-16383"}])"));
  EXPECT_EQ(shards_blueprint_of(json::object(), 1, nodes_1_to(1)), blueprint(1, false));
}

TEST(blueprint, slots_split_as_a_cluster_splits_them) {
  const json b = blueprint(3, true);
  ASSERT_EQ(b.size(), 3u);
  // The reference's example: the middle of three shards is 5461-10922.
  EXPECT_EQ(b[0]["slot_range"], "0-5460");
  EXPECT_EQ(b[1]["slot_range"], "5461-10922");
  EXPECT_EQ(b[2]["slot_range"], "10923-16383");
  EXPECT_EQ(slot_range(1, 3), "5461-10922");
  EXPECT_EQ(b[1]["nodes"],
            json::parse(R"([{"node_uid":"1","role":"master"},{"node_uid":"1","role":"slave"}])"));
  EXPECT_EQ(slot_range(16383, 16384), "16383-16383");
  EXPECT_EQ(slot_range(0, 0), "0-16383");
}

TEST(blueprint, of_fields_reads_shards_count_replication_and_placement) {
  const node_map three = nodes_1_to(3);
  EXPECT_EQ(shards_blueprint_of({{"shards_count", 2}, {"replication", true}}, 1, three),
            blueprint(2, true, 3));
  EXPECT_EQ(shards_blueprint_of({{"shards_count", "2"}, {"replication", 1}}, 1, three),
            blueprint(1, false, 3));
  EXPECT_EQ(shards_blueprint_of({{"shards_count", 3}, {"shards_placement", "sparse"}}, 1, three),
            blueprint(3, false, 3, 1, true));
  const shard_shape shape = shape_of({{"shards_count", 100000}, {"replication", true}});
  EXPECT_EQ(shape.count, 16384u);
  EXPECT_EQ(shape.size(), 32768u);
}

TEST(blueprint, dense_keeps_masters_together_and_replicas_on_the_next_node) {
  const auto spots = default_placement({2, true, false}, 1, nodes_1_to(3));
  const std::vector<shard_spot> want = {{1, true}, {2, false}, {1, true}, {2, false}};
  EXPECT_EQ(spots, want);
}

TEST(blueprint, sparse_spreads_masters_and_a_replica_is_never_on_its_master_node) {
  for (std::uint64_t nodes = 2; nodes <= 4; ++nodes) {
    for (std::uint64_t bdb = 1; bdb <= 5; ++bdb) {
      for (bool sparse : {false, true}) {
        const auto spots = default_placement({5, true, sparse}, bdb, nodes_1_to(nodes));
        ASSERT_EQ(spots.size(), 10u);
        for (std::size_t i = 0; i < spots.size(); i += 2) {
          EXPECT_TRUE(spots[i].master);
          EXPECT_FALSE(spots[i + 1].master);
          EXPECT_NE(spots[i].node_uid, spots[i + 1].node_uid);
        }
      }
    }
  }
  const auto sparse = default_placement({3, false, true}, 1, nodes_1_to(3));
  const std::vector<shard_spot> want = {{1, true}, {2, true}, {3, true}};
  EXPECT_EQ(sparse, want);
}

TEST(blueprint, databases_start_on_different_nodes) {
  EXPECT_EQ(default_placement({1, false, false}, 2, nodes_1_to(3))[0].node_uid, 2u);
  EXPECT_EQ(default_placement({1, false, false}, 4, nodes_1_to(3))[0].node_uid, 1u);
  // No nodes: node 1 alone.
  EXPECT_EQ(default_placement({1, true, false}, 7, node_map{})[1].node_uid, 1u);
}
