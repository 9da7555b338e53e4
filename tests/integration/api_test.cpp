// Integration tests of the emulated API (SPEC.md section 1) over real HTTP:
// the default config served by the in-process server on 127.0.0.1:0, every
// route, authentication and roles, and the transport's limits and hostile
// input.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "captures.hpp"
#include "reemu/auth/auth.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

constexpr const char* seed_task_uid = "8fc32a11-4688-4057-9237-cd77fccd726f";
constexpr const char* seed_created_uid = "04d7b6ea-f377-4d40-9b23-9a8f291988df";
constexpr const char* unknown_uid = "00000000-0000-4000-8000-000000000000";

// The real captures of SPEC.md, byte for byte: the golden data in tests/data/.
const std::string& delete_capture() { return delete_sm_capture(); }
const std::string& created_capture() { return created_sm_capture(); }
const std::string& not_found_capture() { return action_not_found_capture(); }

// Every route of the emulated API, with a target that answers 200.
const std::vector<std::string>& api_targets() {
  static const std::vector<std::string> targets = {
      "/v1/actions", std::string("/v1/actions/") + seed_delete_uid, "/v1/actions/bdb/2",
      "/v2/actions", std::string("/v2/actions/") + seed_task_uid,
  };
  return targets;
}

class api_test : public ::testing::Test {
 protected:
  test_server srv{make_config()};
};

// --- Routes and wire shapes ---------------------------------------------------

TEST_F(api_test, list_is_the_seed_with_the_wire_types) {
  const auto r = srv.get("/v1/actions");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
  EXPECT_EQ(r.body, seed_list_body());

  const json j = r.json_body();
  ASSERT_TRUE(j.is_object());
  ASSERT_EQ(j.size(), 2u);
  ASSERT_TRUE(j["actions"].is_array());
  ASSERT_TRUE(j["state-machines"].is_array());
  EXPECT_EQ(j["actions"].size(), 3u);
  EXPECT_EQ(j["state-machines"].size(), 3u);
  for (const auto& task : j["actions"]) {
    EXPECT_TRUE(task["progress"].is_string()) << task;
    EXPECT_TRUE(task["node_uid"].is_string()) << task;
    EXPECT_EQ(task["task_id"], task["action_uid"]) << task;
    if (task.contains("creation_time")) {
      EXPECT_TRUE(task["creation_time"].is_string()) << task;
    }
  }
  for (const auto& sm : j["state-machines"]) {
    EXPECT_TRUE(sm["heartbeat"].is_number_integer()) << sm;
    EXPECT_TRUE(sm["object_name"].is_string()) << sm;
    if (sm.contains("progress")) {
      EXPECT_TRUE(sm["progress"].is_number()) << sm;
    }
  }
}

TEST_F(api_test, one_action_answers_the_captures_byte_for_byte) {
  const auto sm = srv.get(std::string("/v1/actions/") + seed_delete_uid);
  ASSERT_EQ(sm.status, 200);
  EXPECT_EQ(sm.header(http::field::content_type), "application/json");
  EXPECT_EQ(sm.body, delete_capture());

  const auto done = srv.get(std::string("/v1/actions/") + seed_created_uid);
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.body, created_capture());

  const auto task = srv.get(std::string("/v1/actions/") + seed_task_uid);
  ASSERT_EQ(task.status, 200);
  EXPECT_EQ(task.body, task_capture());
}

TEST_F(api_test, unknown_action_is_404_with_the_cluster_error_body) {
  // The real capture: the SMDeleteBDB after it finished and vanished.
  {
    test_server empty{make_config([](json& doc) { doc["state-machines"] = json::array(); })};
    const auto r = empty.get(std::string("/v1/actions/") + seed_delete_uid);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.header(http::field::content_type), "application/json");
    EXPECT_EQ(r.body, not_found_capture());
  }
  for (const char* prefix : {"/v1/actions/", "/v2/actions/"}) {
    const auto r = srv.get(std::string(prefix) + unknown_uid);
    EXPECT_EQ(r.status, 404) << prefix;
    EXPECT_EQ(r.body, "{\"description\":\"Action " + std::string(unknown_uid) +
                          " does not exist\",\"error_code\":\"action_not_found\"}")
        << prefix;
  }
}

