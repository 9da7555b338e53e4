// Integration tests of the statistics family over real HTTP on the manual
// clock: a database created and steered, the clock advanced ten minutes,
// its shards' figures summing to the database's and its intervals matching
// interval/stime/etime; the captures' shapes and key sets for databases,
// nodes and the cluster; metrics= filtering; 400 on a bad query, 404 on an
// unknown uid; the control API's steering showing in the next sample,
// refused steering changing nothing, reset clearing it; answers kept by the
// answer cache equal fresh ones through writes and lifecycles. Every answer is
// checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

// The sample keys of the first element of a stats capture.
std::set<std::string> capture_keys(const std::string& file) {
  const json doc = json::parse(capture(file));
  const json& e = doc.is_array() ? doc.at(0) : doc;
  std::set<std::string> out;
  for (const auto& item : e.at("intervals").at(0).items()) out.insert(item.key());
  return out;
}

std::set<std::string> keys_of(const json& obj) {
  std::set<std::string> out;
  for (const auto& item : obj.items()) out.insert(item.key());
  return out;
}

double epoch(const json& text) {
  // "2025-10-14T00:07:11Z" -> seconds, through the same parse the server uses.
  std::tm tm{};
  const std::string s = text.get<std::string>();
  strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return static_cast<double>(timegm(&tm));
}

class stats_test : public manual_clock_test {
 protected:
  // A new active database of `shards` master shards; its uid.
  std::string make_database(int shards, std::uint64_t memory_size = 100'000'000) {
    const auto made = srv.post(
        "/v1/bdbs", {{"name", "measured"}, {"memory_size", memory_size}, {"shards_count", shards}});
    EXPECT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
    return std::to_string(made.json_body()["uid"].get<int>());
  }

  response steer(const std::string& object, const json& body) {
    return put("/emulator/v1/stats/" + object, body);
  }

  double now() { return get_json("/emulator/v1/clock")["now"].get<double>(); }
};

TEST_F(stats_test, shard_sums_equal_the_database_and_intervals_match_the_query) {
  const std::string uid = make_database(3);
  const auto steered =
      steer("bdb/" + uid, {{"metric", "instantaneous_ops_per_sec"}, {"value", 6000}});
  ASSERT_EQ(steered.status, 200) << steered.body;
  advance(600);
  const double t = now();

  const json db = get_json("/v1/bdbs/stats/" + uid + "?interval=10sec");
  EXPECT_EQ(db["uid"], uid);
  const json& samples = db["intervals"];
  ASSERT_EQ(samples.size(), 30u);
  const double last_end = std::floor(t / 10) * 10;
  EXPECT_EQ(epoch(samples.back()["etime"]), last_end);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i]["interval"], "10sec");
    EXPECT_EQ(epoch(samples[i]["etime"]) - epoch(samples[i]["stime"]), 10);
    if (i > 0) {
      EXPECT_EQ(samples[i]["stime"], samples[i - 1]["etime"]);
    }
  }
  EXPECT_GT(samples.back()["instantaneous_ops_per_sec"].get<double>(), 5800);

  const json shards = get_json("/v1/shards/stats?interval=10sec&parent_uid=" + uid);
  ASSERT_EQ(shards.size(), 3u);
  for (const json& s : shards) {
    EXPECT_TRUE(s["uid"].is_string());
    EXPECT_EQ(s["status"], "active");
    EXPECT_TRUE(s["node_uid"].is_string());
    EXPECT_TRUE(s["assigned_slots"].is_string());
    ASSERT_EQ(s["intervals"].size(), samples.size());
  }
  for (std::size_t i = 0; i < samples.size(); ++i) {
    for (const auto& item : samples[i].items()) {
      const std::string& metric = item.key();
      if (!item.value().is_number() || metric == "mem_frag_ratio") continue;
      double sum = 0;
      for (const json& s : shards) sum += s["intervals"][i][metric].get<double>();
      EXPECT_NEAR(sum, item.value().get<double>(), 1e-6) << metric << " at " << i;
    }
  }
  // The nodes carry the database's requests between them; the cluster the nodes'.
  double node_req = 0;
  for (const json& n : get_json("/v1/nodes/stats?interval=10sec"))
    node_req += n["intervals"].back()["total_req"].get<double>();
  const double db_req = samples.back()["total_req"].get<double>();
  EXPECT_GE(node_req, db_req - 1e-6);
  const json cluster = get_json("/v1/cluster/stats?interval=10sec");
  EXPECT_NEAR(cluster["intervals"].back()["total_req"].get<double>(), node_req, 1e-6);

  // stime/etime select within the retained samples.
  const double from = last_end - 5;
  const json window = get_json("/v1/bdbs/stats/" + uid + "?interval=1sec&stime=" + iso_of(from) +
                               "&etime=" + iso_of(last_end - 2));
  ASSERT_EQ(window["intervals"].size(), 3u);
  EXPECT_EQ(epoch(window["intervals"][0]["stime"]), from);
  EXPECT_EQ(epoch(window["intervals"][2]["etime"]), last_end - 2);
  // An RFC 3339 offset names the same instant.
  EXPECT_EQ(get_json("/v1/bdbs/stats/" + uid + "?interval=1sec&stime=" +
                     iso_of(from + 3600).substr(0, 19) + "%2B01:00&etime=" + iso_of(last_end - 2)),
            window);
}

