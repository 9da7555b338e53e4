// Unit tests of LDAP mappings (model/ldap_mapping.hpp): bodies read into
// requests, creates and updates against a registry, the wire object and
// the state-file record.
#include "reemu/model/ldap_mapping.hpp"

#include <gtest/gtest.h>

#include <string>

#include "reemu/model/registry_data.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {
namespace {

ldap_mapping_request request_of(const char* text) {
  const auto r = read_ldap_mapping_request(json::parse(text));
  EXPECT_TRUE(r) << text << ": " << r.error().description;
  return r ? *r : ldap_mapping_request{};
}

// A registry holding the documentation's example mapping, uid 17.
registry_data with_admins() {
  registry_data d;
  d.roles[1] = builtin_admin_role();
  for (const std::uint64_t uid : {2, 3, 4})
    d.roles[uid] = role_entry{uid, "Role " + std::to_string(uid), role::db_viewer, std::nullopt};
  d.ldap_mappings.emplace(17, ldap_mapping{17,
                                           "Admins",
                                           "OU=ops.group,DC=redislabs,DC=com",
                                           "ops.group@redislabs.com",
                                           {1},
                                           true,
                                           std::nullopt,
                                           std::nullopt});
  return d;
}

TEST(ldap_mapping, the_wire_object_has_the_optional_alert_fields_only_once_given) {
  const ldap_mapping bare = with_admins().ldap_mappings.at(17);
  EXPECT_EQ(dump(ldap_mapping_object(bare)),
            R"({"dn":"OU=ops.group,DC=redislabs,DC=com","email":"ops.group@redislabs.com",)"
            R"("email_alerts":true,"name":"Admins","role_uids":[1],"uid":17})");
  ldap_mapping full = bare;
  full.bdbs_email_alerts = std::vector<std::string>{"1", "2"};
  full.cluster_email_alerts = true;
  const json object = ldap_mapping_object(full);
  EXPECT_EQ(object["bdbs_email_alerts"], json::parse(R"(["1","2"])"));
  EXPECT_EQ(object["cluster_email_alerts"], true);
}

TEST(ldap_mapping, a_create_fills_the_defaults_and_counts_uids_on) {
  const registry_data d = with_admins();
  const auto made =
      new_ldap_mapping(d, request_of(R"({"name": "Ops", "dn": "CN=ops", "role_uids": [1, 3]})"));
  ASSERT_TRUE(made) << made.error().description;
  EXPECT_EQ(made->uid, 18u);
  EXPECT_EQ(made->email, "");
  EXPECT_TRUE(made->email_alerts);
  EXPECT_EQ(made->role_uids, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_FALSE(made->bdbs_email_alerts);
  registry_data fresh;
  fresh.roles[1] = builtin_admin_role();
  const auto first =
      new_ldap_mapping(fresh, request_of(R"({"name": "A", "dn": "CN=a", "role_uids": [1], "uid": 5,
                                      "email": "a@b.co", "email_alerts": false,
                                      "bdbs_email_alerts": ["all"], "cluster_email_alerts": false})"));
  ASSERT_TRUE(first) << first.error().description;
  EXPECT_EQ(first->uid, 5u);
  EXPECT_EQ(first->bdbs_email_alerts, (std::vector<std::string>{"all"}));
  EXPECT_EQ(first->cluster_email_alerts, false);
}

TEST(ldap_mapping, bad_bodies_get_the_documented_codes) {
  struct bad {
    const char* body;
    api_error code;
  };
  const bad cases[] = {
      {R"({"name": "x", "dn": "CN=x", "role_uids": [1], "account_id": 2})",
       api_error::invalid_schema},
      {R"({"name": "x", "dn": 5, "role_uids": [1]})", api_error::invalid_schema},
      {R"({"name": "x", "dn": "CN=x", "role_uids": [1], "email_alerts": "yes"})",
       api_error::invalid_schema},
      {R"({"name": "x", "dn": "CN=x", "role_uids": [1], "email": "not-an-address"})",
       api_error::invalid_schema},
      {R"({"name": "x", "dn": "CN=x", "role_uids": [1], "bdbs_email_alerts": ["1", "1"]})",
       api_error::invalid_schema},
      {R"({"name": "x", "dn": "CN=x", "role_uids": [1], "bdbs_email_alerts": [1]})",
       api_error::invalid_schema},
      {R"({"name": "x/y", "dn": "CN=x", "role_uids": [1]})", api_error::invalid_name_param},
      {R"({"name": "x", "dn": " \t", "role_uids": [1]})", api_error::invalid_dn_param},
      {R"({"name": "x", "dn": "", "role_uids": [1]})", api_error::invalid_dn_param},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const auto r = read_ldap_mapping_request(json::parse(c.body));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error, c.code) << r.error().description;
  }
}

TEST(ldap_mapping, role_uids_are_checked_by_their_shape_at_create_and_update) {
  const registry_data d = with_admins();
  for (const char* role_uids : {"[]", "[0]", "[-1]", "[1.5]", R"(["1"])", "1", "[4294967296]"}) {
    SCOPED_TRACE(role_uids);
    const std::string body =
        std::string(R"({"name": "x", "dn": "CN=x", "role_uids": )") + role_uids + "}";
    const auto made = new_ldap_mapping(d, request_of(body.c_str()));
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().error, api_error::invalid_role_uids_param);
    const std::string update = std::string(R"({"role_uids": )") + role_uids + "}";
    const auto next = updated_ldap_mapping(d, 17, request_of(update.c_str()));
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().error, api_error::invalid_role_uids_param);
  }
}

