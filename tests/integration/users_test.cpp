// Integration tests of the users and roles routes over real HTTP on the
// manual clock: one identity store. A role made with POST /v1/roles (each
// management role) is held by a user made with POST /v1/users; that user's
// Basic credentials and token have exactly the role's permissions, follow
// a change of its management, and stop at its deletion. Refusals (duplicate
// email, weak password, unknown role, last admin, role in use) answer the
// cluster's status and code and change nothing; dry runs change nothing;
// a restart on the state file keeps users and roles. Every answer is
// checked against docs/openapi.json by the test client; the user object
// against the real capture.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "captures.hpp"
#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

// Credentials of a user a test makes (credentials holds views).
struct login {
  std::string email;
  std::string password;
  credentials as() const { return {email, password}; }
};

// The capture's clock time: 2025-10-14T00:01:06Z, the password_issue_date
// of tests/data/user_single.json.
constexpr double capture_time = 1760400066;

class users_test : public manual_clock_test {
 protected:
  response call_as(http::verb method, const std::string& target, const login& who,
                   const json& body = json()) {
    return srv.call(method, target, who.as(), body.is_null() ? "" : body.dump());
  }

  response with_token(http::verb method, const std::string& target, const std::string& token,
                      const json& body = json()) {
    request r = make_request(method, target, std::nullopt, body.is_null() ? "" : body.dump());
    r.headers.emplace_back("Authorization", "JWT " + token);
    return srv.call(r);
  }

  // A token for `who` from POST /v1/users/authorize with Basic credentials.
  std::string token_for(const login& who) {
    const auto r = call_as(http::verb::post, "/v1/users/authorize", who);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("access_token", "");
  }

  // POST as the admin; the answer's body, which must be 200.
  json created(const std::string& target, const json& body) {
    const auto r = srv.post(target, body);
    EXPECT_EQ(r.status, 200) << target << " " << body.dump() << ": " << r.body;
    return r.json_body();
  }

  // What a refused request must leave as it was.
  struct observed {
    std::string users, roles;
    std::uint64_t state_id;
    bool operator==(const observed&) const = default;
  };
  observed observe() {
    const auto users = srv.get("/v1/users");
    return {users.body, srv.get("/v1/roles").body, state_id(users)};
  }

  // Each request, as the admin, answers `status` and `code`; users, roles
  // and the cluster-state-id stay as they were.
  void expect_refused(const std::vector<refusal>& requests) {
    const observed before = observe();
    for (const auto& r : requests) {
      SCOPED_TRACE(std::string(http::to_string(r.method)) + " " + r.target + " " + r.body);
      const auto got = srv.call(r.method, r.target, admin, r.body);
      EXPECT_EQ(got.status, r.status) << got.body;
      EXPECT_EQ(got.json_body()["error_code"], r.code) << got.body;
    }
    EXPECT_EQ(observe(), before);
  }
};

// ---- The user object ----------------------------------------------------------

TEST(users_capture, the_admin_is_the_capture_byte_for_byte) {
  test_server srv{manual_clock_config(capture_time)};
  const auto one = srv.get("/v1/users/1");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body, capture("user_single.json"));
  const auto list = srv.get("/v1/users");
  ASSERT_EQ(list.status, 200);
  const json users = list.json_body();
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0].dump(), capture("user_single.json"));
  // The others have the capture's keys, in its order, with its types.
  const json shape = json::parse(capture("user_single.json"));
  for (const json& u : users) {
    SCOPED_TRACE(u.dump());
    ASSERT_EQ(u.size(), shape.size());
    for (auto a = u.begin(), b = shape.begin(); a != u.end(); ++a, ++b) {
      EXPECT_EQ(a.key(), b.key());
      EXPECT_EQ(a->type(), b->type());
    }
  }
  EXPECT_EQ(users[1]["email"], "viewer@redis.local");
  EXPECT_EQ(users[1]["uid"], 2);
  EXPECT_EQ(users[1]["role"], "cluster_viewer");
  EXPECT_EQ(users[1]["name"], "viewer@redis.local");  // no name in the config: the email
  EXPECT_EQ(users[3]["role"], "none");
}

