// Unit tests for the shard operations of state machines
// (src/model/shard_ops.cpp): which operations a move or a reshape derives,
// how pending_ops shows them over the walk (rising progress, finished ones
// gone, frozen on failure and cancel, none before the walk or after the
// end), the simulate block that carries them, and begin_operation deriving
// them for a migrate, a failover, a rebalance-like move and a reshape.
#include "reemu/model/shard_ops.hpp"

#include <gtest/gtest.h>

#include "model_fixtures.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

using namespace reemu;

namespace {

using test::cluster_of;
using test::t0;

// A plan of 4 steps of 10 s after 5 s pending, performing `ops`.
simulate_plan plan_with(std::vector<shard_op> ops) {
  simulate_plan p;
  p.steps = {"a", "b", "c", "d"};
  p.step_seconds = 10;
  p.pending_seconds = 5;
  p.shard_ops = std::move(ops);
  return p;
}

const std::vector<shard_op> two_moves = {{"3", "migrate_shard"}, {"4", "migrate_shard"}};

// The v1 object of the action `uid` at `now`.
json v1_at(const registry_data& d, const std::string& uid, double now) {
  return render_v1(*d.find(uid), now);
}

}  // namespace

TEST(shard_ops, a_move_derives_migrations_and_failovers_of_the_shards_that_change) {
  const std::vector<std::uint64_t> uids = {5, 6, 7, 8};
  const std::vector<shard_spot> before = {{1, true}, {2, false}, {1, true}, {2, false}};
  // Shard 5 moves to node 3; the pair 7/8 swaps roles; 6 stays.
  const std::vector<shard_spot> after = {{3, true}, {2, false}, {1, false}, {2, true}};
  EXPECT_EQ(shard_moves(uids, before, after),
            (std::vector<shard_op>{{"5", "migrate_shard"}, {"7", "failover_shard"}}));
  EXPECT_TRUE(shard_moves(uids, before, before).empty());
  EXPECT_TRUE(shard_moves(uids, before, {}).empty());  // nothing to leave: no move
  EXPECT_EQ(reshard_ops({9, 10}), (std::vector<shard_op>{{"9", "reshard"}, {"10", "reshard"}}));
}

TEST(shard_ops, pending_ops_rise_through_the_walk_and_finished_ones_disappear) {
  const simulate_plan p = plan_with(two_moves);
  // Pending: the walk has not started, nothing issued.
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 1), json::object());
  // The walk is 40 s from t0 + 5; each operation has 20 s of it.
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 5),
            json::parse(R"({"3":{"op_name":"migrate_shard","progress":0},
                            "4":{"op_name":"migrate_shard","progress":0}})"));
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 10)["3"]["progress"], 25);
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 20)["3"]["progress"], 75);
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 20)["4"]["progress"], 0);
  // Shard 3 done at t0 + 25: gone; shard 4 runs.
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 25),
            json::parse(R"({"4":{"op_name":"migrate_shard","progress":0}})"));
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 44.9)["4"]["progress"], 99);
  // Completed: none.
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 45), json::object());
  EXPECT_EQ(pending_ops_at(p, t0, t0 + 1e6), json::object());
}

TEST(shard_ops, the_validity_holds_the_same_pending_ops_over_its_interval) {
  const simulate_plan p = plan_with(two_moves);
  for (const double at : {5.0, 5.1, 12.34, 24.99, 25.0, 31.0, 44.99}) {
    validity v;
    const json here = pending_ops_at(p, t0, t0 + at, &v);
    ASSERT_LE(v.from, t0 + at) << at;
    ASSERT_GT(v.until, t0 + at) << at;
    EXPECT_EQ(pending_ops_at(p, t0, v.from), here) << at;
    EXPECT_EQ(pending_ops_at(p, t0, std::nextafter(v.until, v.from)), here) << at;
    EXPECT_NE(pending_ops_at(p, t0, v.until), here) << at;
  }
}