TEST_F(api_test, database_actions) {
  const auto two = srv.get("/v1/actions/bdb/2");
  ASSERT_EQ(two.status, 200);
  EXPECT_EQ(two.header(http::field::content_type), "application/json");
  EXPECT_EQ(two.body, std::string("[") + delete_capture() + "]");

  const auto one = srv.get("/v1/actions/bdb/1");
  ASSERT_EQ(one.status, 200);
  const json list = one.json_body();
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 2u);
  for (const auto& sm : list) {
    EXPECT_EQ(sm["object_name"], "bdb:1");
    EXPECT_EQ(sm["name"], "SMCreateBDB");
  }

  for (const char* uid : {"99", "abc", "0"}) {
    const auto r = srv.get(std::string("/v1/actions/bdb/") + uid);
    EXPECT_EQ(r.status, 404) << uid;
    EXPECT_EQ(r.json_body(),
              error_body("Database " + std::string(uid) + " does not exist", "db_not_exist"))
        << uid;
  }
}

TEST_F(api_test, known_idle_database_answers_an_empty_array) {
  test_server s{make_config([](json& doc) { doc["databases"] = json::parse("[1, 2, 5]"); })};
  const auto r = s.get("/v1/actions/bdb/5");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
}

TEST_F(api_test, v2_list_and_one_action) {
  const auto r = srv.get("/v2/actions");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
  const json list = r.json_body();
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 6u);
  const std::vector<std::string> statuses = {"queued", "running", "completed", "failed"};
  for (const auto& a : list) {
    EXPECT_TRUE(a["action_uid"].is_string()) << a;
    EXPECT_TRUE(a["action_type"] == "task" || a["action_type"] == "state-machine") << a;
    EXPECT_TRUE(a["creation_time"].is_number_integer()) << a;
    EXPECT_TRUE(a["name"].is_string()) << a;
    EXPECT_TRUE(a["progress"].is_number()) << a;
    EXPECT_NE(std::find(statuses.begin(), statuses.end(), a["status"].get<std::string>()),
              statuses.end())
        << a;
    if (a.contains("additional_info")) {
      EXPECT_TRUE(a["additional_info"].is_object()) << a;
      EXPECT_FALSE(a["additional_info"].empty()) << a;
    }
  }

  const auto sm = srv.get(std::string("/v2/actions/") + seed_delete_uid);
  ASSERT_EQ(sm.status, 200);
  EXPECT_EQ(sm.json_body(), json::parse(R"({"action_type":"state-machine",
      "action_uid":"5a42fabf-c603-4950-88d9-3a3148a5d763",
      "additional_info":{"object_type":"bdb","object_uid":"2"},
      "creation_time":1747780298,"name":"SMDeleteBDB","progress":14.29,"status":"running"})"));

  const auto task = srv.get(std::string("/v2/actions/") + seed_task_uid);
  ASSERT_EQ(task.status, 200);
  EXPECT_EQ(task.json_body(), json::parse(R"({"action_type":"task",
      "action_uid":"8fc32a11-4688-4057-9237-cd77fccd726f",
      "creation_time":1760400087,"name":"retry_bdb","progress":100,"status":"completed"})"));
}

TEST_F(api_test, query_string_and_trailing_slash_reach_the_same_route) {
  const auto plain = srv.get("/v1/actions");
  EXPECT_EQ(srv.get("/v1/actions/").body, plain.body);
  EXPECT_EQ(srv.get("/v1/actions?x=1").body, plain.body);
}

// --- Authentication and roles -------------------------------------------------

void expect_unauthorized(const response& r, const std::string& what) {
  EXPECT_EQ(r.status, 401) << what;
  EXPECT_EQ(r.header(http::field::content_type), "application/json") << what;
  EXPECT_EQ(r.json_body()["error_code"], "unauthorized") << what << ": " << r.body;
  EXPECT_TRUE(r.json_body()["description"].is_string()) << what;
  EXPECT_EQ(r.header(http::field::www_authenticate).rfind("Basic realm=\"", 0), 0u)
      << what << ": " << r.header(http::field::www_authenticate);
}

TEST_F(api_test, every_route_needs_credentials) {
  for (const auto& target : api_targets()) {
    expect_unauthorized(srv.get(target, std::nullopt), "no Authorization on " + target);
    expect_unauthorized(srv.get(target, credentials{"admin@redis.local", "wrong"}),
                        "wrong password on " + target);
  }
}

