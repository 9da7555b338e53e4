// The fixture of the integration tests that walk lifecycles: a fresh server
// on the manual clock at t0, with the admin's everyday requests, and a check
// that refused requests change nothing.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "test_server.hpp"

namespace reemu::test {

inline constexpr double t0 = 1760000000;  // where the manual clock starts

// A clock time as the API writes times: "2025-10-09T08:53:20Z" (UTC, whole
// seconds, fractions dropped).
inline std::string iso_of(double t) {
  const auto secs = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class manual_clock_test : public ::testing::Test {
 protected:
  test_server srv{manual_clock_config(t0)};

  // Moves the manual clock; fails the test unless the server agrees.
  void advance(double seconds) {
    const auto r = srv.post("/emulator/v1/clock/advance", {{"seconds", seconds}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // GET as admin, the answer parsed; a failure unless 200.
  json get_json(const std::string& target) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.json_body();
  }

  // Polls /v1/actions/{uid} one manual second a poll until the action is
  // final (completed, failed, cancelled), at most 120 polls; its last answer.
  json poll(const std::string& action_uid) {
    json a;
    for (int i = 0; i < 120; ++i) {
      a = get_json("/v1/actions/" + action_uid);
      if (a["status"] == "completed" || a["status"] == "failed" || a["status"] == "cancelled")
        break;
      advance(1);
    }
    return a;
  }

  response put(const std::string& target, const json& body,
               std::optional<credentials> who = admin) {
    return srv.call(http::verb::put, target, who, body.dump());
  }

  // The answer's cluster-state-id; 0 and a failure when it has none.
  static std::uint64_t state_id(const response& r) {
    const auto it = r.headers.find("cluster-state-id");
    if (it == r.headers.end()) {
      ADD_FAILURE() << "no cluster-state-id header";
      return 0;
    }
    return std::stoull(std::string(it->value()));
  }

  // A request the server must refuse with `status` and `code`.
  struct refusal {
    http::verb method;
    std::string target;
    std::string body;
    unsigned status;
    std::string code;
  };

  // Sends each request as the admin and checks its refusal; then that
  // /v1/bdbs and every target of `lists` answer the same bytes as before,
  // and the cluster-state-id did not move.
  void expect_refused_changing_nothing(const std::vector<refusal>& requests,
                                       const std::vector<std::string>& lists) {
    const auto before = srv.get("/v1/bdbs");
    std::vector<std::string> lists_before;
    for (const auto& target : lists) lists_before.push_back(srv.get(target).body);
    for (const auto& r : requests) {
      SCOPED_TRACE(r.target + " " + r.body);
      const auto got = srv.call(r.method, r.target, admin, r.body);
      EXPECT_EQ(got.status, r.status) << got.body;
      EXPECT_EQ(got.json_body()["error_code"], r.code) << got.body;
    }
    const auto after = srv.get("/v1/bdbs");
    EXPECT_EQ(after.body, before.body);
    EXPECT_EQ(state_id(after), state_id(before));
    for (std::size_t i = 0; i < lists.size(); ++i)
      EXPECT_EQ(srv.get(lists[i]).body, lists_before[i]) << lists[i];
  }
};

}  // namespace reemu::test
