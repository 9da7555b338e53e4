// Unit tests of the rules every state keeps (src/model/invariants.cpp):
// whatever a write accepts, a restart loads. Requests go through app::handle
// (no sockets) on an app with a state file in a temporary directory, so the
// write paths, the state file and its loader are the real ones.
#include "reemu/model/invariants.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "app_request.hpp"
#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/persist/state_file.hpp"

using namespace reemu;
namespace fs = std::filesystem;

namespace {

// A manual clock, one admin, three nodes, one database.
constexpr std::string_view invariants_config = R"({
  "emulator": {"clock": "manual", "clock_start": 1760000000},
  "users": [{"email": "admin@redis.local", "password": "Redis123!", "role": "admin"}],
  "nodes": [1, 2, 3],
  "databases": [1]
})";

class invariants_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("reemu-invariants-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    app_.reset();
    fs::remove_all(dir_);
  }

  config make_config() const {
    json doc = json::parse(invariants_config);
    doc["emulator"]["state_file"] = (dir_ / "state.json").string();
    return parse_config(doc, "invariants_test.json");
  }

  // Starts (or restarts) the app on the state file; false, with the
  // loader's complaint recorded, when the file written before is refused.
  bool start() {
    app_.reset();
    try {
      app_ = std::make_unique<app>(make_config());
      return true;
    } catch (const state_file_error& e) {
      ADD_FAILURE() << "the state file written by accepted writes is refused: " << e.what();
      return false;
    }
  }

  struct result {
    unsigned status = 0;
    json body;
  };

  result call(http_t::verb method, std::string_view target, std::string_view body = {}) {
    const std::string auth = "Basic " + base64_encode("admin@redis.local:Redis123!");
    const reply r = app_->handle(test::json_request(method, target, body, auth)).reply;
    return {static_cast<unsigned>(r.status),
            r.body ? json::parse(r.body.str(), nullptr, false) : json()};
  }
  result post(std::string_view target, const json& body) {
    return call(http_t::verb::post, target, body.dump());
  }
  json get(std::string_view target) {
    const result r = call(http_t::verb::get, target);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return r.body;
  }
  void advance(double seconds) {
    ASSERT_EQ(post("/emulator/v1/clock/advance", {{"seconds", seconds}}).status, 200u);
  }

  // Everything a client can read of the cluster, for before/after comparisons.
  std::string observable() {
    std::string out;
    for (const char* target :
         {"/v1/bdbs", "/v1/nodes", "/v1/shards", "/v1/actions", "/v2/actions", "/v1/nodes/actions",
          "/v1/cluster/actions", "/emulator/v1/databases", "/emulator/v1/clock", "/v1/license"})
      out += get(target).dump() + "\n";
    return out;
  }

  fs::path dir_;
  std::unique_ptr<app> app_;
};

// The uids of the visible databases and shards, for picking targets.
std::vector<std::uint64_t> uids_of(const json& list) {
  std::vector<std::uint64_t> out;
  for (const json& e : list) {
    const json& uid = e["uid"];
    out.push_back(uid.is_string() ? std::stoull(uid.get<std::string>()) : uid.get<std::uint64_t>());
  }
  return out;
}

}  // namespace

// A create after the highest uid got 4294967296 (past the u32 clients
// decode and the loader reads), was saved, and the restart refused the file.
TEST_F(invariants_test, a_create_past_the_last_uid_is_refused_and_the_file_loads) {
  ASSERT_TRUE(start());
  ASSERT_EQ(
      post("/v1/bdbs", {{"uid", 4294967295ull}, {"name", "last"}, {"memory_size", 1024}}).status,
      200u);
  const result next = post("/v1/bdbs", {{"name", "next"}, {"memory_size", 1024}});
  EXPECT_EQ(next.status, 400u) << next.body;
  EXPECT_EQ(next.body.value("error_code", ""), "invalid_schema");
  EXPECT_NE(next.body.value("description", "").find("4294967295"), std::string::npos) << next.body;
  // A uid given below the last one is still free to take.
  EXPECT_EQ(post("/v1/bdbs", {{"uid", 7}, {"name", "seven"}, {"memory_size", 1024}}).status, 200u);
  const std::string before = observable();
  ASSERT_TRUE(start());
  EXPECT_EQ(observable(), before);
}

