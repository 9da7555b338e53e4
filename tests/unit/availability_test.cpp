// Unit tests for the availability decision (src/model/availability.cpp):
// the table of status x traffic x lag x tolerance, the window the control
// API marks, the query's parsing, and where a database's endpoint is bound
// for the local route.
#include "reemu/model/availability.hpp"

#include <gtest/gtest.h>

#include "model_fixtures.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/templates.hpp"

using namespace reemu;

namespace {

using test::t0;
using test::walk;

// A database that ran `op` (none when empty) from t0, its plan failing when
// `fails`; `fields` on top of {"uid":1}.
database db_after(std::string_view op, bool fails = false, json fields = json::object()) {
  database db;
  db.uid = 1;
  db.fields = std::move(fields);
  if (!op.empty()) {
    simulate_plan plan = find_template(op)->plan;
    plan.fails = fails;
    plan.fail_at_step = 1;
    db.op = bdb_operation{"a-1", std::string(op), plan, t0, {}};
  }
  return db;
}

// The answer's error_code ("" when available).
std::string availability_answer(const database& db, double now, availability_query q = {}) {
  const auto ok = check_available(db, now, q);
  return ok ? std::string() : std::string(code_of(ok.error().error));
}

availability_query lag(std::uint64_t tolerance = default_lag_tolerance_ms) {
  return availability_query{true, tolerance};
}

}  // namespace

TEST(availability, the_decision_table) {
  const double done = t0 + 1000;  // every template's walk has ended
  database aa = db_after("", false, {{"crdt", true}});
  aa.health.replica_lag_ms = 250;
  database stopped = db_after("SMStopTrafficBDB");
  database resumed = stopped;
  resumed.traffic_stopped = true;  // settled, then resumed
  resumed.op = db_after("SMResumeTrafficBDB").op;
  database stopping = db_after("SMStopTrafficBDB");
  database resuming = resumed;
  database marked = db_after("");
  marked.health.unavailable_from = t0;
  marked.health.unavailable_until = t0 + 60;

  struct row {
    std::string what;
    const database& db;
    double now;
    availability_query q;
    std::string code;  // "" = 200
  };
  const database active = db_after("");
  const database pending = db_after("SMCreateBDB");
  const database failed = db_after("SMCreateBDB", true);
  const database changing = db_after("SMUpdateBDB");
  const database importing = db_after("import_bdb");
  const database recovering = db_after("SMRecoverBDB");
  const database deleting = db_after("SMDeleteBDB");
  const std::vector<row> rows = {
      {"active", active, t0, {}, ""},
      {"active-change-pending", changing, t0 + 3, {}, ""},
      {"import-pending", importing, t0 + 3, {}, ""},
      {"pending, before bind_endpoint ends", pending, t0 + 1, {}, "bdb_unavailable"},
      {"pending, during bind_endpoint", pending, t0 + 8.9, {}, "bdb_unavailable"},
      {"pending, after bind_endpoint", pending, t0 + 9, {}, ""},
      {"created", pending, done, {}, ""},
      {"creation-failed", failed, done, {}, "bdb_unavailable"},
      {"recovery", recovering, t0 + 3, {}, "bdb_unavailable"},
      {"recovered", recovering, done, {}, ""},
      {"delete-pending", deleting, t0 + 3, {}, "bdb_unavailable"},
      {"traffic stopping", stopping, t0 + 2, {}, ""},
      {"traffic stopped", stopped, done, {}, "bdb_unavailable"},
      {"traffic resuming", resuming, t0 + 2, {}, "bdb_unavailable"},
      {"traffic resumed", resumed, done, {}, ""},
      {"marked, inside the window", marked, t0 + 59, {}, "bdb_unavailable"},
      {"marked, after the window", marked, t0 + 60, {}, ""},
      {"lag check, not Active-Active", active, t0, lag(), "bdb_unavailable"},
      {"lag check, not Active-Active, any tolerance", active, t0, lag(600000), "bdb_unavailable"},
      {"lag check, not Active-Active, tolerance 0", active, t0, lag(0), "bdb_unavailable"},
      {"Active-Active, plain check", aa, t0, {}, ""},
      {"Active-Active, lag over the default tolerance", aa, t0, lag(), "bdb_unavailable"},
      {"Active-Active, lag at the tolerance", aa, t0, lag(250), ""},
      {"Active-Active, lag under the tolerance", aa, t0, lag(5000), ""},
      {"Active-Active, lag over a tolerance of 0", aa, t0, lag(0), "bdb_unavailable"},
      {"lag check, traffic stopped", stopped, done, lag(600000), "bdb_unavailable"},
  };
  for (const row& r : rows) EXPECT_EQ(availability_answer(r.db, r.now, r.q), r.code) << r.what;

  // The body a real cluster sends.
  const auto refused = check_available(stopped, done, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().description, "BDB 1 is not available");
  EXPECT_EQ(status_code_of(refused.error().error), 503u);
}

