// Integration tests of --ids seeded over real HTTP: two servers with the
// same seed, sent the same requests, answer with the same action uids and
// task ids; another seed, or random ids, answer with others; a reset and a
// restored snapshot go back to the same place in the sequence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "manual_clock_test.hpp"
#include "reemu/util/uuid.hpp"

namespace reemu::test {
namespace {

config ids_config(const std::string& mode, std::uint64_t seed) {
  return manual_clock_config(t0, [&](json& doc) {
    doc["emulator"]["ids"] = mode;
    doc["emulator"]["seed"] = seed;
  });
}

// The uid an answer names ("action_uid", else "task_id"); a failure when
// the answer is not a 200 or 201 with one.
std::string uid_of(const response& r) {
  EXPECT_TRUE(r.status == 200 || r.status == 201) << r.body;
  const json j = r.json_body();
  for (const char* key : {"action_uid", "task_id"})
    if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key];
  ADD_FAILURE() << "no uid in " << r.body;
  return "";
}

// One of each way the emulator makes up an id: a database's state machine,
// a node task, a cluster task, a control-API action without a uid, and the
// action_uid of a delete that names no action.
std::vector<std::string> made_ids(test_server& srv) {
  // An hour on, so that a node task an earlier call started has ended.
  EXPECT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 3600}}).status, 200);
  std::vector<std::string> out;
  out.push_back(uid_of(srv.post("/v1/bdbs", {{"name", "one"}, {"memory_size", 1048576}})));
  out.push_back(uid_of(srv.post("/v1/nodes/1/actions/maintenance_on", json::object())));
  out.push_back(
      uid_of(srv.post("/emulator/v1/actions", {{"type", "task"}, {"name", "retry_bdb"}})));
  // An ACL's create answers the ACL; its delete answers an id of no action.
  const auto acl = srv.post("/v1/redis_acls", {{"name", "Reader"}, {"acl", "+@read ~*"}});
  EXPECT_EQ(acl.status, 200) << acl.body;
  out.push_back(uid_of(srv.del("/v1/redis_acls/" + acl.json_body()["uid"].dump())));
  out.push_back(uid_of(srv.post("/v1/bdbs", {{"name", "two"}, {"memory_size", 1048576}})));
  return out;
}

TEST(seeded_ids, two_servers_with_one_seed_make_the_same_ids) {
  test_server a{ids_config("seeded", 42)};
  test_server b{ids_config("seeded", 42)};
  const auto from_a = made_ids(a);
  const auto from_b = made_ids(b);
  ASSERT_EQ(from_a.size(), 5u);
  EXPECT_EQ(from_a, from_b);
  // The real format, and the start of the seed's sequence (the default
  // config's seed actions all carry their uids, so they draw none).
  for (const auto& uid : from_a) {
    ASSERT_EQ(uid.size(), 36u) << uid;
    EXPECT_EQ(uid[14], '4') << uid;
    EXPECT_NE(std::string("89ab").find(uid[19]), std::string::npos) << uid;
  }
  EXPECT_EQ(from_a[0], seeded_uuid_v4(42, 0));
  // The ids the answers name are the ids the actions have.
  EXPECT_EQ(a.get("/v1/actions/" + from_a[0]).status, 200);
  EXPECT_EQ(a.get("/v1/actions/" + from_a[1]).status, 200);
  EXPECT_EQ(a.get("/v1/actions/" + from_a[2]).status, 200);
}

TEST(seeded_ids, another_seed_or_random_ids_differ) {
  test_server seeded{ids_config("seeded", 42)};
  test_server other{ids_config("seeded", 43)};
  test_server random_a{ids_config("random", 42)};
  test_server random_b{ids_config("random", 42)};
  const auto base = made_ids(seeded);
  const auto with_43 = made_ids(other);
  const auto ra = made_ids(random_a);
  const auto rb = made_ids(random_b);
  for (std::size_t i = 0; i < base.size(); ++i) {
    EXPECT_NE(base[i], with_43[i]);
    EXPECT_NE(base[i], ra[i]);
    EXPECT_NE(ra[i], rb[i]);
  }
}

// A reset goes back to the start of the sequence, and a restored snapshot
// to where it was taken: a test that restores a scenario gets the same ids
// each time, and none the scenario already holds.
TEST(seeded_ids, reset_and_restore_go_back_in_the_sequence) {
  test_server srv{ids_config("seeded", 42)};
  const auto first = made_ids(srv);
  ASSERT_EQ(srv.post("/emulator/v1/reset", json::object()).status, 200);
  EXPECT_EQ(made_ids(srv), first);

  const std::string taken = srv.get("/emulator/v1/state").body;
  EXPECT_NE(json::parse(taken)["ids_drawn"], 0);
  const auto after_snapshot = made_ids(srv);
  for (const auto& uid : after_snapshot)
    EXPECT_EQ(std::find(first.begin(), first.end(), uid), first.end()) << uid;
  ASSERT_EQ(srv.call(http::verb::put, "/emulator/v1/state", admin, taken).status, 200);
  EXPECT_EQ(made_ids(srv), after_snapshot);
}

// A refused request draws no id: the next one gets the id it would have.
TEST(seeded_ids, a_refused_request_draws_nothing) {
  test_server a{ids_config("seeded", 7)};
  test_server b{ids_config("seeded", 7)};
  EXPECT_EQ(a.post("/v1/bdbs", {{"name", "bad name!"}, {"memory_size", 1048576}}).status, 400);
  EXPECT_EQ(a.post("/emulator/v1/actions", {{"type", "task"}, {"name", ""}}).status, 400);
  EXPECT_EQ(made_ids(a), made_ids(b));
}

}  // namespace
}  // namespace reemu::test