TEST(users_capture, the_seed_has_one_role_per_management_role_its_users_hold) {
  test_server srv{manual_clock_config()};
  EXPECT_EQ(srv.get("/v1/roles").json_body(), json::parse(R"([
    {"management":"admin","name":"Admin","uid":1},
    {"management":"cluster_viewer","name":"Cluster Viewer","uid":2},
    {"management":"db_viewer","name":"DB Viewer","uid":3},
    {"management":"none","name":"None","uid":4}])"));
  EXPECT_EQ(srv.get("/v1/roles/1").body, R"({"management":"admin","name":"Admin","uid":1})");
  EXPECT_EQ(srv.get("/v1/users/2").json_body()["role_uids"], json::array({2}));
}

// ---- A custom role, its user, Basic and JWT -------------------------------------

// One allowed and one forbidden request per management role (nullopt: the
// role has every permission).
struct probe {
  http::verb method;
  std::string_view target;
  std::string_view body;
};
struct management_case {
  std::string_view management;
  probe allowed;
  std::optional<probe> forbidden;
};

constexpr probe users_list{http::verb::get, "/v1/users", ""};
constexpr probe cluster_read{http::verb::get, "/v1/cluster", ""};
constexpr probe bdbs_read{http::verb::get, "/v1/bdbs", ""};
constexpr probe cluster_write{http::verb::put, "/v1/cluster", "{}"};
constexpr probe own_role{http::verb::get, "/v1/users/role", ""};

constexpr management_case management_cases[] = {
    {"admin", cluster_write, std::nullopt},
    {"cluster_member", bdbs_read, users_list},
    {"cluster_viewer", cluster_read, users_list},
    {"db_member", bdbs_read, users_list},
    {"db_viewer", bdbs_read, cluster_write},
    {"user_manager", users_list, cluster_write},
    {"none", own_role, cluster_read},
};

TEST_F(users_test, a_custom_roles_user_has_exactly_its_permissions_by_basic_and_by_token) {
  int n = 0;
  for (const auto& c : management_cases) {
    const std::string management(c.management);
    SCOPED_TRACE(management);
    ++n;
    const json role =
        created("/v1/roles", {{"name", "Custom " + management}, {"management", management}});
    EXPECT_EQ(role["management"], management);
    const std::uint64_t role_uid = role["uid"];
    const login who{"custom" + std::to_string(n) + "@test.local", "Passw0rd-" + std::to_string(n)};
    const json user = created("/v1/users", {{"email", who.email},
                                            {"password", who.password},
                                            {"name", "Custom user " + std::to_string(n)},
                                            {"role_uids", {role_uid}}});
    EXPECT_EQ(user["role"], management);
    EXPECT_EQ(user["role_uids"], json::array({role_uid}));
    EXPECT_FALSE(user.contains("password"));
    const std::string uid = std::to_string(user["uid"].get<std::uint64_t>());
    const std::string token = token_for(who);

    const auto status_of = [&](const probe& p, bool by_token) {
      const json body = p.body.empty() ? json() : json::parse(p.body);
      const std::string target(p.target);
      return (by_token ? with_token(p.method, target, token, body)
                       : call_as(p.method, target, who, body))
          .status;
    };
    for (const bool by_token : {false, true}) {
      SCOPED_TRACE(by_token ? "token" : "basic");
      EXPECT_EQ(status_of(c.allowed, by_token), 200u);
      if (c.forbidden) {
        const auto refused =
            by_token
                ? with_token(c.forbidden->method, std::string(c.forbidden->target), token,
                             c.forbidden->body.empty() ? json() : json::parse(c.forbidden->body))
                : call_as(c.forbidden->method, std::string(c.forbidden->target), who,
                          c.forbidden->body.empty() ? json() : json::parse(c.forbidden->body));
        EXPECT_EQ(refused.status, 403u);
        EXPECT_EQ(refused.json_body()["error_code"], "insufficient_permissions");
        EXPECT_NE(refused.json_body()["description"].get<std::string>().find(
                      "with role " + management + " lacks permission"),
                  std::string::npos)
            << refused.body;
      }
      EXPECT_EQ(call_as(http::verb::get, "/v1/users/role", who).json_body()["role"], management);
    }

    // A new management role applies at the next request, to Basic and token.
    const std::string other = management == "none" ? "admin" : "none";
    const auto changed = put("/v1/roles/" + std::to_string(role_uid), {{"management", other}});
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(changed.json_body()["management"], other);
    EXPECT_EQ(get_json("/v1/users/" + uid)["role"], other);
    if (other == "none") {
      EXPECT_EQ(status_of(c.allowed, false), c.allowed.target == "/v1/users/role" ? 200u : 403u);
      EXPECT_EQ(status_of(c.allowed, true), c.allowed.target == "/v1/users/role" ? 200u : 403u);
      EXPECT_EQ(status_of(cluster_read, true), 403u);
    } else {
      EXPECT_EQ(status_of(*c.forbidden, false), 200u);
      EXPECT_EQ(status_of(*c.forbidden, true), 200u);
    }

    // Deleted: its Basic credentials and its token are refused, also on a
    // keep-alive connection that had authenticated them.
    client kept(srv.http_port());
    request cached = make_request(http::verb::get, "/v1/users/role", who.as());
    EXPECT_EQ(kept.send(cached).status, 200u);
    const auto gone = srv.del("/v1/users/" + uid);
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(gone.json_body()["action_uid"].get<std::string>().size(), 36u);
    EXPECT_EQ(call_as(http::verb::get, "/v1/users/role", who).status, 401u);
    EXPECT_EQ(with_token(http::verb::get, "/v1/users/role", token).status, 401u);
    EXPECT_EQ(kept.send(cached).status, 401u);
    EXPECT_EQ(srv.get("/v1/users/" + uid).status, 404u);
    EXPECT_EQ(srv.del("/v1/roles/" + std::to_string(role_uid)).status, 200u);  // unused now
  }
}