TEST(availability, an_idle_active_active_member_passes_at_tolerance_zero) {
  const database aa = db_after("", false, {{"crdt", true}});
  EXPECT_EQ(availability_answer(aa, t0, lag(0)), "");
}

TEST(availability, a_create_without_bind_endpoint_serves_once_complete) {
  database db = db_after("SMCreateBDB");
  db.op->plan.steps = {"init", "created"};
  EXPECT_EQ(availability_answer(db, t0 + 4), "bdb_unavailable");  // running its last step
  EXPECT_EQ(availability_answer(db, t0 + 1 + 2 * db.op->plan.step_seconds), "");
}

TEST(availability, the_marked_window_answers_the_code_the_control_api_chose) {
  database db = db_after("");
  db.health.unavailable_from = t0;
  db.health.unavailable_until = t0 + 10;
  const std::vector<std::pair<std::string, std::string>> codes = {
      {"", "BDB 1 is not available"},
      {"bdb_unavailable_shard_unreachable", "Endpoint error status: shard unreachable"},
      {"bdb_unavailable_port_unbound", "Endpoint error status: port unbound"},
      {"bdb_unavailable_shard_unreachable_port_unbound",
       "Endpoint error status: shard unreachable, port unbound"},
  };
  for (const auto& [code, description] : codes) {
    db.health.unavailable_code = code;
    const auto refused = check_available(db, t0 + 5, {});
    ASSERT_FALSE(refused) << code;
    EXPECT_EQ(code_of(refused.error().error), code.empty() ? "bdb_unavailable" : code);
    EXPECT_EQ(refused.error().description, description);
    EXPECT_TRUE(is_unavailable_code(code_of(refused.error().error)));
  }
  // Before its start (a manual clock reset to an earlier time): available.
  EXPECT_EQ(availability_answer(db, t0 - 1), "");
}

TEST(availability, traffic_settles_into_the_database_when_the_next_operation_starts) {
  registry_data d;
  d.put_database(db_after(""));
  begin_operation(d, *d.databases.at(1), "SMStopTrafficBDB", t0);
  const double stopped_at = t0 + walk("SMStopTrafficBDB");
  EXPECT_FALSE(traffic_stopped_at(*d.databases.at(1), stopped_at - 0.5));
  EXPECT_TRUE(traffic_stopped_at(*d.databases.at(1), stopped_at));
  begin_operation(d, *d.databases.at(1), "SMUpdateBDB", stopped_at + 1);
  EXPECT_TRUE(d.databases.at(1)->traffic_stopped);  // kept when the update replaced the stop
  EXPECT_TRUE(traffic_stopped_at(*d.databases.at(1), stopped_at + 1000));
  begin_operation(d, *d.databases.at(1), "SMResumeTrafficBDB", stopped_at + 1000);
  const double resumed_at = stopped_at + 1000 + walk("SMResumeTrafficBDB");
  EXPECT_TRUE(traffic_stopped_at(*d.databases.at(1), resumed_at - 0.5));
  EXPECT_FALSE(traffic_stopped_at(*d.databases.at(1), resumed_at));
  // A stop that fails stops nothing.
  database failed = db_after("SMStopTrafficBDB", true);
  EXPECT_FALSE(traffic_stopped_at(failed, t0 + 1000));
}