TEST_F(stats_test, a_new_database_has_history_from_its_creation_only) {
  advance(0.5);
  const std::string uid = make_database(1);
  const json created = get_json("/v1/bdbs/" + uid);
  const double born = epoch(created["created_time"]);
  advance(300);
  const json all = get_json("/v1/bdbs/stats/" + uid);
  std::map<std::string, int> per_interval;
  for (const json& s : all["intervals"]) {
    ++per_interval[s["interval"].get<std::string>()];
    EXPECT_GT(epoch(s["etime"]), born) << s;
  }
  EXPECT_EQ(per_interval["1sec"], 10);
  EXPECT_GE(per_interval["10sec"], 29);
  EXPECT_LE(per_interval["10sec"], 30);
  EXPECT_LE(per_interval["5min"], 2);
  EXPECT_EQ(per_interval.count("1hour"), 0u);
  // The finest first, as a real cluster concatenates them.
  EXPECT_EQ(all["intervals"][0]["interval"], "1sec");
  // No traffic configured: no ops, no keys.
  const json last = get_json("/v1/bdbs/stats/last/" + uid)[uid];
  EXPECT_EQ(last["instantaneous_ops_per_sec"], 0.0);
  EXPECT_EQ(last["no_of_keys"], 0.0);
  EXPECT_EQ(last["last_req_time"], "1970-01-01T00:00:00Z");
}

TEST_F(stats_test, answers_have_the_captured_shapes) {
  // The seeded databases were created after t0 (their capture's
  // created_time): no history yet, an empty series and an empty last.
  const json seeded = get_json("/v1/bdbs/stats/1");
  EXPECT_EQ(seeded, (json{{"intervals", json::array()}, {"uid", "1"}}));
  const std::string uid = make_database(1);
  advance(30);
  const json bdbs = get_json("/v1/bdbs/stats");
  ASSERT_EQ(bdbs.size(), 3u);
  EXPECT_EQ(bdbs[2]["uid"], uid);
  EXPECT_EQ(keys_of(bdbs[2]), (std::set<std::string>{"intervals", "uid"}));
  ASSERT_FALSE(bdbs[2]["intervals"].empty());
  for (const json& s : bdbs[2]["intervals"]) {
    EXPECT_EQ(keys_of(s), capture_keys("bdbs_stats.json"));
    EXPECT_TRUE(s["conns"].is_number_float());
  }
  // Nodes up since before t0: the capture's 41 samples (10 x 1sec,
  // 30 x 10sec, 1 x 5min) or more.
  const json nodes = get_json("/v1/nodes/stats");
  ASSERT_FALSE(nodes.empty());
  EXPECT_TRUE(nodes[0]["uid"].is_number_integer());
  std::map<std::string, int> per_interval;
  for (const json& s : nodes[0]["intervals"]) {
    EXPECT_EQ(keys_of(s), capture_keys("nodes_stats.json"));
    ++per_interval[s["interval"].get<std::string>()];
  }
  EXPECT_EQ(per_interval["1sec"], 10);
  EXPECT_EQ(per_interval["10sec"], 30);
  EXPECT_GE(per_interval["5min"], 1);
  const json cluster = get_json("/v1/cluster/stats");
  EXPECT_EQ(cluster["uid"], "");
  for (const json& s : cluster["intervals"]) {
    EXPECT_EQ(keys_of(s), capture_keys("cluster_stats.json"));
  }

  // last: keyed by uid; bdbs without interval, nodes and shards with it.
  const json last = get_json("/v1/bdbs/stats/last");
  EXPECT_EQ(keys_of(last), (std::set<std::string>{"1", "2", uid}));
  EXPECT_EQ(last["1"], json::object());
  auto bdb_keys = capture_keys("bdbs_stats.json");
  bdb_keys.erase("interval");
  EXPECT_EQ(keys_of(last[uid]), bdb_keys);
  const json one_last = json{{uid, last[uid]}};
  EXPECT_EQ(get_json("/v1/bdbs/stats/last/" + uid), one_last);
  const json node_last = get_json("/v1/nodes/stats/last/1");
  EXPECT_EQ(node_last["1"]["interval"], "1sec");
  EXPECT_EQ(keys_of(node_last["1"]), capture_keys("nodes_stats.json"));
  const json cl = get_json("/v1/cluster/stats/last");
  EXPECT_EQ(keys_of(cl), capture_keys("cluster_stats.json"));
  const json shards = get_json("/v1/shards/stats?parent_uid=" + uid);
  ASSERT_EQ(shards.size(), 1u);
  const std::string shard_uid = shards[0]["uid"].get<std::string>();
  const json shard_last = get_json("/v1/shards/stats/last");
  ASSERT_TRUE(shard_last.contains(shard_uid));
  EXPECT_EQ(shard_last[shard_uid]["interval"], "1sec");
  const json shard = get_json("/v1/shards/stats/" + shard_uid + "?interval=1sec");
  EXPECT_EQ(shard["uid"], shard_uid);
  EXPECT_EQ(shard["role"], "master");
  EXPECT_EQ(shard["intervals"].size(), 10u);
  const json eps = get_json("/v1/endpoints/stats?interval=10sec");
  ASSERT_EQ(eps.size(), 3u);
  EXPECT_EQ(eps[2]["uid"].get<std::string>().rfind(uid + ":1:", 0), 0u) << eps[2]["uid"];
  EXPECT_GE(eps[2]["intervals"].size(), 3u);  // 30 s or a little more, by alignment
}