// A user deleted and created again with the same email and password has a
// new uid: the old token does not admit the new user.
TEST_F(users_test, a_token_does_not_pass_to_a_user_created_again) {
  const login who{"twin@test.local", "Twin-Pass-1"};
  const json body = {{"email", who.email}, {"password", who.password}, {"role_uids", {2}}};
  const json first = created("/v1/users", body);
  const std::string token = token_for(who);
  EXPECT_EQ(with_token(http::verb::get, "/v1/cluster", token).status, 200u);
  ASSERT_EQ(srv.del("/v1/users/" + first["uid"].dump()).status, 200u);
  const json second = created("/v1/users", body);
  EXPECT_GT(second["uid"].get<int>(), first["uid"].get<int>());  // uids are not reused
  EXPECT_EQ(with_token(http::verb::get, "/v1/cluster", token).status, 401u);
  EXPECT_EQ(call_as(http::verb::get, "/v1/cluster", who).status, 200u);
}

// The control API's users are the same store: made there, listed here and
// back, by management name.
TEST_F(users_test, the_control_api_steers_the_same_users) {
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "ops@x"}, {"password", "p"}, {"role", "user_manager"}})
                .status,
            201u);
  const json roles = get_json("/v1/roles");
  ASSERT_EQ(roles.size(), 5u);
  EXPECT_EQ(roles[4],
            json::parse(R"({"management":"user_manager","name":"User Manager","uid":5})"));
  const json users = get_json("/v1/users");
  ASSERT_EQ(users.size(), 5u);
  EXPECT_EQ(users[4]["email"], "ops@x");
  EXPECT_EQ(users[4]["uid"], 5);
  EXPECT_EQ(users[4]["role_uids"], json::array({5}));
  EXPECT_EQ(srv.get("/v1/users", credentials{"ops@x", "p"}).status, 200u);
  const auto made = created(
      "/v1/users", {{"email", "dev@test.local"}, {"password", "Dev-12345"}, {"role", "db_viewer"}});
  EXPECT_EQ(made["role_uids"], json::array({3}));
  const json listed = get_json("/emulator/v1/users")["users"];
  bool found = false;
  for (const json& u : listed)
    found = found || u == json{{"email", "dev@test.local"}, {"role", "db_viewer"}};
  EXPECT_TRUE(found) << listed;
}

