// Integration tests of GET /emulator/v1/cluster_view, the dashboard's
// picture of the cluster, over real HTTP on the manual clock: the seed's
// nodes and databases as the emulated routes show them, every shard on the
// node /v1/shards names; a database created and steered (ops/sec, used
// memory), whose figures are the sum of its master shards' and those of
// GET /v1/bdbs/stats/last; a migrate whose shard shows as moving, with the
// node it goes to, until it lands there; the raised alerts, an alert
// forced through the control API and one a steered metric pushes past its
// threshold listed as the alert routes show them and gone once cleared, a
// raised but disabled alert left out. Every answer is checked against
// docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class cluster_view_test : public manual_clock_test {
 protected:
  json view() { return get_json("/emulator/v1/cluster_view"); }

  // The view's node `uid`; null when absent.
  static json node_of(const json& v, std::uint64_t uid) {
    for (const json& n : v["nodes"])
      if (n["uid"] == uid) return n;
    return nullptr;
  }

  // The view's database `uid`; null when absent.
  static json database_of(const json& v, std::uint64_t uid) {
    for (const json& d : v["databases"])
      if (d["uid"] == uid) return d;
    return nullptr;
  }

  // Every shard the view shows, by uid, with the node it is on ("node").
  static std::map<std::uint64_t, json> shards_of(const json& v) {
    std::map<std::uint64_t, json> out;
    for (const json& n : v["nodes"]) {
      for (json s : n["shards"]) {
        s["node"] = n["uid"];
        const auto uid = s["uid"].get<std::uint64_t>();
        EXPECT_TRUE(out.emplace(uid, std::move(s)).second) << "shard " << uid << " shown twice";
      }
    }
    return out;
  }

  // A new active database with 2 masters and their replicas; its uid.
  std::uint64_t make_database(std::uint64_t memory_size) {
    const auto made = srv.post("/v1/bdbs", {{"name", "pictured"},
                                            {"memory_size", memory_size},
                                            {"shards_count", 2},
                                            {"replication", true}});
    EXPECT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
    return made.json_body()["uid"].get<std::uint64_t>();
  }

  void steer(std::uint64_t bdb, const json& body) {
    const auto r = put("/emulator/v1/stats/bdb/" + std::to_string(bdb), body);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The view's raised alerts as "object/name", in the view's order.
  static std::vector<std::string> alert_names(const json& v) {
    std::vector<std::string> out;
    for (const json& a : v["alerts"])
      out.push_back(a["object"].get<std::string>() + "/" + a["name"].get<std::string>());
    return out;
  }

  // The view's alert `name` of `object`; null when absent.
  static json alert_of(const json& v, const std::string& object, const std::string& name) {
    for (const json& a : v["alerts"])
      if (a["object"] == object && a["name"] == name) return a;
    return nullptr;
  }

  // `view_alert` without the fields that name its object: what the alert
  // routes answer for it.
  static json as_the_routes_show(json view_alert) {
    for (const char* key : {"object", "scope", "uid", "name", "forced"}) view_alert.erase(key);
    return view_alert;
  }
};

TEST_F(cluster_view_test, shows_the_seed_as_the_emulated_routes_do) {
  const json v = view();
  EXPECT_EQ(v["now"], t0);
  EXPECT_EQ(v["interval"], "1sec");
  EXPECT_EQ(v["alerts"], json::array());  // none is raised and enabled

  const json nodes = get_json("/v1/nodes");
  ASSERT_EQ(v["nodes"].size(), nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const json& n = v["nodes"][i];
    SCOPED_TRACE(n.dump());
    EXPECT_EQ(n["uid"], nodes[i]["uid"]);
    EXPECT_EQ(n["addr"], nodes[i]["addr"]);
    EXPECT_EQ(n["status"], nodes[i]["status"]);
    EXPECT_EQ(n["shard_count"], n["shards"].size());
    std::set<std::uint64_t> shown;
    for (const json& s : n["shards"]) shown.insert(s["uid"].get<std::uint64_t>());
    const std::set<std::uint64_t> listed = nodes[i]["shard_list"].get<std::set<std::uint64_t>>();
    EXPECT_EQ(shown, listed);  // the node's own shard_list
  }

  // Every shard of /v1/shards once, on its node, in its role, none moving.
  const json shards = get_json("/v1/shards");
  const auto shown = shards_of(v);
  ASSERT_EQ(shown.size(), shards.size());
  for (const json& s : shards) {
    const json& mine = shown.at(std::stoull(s["uid"].get<std::string>()));
    EXPECT_EQ(std::to_string(mine["node"].get<std::uint64_t>()), s["node_uid"]);
    EXPECT_EQ(mine["bdb_uid"], s["bdb_uid"]);
    EXPECT_EQ(mine["role"], s["role"] == "master" ? "master" : "replica");
    EXPECT_EQ(mine["slots"], s["assigned_slots"]);
    EXPECT_EQ(mine["moving"], false);
    EXPECT_FALSE(mine.contains("operation"));
  }

  const json bdbs = get_json("/v1/bdbs");
  ASSERT_EQ(v["databases"].size(), bdbs.size());
  for (std::size_t i = 0; i < bdbs.size(); ++i) {
    const json& d = v["databases"][i];
    SCOPED_TRACE(d.dump());
    EXPECT_EQ(d["uid"], bdbs[i]["uid"]);
    EXPECT_EQ(d["name"], bdbs[i]["name"]);
    EXPECT_EQ(d["status"], bdbs[i]["status"]);
    EXPECT_EQ(d["memory_size"], bdbs[i]["memory_size"]);
    EXPECT_EQ(d["shards_count"], bdbs[i]["shards_count"]);
    EXPECT_EQ(d["shard_uids"], bdbs[i]["shard_list"]);
  }

  // A control route: the admin's alone.
  EXPECT_EQ(srv.get("/emulator/v1/cluster_view", viewer).status, 403);
  EXPECT_EQ(srv.get("/emulator/v1/cluster_view", std::nullopt).status, 401);
}