TEST_F(stats_test, metrics_keep_only_the_named_figures) {
  const std::string uid = make_database(1);
  advance(5);
  const json last = get_json("/v1/bdbs/stats/last?metrics=no_of_keys,used_memory");
  EXPECT_EQ(keys_of(last[uid]),
            (std::set<std::string>{"etime", "no_of_keys", "stime", "used_memory"}));
  const json series = get_json("/v1/nodes/stats/1?interval=1sec&metrics=free_memory");
  for (const json& s : series["intervals"])
    EXPECT_EQ(keys_of(s), (std::set<std::string>{"etime", "free_memory", "interval", "stime"}));
}

TEST_F(stats_test, bad_queries_and_unknown_uids_are_refused) {
  advance(5);
  for (const auto* target :
       {"/v1/bdbs/stats?interval=1day", "/v1/bdbs/stats/last/1?interval=2sec",
        "/v1/nodes/stats?stime=yesterday", "/v1/cluster/stats?etime=2025-10-14",
        "/v1/shards/stats?parent_uid=x", "/v1/cluster/stats/last?interval=",
        "/v1/bdbs/stats?stime=2025-10-14T00:00:10Z&etime=2025-10-14T00:00:00Z"}) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "invalid_schema") << target;
  }
  const auto bad = srv.get("/v1/bdbs/stats?interval=1day").json_body();
  EXPECT_NE(bad["description"].get<std::string>().find("1sec, 10sec"), std::string::npos);
  for (const auto& [target, code] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/bdbs/stats/9", "db_not_exist"},
           {"/v1/bdbs/stats/last/9", "db_not_exist"},
           {"/v1/bdbs/stats/x", "db_not_exist"},
           {"/v1/nodes/stats/9", "node_not_found"},
           {"/v1/nodes/stats/last/9", "node_not_found"},
           {"/v1/shards/stats/99", "shard_not_exist"},
           {"/v1/shards/stats/last/99", "shard_not_exist"}}) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.json_body()["error_code"], code) << target;
  }
  EXPECT_EQ(get_json("/v1/shards/stats?parent_uid=9"), json::array());
}