// ---- Refusals -----------------------------------------------------------------------

TEST_F(users_test, refusals_answer_the_clusters_code_and_change_nothing) {
  // A database grants role 5 (made here) in its roles_permissions.
  const json role = created("/v1/roles", {{"name", "Bound"}, {"management", "db_member"}});
  const json grant = {{"role_uid", 5}, {"redis_acl_uid", 1}};
  const auto bound = put("/v1/bdbs/1", {{"roles_permissions", json::array({grant})}});
  ASSERT_EQ(bound.status, 200) << bound.body;
  ASSERT_EQ(role["uid"], 5);
  // An LDAP mapping grants role 6 (made here).
  ASSERT_EQ(created("/v1/roles", {{"name", "Mapped"}, {"management", "db_viewer"}})["uid"], 6);
  created("/v1/ldap_mappings", {{"name", "Ops"}, {"dn", "CN=ops"}, {"role_uids", {6}}});
  using v = http::verb;
  const std::string fine = R"("email":"new@test.local","password":"Good-Pass-1")";
  expect_refused({
      {v::post, "/v1/users",
       R"({"email":"viewer@redis.local","password":"Good-Pass-1","role_uids":[1]})", 409,
       "email_already_exists"},
      {v::post, "/v1/users", "{" + fine + R"(,"name":"viewer@redis.local","role_uids":[1]})", 409,
       "name_already_exists"},
      {v::post, "/v1/users", "{" + fine + R"(,"uid":2,"role_uids":[1]})", 409, "uid_exists"},
      {v::post, "/v1/users", R"({"email":"new@test.local","password":"short","role_uids":[1]})",
       400, "password_not_complex"},
      {v::post, "/v1/users", "{" + fine + R"(,"role_uids":[99]})", 400, "invalid_role_uids_param"},
      {v::post, "/v1/users", "{" + fine + R"(,"role":"cluster_member"})", 400, "role_not_exist"},
      {v::post, "/v1/users", "{" + fine + R"(,"role":"boss"})", 400, "invalid_schema"},
      {v::post, "/v1/users", "{" + fine + R"(,"role_uids":[1],"admin":true})", 400,
       "invalid_schema"},
      {v::post, "/v1/users", "{" + fine + R"(,"role_uids":[]})", 400, "invalid_role_uids_param"},
      {v::post, "/v1/users", "{" + fine + "}", 400, "missing_field"},
      {v::post, "/v1/users", R"({"email":"not-an-email","password":"Good-Pass-1","role_uids":[1]})",
       400, "invalid_schema"},
      {v::post, "/v1/users", "{" + fine + R"(,"role_uids":[1],"role":"db_viewer"})", 400,
       "invalid_schema"},
      {v::post, "/v1/users", "[1]", 400, "invalid_schema"},
      {v::put, "/v1/users/9", R"({"name":"x"})", 404, "user_not_exist"},
      {v::put, "/v1/users/2", R"({"email":"admin@redis.local"})", 409, "email_already_exists"},
      {v::put, "/v1/users/2", R"({"password":"Viewer123!"})", 400, "new_password_same_as_current"},
      {v::put, "/v1/users/1", R"({"role_uids":[2]})", 406, "change_last_admin_role_not_allowed"},
      {v::delete_, "/v1/users/1", "", 406, "change_last_admin_role_not_allowed"},
      {v::delete_, "/v1/users/9", "", 404, "user_not_exist"},
      {v::post, "/v1/roles", R"({"name":"Admin","management":"db_viewer"})", 409,
       "name_already_exists"},
      {v::post, "/v1/roles", R"({"name":"X"})", 400, "missing_field"},
      {v::post, "/v1/roles", R"({"name":"X","management":"boss"})", 400, "invalid_schema"},
      {v::post, "/v1/roles", R"({"name":"X<y>","management":"none"})", 400, "invalid_schema"},
      {v::post, "/v1/roles",
       R"({"name":"X","management":"none","resources":[{"type":"node","uids":[]}]})", 400,
       "unsupported_resource"},
      {v::put, "/v1/roles/1", R"({"management":"db_viewer"})", 406,
       "change_last_admin_role_not_allowed"},
      {v::put, "/v1/roles/2", R"({"name":"DB Viewer"})", 409, "name_already_exists"},
      {v::put, "/v1/roles/9", R"({"name":"Y"})", 404, "role_not_exist"},
      {v::delete_, "/v1/roles/2", "", 406, "role_in_use"},
      {v::delete_, "/v1/roles/5", "", 406, "role_in_use"},
      {v::delete_, "/v1/roles/6", "", 406, "role_in_use"},
      {v::post, "/v1/ldap_mappings", R"({"name":"X","dn":"CN=x","role_uids":[99]})", 400,
       "invalid_role_uids_param"},
      {v::put, "/v1/bdbs/2", R"({"roles_permissions":[{"role_uid":99,"redis_acl_uid":1}]})", 404,
       "role_not_exist"},
      {v::delete_, "/v1/roles/9", "", 404, "role_not_exist"},
  });
  EXPECT_EQ(srv.get("/v1/roles/9").json_body()["error_code"], "role_not_exist");
  EXPECT_EQ(srv.get("/v1/users/9").json_body()["error_code"], "user_not_exist");
}