// Removing every node was accepted; once the removals completed the saved
// state had no node, and the restart refused it.
TEST_F(invariants_test, the_last_node_stays) {
  ASSERT_TRUE(start());
  EXPECT_EQ(post("/v1/nodes/1/actions/remove", json::object()).status, 200u);
  EXPECT_EQ(post("/v1/nodes/2/actions/remove", json::object()).status, 200u);
  // Node 3 is the only one not being removed: a real cluster keeps it.
  const result last = post("/v1/nodes/3/actions/remove", json::object());
  EXPECT_EQ(last.status, 406u) << last.body;
  EXPECT_EQ(last.body.value("error_code", ""), "insufficient_resources");
  advance(600);
  EXPECT_EQ(get("/v1/nodes").size(), 1u);
  EXPECT_EQ(post("/v1/nodes/3/actions/remove", json::object()).status, 406u);
  // The shards of database 1 moved to the node that is left.
  for (const json& s : get("/v1/shards")) EXPECT_EQ(s["node_uid"], "3") << s;
  const std::string before = observable();
  ASSERT_TRUE(start());
  EXPECT_EQ(observable(), before);
}

// A migrate to a node being removed, or removed, was accepted.
TEST_F(invariants_test, a_migrate_to_a_node_that_is_leaving_or_gone_is_refused) {
  ASSERT_TRUE(start());
  ASSERT_EQ(post("/v1/nodes/2/actions/remove", json::object()).status, 200u);
  const std::string shard = get("/v1/shards")[0]["uid"];
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "being removed" : "removed");
    const result r = post("/v1/shards/" + shard + "/actions/migrate", {{"target_node_uid", 2}});
    EXPECT_EQ(r.status, 404u) << r.body;
    EXPECT_EQ(r.body.value("error_code", ""), "node_not_exist");
    advance(600);
  }
  EXPECT_EQ(post("/v1/shards/" + shard + "/actions/migrate", {{"target_node_uid", 3}}).status,
            200u);
}

