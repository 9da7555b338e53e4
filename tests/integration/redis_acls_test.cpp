// Integration tests of the Redis ACLs family (/v1/redis_acls) over real
// HTTP: the predefined read-only Full Access, a create, read, update and
// delete, bad rules refused naming the rule, dry runs and the deprecated
// validate route, the permission table, a database binding an ACL to a
// role (roles_permissions) and the ACL then refused deletion, and the store
// kept across a restart on the state file. Every answer is checked against
// docs/openapi.json by the test client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

const json full_access = json::parse(R"({"acl":"+@all ~*","name":"Full Access","uid":1})");

class redis_acls_test : public manual_clock_test {
 protected:
  // POST /v1/redis_acls as the admin; the answer's body.
  json create(const json& body) {
    const auto r = srv.post("/v1/redis_acls", body);
    EXPECT_EQ(r.status, 200) << body << ": " << r.body;
    return r.json_body();
  }

  // A refusal: its status and error_code, and the description.
  static std::string refused(const response& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], code) << r.body;
    return r.json_body().value("description", "");
  }
};

TEST_F(redis_acls_test, a_fresh_cluster_lists_full_access) {
  const auto r = srv.get("/v1/redis_acls");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"([{"acl":"+@all ~*","name":"Full Access","uid":1}])");
  EXPECT_EQ(get_json("/v1/redis_acls/1"), full_access);
  const auto missing = srv.get("/v1/redis_acls/2");
  EXPECT_EQ(refused(missing, 404, "redis_acl_not_exist"), "Redis ACL 2 does not exist");
  refused(srv.get("/v1/redis_acls/abc"), 404, "redis_acl_not_exist");
}

TEST_F(redis_acls_test, create_get_update_delete) {
  const auto before = state_id(srv.get("/v1/redis_acls"));
  const json made = create({{"name", "Test_ACL_1"}, {"acl", "+@read +FT.INFO +FT.SEARCH"}});
  EXPECT_EQ(made, json::parse(R"({"acl":"+@read +FT.INFO +FT.SEARCH","name":"Test_ACL_1",
                                  "uid":2})"));
  EXPECT_EQ(state_id(srv.get("/v1/redis_acls")), before + 1) << "an ACL is configuration";
  EXPECT_EQ(get_json("/v1/redis_acls/2"), made);
  EXPECT_EQ(get_json("/v1/redis_acls").size(), 2u);

  const auto updated = put("/v1/redis_acls/2", {{"acl", "~* +@geo -@dangerous"}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json_body(),
            json::parse(R"({"acl":"~* +@geo -@dangerous","name":"Test_ACL_1","uid":2})"));
  // A GET's answer sent back whole is a valid update.
  const auto same = put("/v1/redis_acls/2", get_json("/v1/redis_acls/2"));
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(get_json("/v1/redis_acls/2")["acl"], "~* +@geo -@dangerous");

  const auto gone = srv.del("/v1/redis_acls/2");
  ASSERT_EQ(gone.status, 200) << gone.body;
  const std::string action_uid = gone.json_body()["action_uid"];
  EXPECT_EQ(action_uid.size(), 36u);
  EXPECT_EQ(gone.json_body().size(), 1u);
  refused(srv.get("/v1/redis_acls/2"), 404, "redis_acl_not_exist");
  refused(srv.del("/v1/redis_acls/2"), 404, "redis_acl_not_exist");
  EXPECT_EQ(get_json("/v1/redis_acls"), json::array({full_access}));
  // The next create counts on from the highest uid left.
  EXPECT_EQ(create({{"name", "Again"}, {"acl", "+get ~*"}})["uid"], 2);
  EXPECT_EQ(create({{"name", "Chosen"}, {"acl", "+get ~*"}, {"uid", 40}})["uid"], 40);
  EXPECT_EQ(create({{"name", "After"}, {"acl", ""}})["uid"], 41);
}

TEST_F(redis_acls_test, bad_acl_text_is_refused_naming_the_rule) {
  const auto r = srv.post("/v1/redis_acls", {{"name", "x"}, {"acl", "+@read +gett ~*"}});
  EXPECT_EQ(refused(r, 400, "invalid_param"), "Invalid ACL rule '+gett': unknown command 'gett'");
  const auto user_rule = srv.post("/v1/redis_acls", {{"name", "x"}, {"acl", "on +@all ~*"}});
  EXPECT_NE(refused(user_rule, 400, "invalid_param").find("'on'"), std::string::npos);
  create({{"name", "x"}, {"acl", "~*"}});
  const auto update = put("/v1/redis_acls/2", {{"acl", "+@all (+set ~a"}});
  EXPECT_NE(refused(update, 400, "invalid_param").find("'(+set'"), std::string::npos);
  EXPECT_EQ(get_json("/v1/redis_acls/2")["acl"], "~*");
}

TEST_F(redis_acls_test, refused_writes_change_nothing) {
  create({{"name", "Geo"}, {"acl", "~* +@geo"}});
  expect_refused_changing_nothing(
      {
          {http::verb::post, "/v1/redis_acls", R"({"name":"Geo","acl":"~*"})", 409,
           "name_already_exists"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"Full Access","acl":"~*"})", 409,
           "name_already_exists"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"x","acl":"~*","uid":2})", 409,
           "uid_exists"},
          {http::verb::post, "/v1/redis_acls", R"({"acl":"~*"})", 400, "missing_field"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"x"})", 400, "missing_field"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"x","acl":"~*","extra":1})", 400,
           "invalid_schema"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"x","acl":5})", 400, "invalid_schema"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"x","acl":)", 400, "invalid_schema"},
          {http::verb::post, "/v1/redis_acls", R"({"name":"a/b","acl":"~*"})", 400,
           "invalid_param"},
          {http::verb::put, "/v1/redis_acls/2", R"({"name":"Full Access"})", 409,
           "name_already_exists"},
          {http::verb::put, "/v1/redis_acls/2", R"({"uid":3})", 400, "invalid_schema"},
          {http::verb::put, "/v1/redis_acls/9", R"({"acl":"~*"})", 404, "redis_acl_not_exist"},
          {http::verb::delete_, "/v1/redis_acls/9", "", 404, "redis_acl_not_exist"},
      },
      {"/v1/redis_acls"});
}

