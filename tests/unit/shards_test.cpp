// Unit tests for the shards derived from the databases (src/model/shards.cpp):
// uids, placement at read time after a migrate or a failover, stale
// placement, a node's shard list, the wire shape.
#include "reemu/model/shards.hpp"

#include <gtest/gtest.h>

#include "captures.hpp"
#include "model_fixtures.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/wire.hpp"

using namespace reemu;

namespace {

using test::cluster_of;
using test::t0;
using test::walk;

// Starts `name` on database `uid` leaving `placement`.
void move(registry_data& d, std::uint64_t uid, std::string_view name,
          std::vector<shard_spot> placement, double now = t0) {
  begin_operation(d, *d.databases.at(uid), name, now, std::move(placement));
}

}  // namespace

TEST(shards, uids_are_unique_cluster_wide_and_kept_when_they_fit) {
  const registry_data d = cluster_of({{{"uid", 1}, {"shard_list", {1}}},
                                      {{"uid", 2}, {"shards_count", 2}, {"replication", true}},
                                      {{"uid", 3}, {"shard_list", {1}}}});  // taken: new ones
  EXPECT_EQ(shard_uids_of(*d.databases.at(1)), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(shard_uids_of(*d.databases.at(2)), (std::vector<std::uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(shard_uids_of(*d.databases.at(3)), (std::vector<std::uint64_t>{6}));
  const auto all = all_shards(d, t0);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[1].slots, "0-8191");
  EXPECT_EQ(all[2].slots, "0-8191");
  EXPECT_EQ(all[3].slots, "8192-16383");
  EXPECT_TRUE(all[1].spot.master);
  EXPECT_FALSE(all[2].spot.master);
}

TEST(shards, the_seeded_capture_renders_as_the_shards_capture) {
  const registry_data d = cluster_of({json::parse(test::capture("bdb_single.json"))});
  const auto all = all_shards(d, t0);
  ASSERT_EQ(all.size(), 1u);
  json shard = render_shard(all[0], *d.databases.at(1), t0);
  json want = json::parse(test::capture("shards_list.json"))[0];
  want["report_timestamp"] = rfc3339(t0);
  EXPECT_EQ(shard, want);
}

TEST(shards, a_migrate_moves_the_shard_once_its_machine_completed) {
  registry_data d = cluster_of({{{"uid", 1}, {"shards_count", 2}}});
  const auto before = placement_at(*d.databases.at(1), d.nodes, t0);
  ASSERT_EQ(before[1].node_uid, 1u);
  auto after = before;
  after[1].node_uid = 3;
  move(d, 1, "SMUpdateBDB", after);
  const database& db = *d.databases.at(1);
  EXPECT_EQ(placement_at(db, d.nodes, t0 + 1), before);  // still running
  EXPECT_EQ(placement_at(db, d.nodes, t0 + walk("SMUpdateBDB")), after);
  EXPECT_EQ(shard_uids_on_node(d, 3, t0), std::vector<std::uint64_t>{});
  EXPECT_EQ(shard_uids_on_node(d, 3, t0 + walk("SMUpdateBDB")), std::vector<std::uint64_t>{2});
  EXPECT_EQ(shard_uids_on_node(d, 1, t0 + walk("SMUpdateBDB")), std::vector<std::uint64_t>{1});
}

TEST(shards, the_next_operation_keeps_a_completed_move_and_a_failed_one_moves_nothing) {
  registry_data d = cluster_of({{{"uid", 1}, {"replication", true}}});
  const auto before = placement_at(*d.databases.at(1), d.nodes, t0);
  const std::vector<shard_spot> swapped = {{before[0].node_uid, false}, {before[1].node_uid, true}};
  move(d, 1, "SMRedisFailover", swapped);
  const double done = t0 + walk("SMRedisFailover");
  begin_operation(d, *d.databases.at(1), "SMUpdateBDB", done);  // settles the failover
  EXPECT_EQ(d.databases.at(1)->placement, swapped);
  EXPECT_EQ(placement_at(*d.databases.at(1), d.nodes, done + 1), swapped);

  d.plan_rules.push_back({1, "SMRedisFailover", "", {{"outcome", "failed"}}, 1, 0});
  const double later = done + walk("SMUpdateBDB");
  move(d, 1, "SMRedisFailover", before, later);
  EXPECT_EQ(placement_at(*d.databases.at(1), d.nodes, later + 100), swapped);
}

TEST(shards, a_reshape_gives_new_shards_and_drops_the_stale_placement) {
  registry_data d = cluster_of({{{"uid", 1}}});
  move(d, 1, "SMUpdateBDB", {{2, true}});
  const double done = t0 + walk("SMUpdateBDB");
  EXPECT_EQ(shard_uids_on_node(d, 2, done), std::vector<std::uint64_t>{1});
  database next = *d.databases.at(1);
  next.fields["shards_count"] = 2;
  begin_operation(d, std::move(next), "SMUpdateBDB", done);
  const database& db = *d.databases.at(1);
  EXPECT_EQ(shard_uids_of(db), (std::vector<std::uint64_t>{2, 3}));
  EXPECT_TRUE(db.placement.empty());
  EXPECT_EQ(placement_at(db, d.nodes, done), default_placement(shape_of(db.fields), 1, d.nodes));
}

TEST(shards, status_follows_the_database) {
  registry_data d = cluster_of({});
  auto db = new_database(d, {{"name", "x"}, {"memory_size", 1024}}, t0, {});
  ASSERT_TRUE(db) << db.error().description;
  begin_operation(d, std::move(*db), "SMCreateBDB", t0);
  const database& made = *d.databases.at(1);
  const auto s = find_shard(d, 1, t0);
  ASSERT_TRUE(s);
  EXPECT_EQ(render_shard(*s, made, t0)["status"], "inactive");
  EXPECT_EQ(render_shard(*s, made, t0)["detailed_status"], "busy");
  EXPECT_EQ(render_shard(*s, made, t0 + walk("SMCreateBDB"))["status"], "active");
  EXPECT_FALSE(find_shard(d, 2, t0));
}

TEST(shards, a_node_renders_the_shards_it_runs) {
  const registry_data d = cluster_of({{{"uid", 1}, {"shards_count", 2}, {"replication", true}}});
  const json n = render_node(*d.nodes.at(2), d, t0, newest_version_profile());
  EXPECT_EQ(n["shard_list"], json::parse("[2,4]"));
  EXPECT_EQ(n["shard_count"], 2);
  EXPECT_EQ(n["ram_shard_count"], 2);
  EXPECT_EQ(render_node(*d.nodes.at(3), d, t0, newest_version_profile())["shard_list"],
            json::array());
}

TEST(shards, placement_round_trips_through_the_record) {
  registry_data d = cluster_of({{{"uid", 1}, {"replication", true}}});
  move(d, 1, "SMRedisFailover", {{2, true}, {1, false}});
  database db = *d.databases.at(1);
  db.placement = {{3, true}, {1, false}};
  const auto back = database_from_record(json::parse(dump(database_record(db))), "databases[0]");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(back->placement, db.placement);
  EXPECT_EQ(back->op->placement, db.op->placement);
  json bad = database_record(db);
  bad["placement"][0]["role"] = "primary";
  EXPECT_FALSE(database_from_record(bad, "databases[0]"));
}

// A migrate or failover list is read into a sorted set before the writer is
// taken: one uid said 40 000 times is one uid, and the work stays bounded
// however long the list (the list never holds more than twice the bound).
TEST(shards, request_lists_are_deduplicated_and_bounded) {
  const auto one = read_shard_uids(json(std::vector<std::string>(40000, "4")));
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, (std::vector<std::uint64_t>{4}));
  const auto two = read_shard_uids(json::parse(R"(["3", 2, "2", 3])"));
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, (std::vector<std::uint64_t>{2, 3}));

  json most = json::array();
  for (std::uint64_t i = 1; i <= max_database_shards; ++i) most.push_back(std::to_string(i));
  const auto all = read_shard_uids(most);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), max_database_shards);
  most.push_back("99999");
  const auto over = read_shard_uids(most);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().error, api_error::invalid_schema);
  EXPECT_NE(over.error().description.find("1024"), std::string::npos) << over.error().description;

  json huge = json::array();
  for (std::uint64_t i = 1; i <= 40000; ++i) huge.push_back(i);
  EXPECT_FALSE(read_shard_uids(huge));

  for (const char* bad : {R"([-1])", R"(["x"])", R"([1.5])", R"([null])"}) {
    const auto f = read_shard_uids(json::parse(bad));
    ASSERT_FALSE(f) << bad;
    EXPECT_EQ(f.error().error, api_error::invalid_schema) << bad;
  }
}