TEST_F(stats_test, steering_shows_in_the_next_sample) {
  const std::string uid = make_database(2, 200'000'000);
  advance(10);
  const auto r = steer("bdb/" + uid, {{"metric", "used_memory"}, {"ratio", 0.95}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["object"], "bdb:" + uid);
  EXPECT_EQ(r.json_body()["steering"]["used_memory"][0]["ratio"], true);
  advance(1);
  const json last = get_json("/v1/bdbs/stats/last/" + uid)[uid];
  EXPECT_NEAR(last["used_memory"].get<double>(), 0.95 * 200e6, 2);
  EXPECT_LE(last["used_memory"].get<double>(), 200e6);

  ASSERT_EQ(steer("bdb/" + uid, {{"metric", "instantaneous_ops_per_sec"}, {"value", 50000}}).status,
            200);
  ASSERT_EQ(steer("node/1", {{"metric", "cpu_user"}, {"value", 0.9}}).status, 200);
  advance(2);
  EXPECT_GT(get_json("/v1/bdbs/stats/last/" + uid)[uid]["instantaneous_ops_per_sec"].get<double>(),
            49000);
  EXPECT_EQ(get_json("/v1/nodes/stats/last/1")["1"]["cpu_user"], 0.9);
  EXPECT_EQ(get_json("/emulator/v1/stats/node/1")["last"]["cpu_user"], 0.9);

  // Refused steering changes nothing.
  const std::string before = srv.get("/emulator/v1/stats/bdb/" + uid).body;
  for (const json& body :
       {json{{"metric", "used_memory"}}, json{{"metric", "conns"}, {"ratio", 0.5}},
        json{{"metric", "bogus"}, {"value", 1}}, json{{"metric", "conns"}, {"value", "many"}}}) {
    const auto refused = steer("bdb/" + uid, body);
    EXPECT_EQ(refused.status, 400) << body;
    EXPECT_EQ(refused.json_body()["error_code"], "invalid_schema") << body;
  }
  EXPECT_EQ(steer("shard/1", {{"metric", "conns"}, {"value", 1}}).status, 400);
  EXPECT_EQ(steer("bdb/99", {{"metric", "conns"}, {"value", 1}}).status, 404);
  EXPECT_EQ(steer("node/99", {{"metric", "conns"}, {"value", 1}}).status, 404);
  EXPECT_EQ(srv.get("/emulator/v1/stats/bdb/" + uid).body, before);

  // DELETE forgets the object's steering; reset forgets all.
  const auto cleared = srv.del("/emulator/v1/stats/bdb/" + uid);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json_body()["steering"], json::object());
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(get_json("/emulator/v1/stats/node/1")["steering"], json::object());
}

// The answers are kept for a target while the snapshot and the second hold
// (state/answer_cache.hpp). A target asked again must answer what a fresh
// computation answers (the same target with a query parameter the routes
// ignore, so never kept before) at every step: writes, steering, and a
// lifecycle walked in fractions of a second, where databases appear, change
// status and disappear, and a node leaves, between whole seconds.
TEST_F(stats_test, a_kept_answer_equals_a_fresh_one_at_every_step) {
  const std::vector<std::string> targets = {
      "/v1/bdbs/stats/last",          "/v1/shards/stats/last",
      "/v1/nodes/stats/last",         "/v1/cluster/stats/last",
      "/v1/bdbs/stats?interval=1sec", "/v1/endpoints/stats?interval=1sec"};
  int fresh = 0;
  int compared = 0;
  const auto check = [&](const std::string& when) {
    for (const auto& target : targets) {
      const std::string again = srv.get(target).body;
      const char* sep = target.find('?') == std::string::npos ? "?" : "&";
      const auto computed = srv.get(target + sep + "fresh=" + std::to_string(++fresh));
      ASSERT_EQ(computed.status, 200) << computed.body;
      EXPECT_EQ(again, computed.body) << when << ": " << target;
      ++compared;
    }
  };
  const auto walk = [&](const std::string& what, int steps) {
    for (int i = 0; i < steps; ++i) {
      advance(0.3);
      check(what + ", step " + std::to_string(i));
    }
  };
  advance(std::ceil(now()) + 0.1 - now());  // a tenth into a second
  check("at the start");
  const auto made = srv.post("/v1/bdbs", {{"name", "kept"}, {"memory_size", 100'000'000}});
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string uid = std::to_string(made.json_body()["uid"].get<int>());
  check("right after the create, in the same second");
  walk("creating", 60);
  ASSERT_EQ(get_json("/v1/bdbs/" + uid)["status"], "active");

  ASSERT_EQ(steer("bdb/" + uid, {{"metric", "instantaneous_ops_per_sec"}, {"value", 50000}}).status,
            200);
  check("right after steering");
  walk("steered", 5);

  ASSERT_EQ(srv.del("/v1/bdbs/" + uid).status, 200);
  check("right after the delete");
  walk("deleting", 60);
  EXPECT_EQ(srv.get("/v1/bdbs/" + uid).status, 404);

  const auto removal = srv.post("/v1/nodes/3/actions/remove", json::object());
  ASSERT_EQ(removal.status, 200) << removal.body;
  check("right after remove");
  walk("removing node 3", 60);
  EXPECT_EQ(srv.get("/v1/nodes/3").status, 404);
  EXPECT_EQ(compared, 6 * (5 + 60 + 5 + 60 + 60));
}

TEST_F(stats_test, every_role_reads_stats) {
  advance(2);
  for (const auto* target :
       {"/v1/bdbs/stats/last", "/v1/nodes/stats/last", "/v1/cluster/stats/last",
        "/v1/shards/stats/last", "/v1/endpoints/stats?interval=1sec"}) {
    EXPECT_EQ(srv.get(target, admin).status, 200) << target;
    EXPECT_EQ(srv.get(target, viewer).status, 200) << target;
    EXPECT_EQ(srv.get(target, db_viewer).status, 200) << target;
    EXPECT_EQ(srv.get(target, std::nullopt).status, 401) << target;
  }
}

}  // namespace
}  // namespace reemu::test
