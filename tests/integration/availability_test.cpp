// Integration tests of the availability routes over real HTTP on the manual
// clock: a database walked from its create through stop_traffic and
// resume_traffic, the lag check on a database that is not Active-Active and
// on one that is (its lag set through the control API under and over the
// tolerance), a window the control API marks, the local endpoint route,
// refused queries and permissions. Every answer, the empty 200s included,
// is checked against docs/openapi.json by the test client.
#include <gtest/gtest.h>

#include <string>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

class availability_test : public manual_clock_test {
 protected:
  // GET …/availability of database `uid` with `query`; the answer.
  response check(const std::string& uid, const std::string& query = "",
                 std::optional<credentials> who = admin) {
    return srv.get("/v1/bdbs/" + uid + "/availability" + query, who);
  }
  response check_local(const std::string& uid, const std::string& query = "") {
    return srv.get("/v1/local/bdbs/" + uid + "/endpoint/availability" + query);
  }

  // Expects the 200 with an empty body of an available database.
  static void expect_available(const response& r) {
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_TRUE(r.body.empty()) << r.body;
  }
  static void expect_unavailable(const response& r, const std::string& code = "bdb_unavailable") {
    EXPECT_EQ(r.status, 503u) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], code) << r.body;
  }

  response set_health(const std::string& uid, const json& body) {
    return put("/emulator/v1/databases/" + uid + "/availability", body);
  }
};

TEST_F(availability_test, a_database_walked_from_its_create_through_stopped_traffic) {
  const auto created = srv.post("/v1/bdbs", {{"name", "walked"}, {"memory_size", 1073741824}});
  ASSERT_EQ(created.status, 200u) << created.body;
  const std::string uid = std::to_string(created.json_body()["uid"].get<int>());
  const std::string action = created.json_body()["action_uid"];

  // Pending, its endpoint not bound yet: 503 with the real body.
  const auto early = check(uid);
  expect_unavailable(early);
  EXPECT_EQ(early.json_body()["description"], "BDB " + uid + " is not available");
  // SMCreateBDB finished bind_endpoint (1 s pending, 4 steps of 2 s): it serves,
  // though the create still runs.
  advance(9);
  EXPECT_EQ(get_json("/v1/bdbs/" + uid)["status"], "pending");
  expect_available(check(uid));
  EXPECT_EQ(poll(action)["status"], "completed");
  EXPECT_EQ(get_json("/v1/bdbs/" + uid)["status"], "active");
  expect_available(check(uid));

  const auto stop = srv.post("/v1/bdbs/" + uid + "/actions/stop_traffic", json::object());
  ASSERT_EQ(stop.status, 200u) << stop.body;
  expect_available(check(uid));  // stopping: still serving
  EXPECT_EQ(poll(stop.json_body()["action_uid"])["status"], "completed");
  expect_unavailable(check(uid));
  EXPECT_EQ(get_json("/emulator/v1/databases/" + uid + "/availability")["traffic_stopped"], true);

  const auto resume = srv.post("/v1/bdbs/" + uid + "/actions/resume_traffic", json::object());
  ASSERT_EQ(resume.status, 200u) << resume.body;
  expect_unavailable(check(uid));  // resuming: still stopped
  EXPECT_EQ(poll(resume.json_body()["action_uid"])["status"], "completed");
  expect_available(check(uid));

  // Not an Active-Active database: the lag check fails at every tolerance.
  expect_unavailable(check(uid, "?extend_check=lag"));
  expect_unavailable(check(uid, "?extend_check=lag&availability_lag_tolerance_ms=600000"));
  expect_unavailable(check(uid, "?extend_check=lag&availability_lag_tolerance_ms=0"));
  // The tolerance alone asks for no lag check.
  expect_available(check(uid, "?availability_lag_tolerance_ms=0"));
}

TEST_F(availability_test, an_active_active_members_lag_is_compared_with_the_tolerance) {
  ASSERT_EQ(put("/emulator/v1/databases/7", {{"name", "aa"}, {"crdt", true}}).status, 200u);
  expect_available(check("7", "?extend_check=lag"));  // idle: no lag

  const auto under = set_health("7", {{"replica_lag_ms", 80}});
  ASSERT_EQ(under.status, 200u) << under.body;
  EXPECT_EQ(under.json_body()["replica_lag_ms"], 80);
  EXPECT_EQ(under.json_body()["available_with_lag_check"], true);
  expect_available(check("7", "?extend_check=lag"));  // the cluster's 100 ms
  expect_unavailable(check("7", "?extend_check=lag&availability_lag_tolerance_ms=50"));

  const auto over = set_health("7", {{"replica_lag_ms", 250}});
  ASSERT_EQ(over.status, 200u) << over.body;
  const auto behind = check("7", "?extend_check=lag");
  expect_unavailable(behind);
  EXPECT_EQ(behind.json_body()["description"], "BDB 7 is not available");  // no lag-specific code
  expect_available(check("7", "?extend_check=lag&availability_lag_tolerance_ms=5000"));
  expect_available(check("7"));  // the plain check does not look at the lag
}

