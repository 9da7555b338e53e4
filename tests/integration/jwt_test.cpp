// Integration tests of the JWT routes over real HTTP on the manual clock:
// authorize, the token on other routes (JWT and Bearer schemes), expiry by
// the emulator's clock (also on a keep-alive connection that the auth cache
// serves), refresh, ttl validation, a deleted user's token, body credentials,
// and that no token reaches the journal or the log. Every answer is checked
// against docs/openapi.json by the test client.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "captured_log.hpp"
#include "manual_clock_test.hpp"
#include "reemu/util/logging.hpp"

namespace reemu::test {
namespace {

class jwt_test : public manual_clock_test {
 protected:
  // POST /v1/users/authorize as `who` with `body`; the answer.
  response authorize(const std::string& body = "", std::optional<credentials> who = admin) {
    return srv.call(http::verb::post, "/v1/users/authorize", who, body);
  }

  // A token for `who`, or a failure.
  std::string token(const std::string& body = "", std::optional<credentials> who = admin) {
    const auto r = authorize(body, who);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("access_token", "");
  }

  // A request with `Authorization: <scheme> <token>`.
  response with_token(http::verb method, const std::string& target, const std::string& scheme,
                      const std::string& t, const std::string& body = "") {
    request r = make_request(method, target, std::nullopt, body);
    r.headers.emplace_back("Authorization", scheme + " " + t);
    return srv.call(r);
  }
};

TEST_F(jwt_test, authorize_then_use_expire_refresh) {
  const auto r = authorize(R"({"ttl":60})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = r.json_body();
  ASSERT_EQ(body.size(), 1u);
  const std::string t = body["access_token"];
  EXPECT_EQ(t.rfind("eyJ", 0), 0u) << t;

  // Both schemes work, on the emulated API and on the control API.
  const std::string seed = srv.get("/v1/actions").body;
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", t).body, seed);
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "Bearer", t).status, 200);
  EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "bearer", t).status, 200);

  // Expiry follows the emulator's clock: valid up to the last second.
  advance(59);
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", t).status, 200);
  advance(1);
  const auto expired = with_token(http::verb::get, "/v1/actions", "JWT", t);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.json_body(),
            error_body("The token is invalid or password has expired: the token has expired",
                       "unauthorized"));
  EXPECT_NE(expired.header(http::field::www_authenticate).find("Basic"), std::string::npos);

  // An expired token refreshes nothing; a fresh one does.
  EXPECT_EQ(with_token(http::verb::post, "/v1/users/refresh_jwt", "JWT", t).status, 401);
  const std::string fresh = token();
  const auto refreshed =
      with_token(http::verb::post, "/v1/users/refresh_jwt", "JWT", fresh, R"({"ttl":10})");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string t2 = refreshed.json_body()["access_token"];
  advance(299);  // the fresh token's default ttl (300) is nearly out
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "Bearer", fresh).status, 200);
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "Bearer", t2).status, 401);  // 10 s
}

TEST_F(jwt_test, keep_alive_cache_still_honours_expiry) {
  const std::string t = token(R"({"ttl":5})");
  client c(srv.http_port());
  request r = make_request(http::verb::get, "/v1/actions");
  r.headers.emplace_back("Authorization", "JWT " + t);
  EXPECT_EQ(c.send(r).status, 200);
  EXPECT_EQ(c.send(r).status, 200);  // the cached authentication
  advance(5);                        // on another connection; the registry is unchanged
  EXPECT_EQ(c.send(r).status, 401);
}

TEST_F(jwt_test, bad_tokens_get_the_cluster_error_body) {
  const std::string t = token();
  std::string tampered = t;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  const std::string none =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJleHAiOjk5OTk5OTk5OTksImlhdCI6MCwic3ViIjoiYWRtaW5A"
      "cmVkaXMubG9jYWwifQ.";
  for (const std::string& bad :
       {tampered, none, std::string("x.y.z"), std::string(5000, 'A'), std::string("\xff.a.b")}) {
    SCOPED_TRACE(bad.substr(0, 40));
    const auto r = with_token(http::verb::get, "/v1/actions", "JWT", bad);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "unauthorized");
    EXPECT_TRUE(r.has_header(http::field::www_authenticate));
  }
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", "").status, 401);
}