TEST(shard_ops, a_failed_or_cancelled_machine_keeps_what_was_left_when_it_stopped) {
  simulate_plan failing = plan_with(two_moves);
  failing.fails = true;
  failing.fail_at_step = 2;  // fails at t0 + 5 + 30: shard 4 at 50 %
  const json left = json::parse(R"({"4":{"op_name":"migrate_shard","progress":50}})");
  EXPECT_EQ(pending_ops_at(failing, t0, t0 + 35), left);
  EXPECT_EQ(pending_ops_at(failing, t0, t0 + 500), left);

  simulate_plan cancelled = plan_with(two_moves);
  cancelled.cancel_after = 10;  // at t0 + 10: shard 3 at 25 %
  const json at_cancel = pending_ops_at(cancelled, t0, t0 + 10);
  EXPECT_EQ(at_cancel["3"]["progress"], 25);
  EXPECT_EQ(pending_ops_at(cancelled, t0, t0 + 12), at_cancel);
  EXPECT_EQ(pending_ops_at(cancelled, t0, t0 + 500), at_cancel);
  cancelled.cancel_after = 2;  // before the walk: none were issued
  EXPECT_EQ(pending_ops_at(cancelled, t0, t0 + 100), json::object());

  failing.fail_at_step = 3;  // fails at the very end: every operation had finished
  EXPECT_EQ(pending_ops_at(failing, t0, t0 + 100), json::object());
}

TEST(shard_ops, render_v1_shows_them_and_a_machine_without_any_keeps_an_empty_object) {
  action a = make_simulated_action("u", action_kind::state_machine,
                                   {{"name", "SMUpdateBDB"}, {"object_name", "bdb:1"}},
                                   plan_with({{"3", "failover_shard"}}));
  a.started_at = t0;
  EXPECT_EQ(render_v1(a, t0 + 15)["pending_ops"],
            json::parse(R"({"3":{"op_name":"failover_shard","progress":25}})"));
  EXPECT_EQ(render_v2(a, t0 + 15)["additional_info"]["pending_ops"]["3"]["progress"], 25);
  EXPECT_FALSE(render_v1(a, t0 + 45).contains("pending_ops"));  // completed
  EXPECT_FALSE(render_v2(a, t0 + 45)["additional_info"].contains("pending_ops"));
  action none =
      make_simulated_action("v", action_kind::state_machine,
                            {{"name", "SMUpdateBDB"}, {"object_name", "bdb:1"}}, plan_with({}));
  none.started_at = t0;
  EXPECT_EQ(render_v1(none, t0 + 15)["pending_ops"], json::object());
  EXPECT_FALSE(render_v2(none, t0 + 15)["additional_info"].contains("pending_ops"));
}

TEST(shard_ops, the_simulate_block_carries_them_and_refuses_bad_lists) {
  const simulate_plan p = plan_with(two_moves);
  const json block = to_simulate_block(p);
  EXPECT_EQ(block["shard_ops"], json::parse(R"([{"op_name":"migrate_shard","shard_uid":"3"},
                            {"op_name":"migrate_shard","shard_uid":"4"}])"));
  const auto back = parse_simulate(block, simulate_plan{});
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(to_simulate_block(plan_with({})).contains("shard_ops"));

  struct bad {
    const char* list;
    api_error code;
  };
  for (const bad& b :
       {bad{R"({"3":"migrate_shard"})", api_error::invalid_type},
        bad{R"([3])", api_error::invalid_type},
        bad{R"([{"shard_uid":"3"}])", api_error::missing_field},
        bad{R"([{"shard_uid":3,"op_name":"x"}])", api_error::invalid_type},
        bad{R"([{"shard_uid":"","op_name":"x"}])", api_error::invalid_type},
        bad{R"([{"shard_uid":"3","op_name":"x","progress":1}])", api_error::unknown_field},
        bad{R"([{"shard_uid":"3","op_name":"x"},{"shard_uid":"3","op_name":"y"}])",
            api_error::invalid_value}}) {
    SCOPED_TRACE(b.list);
    json with = block;
    with["shard_ops"] = json::parse(b.list);
    const auto parsed = parse_simulate(with, simulate_plan{});
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().error, b.code);
    EXPECT_NE(parsed.error().description.find("simulate.shard_ops"), std::string::npos)
        << parsed.error().description;
  }
  json many = block;
  many["shard_ops"] = json::array();
  for (std::size_t i = 0; i <= max_database_shards; ++i)
    many["shard_ops"].push_back({{"shard_uid", std::to_string(i)}, {"op_name", "x"}});
  EXPECT_FALSE(parse_simulate(many, simulate_plan{}));
}