TEST_F(redis_acls_test, full_access_is_read_only) {
  const auto change = put("/v1/redis_acls/1", {{"acl", "+@read ~*"}});
  EXPECT_EQ(refused(change, 409, "read_only_object"),
            "Cannot change a read-only object: Redis ACL 1 (Full Access)");
  const auto rename = put("/v1/redis_acls/1?dry_run", {{"name", "Everything"}});
  refused(rename, 409, "read_only_object");
  const auto remove = srv.del("/v1/redis_acls/1");
  EXPECT_EQ(refused(remove, 409, "read_only_object"),
            "Cannot delete a read-only object: Redis ACL 1 (Full Access)");
  EXPECT_EQ(get_json("/v1/redis_acls"), json::array({full_access}));
}

TEST_F(redis_acls_test, dry_runs_and_validate_change_nothing) {
  const auto list = srv.get("/v1/redis_acls");
  const json body = {{"name", "Readers"}, {"acl", "+@read ~*"}};
  for (const std::string target :
       {"/v1/redis_acls?dry_run", "/v1/redis_acls?dry_run=true", "/v1/redis_acls/validate"}) {
    SCOPED_TRACE(target);
    const auto r = srv.post(target, body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json_body(), json::parse(R"({"acl":"+@read ~*","name":"Readers","uid":2})"));
    const auto bad = srv.post(target, {{"name", "Readers"}, {"acl", "+@reed"}});
    EXPECT_NE(refused(bad, 400, "invalid_param").find("'+@reed'"), std::string::npos);
  }
  const auto after = srv.get("/v1/redis_acls");
  EXPECT_EQ(after.body, list.body);
  EXPECT_EQ(state_id(after), state_id(list));

  create(body);
  const auto dry = put("/v1/redis_acls/2?dry_run", {{"acl", "+@read -keys ~*"}});
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.json_body()["acl"], "+@read -keys ~*");
  EXPECT_EQ(get_json("/v1/redis_acls/2")["acl"], "+@read ~*");
  refused(put("/v1/redis_acls/2?dry_run", {{"acl", "+@read -kays"}}), 400, "invalid_param");
  // A real run after dry_run=false.
  EXPECT_EQ(srv.post("/v1/redis_acls?dry_run=false", {{"name", "Real"}, {"acl", "~*"}}).status,
            200);
  EXPECT_EQ(get_json("/v1/redis_acls").size(), 3u);
}

TEST_F(redis_acls_test, a_db_viewer_may_list_but_not_create) {
  EXPECT_EQ(srv.get("/v1/redis_acls", db_viewer).status, 200);
  EXPECT_EQ(srv.get("/v1/redis_acls/1", db_viewer).status, 200);
  EXPECT_EQ(srv.get("/v1/redis_acls", viewer).status, 200);
  const json body = {{"name", "x"}, {"acl", "~*"}};
  refused(srv.post("/v1/redis_acls", body, db_viewer), 403, "insufficient_permissions");
  refused(srv.post("/v1/redis_acls/validate", body, db_viewer), 403, "insufficient_permissions");
  refused(put("/v1/redis_acls/1", body, viewer), 403, "insufficient_permissions");
  refused(srv.del("/v1/redis_acls/1", db_viewer), 403, "insufficient_permissions");
  refused(srv.get("/v1/redis_acls", nobody), 403, "insufficient_permissions");
  EXPECT_EQ(srv.get("/v1/redis_acls", std::nullopt).status, 401);
  EXPECT_EQ(get_json("/v1/redis_acls").size(), 1u);
}

