// The parity test: for every version profile, every operation the compliance
// baseline records on that release (tests/data/compliance_baseline.json:
// status codes of live clusters, reduced from redis-developer/
// redis-enterprise-rs) is sent to the emulator running that profile on the
// seed cluster, and must answer the code the real cluster answered: 200
// where it passed, the version-specific or known-difference code where the
// baseline records one, a 2xx where it passed without a recorded code.
//
// Where the emulator differs on purpose, tests/integration/parity_allowlist.csv
// says so per entry: the release ("all" or a profile), the operation, the
// status the emulator answers instead, and why. An entry fails the test when
// the emulator stops answering what it says, in particular when the operation
// now matches the baseline: the list can only shrink.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "captures.hpp"
#include "reemu/model/version_profile.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

const json& baseline() {
  static const json parsed = json::parse(capture("compliance_baseline.json"));
  return parsed;
}

struct allowance {
  unsigned status = 0;  // what the emulator answers instead of the baseline's code
  std::string reason;
  int line = 0;
};

// parity_allowlist.csv by (release, operation); release "all" applies to every profile.
using allow_list = std::map<std::pair<std::string, std::string>, allowance>;

const allow_list& allowances() {
  static const allow_list list = [] {
    allow_list out;
    std::ifstream in(REEMU_SOURCE_DIR "/tests/integration/parity_allowlist.csv");
    if (!in) throw std::runtime_error("cannot read tests/integration/parity_allowlist.csv");
    std::string row;
    int line = 0;
    bool header = true;
    while (std::getline(in, row)) {
      ++line;
      if (row.empty() || row.front() == '#') continue;
      if (header) {  // version,operation,emulator_status,reason
        header = false;
        continue;
      }
      std::istringstream fields(row);
      std::string version, operation, status, reason;
      std::getline(fields, version, ',');
      std::getline(fields, operation, ',');
      std::getline(fields, status, ',');
      std::getline(fields, reason);
      if (reason.empty())
        throw std::runtime_error("parity_allowlist.csv line " + std::to_string(line) +
                                 ": no reason");
      const bool fresh =
          out.emplace(std::pair{version, operation},
                      allowance{static_cast<unsigned>(std::stoul(status)), reason, line})
              .second;
      if (!fresh)
        throw std::runtime_error("parity_allowlist.csv line " + std::to_string(line) + ": twice");
    }
    return out;
  }();
  return list;
}

// The allowance for `operation` on `version`: the release's own, else "all".
const allowance* allowance_for(const std::string& version, const std::string& operation) {
  for (const std::string& v : {version, std::string("all")}) {
    const auto it = allowances().find({v, operation});
    if (it != allowances().end()) return &it->second;
  }
  return nullptr;
}