TEST(shard_ops, begin_operation_derives_them_from_where_the_shards_go) {
  registry_data d = cluster_of({{{"uid", 1}, {"shards_count", 2}, {"replication", true}}});
  const database& db = *d.databases.at(1);
  const std::vector<std::uint64_t> uids = shard_uids_of(db);
  ASSERT_EQ(uids.size(), 4u);
  const node_map nodes = nodes_at(d.nodes, t0);
  std::vector<shard_spot> spots = placement_at(db, nodes, t0);

  // A migrate of the first master to node 3.
  std::vector<shard_spot> moved = spots;
  moved[0].node_uid = 3;
  const std::string migrate = begin_operation(d, db, "SMUpdateBDB", t0, moved);
  EXPECT_EQ(d.databases.at(1)->op->plan.shard_ops,
            (std::vector<shard_op>{{std::to_string(uids[0]), "migrate_shard"}}));
  const double end = t0 + test::walk("SMUpdateBDB");
  EXPECT_EQ(v1_at(d, migrate, t0 + 1)["pending_ops"][std::to_string(uids[0])]["op_name"],
            "migrate_shard");
  EXPECT_EQ(v1_at(d, migrate, t0)["pending_ops"], json::object());  // still pending
  EXPECT_EQ(placement_at(*d.databases.at(1), nodes, end - 0.5)[0].node_uid, spots[0].node_uid);
  EXPECT_EQ(placement_at(*d.databases.at(1), nodes, end)[0].node_uid, 3u);

  // Back to the default placement (what a rebalance does): the same shard
  // migrates back.
  const std::string rebalance = begin_operation(d, *d.databases.at(1), "SMUpdateBDB", end, spots);
  EXPECT_EQ(d.databases.at(1)->op->plan.shard_ops,
            (std::vector<shard_op>{{std::to_string(uids[0]), "migrate_shard"}}));
  EXPECT_EQ(d.find(rebalance)->plan()->shard_ops, d.databases.at(1)->op->plan.shard_ops);
  const double end2 = end + test::walk("SMUpdateBDB");
  EXPECT_EQ(placement_at(*d.databases.at(1), nodes, end2), spots);

  // A failover of the second master: its replica takes over.
  std::vector<shard_spot> swapped = spots;
  swapped[2].master = false;
  swapped[3].master = true;
  begin_operation(d, *d.databases.at(1), "SMRedisFailover", end2, swapped);
  EXPECT_EQ(d.databases.at(1)->op->plan.shard_ops,
            (std::vector<shard_op>{{std::to_string(uids[2]), "failover_shard"}}));
  const double end3 = end2 + test::walk("SMRedisFailover");

  // Nothing moves: no operations.
  begin_operation(d, *d.databases.at(1), "SMUpdateBDB", end3);
  EXPECT_TRUE(d.databases.at(1)->op->plan.shard_ops.empty());
  const double end4 = end3 + test::walk("SMUpdateBDB");

  // A reshape: every new shard is resharded.
  database reshaped = *d.databases.at(1);
  reshaped.fields["shards_count"] = 3;
  begin_operation(d, std::move(reshaped), "SMUpdateBDB", end4);
  const std::vector<std::uint64_t> now_uids = shard_uids_of(*d.databases.at(1));
  ASSERT_EQ(now_uids.size(), 6u);
  EXPECT_EQ(d.databases.at(1)->op->plan.shard_ops, reshard_ops(now_uids));
}