TEST_F(users_test, the_password_rules_are_the_clusters) {
  const std::string body_start = R"({"email":"pw@test.local","role_uids":[2],"password":")";
  const auto create = [&](const std::string& password) {
    return srv.call(http::verb::post, "/v1/users", admin, body_start + password + "\"}");
  };
  const auto policy = put("/v1/cluster", {{"password_min_length", 12}});
  ASSERT_EQ(policy.status, 200) << policy.body;
  EXPECT_EQ(policy.json_body()["password_min_length"], 12);
  EXPECT_EQ(get_json("/v1/cluster")["password_min_length"], 12);
  expect_refused({
      {http::verb::post, "/v1/users", body_start + "elevenchars\"}", 400, "password_not_complex"},
      {http::verb::put, "/v1/users/2", R"({"password":"Short-1"})", 400, "password_not_complex"},
      {http::verb::put, "/v1/cluster", R"({"password_min_length":7})", 400, "invalid_schema"},
      {http::verb::put, "/v1/cluster", R"({"name":"other"})", 400, "invalid_schema"},
      {http::verb::put, "/v1/cluster", R"({"nonsense":1})", 400, "invalid_schema"},
  });
  ASSERT_EQ(put("/v1/cluster", {{"password_complexity", true}}).status, 200);
  EXPECT_EQ(get_json("/v1/cluster")["password_complexity"], true);
  for (const char* weak : {"alllowercase-1", "ALLUPPERCASE-1", "NoDigitsHere-!", "NoSpecials123",
                           "Pw@test.local-1X", "Abbbb-1234567", "lacol.tset@wp-1X"}) {
    SCOPED_TRACE(weak);
    const auto r = create(weak);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.json_body()["error_code"], "password_not_complex") << r.body;
  }
  EXPECT_EQ(create("Strong-Pass-12").status, 200u);
  EXPECT_EQ(srv.get("/v1/users", credentials{"pw@test.local", "Strong-Pass-12"}).status, 403u);
}