// The property: a seeded random sequence of writes (creates with and without
// uids, edge uids included, updates, deletes, node removals and their
// cancels, migrates, failovers, control-API state machines on edge uids,
// clock advances); after every round a restart loads what was saved and
// shows the same cluster. Deterministic: one seed, bounded rounds.
TEST_F(invariants_test, every_accepted_write_survives_a_restart) {
  ASSERT_TRUE(start());
  std::mt19937_64 rng(20261201);
  const auto pick = [&](std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
  };
  constexpr std::array<std::uint64_t, 8> edge_uids = {0,          1,          2,          3,
                                                      4294967294, 4294967295, 4294967296, 99};
  const auto any_of = [&](const std::vector<std::uint64_t>& known) -> std::uint64_t {
    if (known.empty() || pick(8) == 0) return edge_uids[pick(edge_uids.size())];
    return known[pick(known.size())];
  };
  std::size_t accepted = 0;
  std::size_t names = 0;
  for (int round = 0; round < 6; ++round) {
    for (int step = 0; step < 50; ++step) {
      const std::vector<std::uint64_t> dbs = uids_of(get("/v1/bdbs"));
      const std::vector<std::uint64_t> shards = uids_of(get("/v1/shards"));
      json body = json::object();
      result r;
      switch (pick(14)) {
        case 0:
        case 1:
          body = {{"name", "db-" + std::to_string(++names)}, {"memory_size", 1 << 20}};
          if (pick(2) == 0) body["uid"] = edge_uids[pick(edge_uids.size())];
          if (pick(2) == 0) body["shards_count"] = 1 + pick(3);
          if (pick(2) == 0) body["replication"] = pick(2) == 0;
          r = post("/v1/bdbs", body);
          break;
        case 2:
          body = pick(2) == 0 ? json{{"shards_count", 1 + pick(3)}}
                              : json{{"replication", pick(2) == 0}};
          r = call(http_t::verb::put, "/v1/bdbs/" + std::to_string(any_of(dbs)), body.dump());
          break;
        case 3:
          r = call(http_t::verb::delete_, "/v1/bdbs/" + std::to_string(any_of(dbs)));
          break;
        case 4:
          r = post("/v1/nodes/" + std::to_string(1 + pick(3)) + "/actions/remove", body);
          break;
        case 5:
          r = call(http_t::verb::delete_,
                   "/v1/nodes/" + std::to_string(1 + pick(3)) + "/actions/remove");
          break;
        case 6: {
          json list = json::array();
          for (std::uint64_t i = 0, n = 1 + pick(3); i < n; ++i)
            list.push_back(std::to_string(any_of(shards)));
          list.push_back(list[0]);  // a repeated uid too
          r = post("/v1/shards/actions/migrate",
                   {{"shard_uids", list}, {"target_node_uid", 1 + pick(4)}});
          break;
        }
        case 7:
          r = post("/v1/shards/" + std::to_string(any_of(shards)) + "/actions/failover", body);
          break;
        case 8:
          r = post("/emulator/v1/actions", {{"type", "state-machine"},
                                            {"name", "SMUpdateBDB"},
                                            {"object_name", "bdb:" + std::to_string(any_of(dbs))}});
          break;
        case 9:
          r = call(http_t::verb::put, "/v1/bdbs/" + std::to_string(any_of(dbs)) + "/actions/revamp",
                   json{{"shards_count", 1 + pick(2)}}.dump());
          break;
        case 10: {
          // The licence's terms: a smaller limit, an expiry, a fresh trial.
          const std::array<json, 3> terms = {json{{"shards_limit", 2 + pick(20)}},
                                             json{{"expires_in_seconds", pick(100)}},
                                             json{{"trial", true}}};
          r = call(http_t::verb::put, "/emulator/v1/license", terms[pick(terms.size())].dump());
          break;
        }
        case 11:
          r = call(
              http_t::verb::put,
              "/emulator/v1/databases/" + std::to_string(any_of(dbs)) + "/availability",
              json{{"replica_lag_ms", pick(500)}, {"unavailable_for_seconds", pick(30)}}.dump());
          break;
        case 12:
          r = post("/v1/bdbs/" + std::to_string(any_of(dbs)) +
                       (pick(2) == 0 ? "/actions/stop_traffic" : "/actions/resume_traffic"),
                   body);
          break;
        default:
          r = post("/emulator/v1/clock/advance", {{"seconds", static_cast<double>(pick(40))}});
          break;
      }
      if (r.status < 300) ++accepted;
      ASSERT_LT(r.status, 500u) << r.body;
    }
    const std::string before = observable();
    const std::string saved = capture_state(app_->svc());
    ASSERT_TRUE(start()) << "round " << round;
    EXPECT_EQ(observable(), before) << "round " << round;
    EXPECT_EQ(capture_state(app_->svc()), saved) << "round " << round;
  }
  EXPECT_GT(accepted, 100u);  // the sequence did change the cluster
}