http::verb verb_of(const std::string& operation) {
  return http::string_to_verb(operation.substr(0, operation.find(' ')));
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The seed objects an operation's path parameters name: what the real run
// named on its cluster, chosen from the default config.
struct seed_names {
  std::string action_uid;  // an action of the seed
  std::string module_uid;  // a module of GET /v1/modules
  std::string user_uid;    // the user POST /v1/users created
};

std::string concrete_target(const std::string& operation, const seed_names& seed) {
  std::string path = operation.substr(operation.find(' ') + 1);
  if (path.starts_with("/v1/actions/{uid}") || path.starts_with("/v2/actions/{uid}"))
    path = replace_all(path, "{uid}", seed.action_uid);
  if (path.starts_with("/v1/modules/{uid}")) path = replace_all(path, "{uid}", seed.module_uid);
  if (path.starts_with("/v1/users/{uid}") && verb_of(operation) != http::verb::get)
    path = replace_all(path, "{uid}", seed.user_uid);
  path = replace_all(path, "{name}", "docker-cluster");
  for (const std::string_view p : {"{uid}", "{bdb_uid}", "{node_uid}"})
    path = replace_all(path, p, "1");
  return path;
}

// The body of a write the baseline records (the "writes" profile's users).
std::string body_of(const std::string& operation) {
  if (operation == "POST /v1/users")
    return R"({"email":"parity@test.local","password":"Parity-Pass-1","role":"db_viewer"})";
  if (operation == "PUT /v1/users/{uid}") return R"({"name":"Parity"})";
  return {};
}

// Writes last, in the order a create-update-delete takes.
int order_of(const std::string& operation) {
  switch (verb_of(operation)) {
    case http::verb::get:
      return 0;
    case http::verb::post:
      return 1;
    case http::verb::put:
      return 2;
    default:
      return 3;
  }
}

class parity : public ::testing::TestWithParam<std::string_view> {};

TEST_P(parity, every_recorded_operation_answers_what_the_release_answered) {
  const std::string version(GetParam());
  ASSERT_TRUE(baseline()["versions"].contains(version)) << version;
  const json& operations = baseline()["versions"][version];
  test_server srv{make_config([&](json& j) { j["emulator"]["rs_version"] = version; })};

  seed_names seed;
  seed.action_uid = srv.get("/v1/actions").json_body()["actions"][0]["action_uid"];
  seed.module_uid = srv.get("/v1/modules").json_body()[0]["uid"];

  std::vector<std::string> order;
  for (const auto& [operation, fact] : operations.items()) order.push_back(operation);
  std::stable_sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) {
    return order_of(a) < order_of(b);
  });

  std::size_t matched = 0;
  std::size_t allowed = 0;
  for (const std::string& operation : order) {
    const json& fact = operations[operation];
    const std::string target = concrete_target(operation, seed);
    const response r = srv.call(verb_of(operation), target, admin, body_of(operation));
    if (operation == "POST /v1/users" && r.status == 200)
      seed.user_uid = std::to_string(r.json_body()["uid"].get<std::uint64_t>());
    const bool recorded = fact.contains("status_code");
    const unsigned expected = recorded ? fact["status_code"].get<unsigned>() : 200;
    const bool same = recorded ? r.status == expected : r.status / 100 == 2;
    const allowance* allow = allowance_for(version, operation);
    const std::string where = version + " " + operation + " (" + target + "): baseline " +
                              fact["status"].get<std::string>() + " " +
                              (recorded ? std::to_string(expected) : std::string("2xx")) +
                              ", emulator " + std::to_string(r.status);
    if (!allow) {
      EXPECT_TRUE(same) << where << " " << r.body;
      matched += same ? 1 : 0;
      continue;
    }
    ++allowed;
    EXPECT_FALSE(same) << where << ": matches now; remove parity_allowlist.csv line "
                       << allow->line;
    EXPECT_EQ(r.status, allow->status) << where << ": parity_allowlist.csv line " << allow->line
                                       << " says " << allow->status << " (" << allow->reason << ")";
  }
  std::cout << "[ parity ] " << version << ": " << order.size() << " operations, " << matched
            << " as on the real cluster, " << allowed << " allow-listed\n";
}

std::vector<std::string_view> profile_names() {
  std::vector<std::string_view> out;
  for (const version_profile& p : version_profiles()) out.push_back(p.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(profiles, parity, ::testing::ValuesIn(profile_names()),
                         [](const ::testing::TestParamInfo<std::string_view>& p) {
                           return "rs_" + replace_all(std::string(p.param), ".", "_");
                         });

// The profiles and the baseline name the same releases, and every entry of
// the allow-list names a release and an operation the baseline has.
TEST(parity_data, the_profiles_are_the_baselines_releases_and_the_allow_list_is_current) {
  std::set<std::string> releases;
  for (const auto& [version, ops] : baseline()["versions"].items()) releases.insert(version);
  std::set<std::string> profiles;
  for (const std::string_view p : profile_names()) profiles.emplace(p);
  EXPECT_EQ(profiles, releases);
  for (const auto& [key, allow] : allowances()) {
    const auto& [version, operation] = key;
    bool known = false;
    for (const auto& [v, ops] : baseline()["versions"].items())
      if ((version == "all" || version == v) && ops.contains(operation)) known = true;
    EXPECT_TRUE(version == "all" || releases.contains(version))
        << "line " << allow.line << ": " << version;
    EXPECT_TRUE(known) << "line " << allow.line << ": " << operation << " not in the baseline";
  }
  EXPECT_EQ(baseline()["origin"]["commit"], "1d0a51eeca41d62f74b759917b2267de0b18eb71");
}

}  // namespace
}  // namespace reemu::test