TEST_F(redis_acls_test, a_database_binds_an_acl_which_then_cannot_be_deleted) {
  const json acl = create({{"name", "Readers"}, {"acl", "+@read ~*"}});
  const json bindings = json::array({{{"role_uid", 1}, {"redis_acl_uid", acl["uid"]}}});
  const auto made = srv.post(
      "/v1/bdbs", {{"name", "bound"}, {"memory_size", 104857600}, {"roles_permissions", bindings}});
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(made.json_body()["roles_permissions"], bindings);
  const std::uint64_t uid = made.json_body()["uid"];
  EXPECT_EQ(get_json("/v1/bdbs/" + std::to_string(uid))["roles_permissions"], bindings);

  const auto in_use = srv.del("/v1/redis_acls/2");
  EXPECT_NE(refused(in_use, 406, "redis_acl_in_use").find("database " + std::to_string(uid)),
            std::string::npos);
  EXPECT_EQ(get_json("/v1/redis_acls/2"), acl);
  // It may still change: the database keeps the binding.
  EXPECT_EQ(put("/v1/redis_acls/2", {{"acl", "+@read -keys ~*"}}).status, 200);

  // Once the database binds Full Access instead (after its create), it may go.
  EXPECT_EQ(poll(made.json_body()["action_uid"])["status"], "completed");
  const auto rebound = put("/v1/bdbs/" + std::to_string(uid),
                           {{"roles_permissions", {{{"role_uid", 1}, {"redis_acl_uid", 1}}}}});
  ASSERT_EQ(rebound.status, 200) << rebound.body;
  EXPECT_EQ(srv.del("/v1/redis_acls/2").status, 200);
}

TEST_F(redis_acls_test, an_unknown_acl_in_roles_permissions_is_refused) {
  const auto bdbs = srv.get("/v1/bdbs");
  const auto unknown =
      srv.post("/v1/bdbs", {{"name", "unbound"},
                            {"memory_size", 104857600},
                            {"roles_permissions", {{{"role_uid", 1}, {"redis_acl_uid", 7}}}}});
  EXPECT_EQ(refused(unknown, 404, "redis_acl_not_exist"),
            "Redis ACL 7 does not exist (roles_permissions[0].redis_acl_uid)");
  const auto dry = srv.post("/v1/bdbs?dry_run",
                            {{"name", "unbound"},
                             {"memory_size", 104857600},
                             {"roles_permissions", {{{"role_uid", 1}, {"redis_acl_uid", 7}}}}});
  refused(dry, 404, "redis_acl_not_exist");
  const auto shape = srv.post("/v1/bdbs", {{"name", "unbound"},
                                           {"memory_size", 104857600},
                                           {"roles_permissions", {{{"role_uid", 1}}}}});
  EXPECT_NE(refused(shape, 400, "invalid_schema").find("roles_permissions[0].redis_acl_uid"),
            std::string::npos);
  const auto update =
      put("/v1/bdbs/1", {{"roles_permissions", {{{"role_uid", 1}, {"redis_acl_uid", 3}}}}});
  refused(update, 404, "redis_acl_not_exist");
  const auto after = srv.get("/v1/bdbs");
  EXPECT_EQ(after.body, bdbs.body);
  EXPECT_EQ(state_id(after), state_id(bdbs));
}

// The store is kept by the state file: a restart has the ACLs as they were.
TEST(redis_acls_state, the_acls_outlive_a_restart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-redis-acls-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(
        t0, [&](json& doc) { doc["emulator"]["state_file"] = (dir / "state.json").string(); });
  };
  json kept;
  {
    test_server srv{cfg()};
    ASSERT_EQ(srv.post("/v1/redis_acls", {{"name", "Geo"}, {"acl", "~* +@geo"}}).status, 200);
    ASSERT_EQ(srv.post("/v1/redis_acls", {{"name", "Gone"}, {"acl", "~*"}}).status, 200);
    ASSERT_EQ(srv.call(http::verb::put, "/v1/redis_acls/2", admin, R"({"acl":"~* -@geo"})").status,
              200);
    ASSERT_EQ(srv.del("/v1/redis_acls/3").status, 200);
    kept = srv.get("/v1/redis_acls").json_body();
    ASSERT_EQ(kept.size(), 2u);
  }
  {
    test_server srv{cfg()};
    EXPECT_EQ(srv.get("/v1/redis_acls").json_body(), kept);
    EXPECT_EQ(srv.post("/v1/redis_acls", {{"name", "Next"}, {"acl", "~*"}}).json_body()["uid"], 3);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
