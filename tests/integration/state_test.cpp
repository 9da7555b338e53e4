// Integration tests of the state room (GET and PUT /emulator/v1/state) over
// real HTTP: a scenario taken and put back answers byte for byte as it did
// when it was taken; a bad document is refused with a 400 naming what is
// wrong and changes nothing; with a state file the restored state is what
// a restart finds. Every answer is checked against docs/openapi.json.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

// What a test reads to tell one state from another: the emulated API's
// lists and the control API's views, each by its exact bytes. The journal
// is not state (the document does not hold it) and is checked apart.
const std::vector<std::string> observed_targets = {"/v1/bdbs",
                                                   "/v1/actions",
                                                   "/v2/actions",
                                                   "/v1/nodes",
                                                   "/v1/nodes/1/actions",
                                                   "/v1/cluster/actions",
                                                   "/v1/users",
                                                   "/v1/roles",
                                                   "/v1/redis_acls",
                                                   "/v1/license",
                                                   "/v1/shards",
                                                   "/emulator/v1/actions",
                                                   "/emulator/v1/clock",
                                                   "/emulator/v1/faults",
                                                   "/emulator/v1/plans",
                                                   "/emulator/v1/databases",
                                                   "/emulator/v1/users"};

class state_test : public manual_clock_test {
 protected:
  // The answers of observed_targets, with the cluster-state-id of /v1/bdbs.
  std::vector<std::string> observed() {
    std::vector<std::string> out;
    for (const auto& target : observed_targets) {
      const auto r = srv.get(target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      out.push_back(target + " " + r.body);
    }
    out.push_back("cluster-state-id " + std::to_string(state_id(srv.get("/v1/bdbs"))));
    return out;
  }

  response put_state(const std::string& document, std::optional<credentials> who = admin) {
    return srv.call(http::verb::put, "/emulator/v1/state", who, document);
  }

  // A scenario worth keeping: two databases made through /v1/bdbs (their
  // state machines in flight), a node task, a control-API action, a plan
  // rule, a fault rule, a user, a Redis ACL, and the clock moved between.
  void build_scenario() {
    ASSERT_EQ(srv.post("/v1/bdbs", {{"name", "kept"}, {"memory_size", 1048576}}).status, 200);
    advance(30);
    ASSERT_EQ(srv.post("/emulator/v1/plans",
                       {{"name", "SMCreateBDB"}, {"simulate", {{"step_seconds", 7}}}})
                  .status,
              201);
    ASSERT_EQ(srv.post("/v1/bdbs", {{"name", "slow"}, {"memory_size", 2097152}}).status, 200);
    ASSERT_EQ(srv.post("/v1/nodes/1/actions/maintenance_on", json::object()).status, 200);
    ASSERT_EQ(srv.post("/emulator/v1/actions",
                       {{"type", "task"}, {"name", "retry_bdb"}, {"simulate", json::object()}})
                  .status,
              201);
    ASSERT_EQ(srv.post("/emulator/v1/faults", {{"path", "/v1/modules"}, {"status", 503}}).status,
              201);
    ASSERT_EQ(srv.post("/v1/users", {{"email", "kept@redis.local"},
                                     {"password", "Kept123!"},
                                     {"role_uids", {1}},
                                     {"name", "Kept"}})
                  .status,
              200);
    ASSERT_EQ(srv.post("/v1/redis_acls", {{"name", "Reader"}, {"acl", "+@read ~*"}}).status, 200);
    advance(4.5);
  }

  // Changes every part the scenario set up, so a restore has work to do.
  void change_everything() {
    ASSERT_EQ(srv.post("/v1/bdbs", {{"name", "later"}, {"memory_size", 1048576}}).status, 200);
    ASSERT_EQ(srv.del("/emulator/v1/plans").status, 204);
    ASSERT_EQ(srv.del("/emulator/v1/faults").status, 204);
    ASSERT_EQ(srv.post("/emulator/v1/faults", {{"path", "/v1/cluster"}, {"status", 500}}).status,
              201);
    ASSERT_EQ(srv.del("/emulator/v1/users/kept@redis.local").status, 204);
    ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
    ASSERT_EQ(srv.post("/v1/bdbs", {{"name", "after-reset"}, {"memory_size", 1048576}}).status,
              200);
    advance(600);
  }
};

// The acceptance test: the answers after PUT are the answers at GET.
TEST_F(state_test, a_restored_snapshot_answers_as_it_did_when_taken) {
  build_scenario();
  const auto taken = srv.get("/emulator/v1/state");
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.header(http::field::content_type), "application/json");
  const json doc = taken.json_body();
  ASSERT_TRUE(doc.is_object()) << taken.body;
  EXPECT_EQ(doc["format"], "re-actions-emulator-state");
  EXPECT_EQ(doc["version"], 4);
  EXPECT_EQ(doc.dump(), taken.body) << "compact, keys sorted";
  const auto before = observed();

