// Integration tests of the LDAP mappings family (/v1/ldap_mappings) over
// real HTTP: a create, read, update and delete, the documented error codes,
// refused writes that change nothing, the permission table (user admins
// only) and the mappings kept across a restart on the state file. Every
// answer is checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

// The documentation's example mapping.
const json admins = json::parse(R"({"name": "Admins", "dn": "OU=ops.group,DC=redislabs,DC=com",
                                    "email": "ops.group@redislabs.com", "role_uids": [1]})");

class ldap_mappings_test : public manual_clock_test {
 protected:
  static std::string refused(const response& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], code) << r.body;
    return r.json_body().value("description", "");
  }
};

TEST_F(ldap_mappings_test, create_get_update_delete) {
  const auto empty = srv.get("/v1/ldap_mappings");
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "[]");

  const auto made = srv.post("/v1/ldap_mappings", admins);
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(made.body,
            R"({"dn":"OU=ops.group,DC=redislabs,DC=com","email":"ops.group@redislabs.com",)"
            R"("email_alerts":true,"name":"Admins","role_uids":[1],"uid":1})");
  EXPECT_EQ(state_id(srv.get("/v1/ldap_mappings")), state_id(empty) + 1);
  EXPECT_EQ(get_json("/v1/ldap_mappings/1"), made.json_body());
  EXPECT_EQ(get_json("/v1/ldap_mappings"), json::array({made.json_body()}));

  const auto updated = put("/v1/ldap_mappings/1", {{"email_alerts", false},
                                                   {"role_uids", {2, 4}},
                                                   {"bdbs_email_alerts", {"1", "2"}},
                                                   {"cluster_email_alerts", true}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  const json now = updated.json_body();
  EXPECT_EQ(now["email_alerts"], false);
  EXPECT_EQ(now["role_uids"], json::array({2, 4}));
  EXPECT_EQ(now["bdbs_email_alerts"], json::array({"1", "2"}));
  EXPECT_EQ(now["cluster_email_alerts"], true);
  EXPECT_EQ(now["name"], "Admins");
  EXPECT_EQ(get_json("/v1/ldap_mappings/1"), now);
  // A GET's answer sent back whole is a valid update.
  EXPECT_EQ(put("/v1/ldap_mappings/1", now).status, 200);

  const auto second = srv.post("/v1/ldap_mappings",
                               {{"name", "Viewers"}, {"dn", "CN=viewers"}, {"role_uids", {2}}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json_body()["uid"], 2);
  EXPECT_EQ(second.json_body()["email"], "");

  const auto gone = srv.del("/v1/ldap_mappings/1");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(gone.json_body()["action_uid"].get<std::string>().size(), 36u);
  refused(srv.get("/v1/ldap_mappings/1"), 404, "ldap_mapping_not_exist");
  EXPECT_EQ(refused(srv.del("/v1/ldap_mappings/1"), 404, "ldap_mapping_not_exist"),
            "LDAP mapping 1 does not exist");
  EXPECT_EQ(get_json("/v1/ldap_mappings").size(), 1u);
}

TEST_F(ldap_mappings_test, refused_writes_change_nothing) {
  ASSERT_EQ(srv.post("/v1/ldap_mappings", admins).status, 200);
  expect_refused_changing_nothing(
      {
          {http::verb::post, "/v1/ldap_mappings", admins.dump(), 409, "name_already_exists"},
          {http::verb::post, "/v1/ldap_mappings", R"({"name":"x","role_uids":[1]})", 400,
           "missing_field"},
          {http::verb::post, "/v1/ldap_mappings", R"({"name":"x","dn":"CN=x"})", 400,
           "missing_field"},
          {http::verb::post, "/v1/ldap_mappings", R"({"dn":"CN=x","role_uids":[1]})", 400,
           "missing_field"},
          {http::verb::post, "/v1/ldap_mappings", R"({"name":"x","dn":" ","role_uids":[1]})", 400,
           "invalid_dn_param"},
          {http::verb::post, "/v1/ldap_mappings", R"({"name":"x<y","dn":"CN=x","role_uids":[1]})",
           400, "invalid_name_param"},
          {http::verb::post, "/v1/ldap_mappings", R"({"name":"x","dn":"CN=x","role_uids":[]})", 400,
           "invalid_role_uids_param"},
          {http::verb::post, "/v1/ldap_mappings", R"({"name":"x","dn":"CN=x","role_uids":[0]})",
           400, "invalid_role_uids_param"},
          {http::verb::post, "/v1/ldap_mappings",
           R"({"name":"x","dn":"CN=x","role_uids":[1],"email":"nope"})", 400, "invalid_schema"},
          {http::verb::post, "/v1/ldap_mappings",
           R"({"name":"x","dn":"CN=x","role_uids":[1],"account_id":1})", 400, "invalid_schema"},
          {http::verb::post, "/v1/ldap_mappings",
           R"({"name":"x","dn":"CN=x","role_uids":[1],"uid":1})", 409, "uid_exists"},
          {http::verb::put, "/v1/ldap_mappings/1", R"({"role_uids":["1"]})", 400,
           "invalid_role_uids_param"},
          {http::verb::put, "/v1/ldap_mappings/1", R"({"uid":2})", 400, "invalid_schema"},
          {http::verb::put, "/v1/ldap_mappings/7", R"({"dn":"CN=y"})", 404,
           "ldap_mapping_not_exist"},
          {http::verb::delete_, "/v1/ldap_mappings/7", "", 404, "ldap_mapping_not_exist"},
      },
      {"/v1/ldap_mappings"});
}

TEST_F(ldap_mappings_test, only_user_admins_see_or_change_them) {
  ASSERT_EQ(srv.post("/v1/ldap_mappings", admins).status, 200);
  for (const auto& who : {viewer, db_viewer, nobody}) {
    SCOPED_TRACE(std::string(who.email));
    refused(srv.get("/v1/ldap_mappings", who), 403, "insufficient_permissions");
    refused(srv.get("/v1/ldap_mappings/1", who), 403, "insufficient_permissions");
    refused(srv.post("/v1/ldap_mappings", admins, who), 403, "insufficient_permissions");
    refused(put("/v1/ldap_mappings/1", {{"dn", "CN=z"}}, who), 403, "insufficient_permissions");
    refused(srv.del("/v1/ldap_mappings/1", who), 403, "insufficient_permissions");
  }
  EXPECT_EQ(get_json("/v1/ldap_mappings/1")["dn"], admins["dn"]);
}

TEST(ldap_mappings_state, the_mappings_outlive_a_restart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-ldap-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(
        t0, [&](json& doc) { doc["emulator"]["state_file"] = (dir / "state.json").string(); });
  };
  json kept;
  {
    test_server srv{cfg()};
    ASSERT_EQ(srv.post("/v1/ldap_mappings", admins).status, 200);
    json second = {{"name", "Viewers"},
                   {"dn", "CN=viewers"},
                   {"role_uids", {2}},
                   {"bdbs_email_alerts", {"all"}},
                   {"cluster_email_alerts", false}};
    ASSERT_EQ(srv.post("/v1/ldap_mappings", second).status, 200);
    kept = srv.get("/v1/ldap_mappings").json_body();
  }
  {
    test_server srv{cfg()};
    EXPECT_EQ(srv.get("/v1/ldap_mappings").json_body(), kept);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