TEST_F(api_test, bad_credentials_are_401) {
  expect_unauthorized(srv.get("/v1/actions", credentials{"ghost@redis.local", "Redis123!"}),
                      "unknown user");
  expect_unauthorized(srv.get("/v1/actions", credentials{"admin@redis.local", ""}),
                      "empty password");
  for (const std::string& value :
       {std::string("Basic !!!not-base64!!!"), std::string("Bearer abc.def.ghi"),
        "Basic " + base64_encode("no-colon-here"), std::string("Basic"), std::string("garbage"),
        "Basic " + std::string(5000, 'A')}) {
    request r = make_request(http::verb::get, "/v1/actions");
    r.headers.emplace_back("Authorization", value);
    expect_unauthorized(srv.call(r), "Authorization: " + value.substr(0, 40));
  }
}

TEST_F(api_test, role_without_the_permission_is_403) {
  for (const auto& target : api_targets()) {
    const auto r = srv.get(target, nobody);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_EQ(r.header(http::field::content_type), "application/json");
    EXPECT_EQ(r.json_body()["error_code"], "insufficient_permissions") << r.body;
    EXPECT_FALSE(r.has_header(http::field::www_authenticate));
  }
}

TEST_F(api_test, viewer_roles_may_read) {
  for (const auto& who : {admin, viewer, db_viewer}) {
    for (const auto& target : api_targets())
      EXPECT_EQ(srv.get(target, who).status, 200) << who.email << " " << target;
  }
  EXPECT_EQ(srv.get("/v1/actions", viewer).body, seed_list_body());
}

// --- Routing ----------------------------------------------------------------

TEST_F(api_test, unknown_route_is_404_json_error) {
  for (const char* target : {"/v1/nothing", "/v3/actions", "/", "/v1/actions/bdb/2/extra"}) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.header(http::field::content_type), "application/json") << target;
    EXPECT_EQ(r.json_body()["error_code"], "not_found") << target << ": " << r.body;
  }
  EXPECT_EQ(srv.get("/v1/nothing").body,
            R"({"description":"Route /v1/nothing does not exist","error_code":"not_found"})");
}

TEST_F(api_test, wrong_method_is_405_with_allow) {
  const std::vector<std::pair<http::verb, std::string>> cases = {
      {http::verb::post, "/v1/actions"},
      {http::verb::delete_, "/v1/actions"},
      {http::verb::put, std::string("/v1/actions/") + seed_delete_uid},
      {http::verb::delete_, std::string("/v1/actions/") + seed_delete_uid},
      {http::verb::post, "/v2/actions"},
  };
  for (const auto& [method, target] : cases) {
    const auto r = srv.call(method, target, admin, method == http::verb::post ? "{}" : "");
    const std::string what = std::string(http::to_string(method)) + " " + target;
    EXPECT_EQ(r.status, 405) << what;
    EXPECT_EQ(r.json_body()["error_code"], "method_not_allowed") << what << ": " << r.body;
    const std::string allow = r.header(http::field::allow);
    EXPECT_NE(allow.find("GET"), std::string::npos) << what << ": Allow: " << allow;
    EXPECT_NE(allow.find("HEAD"), std::string::npos) << what << ": Allow: " << allow;
  }
}

TEST_F(api_test, head_is_get_without_the_body) {
  client c(srv.http_port());
  for (const auto& target : api_targets()) {
    const auto get = c.send(make_request(http::verb::get, target, admin));
    ASSERT_EQ(get.status, 200);
    const auto head = c.send(make_request(http::verb::head, target, admin));
    EXPECT_EQ(head.status, 200) << target;
    EXPECT_EQ(head.header(http::field::content_length), std::to_string(get.body.size())) << target;
    EXPECT_EQ(head.header(http::field::content_type), "application/json") << target;
    EXPECT_TRUE(head.body.empty()) << target;
  }
  // Had the HEAD answers carried bytes, this answer on the same connection
  // would not parse.
  const auto after = c.send(make_request(http::verb::get, "/v1/actions", admin));
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, seed_list_body());
}