TEST_F(users_test, dry_runs_change_nothing) {
  const observed before = observe();
  const auto user =
      srv.call(http::verb::post, "/v1/users?dry_run", admin,
               R"({"email":"dry@test.local","password":"Dry-Pass-1","role_uids":[3]})");
  ASSERT_EQ(user.status, 200) << user.body;
  EXPECT_EQ(user.json_body()["email"], "dry@test.local");
  EXPECT_EQ(user.json_body()["uid"], 5);
  const auto role = srv.call(http::verb::post, "/v1/roles?dry_run=true", admin,
                             R"({"name":"Dry","management":"db_member"})");
  ASSERT_EQ(role.status, 200) << role.body;
  EXPECT_EQ(role.json_body()["uid"], 5);
  const auto renamed =
      srv.call(http::verb::put, "/v1/roles/2?dry_run", admin, R"({"name":"Renamed"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json_body()["name"], "Renamed");
  const auto edited = srv.call(http::verb::put, "/v1/users/2?dry_run", admin,
                               R"({"name":"Dry name","password":"Another-Pass-1"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json_body()["name"], "Dry name");
  const auto deleted = srv.call(http::verb::delete_, "/v1/roles/4?dry_run", admin);
  EXPECT_EQ(deleted.status, 406u);  // held by nobody@redis.local: the same check
  EXPECT_EQ(observe(), before);
  ASSERT_EQ(srv.del("/v1/users/4").status, 200u);
  const observed after_delete = observe();
  EXPECT_EQ(srv.call(http::verb::delete_, "/v1/roles/4?dry_run", admin).status, 200u);
  EXPECT_EQ(observe(), after_delete);
  EXPECT_EQ(srv.get("/v1/roles/4").status, 200u);
  // A refused dry run answers as the real run would.
  EXPECT_EQ(srv.call(http::verb::post, "/v1/users?dry_run", admin,
                     R"({"email":"admin@redis.local","password":"Dry-Pass-1","role_uids":[3]})")
                .status,
            409u);
  EXPECT_EQ(get_json("/v1/users").size(), 3u);
  EXPECT_EQ(srv.get("/v1/users/2", viewer).status, 200u);  // the password did not change
}

// ---- A user's own record and password -----------------------------------------

TEST_F(users_test, a_user_edits_only_their_own_profile_and_password) {
  const login me{"viewer@redis.local", "Viewer123!"};
  EXPECT_EQ(call_as(http::verb::get, "/v1/users/2", me).status, 200u);
  EXPECT_EQ(call_as(http::verb::get, "/v1/users/1", me).status, 403u);
  EXPECT_EQ(call_as(http::verb::get, "/v1/users", me).status, 403u);
  const auto renamed = call_as(http::verb::put, "/v1/users/2", me,
                               {{"name", "Vera Viewer"},
                                {"email_alerts", false},
                                {"bdbs_email_alerts", {"1"}},
                                {"cluster_email_alerts", true}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json_body()["name"], "Vera Viewer");
  EXPECT_EQ(renamed.json_body()["bdbs_email_alerts"], json::array({"1"}));
  EXPECT_EQ(renamed.json_body()["cluster_email_alerts"], true);
  EXPECT_EQ(call_as(http::verb::put, "/v1/users/2", me, {{"role_uids", {1}}}).status, 403u);
  EXPECT_EQ(call_as(http::verb::put, "/v1/users/2", me, {{"email", "v@test.local"}}).status, 403u);
  EXPECT_EQ(call_as(http::verb::put, "/v1/users/3", me, {{"name", "x"}}).status, 403u);

  // Their password, through PUT /v1/users/{uid} and /v1/users/password.
  advance(60);
  const auto changed = call_as(http::verb::put, "/v1/users/2", me, {{"password", "Changed-1"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json_body()["password_issue_date"], "2025-10-09T08:54:20Z");
  EXPECT_EQ(call_as(http::verb::get, "/v1/users/2", me).status, 401u);
  const login renewed{"viewer@redis.local", "Changed-1"};
  const auto again = call_as(http::verb::put, "/v1/users/password", renewed,
                             {{"new_password", "Changed-2"}, {"old_password", "ignored"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, "{}");
  const login latest{"viewer@redis.local", "Changed-2"};
  EXPECT_EQ(call_as(http::verb::get, "/v1/users/2", latest).status, 200u);
  const auto same =
      call_as(http::verb::post, "/v1/users/password", latest, {{"new_password", "Changed-2"}});
  EXPECT_EQ(same.json_body()["error_code"], "new_password_same_as_current");
  const auto others = call_as(http::verb::put, "/v1/users/password", latest,
                              {{"username", "admin@redis.local"}, {"new_password", "Hijack-123"}});
  EXPECT_EQ(others.status, 403u);
  EXPECT_EQ(others.json_body()["error_code"], "unauthorized_action");
  const auto last =
      call_as(http::verb::delete_, "/v1/users/password", latest, {{"old_password", "Changed-2"}});
  EXPECT_EQ(last.status, 400u);
  EXPECT_EQ(last.json_body()["error_code"], "cannot_delete_last_password");
  const auto unknown =
      call_as(http::verb::delete_, "/v1/users/password", latest, {{"old_password", "Never-set-1"}});
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json_body()["error_code"], "password_not_exist");

  // An admin sets anyone's.
  const auto reset = srv.call(http::verb::post, "/v1/users/password", admin,
                              R"({"username":"viewer@redis.local","new_password":"Viewer123!"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(call_as(http::verb::get, "/v1/users/2", me).status, 200u);
  EXPECT_EQ(srv.call(http::verb::put, "/v1/users/password", admin,
                     R"({"username":"ghost@redis.local","new_password":"Ghost-123"})")
                .json_body()["error_code"],
            "user_not_exist");
}

TEST_F(users_test, permissions_by_role) {
  const json all = get_json("/v1/users/permissions");
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all["none"]["api_permissions"], json::array());
  const auto& admin_permissions = all["admin"]["api_permissions"];
  EXPECT_NE(std::find(admin_permissions.begin(), admin_permissions.end(), "update_cluster"),
            admin_permissions.end());
  const auto one = srv.get("/v1/users/permissions/db_viewer", db_viewer);
  ASSERT_EQ(one.status, 200u);
  ASSERT_EQ(one.json_body().size(), 1u);
  EXPECT_EQ(one.json_body()["db_viewer"], all["db_viewer"]);
  EXPECT_EQ(srv.get("/v1/users/permissions/boss").json_body()["error_code"], "role_not_exist");
  EXPECT_EQ(srv.get("/v1/users/role", nobody).body, R"({"role":"none"})");
}

// ---- Persistence ------------------------------------------------------------------

TEST(users_state_file, a_restart_keeps_users_roles_and_their_uids) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-users-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(1760000000, [&](json& doc) {
      doc["emulator"]["state_file"] = (dir / "state.json").string();
    });
  };
  std::string users, roles;
  {
    test_server srv{cfg()};
    ASSERT_EQ(srv.post("/v1/roles", {{"name", "Ops"},
                                     {"management", "cluster_member"},
                                     {"resources", {{{"type", "db"}, {"uids", {"1"}}}}}})
                  .status,
              200u);
    ASSERT_EQ(
        srv.post("/v1/users",
                 {{"email", "ops@test.local"}, {"password", "Ops-Pass-1"}, {"role_uids", {5, 3}}})
            .status,
        200u);
    ASSERT_EQ(srv.del("/v1/users/4").status, 200u);
    ASSERT_EQ(
        srv.call(http::verb::put, "/v1/cluster", admin, R"({"password_min_length":10})").status,
        200u);
    users = srv.get("/v1/users").body;
    roles = srv.get("/v1/roles").body;
  }
  test_server srv{cfg()};
  EXPECT_EQ(srv.get("/v1/users").body, users);
  EXPECT_EQ(srv.get("/v1/roles").body, roles);
  EXPECT_EQ(srv.get("/v1/cluster").json_body()["password_min_length"], 10);
  EXPECT_EQ(srv.get("/v1/users/role", credentials{"ops@test.local", "Ops-Pass-1"}).body,
            R"({"role":"cluster_member"})");
  // Uid 5 was given and 4 deleted: the next user is 6.
  const auto next = srv.post(
      "/v1/users", {{"email", "next@test.local"}, {"password", "Next-Pass-1"}, {"role_uids", {1}}});
  ASSERT_EQ(next.status, 200u) << next.body;
  EXPECT_EQ(next.json_body()["uid"], 6);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