TEST_F(jwt_test, ttl_and_body_are_validated_and_change_nothing) {
  for (const std::string body :
       {R"({"ttl":0})", R"({"ttl":86401})", R"({"ttl":-5})", R"({"ttl":"300"})", R"({"ttl":1.5})",
        R"({"ttl":300,"extra":1})", R"({"username":"admin@redis.local"})", "[1]", "{", "null"}) {
    SCOPED_TRACE(body);
    const auto r = authorize(body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "invalid_schema");
  }
  const std::string t = token();
  const auto refused =
      with_token(http::verb::post, "/v1/users/refresh_jwt", "JWT", t, R"({"ttl":100000})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(with_token(http::verb::post, "/v1/users/refresh_jwt", "JWT", t,
                       R"({"username":"a","password":"b"})")
                .status,
            400);  // refresh takes no credentials in the body
  // The limits themselves are accepted.
  EXPECT_EQ(authorize(R"({"ttl":1})").status, 200);
  EXPECT_EQ(authorize(R"({"ttl":86400})").status, 200);
}

TEST_F(jwt_test, wrong_credentials_get_401_and_any_role_gets_a_token) {
  const auto wrong = authorize("", credentials{"admin@redis.local", "nope"});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json_body(), error_body("Invalid username or password", "unauthorized"));
  EXPECT_EQ(authorize("", std::nullopt).status, 401);

  // A role with no permission at all still authenticates, and its token
  // then meets the same permission checks Basic would.
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "nobody@x"}, {"password", "Nobody123!"}, {"role", "none"}})
                .status,
            201);
  const std::string t = token("", credentials{"nobody@x", "Nobody123!"});
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", t).status, 403);
  const std::string v = token("", viewer);
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", v).status, 200);
  EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "JWT", v).status, 403);
}

TEST_F(jwt_test, body_credentials_stand_in_for_the_header) {
  const auto r = authorize(R"({"username":"viewer@redis.local","password":"Viewer123!","ttl":9})",
                           std::nullopt);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string t = r.json_body()["access_token"];
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", t).status, 200);
  EXPECT_EQ(
      authorize(R"({"username":"viewer@redis.local","password":"wrong"})", std::nullopt).status,
      401);
  // With a header too, the body may only name the header's user.
  EXPECT_EQ(authorize(R"({"username":"admin@redis.local","password":"x"})", admin).status, 200);
  EXPECT_EQ(authorize(R"({"username":"viewer@redis.local","password":"Viewer123!"})", admin).status,
            401);
  // The journal names the body's user as the caller.
  const json entries = get_json(
      "/emulator/v1/requests?path=/v1/users/authorize&user=viewer@redis.local")["requests"];
  ASSERT_EQ(entries.size(), 1u) << entries;
  EXPECT_EQ(entries[0]["status"], 200);
}

TEST_F(jwt_test, a_deleted_or_changed_user_is_what_counts) {
  ASSERT_EQ(srv.post("/emulator/v1/users",
                     {{"email", "temp@x"}, {"password", "Temp1234!"}, {"role", "admin"}})
                .status,
            201);
  const std::string t = token("", credentials{"temp@x", "Temp1234!"});
  EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "JWT", t).status, 200);
  // The role is the user's today, not the token's day.
  ASSERT_EQ(srv.patch("/emulator/v1/users/temp@x", {{"role", "cluster_viewer"}}).status, 200);
  EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "JWT", t).status, 403);
  ASSERT_EQ(srv.del("/emulator/v1/users/temp@x").status, 204);
  const auto gone = with_token(http::verb::get, "/v1/actions", "JWT", t);
  EXPECT_EQ(gone.status, 401);
  EXPECT_EQ(gone.json_body()["description"],
            "The token is invalid or password has expired: its user no longer exists or has new "
            "credentials");
}

