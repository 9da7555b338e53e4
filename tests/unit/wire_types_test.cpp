// Wire types from every capture: each real-cluster answer in tests/data/ is
// compared with what the emulator answers to the same request on the seed
// config (config/default.json, manual clock), recursively: the same keys at
// every level, and the same JSON type at every place, so a string that should
// be a number anywhere fails.
//
// How strict:
// - Types are null, boolean, integer, float, string, array, object. An
//   integer and a float differ both ways (1 vs 1.0): typed clients decode
//   them into different types, and serde refuses 1.0 for a u64.
// - Objects: the key sets are equal; values compare key by key.
// - Arrays: an empty capture array says nothing of its elements. An element
//   with an identity (`action_uid`, `uid`) compares with the capture's
//   element of the same identity; other elements compare element by element
//   when the arrays have the same length and no identities, else with the
//   capture's first element (a list of databases, nodes: one shape). A place
//   in a list is written `[identity]`, or `[]` without one.
// - Values are not compared: tests of each family do that.
//
// Where the emulator differs on purpose, `allowed` says why. The list may
// only shrink: an entry no difference uses fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app_request.hpp"
#include "captures.hpp"
#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "test_server.hpp"

using namespace reemu;

namespace {

// The request whose answer each capture is.
struct capture_route {
  std::string_view file;
  std::string_view target;  // GET, as the admin of the seed
};

constexpr capture_route routes[] = {
    {"action_not_found.json", "/v1/actions/00000000-0000-4000-8000-000000000000"},
    {"actions_list.json", "/v1/actions"},
    {"bdb_single.json", "/v1/bdbs/1"},
    {"bdbs_list.json", "/v1/bdbs"},
    {"bdbs_stats.json", "/v1/bdbs/stats"},
    {"bootstrap_status.json", "/v1/bootstrap"},
    {"cluster.json", "/v1/cluster"},
    {"cluster_alerts.json", "/v1/cluster/alerts"},
    {"cluster_stats.json", "/v1/cluster/stats"},
    {"license.json", "/v1/license"},
    {"modules_list.json", "/v1/modules"},
    {"node_single.json", "/v1/nodes/1"},
    {"nodes_list.json", "/v1/nodes"},
    {"nodes_stats.json", "/v1/nodes/stats"},
    {"ocsp.json", "/v1/ocsp"},
    {"proxies_list.json", "/v1/proxies"},
    {"shards_list.json", "/v1/shards"},
    {"sm_delete_active.json", "/v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763"},
    {"user_single.json", "/v1/users/1"},
    {"users_list.json", "/v1/users"},
};

// Files of tests/data/ that are not answers of a route the emulator serves.
const std::map<std::string_view, std::string_view> not_answers = {
    {"state_v4_config.json", "a config the emulator was started with, not an answer"},
    {"compliance_baseline.json",
     "status codes of live clusters per release, not an answer: parity_test.cpp reads it"},
};

struct allowance {
  std::string_view file;
  std::string_view where;  // "$.key.key[].key"
  std::string_view why;
};

// Differences on purpose. May only shrink.
const std::vector<allowance> allowed = {
    // GET /v1/actions renders each seed entry as config/default.json gives it;
    // the seed mixes the capture's entries with others of other shapes.
    {"actions_list.json", "$.actions[159ca2f8-7bf3-4cda-97e8-4eb560665c28].creation_time",
     "a seed task from the docs' example, which has no creation_time"},
    {"actions_list.json", "$.actions[661697c5-c747-41bd-ab81-ffc8fd13c494].creation_time",
     "a seed task from the docs' example, which has no creation_time"},
    {"actions_list.json", "$.state-machines[a10586b1-60bc-428e-9bc6-392eb5f0d8ae].progress",
     "a seed state machine from the docs' example, completed with its progress kept"},
    {"actions_list.json", "$.state-machines[5a42fabf-c603-4950-88d9-3a3148a5d763].pending_ops",
     "the seed's running SMDeleteBDB (sm_delete_active.json): a running machine shows "
     "pending_ops, progress and state; the capture's machines are completed"},
    {"actions_list.json", "$.state-machines[5a42fabf-c603-4950-88d9-3a3148a5d763].progress",
     "the seed's running SMDeleteBDB, as above"},
    {"actions_list.json", "$.state-machines[5a42fabf-c603-4950-88d9-3a3148a5d763].state",
     "the seed's running SMDeleteBDB, as above"},
};

std::string kind_of(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "float";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "other";
  }
}

// What names an element of a list: an action's `action_uid`, an object's
// `uid`; "" for anything else.
std::string identity(const json& e) {
  if (!e.is_object()) return {};
  for (const char* key : {"action_uid", "uid"}) {
    const auto it = e.find(key);
    if (it != e.end()) return it->is_string() ? it->get<std::string>() : it->dump();
  }
  return {};
}