  change_everything();
  EXPECT_NE(observed(), before) << "the changes must show, or the restore proves nothing";

  const auto restored = put_state(taken.body);
  ASSERT_EQ(restored.status, 200) << restored.body;
  const json counts = restored.json_body();
  EXPECT_EQ(counts["clock"]["now"], doc["clock"]["now"]);
  EXPECT_EQ(counts["clock"]["mode"], "manual");
  EXPECT_EQ(counts["databases"], doc["databases"].size());
  EXPECT_EQ(counts["users"], doc["users"].size());
  EXPECT_EQ(counts["actions"], doc["actions"].size());

  EXPECT_EQ(observed(), before);
  EXPECT_EQ(srv.get("/emulator/v1/state").body, taken.body);
  // The journal is a record of requests, not state: like a reset, a
  // restore starts a new one, which holds the PUT and what follows.
  const json journal = srv.get("/emulator/v1/requests").json_body()["requests"];
  ASSERT_GE(journal.size(), 1u);
  EXPECT_EQ(journal[0]["method"], "PUT");
  EXPECT_EQ(journal[0]["target"], "/emulator/v1/state");

  // The restored scenario goes on from where it stood: the in-flight state
  // machines complete on the same clock.
  advance(4 * 60);
  const json actions = get_json("/v1/actions");
  for (const auto& sm : actions["state-machines"]) EXPECT_NE(sm["status"], "pending") << sm.dump();

  // And it can be put back again, as many times as a suite has tests.
  ASSERT_EQ(put_state(taken.body).status, 200);
  EXPECT_EQ(observed(), before);
}