// A token named its user by email alone: a viewer's token, kept after the
// user was deleted, acted as the admin created later under the same email.
// It is bound to the credentials it was issued for, on a new connection and
// on a keep-alive one that cached it.
TEST_F(jwt_test, a_token_does_not_outlive_its_user) {
  const json viewer = {{"email", "twin@x"}, {"password", "Viewer123!"}, {"role", "db_viewer"}};
  ASSERT_EQ(srv.post("/emulator/v1/users", viewer).status, 201);
  const std::string t = token("", credentials{"twin@x", "Viewer123!"});
  client c(srv.http_port());
  request r = make_request(http::verb::get, "/emulator/v1/clock");
  r.headers.emplace_back("Authorization", "JWT " + t);
  EXPECT_EQ(c.send(r).status, 403);  // a viewer: known, not allowed
  for (const char* password : {"Admin1234!", "Viewer123!"}) {
    SCOPED_TRACE(password);
    ASSERT_EQ(srv.del("/emulator/v1/users/twin@x").status, 204);
    ASSERT_EQ(srv.post("/emulator/v1/users",
                       {{"email", "twin@x"}, {"password", password}, {"role", "admin"}})
                  .status,
              201);
    EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "JWT", t).status, 401);
    EXPECT_EQ(c.send(r).status, 401);
  }
  // A new password ends the tokens issued before it too.
  const std::string admin_token = token("", credentials{"twin@x", "Viewer123!"});
  EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "JWT", admin_token).status, 200);
  ASSERT_EQ(srv.patch("/emulator/v1/users/twin@x", {{"password", "Changed123!"}}).status, 200);
  EXPECT_EQ(with_token(http::verb::get, "/emulator/v1/clock", "JWT", admin_token).status, 401);
}

TEST_F(jwt_test, faults_match_the_token_user) {
  ASSERT_EQ(srv.post("/emulator/v1/faults", {{"method", "GET"},
                                             {"path", "/v1/actions"},
                                             {"user", "viewer@redis.local"},
                                             {"status", 503}})
                .status,
            201);
  const std::string v = token("", viewer);
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", v).status, 503);
  EXPECT_EQ(with_token(http::verb::get, "/v1/actions", "JWT", token()).status, 200);
}

TEST(jwt_secrets, tokens_stay_out_of_the_journal_and_the_log) {
  captured_log log;
  std::string journal_text;
  std::string t;
  std::string refreshed;
  {
    test_server srv{manual_clock_config(t0)};
    const auto r = srv.call(http::verb::post, "/v1/users/authorize", admin, R"({"ttl":60})");
    ASSERT_EQ(r.status, 200);
    t = r.json_body()["access_token"];
    request refresh = make_request(http::verb::post, "/v1/users/refresh_jwt");
    refresh.headers.emplace_back("Authorization", "JWT " + t);
    const auto rr = srv.call(refresh);
    ASSERT_EQ(rr.status, 200);
    refreshed = rr.json_body()["access_token"];
    request use = make_request(http::verb::get, "/v1/actions");
    use.headers.emplace_back("Authorization", "Bearer " + refreshed);
    ASSERT_EQ(srv.call(use).status, 200);
    journal_text = srv.get("/emulator/v1/requests").body;
    EXPECT_NE(journal_text.find("/v1/users/refresh_jwt"), std::string::npos);
  }
  for (const std::string& secret : {t, refreshed}) {
    const std::string signature = secret.substr(secret.rfind('.') + 1);
    EXPECT_EQ(journal_text.find(signature), std::string::npos);
    EXPECT_EQ(log.text().find(signature), std::string::npos) << log.text();
  }
  EXPECT_NE(log.text().find("/v1/users/authorize"), std::string::npos) << log.text();
}

// A configured secret: a token survives a restart of the server.
TEST(jwt_secrets, a_configured_secret_outlives_a_restart) {
  const auto cfg = [] {
    config c = manual_clock_config(t0);
    c.emulator.jwt_secret = std::string(40, 'k');
    return c;
  };
  std::string t;
  {
    test_server srv{cfg()};
    t = srv.call(http::verb::post, "/v1/users/authorize", admin).json_body()["access_token"];
  }
  test_server srv{cfg()};
  request r = make_request(http::verb::get, "/v1/actions");
  r.headers.emplace_back("Authorization", "JWT " + t);
  EXPECT_EQ(srv.call(r).status, 200);
  test_server other{manual_clock_config(t0)};  // a random secret
  EXPECT_EQ(other.call(r).status, 401);
}

}  // namespace
}  // namespace reemu::test