std::string shown(const json& j) {
  std::string s = j.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Every difference of shape between `capture` and `answer`, one line each,
// starting with its place.
void compare(const json& capture, const json& answer, const std::string& where,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (kind_of(capture) != kind_of(answer)) {
    out.emplace_back(where, "the capture has " + kind_of(capture) + " " + shown(capture) +
                                ", the emulator " + kind_of(answer) + " " + shown(answer));
    return;
  }
  if (capture.is_object()) {
    for (const auto& item : capture.items()) {
      if (!answer.contains(item.key())) {
        out.emplace_back(where + "." + item.key(), "missing from the emulator's answer");
      } else {
        compare(item.value(), answer.at(item.key()), where + "." + item.key(), out);
      }
    }
    for (const auto& item : answer.items()) {
      if (!capture.contains(item.key()))
        out.emplace_back(where + "." + item.key(), "not in the capture");
    }
  } else if (capture.is_array() && !capture.empty()) {
    std::map<std::string, const json*> by_id;
    for (const json& e : capture)
      if (const std::string id = identity(e); !id.empty()) by_id[id] = &e;
    for (std::size_t i = 0; i < answer.size(); ++i) {
      const std::string id = identity(answer[i]);
      const auto same = by_id.find(id);
      const json& model = same != by_id.end()                                ? *same->second
                          : by_id.empty() && capture.size() == answer.size() ? capture[i]
                                                                             : capture[0];
      compare(model, answer[i], where + "[" + id + "]", out);
    }
  }
}

}  // namespace

TEST(wire_types, every_capture_has_a_route_or_a_reason) {
  std::set<std::string_view> known;
  for (const capture_route& r : routes) known.insert(r.file);
  for (const auto& entry : std::filesystem::directory_iterator(REEMU_TEST_DATA)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    EXPECT_TRUE(known.contains(name) || not_answers.contains(name))
        << "tests/data/" << name << " is walked by no test: add {\"" << name
        << "\", \"<the GET target it answers>\"} to `routes` in tests/unit/wire_types_test.cpp, "
        << "or to `not_answers` with the reason the emulator has no answer to compare";
  }
}

TEST(wire_types, every_capture_matches_the_emulators_answer_in_keys_and_types) {
  app a{test::manual_clock_config()};
  const std::string admin = "Basic " + base64_encode("admin@redis.local:Redis123!");
  std::set<std::pair<std::string_view, std::string_view>> used;
  for (const capture_route& r : routes) {
    const json capture = json::parse(test::capture(r.file), nullptr, false);
    ASSERT_FALSE(capture.is_discarded()) << r.file;
    const handled h = a.handle(test::json_request(http_t::verb::get, r.target, "", admin));
    const json answer = json::parse(h.reply.body.str(), nullptr, false);
    ASSERT_FALSE(answer.is_discarded()) << r.target << ": " << h.reply.body.str();
    std::vector<std::pair<std::string, std::string>> differences;
    compare(capture, answer, "$", differences);
    for (const auto& [where, what] : differences) {
      bool ok = false;
      for (const allowance& x : allowed) {
        if (x.file == r.file && x.where == where) {
          ok = true;
          used.emplace(x.file, x.where);
        }
      }
      EXPECT_TRUE(ok) << "tests/data/" << r.file << " vs GET " << r.target << " at " << where
                      << ": " << what;
    }
  }
  for (const allowance& x : allowed) {
    EXPECT_TRUE(used.contains({x.file, x.where}))
        << "the allowance for " << x.file << " at " << x.where << " (" << x.why
        << ") is no longer needed: remove it from `allowed` in tests/unit/wire_types_test.cpp";
  }
}

// The comparison itself, on made-up documents: a string for a number deep in
// a list, an integer for a float, a key too many or too few.
TEST(wire_types, the_comparison_finds_every_difference_of_shape) {
  const json capture = json::parse(
      R"({"a":1,"b":0.5,"list":[{"uid":1,"x":{"y":2}},{"uid":2,"x":{"y":3}}],"empty":[],"n":null})");
  const json same = json::parse(
      R"({"a":7,"b":1.5,"list":[{"uid":2,"x":{"y":9}},{"uid":5,"x":{"y":1}}],"empty":[{"q":1}],"n":null})");
  std::vector<std::pair<std::string, std::string>> out;
  compare(capture, same, "$", out);
  EXPECT_TRUE(out.empty()) << out.front().first << ": " << out.front().second;
  const json other = json::parse(
      R"({"a":1.0,"b":0.5,"list":[{"uid":2,"x":{"y":"3"}}],"empty":[],"n":"","extra":true})");
  compare(capture, other, "$", out);
  std::map<std::string, std::string> found(out.begin(), out.end());
  EXPECT_EQ(found.size(), 4u);
  EXPECT_EQ(found["$.a"], "the capture has integer 1, the emulator float 1.0");
  EXPECT_EQ(found["$.list[2].x.y"], "the capture has integer 3, the emulator string \"3\"");
  EXPECT_EQ(found["$.n"], "the capture has null null, the emulator string \"\"");
  EXPECT_EQ(found["$.extra"], "not in the capture");
}
