// Version profiles: the table, the config key that picks one, and what a
// profile changes in the answers (software_version, the routes served),
// through app::handle without a socket.
#include "reemu/model/version_profile.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <string_view>

#include "app_request.hpp"
#include "reemu/app/app.hpp"
#include "reemu/app/families.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"

using namespace reemu;

namespace {

struct profile_answer {
  unsigned status;
  json body;
};

profile_answer get(app& a, std::string_view target) {
  const std::string auth = "Basic " + base64_encode("admin@redis.local:Redis123!");
  const reply r = a.handle(test::json_request(http_t::verb::get, target, "", auth)).reply;
  return {static_cast<unsigned>(r.status),
          r.body ? json::parse(r.body.str(), nullptr, false) : json()};
}

config config_for(const json& emulator, json nodes = json()) {
  json doc = {
      {"emulator", emulator},
      {"users", {{{"email", "admin@redis.local"}, {"password", "Redis123!"}, {"role", "admin"}}}}};
  if (!nodes.is_null()) doc["nodes"] = std::move(nodes);
  return parse_config(doc, "profile.json");
}

}  // namespace

TEST(version_profile, the_table_names_released_builds_oldest_first) {
  const auto all = version_profiles();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "7.22");
  EXPECT_EQ(all[1].name, "8.0");
  EXPECT_EQ(all[2].name, "8.2");
  EXPECT_EQ(&newest_version_profile(), &all.back());
  const std::regex build(R"((\d+)\.(\d+)\.\d+-\d+)");
  for (const version_profile& p : all) {
    std::smatch m;
    const std::string s(p.software_version);
    ASSERT_TRUE(std::regex_match(s, m, build)) << s;
    EXPECT_EQ(m[1].str() + "." + m[2].str(), p.name);  // 7.22.2-170 is a 7.22 build
    EXPECT_EQ(find_version_profile(p.name), &p);
  }
  EXPECT_EQ(find_version_profile("8"), nullptr);
  EXPECT_EQ(find_version_profile("100.0"), nullptr);
  EXPECT_EQ(version_profile_names(), "7.22, 8.0, 8.2");
}

TEST(version_profile, a_lacked_route_is_matched_by_method_and_shape) {
  const version_profile& old = *find_version_profile("7.22");
  EXPECT_TRUE(lacks_route(old, "GET", "/v1/metrics_config"));
  EXPECT_TRUE(lacks_route(old, "PUT", "/v1/metrics_config"));
  EXPECT_TRUE(lacks_route(old, "GET", "/v1/cluster/sso/saml/metadata/sp"));
  EXPECT_FALSE(lacks_route(old, "POST", "/v1/metrics_config"));
  EXPECT_FALSE(lacks_route(old, "GET", "/v1/metrics_config/x"));
  EXPECT_FALSE(lacks_route(old, "GET", "/v1/cluster"));
  EXPECT_FALSE(lacks_route(old, "GET", "/v1/cluster/ss"));
  for (const std::string_view name : {"8.0", "8.2"}) {
    const version_profile& p = *find_version_profile(name);
    EXPECT_TRUE(p.absent_routes.empty()) << name;
    EXPECT_FALSE(lacks_route(p, "GET", "/v1/metrics_config")) << name;
  }
  // Parameter names do not matter, only the shape.
  static constexpr std::string_view absent[] = {"GET /v1/bdbs/{uid}/peer_stats"};
  const version_profile fake{"0.0", "0.0.0-1", absent};
  EXPECT_TRUE(lacks_route(fake, "GET", "/v1/bdbs/{bdb_uid}/peer_stats"));
  EXPECT_FALSE(lacks_route(fake, "GET", "/v1/bdbs/{bdb_uid}/peer_stat"));
  EXPECT_FALSE(lacks_route(fake, "GET", "/v1/bdbs/stats/peer_stats"));
}

TEST(version_profile, the_config_key_picks_one_and_an_unknown_one_is_refused) {
  EXPECT_EQ(config_for(json::object()).cluster.version, &newest_version_profile());
  EXPECT_EQ(config_for({{"rs_version", "7.22"}}).cluster.version->software_version, "7.22.2-170");
  EXPECT_EQ(config_for({{"rs_version", "8.0"}}).cluster.version->name, "8.0");
  try {
    (void)config_for({{"rs_version", "7.4"}});
    ADD_FAILURE() << "7.4 accepted";
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(),
                 "profile.json: 'emulator.rs_version': unknown Redis Software version \"7.4\"; "
                 "known versions: 7.22, 8.0, 8.2");
  }
  EXPECT_THROW((void)config_for({{"rs_version", 8.2}}), config_error);  // a string
  EXPECT_THROW((void)parse_rs_version("", "--rs-version"), config_error);
  EXPECT_EQ(&parse_rs_version("8.2", "--rs-version"), &newest_version_profile());
}

TEST(version_profile, nodes_and_bootstrap_show_the_profiles_build) {
  for (const version_profile& p : version_profiles()) {
    app a{config_for({{"rs_version", p.name}}, {1, 2})};
    const profile_answer nodes = get(a, "/v1/nodes");
    ASSERT_EQ(nodes.status, 200u);
    ASSERT_EQ(nodes.body.size(), 2u);
    for (const json& n : nodes.body) EXPECT_EQ(n["software_version"], p.software_version) << p.name;
    EXPECT_EQ(get(a, "/v1/nodes/2").body["software_version"], p.software_version);
    const profile_answer boot = get(a, "/v1/bootstrap");
    EXPECT_EQ(boot.body["local_node_info"]["software_version"], p.software_version) << p.name;
  }
  // A node's own software_version (a mixed-version cluster mid-upgrade) wins.
  app a{config_for({{"rs_version", "8.0"}}, {1, {{"uid", 2}, {"software_version", "7.22.2-170"}}})};
  EXPECT_EQ(get(a, "/v1/nodes/1").body["software_version"], "8.0.20-68");
  EXPECT_EQ(get(a, "/v1/nodes/2").body["software_version"], "7.22.2-170");
}

TEST(version_profile, a_route_the_release_lacks_answers_404_like_an_unknown_path) {
  app old{config_for({{"rs_version", "7.22"}})};
  app now{config_for(json::object())};
  for (const std::string_view target :
       {"/v1/metrics_config", "/v1/cluster/sso", "/v2/local/modules/user-defined/artifacts"}) {
    const profile_answer lacked = get(old, target);
    EXPECT_EQ(lacked.status, 404u) << target;
    EXPECT_EQ(lacked.body["error_code"], "not_found") << target;
    // Documented and served by 8.2, not emulated: 501.
    const profile_answer missing = get(now, target);
    EXPECT_EQ(missing.status, 501u) << target;
    EXPECT_EQ(missing.body["error_code"], "not_emulated") << target;
  }
  // What both have answers alike.
  EXPECT_EQ(get(old, "/v1/cluster").status, 200u);
  EXPECT_EQ(get(old, "/v1/ocsp/status").status, 200u);
  EXPECT_EQ(get(old, "/v1/cluster/debuginfo").status, 501u);
  // The router holds no route the release lacks, whatever the families offer.
  const config c = config_for({{"rs_version", "7.22"}});
  const auto routes = all_routes(c);
  EXPECT_EQ(routes.size(), route_family_indices(c).size());
  for (const route& r : routes)
    EXPECT_FALSE(lacks_route(*c.cluster.version, http_t::to_string(r.method), r.pattern))
        << r.pattern;
}