TEST(availability, the_query_reads_lag_and_a_tolerance_and_refuses_the_rest) {
  const auto none = read_availability_query(std::nullopt, std::nullopt);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->lag);
  EXPECT_EQ(none->tolerance_ms, 100u);
  const auto both = read_availability_query("lag", "5000");
  ASSERT_TRUE(both);
  EXPECT_TRUE(both->lag);
  EXPECT_EQ(both->tolerance_ms, 5000u);
  EXPECT_TRUE(read_availability_query("lag,lag", "0"));
  EXPECT_TRUE(read_availability_query(std::nullopt, "86400000"));
  for (const auto& [check, tolerance] :
       std::vector<std::pair<std::optional<std::string_view>, std::optional<std::string_view>>>{
           {"", std::nullopt},
           {"lags", std::nullopt},
           {"lag,", std::nullopt},
           {"lag,latency", std::nullopt},
           {std::nullopt, ""},
           {std::nullopt, "-1"},
           {std::nullopt, "1.5"},
           {std::nullopt, "100ms"},
           {std::nullopt, "86400001"},
       }) {
    const auto refused = read_availability_query(check, tolerance);
    ASSERT_FALSE(refused) << check.value_or("-") << " " << tolerance.value_or("-");
    EXPECT_EQ(refused.error().error, api_error::invalid_schema);
  }
}

TEST(availability, the_endpoint_is_bound_where_its_proxy_policy_puts_it) {
  registry_data d;
  for (std::uint64_t uid = 1; uid <= 3; ++uid) {
    node n;
    n.uid = uid;
    d.nodes[uid] = std::make_shared<const node>(std::move(n));
  }
  // Database 2's master runs on node 2 (default placement), database 4's on node 1.
  const auto put = [&](std::uint64_t uid, json fields) {
    fields["uid"] = uid;
    d.put_database(database_from_object(fields, t0, d, cluster_settings{}));
  };
  put(2, json::object());
  put(4, {{"proxy_policy", "all-nodes"}});
  put(5, {{"proxy_policy", "all-master-shards"},
          {"shards_count", 2},
          {"sharding", true},
          {"shards_placement", "sparse"}});
  const database& two = *d.databases.at(2);
  EXPECT_EQ(local_node_uid(d, t0), 1u);
  EXPECT_FALSE(endpoint_on_node(d, two, 1, t0));
  EXPECT_TRUE(endpoint_on_node(d, two, 2, t0));
  EXPECT_TRUE(endpoint_on_node(d, *d.databases.at(4), 3, t0));
  EXPECT_FALSE(endpoint_on_node(d, *d.databases.at(4), 7, t0));  // no such node
  const database& five = *d.databases.at(5);                     // masters on nodes 2 and 3
  EXPECT_FALSE(endpoint_on_node(d, five, 1, t0));
  EXPECT_TRUE(endpoint_on_node(d, five, 2, t0));
  EXPECT_TRUE(endpoint_on_node(d, five, 3, t0));

  const auto refused = check_endpoint_available(d, two, 1, t0, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().error, api_error::bdb_endpoint_unavailable);
  EXPECT_EQ(refused.error().description, "Local endpoint of BDB 2 on node 1 is not available");
  EXPECT_TRUE(check_endpoint_available(d, two, 2, t0, {}));
  // Where the database is down, every node's endpoint is.
  database down = two;
  down.health.unavailable_until = t0 + 10;
  down.health.unavailable_from = t0;
  EXPECT_FALSE(check_endpoint_available(d, down, 2, t0, {}));
  EXPECT_FALSE(check_endpoint_available(d, two, 2, t0, lag()));  // not Active-Active
}