TEST(ldap_mapping, a_create_is_refused_when_it_clashes_or_lacks_a_field) {
  const registry_data d = with_admins();
  struct bad {
    const char* body;
    api_error code;
  };
  for (const auto& c : {bad{R"({"dn": "CN=x", "role_uids": [1]})", api_error::missing_field},
                        bad{R"({"name": "x", "role_uids": [1]})", api_error::missing_field},
                        bad{R"({"name": "x", "dn": "CN=x"})", api_error::missing_field},
                        bad{R"({"name": "Admins", "dn": "CN=x", "role_uids": [1]})",
                            api_error::name_already_exists},
                        bad{R"({"name": "x", "dn": "CN=x", "role_uids": [1], "uid": 17})",
                            api_error::uid_exists}}) {
    SCOPED_TRACE(c.body);
    const auto made = new_ldap_mapping(d, request_of(c.body));
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().error, c.code);
  }
}

TEST(ldap_mapping, an_update_changes_what_the_body_gives) {
  registry_data d = with_admins();
  d.ldap_mappings.emplace(18, ldap_mapping{18, "Viewers", "CN=v", "", {2}, true, {}, {}});
  const auto next = updated_ldap_mapping(
      d, 17, request_of(R"({"email": "", "role_uids": [2, 4], "cluster_email_alerts": true})"));
  ASSERT_TRUE(next) << next.error().description;
  EXPECT_EQ(next->name, "Admins");
  EXPECT_EQ(next->email, "");
  EXPECT_EQ(next->role_uids, (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(next->cluster_email_alerts, true);
  const auto check = [&](std::uint64_t uid, const char* body, api_error code) {
    SCOPED_TRACE(body);
    const auto r = updated_ldap_mapping(d, uid, request_of(body));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error, code);
  };
  check(17, R"({"name": "Viewers"})", api_error::name_already_exists);
  check(17, R"({"uid": 18})", api_error::invalid_schema);
  check(99, R"({"dn": "CN=z"})", api_error::ldap_mapping_not_exist);
  EXPECT_EQ(status_code_of(api_error::ldap_mapping_not_exist), 404u);
  EXPECT_EQ(status_code_of(api_error::name_already_exists), 409u);
}

TEST(ldap_mapping, a_record_round_trips_and_is_checked_like_a_body) {
  ldap_mapping m = with_admins().ldap_mappings.at(17);
  m.bdbs_email_alerts = std::vector<std::string>{"3"};
  m.cluster_email_alerts = false;
  const auto back = ldap_mapping_from_record(ldap_mapping_record(m), "ldap_mappings[0]");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(*back, m);
  json no_roles = ldap_mapping_record(m);
  no_roles.erase("role_uids");
  json bad_roles = ldap_mapping_record(m);
  bad_roles["role_uids"] = json::array();
  json bad_dn = ldap_mapping_record(m);
  bad_dn["dn"] = "";
  for (const json& bad : {no_roles, bad_roles, bad_dn}) {
    const auto r = ldap_mapping_from_record(bad, "ldap_mappings[2]");
    ASSERT_FALSE(r) << bad.dump();
    EXPECT_NE(r.error().description.find("ldap_mappings[2]"), std::string::npos)
        << r.error().description;
  }
}

}  // namespace
}  // namespace reemu