// Users and roles made, changed and deleted at random (with uids at the
// edges, roles in use, demotions of the admins) always leave a state the
// loader takes, with an admin, whatever was refused on the way.
TEST_F(invariants_test, user_and_role_writes_survive_a_restart_and_keep_an_admin) {
  ASSERT_TRUE(start());
  std::mt19937_64 rng(20261203);
  const auto pick = [&](std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
  };
  constexpr std::array<std::string_view, 7> managements = {
      "admin", "cluster_member", "cluster_viewer", "db_member", "db_viewer", "user_manager",
      "none"};
  constexpr std::array<std::uint64_t, 5> edge_uids = {0, 1, 4294967295, 4294967296, 99};
  const auto any_uid = [&](const json& list) -> std::uint64_t {
    if (list.empty() || pick(6) == 0) return edge_uids[pick(edge_uids.size())];
    return list[pick(list.size())]["uid"].get<std::uint64_t>();
  };
  // The test's own caller, admin@redis.local (uid 1, holding role 1),
  // stays an admin: other users and roles come and go, gain and lose the
  // admin management role.
  const auto other = [&](const json& list) -> std::uint64_t {
    const std::uint64_t uid = any_uid(list);
    return uid == 1 ? 99 : uid;
  };
  std::size_t accepted = 0;
  std::size_t made = 0;
  for (int round = 0; round < 4; ++round) {
    for (int step = 0; step < 40; ++step) {
      const json users = get("/v1/users");
      const json roles = get("/v1/roles");
      result r;
      switch (pick(7)) {
        case 0:
          r = post("/v1/roles", {{"name", "role " + std::to_string(++made)},
                                 {"management", managements[pick(managements.size())]}});
          break;
        case 1: {
          json body = {{"email", "u" + std::to_string(++made) + "@test.io"},
                       {"password", "Passw0rd!"},
                       {"role_uids", {any_uid(roles)}}};
          if (pick(4) == 0) body["uid"] = edge_uids[pick(edge_uids.size())];
          r = post("/v1/users", body);
          break;
        }
        case 2:
          r = call(http_t::verb::put, "/v1/roles/" + std::to_string(other(roles)),
                   json{{"management", managements[pick(managements.size())]}}.dump());
          break;
        case 3:
          r = call(http_t::verb::put, "/v1/users/" + std::to_string(other(users)),
                   json{{"role_uids", {any_uid(roles)}}}.dump());
          break;
        case 4:
          r = call(http_t::verb::delete_, "/v1/roles/" + std::to_string(any_uid(roles)));
          break;
        case 5:
          r = call(http_t::verb::delete_, "/v1/users/" + std::to_string(other(users)));
          break;
        default:
          r = post("/emulator/v1/users", {{"email", "c" + std::to_string(++made) + "@x"},
                                          {"password", "p"},
                                          {"role", managements[pick(managements.size())]}});
          break;
      }
      if (r.status < 300) ++accepted;
      ASSERT_LT(r.status, 500u) << r.body;
      bool admin = false;
      for (const json& u : get("/v1/users")) admin = admin || u["role"] == "admin";
      ASSERT_TRUE(admin) << "no admin left after " << r.body;
    }
    const std::string users = get("/v1/users").dump();
    const std::string roles = get("/v1/roles").dump();
    const std::string saved = capture_state(app_->svc());
    ASSERT_TRUE(start()) << "round " << round;
    EXPECT_EQ(get("/v1/users").dump(), users) << "round " << round;
    EXPECT_EQ(get("/v1/roles").dump(), roles) << "round " << round;
    EXPECT_EQ(capture_state(app_->svc()), saved) << "round " << round;
  }
  EXPECT_GT(accepted, 40u);
}

// New databases take the first free port from 10000 and shard uids after the
// highest any database holds; a deleted database's port is free again, and a
// restart changes neither rule.
TEST_F(invariants_test, ports_and_shard_uids_after_deletes_and_restarts) {
  ASSERT_TRUE(start());
  const auto create = [&](int shards) {
    const result r = post("/v1/bdbs", {{"name", "db-" + std::to_string(shards) + "-" +
                                                    std::to_string(get("/v1/bdbs").size())},
                                       {"memory_size", 1024},
                                       {"shards_count", shards}});
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.body;
  };
  const auto port_of = [](const json& db) { return db["endpoints"][0]["port"].get<int>(); };
  const auto remove = [&](std::uint64_t uid) {
    advance(600);  // its create completes
    ASSERT_EQ(call(http_t::verb::delete_, "/v1/bdbs/" + std::to_string(uid)).status, 200u);
    advance(600);
    ASSERT_EQ(call(http_t::verb::get, "/v1/bdbs/" + std::to_string(uid)).status, 404u);
  };
  // Database 1 (the seed) holds port 10000 and shard 1.
  const json a = create(1);
  const json b = create(1);
  const json c = create(2);
  EXPECT_EQ(port_of(a), 10001);
  EXPECT_EQ(port_of(b), 10002);
  EXPECT_EQ(port_of(c), 10003);
  EXPECT_EQ(a["shard_list"], json({2}));
  EXPECT_EQ(b["shard_list"], json({3}));
  EXPECT_EQ(c["shard_list"], json({4, 5}));
  remove(b["uid"]);
  const json d = create(1);
  EXPECT_EQ(port_of(d), 10002);  // b's port is free again
  EXPECT_EQ(d["shard_list"], json({6}));
  EXPECT_EQ(d["uid"], 5);  // database uids are never reused
  ASSERT_TRUE(start());
  remove(c["uid"]);
  const json e = create(2);
  EXPECT_EQ(port_of(e), 10003);
  EXPECT_EQ(e["shard_list"], json({7, 8}));
  EXPECT_EQ(e["uid"], 6);
  ASSERT_TRUE(start());
  const json f = create(1);
  EXPECT_EQ(port_of(f), 10004);
  EXPECT_EQ(f["shard_list"], json({9}));
  // A database whose shards are taken keeps none of them: a reshape gets new ones.
  const result grown = call(http_t::verb::put, "/v1/bdbs/" + std::to_string(a["uid"].get<int>()),
                            R"({"shards_count":2})");
  ASSERT_EQ(grown.status, 200u) << grown.body;
  EXPECT_EQ(grown.body["shard_list"], json({10, 11}));
}