TEST_F(api_test, health_needs_no_authentication) {
  const auto r = srv.get("/emulator/v1/health", std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
  EXPECT_EQ(r.body, R"({"status":"ok"})");
}

// --- Transport ----------------------------------------------------------------

TEST_F(api_test, keep_alive_serves_many_requests_on_one_connection) {
  client c(srv.http_port());
  for (int round = 0; round < 3; ++round) {
    for (const auto& target : api_targets()) {
      const auto r = c.send(make_request(http::verb::get, target, admin));
      EXPECT_EQ(r.status, 200) << target;
      EXPECT_TRUE(r.keep_alive) << target;
    }
    // Errors do not close a keep-alive connection either.
    const auto missing = c.send(make_request(http::verb::get, "/v1/nothing", admin));
    EXPECT_EQ(missing.status, 404);
    EXPECT_TRUE(missing.keep_alive);
    const auto denied = c.send(make_request(http::verb::get, "/v1/actions"));
    EXPECT_EQ(denied.status, 401);
    EXPECT_TRUE(denied.keep_alive);
  }
}

TEST_F(api_test, connection_close_is_honoured) {
  client c(srv.http_port());
  expect_answer_then_close(c);
}

TEST_F(api_test, pipelined_requests_are_answered_in_order) {
  client c(srv.http_port());
  const std::string auth = basic_auth(admin);
  std::string bytes;
  for (const auto& target : api_targets())
    bytes += "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n";
  c.write_raw(bytes);
  for (const auto& target : api_targets()) {
    const auto r = c.read();
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body, srv.get(target).body) << target;
  }
}

TEST_F(api_test, oversized_header_is_431) {
  client c(srv.http_port());
  request r = make_request(http::verb::get, "/v1/actions", admin);
  r.headers.emplace_back("X-Padding", std::string(17 * 1024, 'a'));
  const auto answer = c.send(r);
  EXPECT_EQ(answer.status, 431);
  EXPECT_EQ(answer.json_body()["error_code"], "header_too_large") << answer.body;
  EXPECT_FALSE(answer.keep_alive);
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
}

TEST_F(api_test, oversized_body_is_413_before_the_body_is_sent) {
  // Only the header goes out: the answer must come without waiting for the
  // announced 2 MB.
  client c(srv.http_port());
  c.write_raw(
      "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic_auth(admin) +
      "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  const auto answer = c.read();
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(answer.json_body()["error_code"], "body_too_large") << answer.body;
  EXPECT_FALSE(answer.keep_alive);
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
}

TEST_F(api_test, malformed_requests_are_400_and_the_server_goes_on) {
  const std::vector<std::string> garbage = {
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
      "GARBAGE\r\n\r\n",
      "G@T /v1/actions HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /v1/actions HTTX/1.1\r\nHost: x\r\n\r\n",
      "GET /v1/actions HTTP/1.1 extra\r\nHost: x\r\n\r\n",
      "GET /v1/actions HTTP/1.1\r\nBad Header Name: x\r\n\r\n",
      "GET /v1/actions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (const auto& bytes : garbage) {
    client c(srv.http_port());
    c.write_raw(bytes);
    const auto r = c.read();
    EXPECT_EQ(r.status, 400) << bytes;
    EXPECT_EQ(r.json_body()["error_code"], "bad_request") << bytes << ": " << r.body;
    EXPECT_FALSE(r.keep_alive) << bytes;
    EXPECT_EQ(srv.get("/v1/actions").status, 200) << "after " << bytes;
  }
}

TEST_F(api_test, malformed_target_is_400) {
  for (const char* target :
       {"/v1/actions/%zz", "/v1//actions", "/v1/actions/%00", "/v1/actions/%"}) {
    client c(srv.http_port());
    c.write_raw(std::string("GET ") + target +
                " HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic_auth(admin) + "\r\n\r\n");
    const auto r = c.read();
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.json_body()["error_code"], "bad_request") << target << ": " << r.body;
  }
  EXPECT_EQ(srv.get("/v1/actions").status, 200);
}

TEST_F(api_test, client_that_vanishes_mid_request_does_not_hurt) {
  {
    client c(srv.http_port());
    c.write_raw("GET /v1/actions HTTP/1.1\r\nHost: x\r\nAuthor");
  }
  {
    client c(srv.http_port());
    c.write_raw(
        "POST /emulator/v1/actions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ty");
  }
  EXPECT_EQ(srv.get("/v1/actions").body, seed_list_body());
}

TEST_F(api_test, stops_gracefully_with_an_idle_connection_open) {
  client idle(srv.http_port());
  EXPECT_EQ(idle.send(make_request(http::verb::get, "/v1/actions", admin)).status, 200);
  srv.stop();  // returns only once run() has; the idle connection must not hold it
  EXPECT_TRUE(idle.closed_without_answer());
}

}  // namespace
}  // namespace reemu::test