// Many shards are found in one pass, each database's placement worked out
// once; the first uid no visible database holds is named.
TEST(shards, many_shards_are_found_in_one_pass) {
  const registry_data d = cluster_of({{{"uid", 1}, {"shards_count", 2}, {"replication", true}},
                                      {{"uid", 2}, {"shards_count", 3}}});
  std::vector<shard_info> found;
  ASSERT_EQ(find_shards(d, {2, 5, 7}, t0, found), std::nullopt);
  ASSERT_EQ(found.size(), 3u);
  for (const shard_info& s : found) {
    const auto one = find_shard(d, s.uid, t0);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->bdb_uid, s.bdb_uid);
    EXPECT_EQ(one->index, s.index);
    EXPECT_EQ(one->spot, s.spot);
    EXPECT_EQ(one->slots, s.slots);
  }
  EXPECT_EQ(found[0].bdb_uid, 1u);
  EXPECT_EQ(found[2].bdb_uid, 2u);
  EXPECT_EQ(find_shards(d, {1, 8, 9}, t0, found), std::optional<std::uint64_t>(8));
}

// A shard moved to a node that was removed since runs where the default
// placement puts it, on the nodes left; before the removal completes it
// stays where it was moved.
TEST(shards, a_shard_on_a_removed_node_runs_where_the_default_puts_it) {
  registry_data d = cluster_of({{{"uid", 1}, {"shards_count", 2}}});
  move(d, 1, "SMUpdateBDB", {{3, true}, {3, true}});
  const double moved = t0 + walk("SMUpdateBDB");
  node leaving = *d.nodes.at(3);
  object_task removal;
  removal.name = "remove_node";
  removal.plan = find_template("remove_node")->plan;
  removal.started_at = moved;
  leaving.actions["remove_node"] = removal;
  d.nodes[3] = std::make_shared<const node>(std::move(leaving));
  const double gone = moved + walk("remove_node");
  EXPECT_EQ(shard_uids_on_node(d, 3, moved + 1), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(nodes_at(d.nodes, gone).size(), 2u);
  EXPECT_EQ(shard_uids_on_node(d, 3, gone), std::vector<std::uint64_t>{});
  EXPECT_EQ(shard_uids_on_node(d, 1, gone), (std::vector<std::uint64_t>{1, 2}));
}