// The loader refuses what no write makes, naming the rule: a file whose
// every node is being removed (it would be left with none), a database uid
// or a highest uid past 4294967295, a Full Access ACL missing or changed.
TEST_F(invariants_test, the_loader_checks_the_same_rules) {
  ASSERT_TRUE(start());
  ASSERT_EQ(post("/v1/nodes/1/actions/remove", json::object()).status, 200u);
  ASSERT_EQ(post("/v1/nodes/2/actions/remove", json::object()).status, 200u);
  json doc = json::parse(capture_state(app_->svc()));
  app_.reset();
  const auto refused = [&](json bad, std::string_view why) {
    app fresh(make_config());
    try {
      restore_state(bad, fresh.svc(), "edited");
      ADD_FAILURE() << "loaded: " << why;
    } catch (const state_file_error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  json all_leaving = doc;
  json third = doc["nodes"][0];  // node 1, being removed, as node 3
  third["uid"] = 3;
  all_leaving["nodes"][2] = third;
  refused(all_leaving, "at least one node that is not being removed");
  json high = doc;
  high["bdb_uid_high"] = 4294967296ull;
  refused(high, "bdb_uid_high");
  json far = doc;
  far["databases"][0]["uid"] = 4294967296ull;
  refused(far, "databases[0].uid");
  json backwards = doc;
  backwards["license"]["expires_at"] = backwards["license"]["activated_at"].get<double>() - 1;
  refused(backwards, "before it starts");
  json no_full_access = doc;
  no_full_access["redis_acls"] = json::array();
  refused(no_full_access, "Full Access");
  json full_access_changed = doc;
  full_access_changed["redis_acls"][0]["acl"] = "+@read ~*";
  refused(full_access_changed, "Full Access");
  app fresh(make_config());
  EXPECT_NO_THROW(restore_state(doc, fresh.svc(), "as saved"));

  // And the rules as functions, on a state built by hand.
  registry_data d = fresh.svc().registry.snapshot()->data();
  EXPECT_TRUE(check_state(d, 1760000000));
  EXPECT_EQ(staying_nodes(d.nodes, 1760000000), 1u);
  EXPECT_FALSE(check_node_removal(d.nodes, 3, 1760000000));
  EXPECT_FALSE(check_shard_target(d.nodes, 1, 1760000000));
  EXPECT_FALSE(check_shard_target(d.nodes, 9, 1760000000));
  EXPECT_TRUE(check_shard_target(d.nodes, 3, 1760000000));
  d.bdb_uid_high = max_bdb_uid;
  EXPECT_FALSE(next_bdb_uid(d));
  d.bdb_uid_high = max_bdb_uid - 1;
  const auto uid = next_bdb_uid(d);
  ASSERT_TRUE(uid);
  EXPECT_EQ(*uid, max_bdb_uid);
}