TEST_F(cluster_view_test, figures_come_from_the_stats_model_and_shards_sum_to_their_database) {
  constexpr std::uint64_t memory_size = 100ULL << 20;
  const std::uint64_t bdb = make_database(memory_size);
  advance(600);
  steer(bdb, {{"metric", "instantaneous_ops_per_sec"}, {"value", 50000}});
  steer(bdb, {{"metric", "used_memory"}, {"ratio", 0.5}});
  advance(10);

  const json v = view();
  const json d = database_of(v, bdb);
  ASSERT_FALSE(d.is_null()) << v;
  EXPECT_EQ(d["name"], "pictured");
  EXPECT_EQ(d["status"], "active");
  EXPECT_EQ(d["memory_size"], memory_size);
  EXPECT_EQ(d["replication"], true);
  ASSERT_EQ(d["shard_uids"].size(), 4u);
  // The steered rate, within the model's jitter of ±2 % per master shard.
  EXPECT_NEAR(d["ops_per_sec"].get<double>(), 50000.0, 1000.0);
  const auto used = d["used_memory"].get<std::uint64_t>();
  EXPECT_EQ(used, memory_size / 2);
  EXPECT_LE(used, memory_size);

  // The same figures as GET /v1/bdbs/stats/last/{uid} answers.
  const json last = get_json("/v1/bdbs/stats/last/" + std::to_string(bdb))[std::to_string(bdb)];
  EXPECT_EQ(d["used_memory"].get<double>(), last["used_memory"].get<double>());
  EXPECT_EQ(d["ops_per_sec"].get<double>(), last["instantaneous_ops_per_sec"].get<double>());

  // Its masters' figures sum to the database's; a replica mirrors its
  // master's memory and serves no ops; masters and replicas on different nodes.
  double master_memory = 0;
  double master_ops = 0;
  std::size_t masters = 0;
  std::map<std::string, std::uint64_t> master_node_of_slots;
  std::size_t found = 0;
  for (const auto& [uid, s] : shards_of(v)) {
    if (s["bdb_uid"] != bdb) continue;
    ++found;
    ASSERT_TRUE(s["used_memory"].is_number()) << s;
    if (s["role"] == "master") {
      ++masters;
      master_memory += s["used_memory"].get<double>();
      master_ops += s["ops_per_sec"].get<double>();
      master_node_of_slots[s["slots"].get<std::string>()] = s["node"].get<std::uint64_t>();
    }
  }
  EXPECT_EQ(found, 4u);
  EXPECT_EQ(masters, 2u);
  EXPECT_EQ(master_memory, d["used_memory"].get<double>());
  EXPECT_NEAR(master_ops, d["ops_per_sec"].get<double>(), 1e-6);
  for (const auto& [uid, s] : shards_of(v)) {
    if (s["bdb_uid"] != bdb || s["role"] != "replica") continue;
    EXPECT_EQ(s["ops_per_sec"], 0.0) << s;
    EXPECT_NE(s["node"], master_node_of_slots[s["slots"].get<std::string>()]) << s;
  }

  // The nodes' counts add up to every shard of the cluster.
  std::size_t counted = 0;
  for (const json& n : v["nodes"]) counted += n["shard_count"].get<std::size_t>();
  EXPECT_EQ(counted, get_json("/v1/shards").size());
}