// Each kind of bad document answers 400 with a message naming what is wrong,
// and changes nothing at all.
TEST_F(state_test, a_bad_document_changes_nothing) {
  build_scenario();
  const std::string good = srv.get("/emulator/v1/state").body;
  const json doc = json::parse(good);
  const auto before = observed();
  const std::string journal_before = srv.get("/emulator/v1/requests").body;

  const auto with = [&](const std::function<void(json&)>& edit) {
    json d = doc;
    edit(d);
    return d.dump();
  };
  struct bad {
    std::string body;
    std::string code;
    std::string names;  // a piece of the description
  };
  json duplicate = doc["actions"][0];
  const std::vector<bad> cases = {
      {"", "malformed_json", "state document"},
      {"{\"format\":", "malformed_json", ""},
      {"[1,2]", "invalid_value", "not a JSON object"},
      {with([](json& d) { d["format"] = "something-else"; }), "invalid_value", "'format'"},
      {with([](json& d) { d.erase("format"); }), "invalid_value", "'format'"},
      {with([](json& d) { d["version"] = 99; }), "invalid_value", "version 99"},
      {with([](json& d) { d["version"] = 1; }), "invalid_value", "version 1"},
      {with([](json& d) { d["surprise"] = true; }), "unknown_field", "surprise"},
      {with([](json& d) { d["actions"] = "none"; }), "invalid_type", "'actions'"},
      {with([&](json& d) { d["actions"].push_back(duplicate); }), "invalid_value", "repeats"},
      {with([](json& d) { d["databases"][0]["uid"] = "one"; }), "invalid_type", "databases[0]"},
      {with([](json& d) { d["nodes"] = json::array(); }), "invalid_value", "'nodes'"},
      {with([](json& d) { d["clock"]["mode"] = "sundial"; }), "invalid_value", "'clock.mode'"},
      {with([](json& d) { d.erase("clock"); }), "missing_field", "'clock'"},
      {with([](json& d) { d["users"][0].erase("email"); }), "missing_field", "email"},
      {with([](json& d) { d["faults"][0]["status"] = 99; }), "invalid_value", "faults[0]"},
      {with([](json& d) { d["ids_drawn"] = -1; }), "invalid_value", "'ids_drawn'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 120));
    const auto r = put_state(c.body);
    EXPECT_EQ(r.status, 400) << r.body;
    const json e = r.json_body();
    EXPECT_EQ(e["error_code"], c.code) << r.body;
    EXPECT_NE(e["description"].get<std::string>().find(c.names), std::string::npos) << r.body;
  }
  // Only the admin may: others are refused before the body is read.
  EXPECT_EQ(put_state(good, viewer).status, 403);
  EXPECT_EQ(put_state(good, std::nullopt).status, 401);
  EXPECT_EQ(srv.get("/emulator/v1/state", viewer).status, 403);

  EXPECT_EQ(observed(), before);
  EXPECT_EQ(srv.get("/emulator/v1/state").body, good);
  // Nothing cleared the journal either: it holds what it held, then the
  // refused requests and the reads.
  const json journal = srv.get("/emulator/v1/requests").json_body()["requests"];
  EXPECT_GT(journal.size(), json::parse(journal_before)["requests"].size());
}

// With a state file the restored state is saved like any write: a restart
// finds it, and nothing of what the restore replaced. The scenario is taken
// after one action, then a reset and another action: the two states hold
// different actions at the same places, which a save must not mistake for
// edits of each other.
TEST(state_file_restore, a_restart_finds_the_restored_state) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-state-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(
        t0, [&](json& doc) { doc["emulator"]["state_file"] = (dir / "state.json").string(); });
  };
  std::string taken;
  std::vector<std::string> answers;
  const auto read_all = [&](test_server& srv) {
    std::vector<std::string> out;
    for (const auto& target : observed_targets) out.push_back(srv.get(target).body);
    return out;
  };
  {
    test_server srv{cfg()};
    ASSERT_EQ(srv.post("/emulator/v1/actions",
                       {{"type", "task"}, {"name", "retry_bdb"}, {"action_uid", "kept-task"}})
                  .status,
              201);
    taken = srv.get("/emulator/v1/state").body;
    answers = read_all(srv);
    ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
    ASSERT_EQ(srv.post("/emulator/v1/actions",
                       {{"type", "task"}, {"name", "retry_bdb"}, {"action_uid", "dropped-task"}})
                  .status,
              201);
    ASSERT_EQ(srv.post("/v1/bdbs", {{"name", "dropped"}, {"memory_size", 1048576}}).status, 200);
    ASSERT_EQ(srv.call(http::verb::put, "/emulator/v1/state", admin, taken).status, 200);
    EXPECT_EQ(read_all(srv), answers);
  }
  {
    test_server srv{cfg()};
    EXPECT_EQ(read_all(srv), answers);
    EXPECT_EQ(srv.get("/v1/actions/dropped-task").status, 404);
    EXPECT_EQ(srv.get("/v1/actions/kept-task").status, 200);
    EXPECT_EQ(srv.get("/emulator/v1/state").body, taken);
  }
  std::filesystem::remove_all(dir);
}

// Without the control API the room is not there.
TEST(state_room, is_off_with_the_control_api) {
  test_server srv{make_config([](json& doc) { doc["emulator"]["control_api"] = false; })};
  EXPECT_EQ(srv.get("/emulator/v1/state").status, 404);
}

}  // namespace
}  // namespace reemu::test