TEST_F(availability_test, a_marked_window_answers_503_until_it_ends) {
  const auto marked = set_health(
      "1", {{"unavailable_for_seconds", 10}, {"unavailable_code", "bdb_unavailable_port_unbound"}});
  ASSERT_EQ(marked.status, 200u) << marked.body;
  EXPECT_EQ(marked.json_body()["available"], false);
  EXPECT_EQ(marked.json_body()["unavailable_until"], 1760000010);
  const auto down = check("1");
  expect_unavailable(down, "bdb_unavailable_port_unbound");
  EXPECT_EQ(down.json_body()["description"], "Endpoint error status: port unbound");
  expect_unavailable(check_local("1"), "bdb_endpoint_unavailable");
  advance(9.5);
  expect_unavailable(check("1"), "bdb_unavailable_port_unbound");
  advance(0.5);
  expect_available(check("1"));

  // Until a clock time, then cleared.
  ASSERT_EQ(set_health("1", {{"unavailable_until", 1760000100}}).status, 200u);
  expect_unavailable(check("1"), "bdb_unavailable_port_unbound");  // the code is kept
  ASSERT_EQ(set_health("1", {{"unavailable_until", nullptr}}).status, 200u);
  expect_available(check("1"));
}

TEST_F(availability_test, the_local_route_answers_for_the_endpoint_on_node_1) {
  // Database 1's master runs on node 1; database 2's on node 2 (proxy_policy
  // single): through node 1, only the first is bound.
  expect_available(check_local("1"));
  const auto other = check_local("2");
  expect_unavailable(other, "bdb_endpoint_unavailable");
  EXPECT_EQ(other.json_body()["description"], "Local endpoint of BDB 2 on node 1 is not available");
  expect_available(check("2"));  // the database itself is fine
  // With every node proxying, node 1 too.
  const auto everywhere = put("/v1/bdbs/2", {{"proxy_policy", "all-nodes"}});
  ASSERT_EQ(everywhere.status, 200u) << everywhere.body;
  expect_available(check_local("2"));
  expect_unavailable(check_local("1", "?extend_check=lag"), "bdb_endpoint_unavailable");
}

TEST_F(availability_test, unknown_databases_bad_queries_and_permissions) {
  const auto unknown = check("99");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json_body()["error_code"], "db_not_found");
  EXPECT_EQ(check_local("99").json_body()["error_code"], "db_not_found");
  EXPECT_EQ(check("abc").status, 404u);
  for (const char* query :
       {"?extend_check=latency", "?extend_check=", "?extend_check=lag,",
        "?availability_lag_tolerance_ms=-1", "?availability_lag_tolerance_ms=1.5",
        "?availability_lag_tolerance_ms="}) {
    SCOPED_TRACE(query);
    const auto r = check("1", query);
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "invalid_schema");
    EXPECT_EQ(check_local("1", query).status, 400u);
  }
  // Health checkers authenticate as viewers.
  expect_available(check("1", "", viewer));
  expect_available(check("1", "", db_viewer));
  const auto none = check("1", "", nobody);
  EXPECT_EQ(none.status, 403u);
  EXPECT_EQ(none.json_body()["error_code"], "insufficient_permissions");
  EXPECT_EQ(check("1", "", std::nullopt).status, 401u);
  EXPECT_EQ(srv.get("/v1/local/bdbs/1/endpoint/availability", nobody).status, 403u);
  // HEAD answers as GET without the body.
  EXPECT_EQ(srv.call(http::verb::head, "/v1/bdbs/1/availability").status, 200u);
}

TEST_F(availability_test, the_control_room_refuses_bad_health_and_changes_nothing) {
  const std::string before = get_json("/emulator/v1/databases/1/availability").dump();
  for (const json& bad : {json{{"replica_lag_ms", -1}}, json{{"replica_lag_ms", "5"}},
                          json{{"unavailable_for_seconds", 5}, {"unavailable_until", 1760000100}},
                          json{{"unavailable_code", "bdb_down"}}, json{{"lag", 5}}}) {
    const auto r = set_health("1", bad);
    EXPECT_EQ(r.status, 400u) << bad.dump() << ": " << r.body;
  }
  EXPECT_EQ(get_json("/emulator/v1/databases/1/availability").dump(), before);
  const auto unknown = set_health("99", {{"replica_lag_ms", 5}});
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json_body()["error_code"], "db_not_exist");
  EXPECT_EQ(srv.get("/emulator/v1/databases/1/availability", viewer).status, 403u);
}

}  // namespace
}  // namespace reemu::test