TEST_F(cluster_view_test, a_migrating_shard_shows_as_moving_until_it_lands) {
  const std::uint64_t bdb = make_database(64ULL << 20);
  const auto before = shards_of(view());
  std::uint64_t shard = 0;
  std::uint64_t from = 0;
  for (const auto& [uid, s] : before) {
    if (s["bdb_uid"] == bdb && s["role"] == "master") {
      shard = uid;
      from = s["node"].get<std::uint64_t>();
      break;
    }
  }
  ASSERT_NE(shard, 0u);
  // A node that holds none of this database's shards.
  std::set<std::uint64_t> used;
  for (const auto& [uid, s] : before)
    if (s["bdb_uid"] == bdb) used.insert(s["node"].get<std::uint64_t>());
  std::uint64_t to = 0;
  for (std::uint64_t n = 1; n <= 3; ++n)
    if (!used.contains(n)) to = n;
  ASSERT_NE(to, 0u);

  const auto r = srv.post("/v1/shards/actions/migrate",
                          {{"shard_uids", {std::to_string(shard)}}, {"target_node_uid", to}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string action = r.json_body()["action_uid"];
  // Pending: nothing issued yet, nothing moving.
  EXPECT_EQ(shards_of(view()).at(shard)["moving"], false);

  advance(1);  // its walk starts: the migrate is under way
  json v = view();
  json s = shards_of(v).at(shard);
  EXPECT_EQ(s["node"], from) << s;  // still where it was
  EXPECT_EQ(s["moving"], true) << s;
  ASSERT_TRUE(s.contains("operation")) << s;
  EXPECT_EQ(s["operation"]["name"], "migrate_shard");
  EXPECT_EQ(s["operation"]["running"], true);
  EXPECT_EQ(s["operation"]["to_node_uid"], to);
  EXPECT_EQ(database_of(v, bdb)["status"], "active-change-pending");
  // The other shards stay still.
  for (const auto& [uid, other] : shards_of(v)) {
    if (uid != shard) {
      EXPECT_EQ(other["moving"], false) << other;
    }
  }

  // Its progress only rises while it moves.
  int progress = s["operation"]["progress"].get<int>();
  for (int i = 0; i < 120; ++i) {
    advance(1);
    s = shards_of(view()).at(shard);
    if (!s["moving"].get<bool>()) break;
    EXPECT_EQ(s["node"], from);
    EXPECT_GE(s["operation"]["progress"].get<int>(), progress) << s;
    progress = s["operation"]["progress"].get<int>();
  }
  EXPECT_GT(progress, 0);
  EXPECT_EQ(poll(action)["status"], "completed");
  v = view();
  s = shards_of(v).at(shard);
  EXPECT_EQ(s["node"], to) << s;  // landed
  EXPECT_EQ(s["moving"], false);
  EXPECT_FALSE(s.contains("operation"));
  EXPECT_EQ(database_of(v, bdb)["status"], "active");
  EXPECT_EQ(get_json("/v1/shards/" + std::to_string(shard))["node_uid"], std::to_string(to));
}

TEST_F(cluster_view_test, a_failed_migrate_shows_nothing_moving) {
  ASSERT_EQ(srv.post("/emulator/v1/plans", {{"name", "SMUpdateBDB"},
                                            {"object_name", "bdb:2"},
                                            {"times", 1},
                                            {"simulate", {{"fail_at_step", 2}}}})
                .status,
            201);
  const auto r =
      srv.post("/v1/shards/actions/migrate",
               {{"shard_uids", {"2"}}, {"target_node_uid", 1}, {"preserve_roles", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  advance(1);
  EXPECT_EQ(shards_of(view()).at(2)["moving"], true);
  EXPECT_EQ(poll(r.json_body()["action_uid"])["status"], "failed");
  const json s = shards_of(view()).at(2);
  EXPECT_EQ(s["moving"], false) << s;  // what it left undone moves nothing
  EXPECT_FALSE(s.contains("operation"));
  EXPECT_EQ(s["node"], 2);
}

TEST_F(cluster_view_test, alerts_forced_through_the_control_api_are_listed_until_cleared) {
  ASSERT_EQ(view()["alerts"], json::array());
  advance(5);
  const double raised_at = t0 + 5;
  // A database alert that is disabled, a node's and the cluster's: forced
  // raised, each is listed whether enabled or not.
  ASSERT_EQ(put("/emulator/v1/alerts/bdb/1/bdb_high_latency", {{"state", true}}).status, 200);
  ASSERT_EQ(put("/emulator/v1/alerts/node/2/node_failed", {{"state", true}}).status, 200);
  ASSERT_EQ(
      put("/emulator/v1/alerts/cluster/0/cluster_ocsp_query_failed", {{"state", true}}).status,
      200);
  advance(3);

  json v = view();
  // The cluster's first, then the nodes', then the databases'.
  EXPECT_EQ(alert_names(v),
            (std::vector<std::string>{"cluster/cluster_ocsp_query_failed", "node:2/node_failed",
                                      "bdb:1/bdb_high_latency"}));
  const json latency = alert_of(v, "bdb:1", "bdb_high_latency");
  EXPECT_EQ(latency["scope"], "bdb");
  EXPECT_EQ(latency["uid"], 1);
  EXPECT_EQ(latency["forced"], true);
  EXPECT_EQ(latency["enabled"], false);
  EXPECT_EQ(latency["state"], true);
  EXPECT_EQ(latency["severity"], "WARNING");
  EXPECT_EQ(latency["change_time"], iso_of(raised_at));
  EXPECT_EQ(as_the_routes_show(latency), get_json("/v1/bdbs/alerts/1/bdb_high_latency"));
  const json failed = alert_of(v, "node:2", "node_failed");
  EXPECT_EQ(failed["severity"], "CRITICAL");
  EXPECT_EQ(failed["uid"], 2);
  EXPECT_EQ(as_the_routes_show(failed), get_json("/v1/nodes/alerts/2/node_failed"));
  const json ocsp = alert_of(v, "cluster", "cluster_ocsp_query_failed");
  EXPECT_EQ(ocsp["scope"], "cluster");
  EXPECT_EQ(ocsp["uid"], 0);
  EXPECT_EQ(ocsp["enabled"], true);  // the template enables it
  EXPECT_EQ(as_the_routes_show(ocsp), get_json("/v1/cluster/alerts/cluster_ocsp_query_failed"));

  // Forced clear, and handed back to the model (which does not raise it):
  // each is gone from the list.
  ASSERT_EQ(put("/emulator/v1/alerts/node/2/node_failed", {{"state", false}}).status, 200);
  ASSERT_EQ(srv.del("/emulator/v1/alerts/bdb/1/bdb_high_latency").status, 200);
  v = view();
  EXPECT_EQ(alert_names(v), (std::vector<std::string>{"cluster/cluster_ocsp_query_failed"}));

  // Reset forgets the forced states.
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(view()["alerts"], json::array());
}

TEST_F(cluster_view_test, a_metric_steered_past_an_enabled_threshold_lists_its_alert) {
  const std::uint64_t bdb = make_database(100ULL << 20);
  const std::string uid = std::to_string(bdb);
  const std::string object = "bdb:" + uid;
  advance(60);
  // An idle database's bdb_low_throughput is raised, but disabled: not listed.
  EXPECT_EQ(get_json("/v1/bdbs/alerts/" + uid + "/bdb_low_throughput")["state"], true);
  EXPECT_EQ(get_json("/v1/bdbs/alerts/" + uid + "/bdb_low_throughput")["enabled"], false);
  EXPECT_EQ(view()["alerts"], json::array());

  ASSERT_EQ(
      srv.post("/v1/bdbs/alerts/" + uid, {{"bdb_size", {{"enabled", true}, {"threshold", "80"}}}})
          .status,
      200);
  const double crossed = get_json("/emulator/v1/clock")["now"].get<double>();
  steer(bdb, {{"metric", "used_memory"}, {"ratio", 0.95}});
  advance(10);

  json v = view();
  EXPECT_EQ(alert_names(v), std::vector<std::string>{object + "/bdb_size"});
  const json size = alert_of(v, object, "bdb_size");
  EXPECT_EQ(size["forced"], false);
  EXPECT_EQ(size["enabled"], true);
  EXPECT_EQ(size["severity"], "WARNING");
  EXPECT_EQ(size["threshold"], "80");
  EXPECT_EQ(size["change_time"], iso_of(crossed));
  EXPECT_EQ(size["change_value"],
            (json{{"memory_util", 95.0}, {"state", true}, {"threshold", "80"}}));
  EXPECT_EQ(as_the_routes_show(size), get_json("/v1/bdbs/alerts/" + uid + "/bdb_size"));

  // Back under the threshold: gone.
  steer(bdb, {{"metric", "used_memory"}, {"ratio", 0.5}});
  advance(5);
  EXPECT_EQ(view()["alerts"], json::array());
  EXPECT_EQ(get_json("/v1/bdbs/alerts/" + uid + "/bdb_size")["state"], false);
}

}  // namespace
}  // namespace reemu::test
