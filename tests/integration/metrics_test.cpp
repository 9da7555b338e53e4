// GET /emulator/v1/metrics and GET /emulator/ui over real HTTP: the metrics
// are scraped before and after a known sequence of requests and must move by
// exactly what was sent; open connections follow the clients; state-file
// saves are counted. Every answer is checked against docs/openapi.json by the
// client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "reemu/control/ui.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

// Every sample of an exposition: "name{labels}" -> value. Comment lines are
// skipped; a malformed line fails the test.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with('#')) continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) {
      ADD_FAILURE() << "not a sample: " << line;
      continue;
    }
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::map<std::string, double> scrape(const test_server& srv) {
  const auto r = srv.get("/emulator/v1/metrics");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header(http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
  return samples(r.body);
}

// after[name] - before[name], a missing series counting as 0.
double delta(const std::map<std::string, double>& before,
             const std::map<std::string, double>& after, const std::string& name) {
  const auto a = after.find(name);
  const auto b = before.find(name);
  return (a == after.end() ? 0 : a->second) - (b == before.end() ? 0 : b->second);
}

std::string requests(std::string_view family, std::string_view method, unsigned status) {
  return "reemu_http_requests_total{family=\"" + std::string(family) + "\",method=\"" +
         std::string(method) + "\",status=\"" + std::to_string(status) + "\"}";
}

TEST(metrics_http, counts_move_by_exactly_the_requests_sent) {
  test_server srv{manual_clock_config()};
  const auto before = scrape(srv);

  for (int i = 0; i < 3; ++i) EXPECT_EQ(srv.get("/v1/actions").status, 200u);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(srv.get("/v1/actions", std::nullopt).status, 401u);
  EXPECT_EQ(srv.get("/v1/actions/no-such-action").status, 404u);
  EXPECT_EQ(srv.get("/no/such/route").status, 404u);
  EXPECT_EQ(
      srv.post("/emulator/v1/faults", {{"path", "/v2/actions"}, {"status", 503}, {"times", 2}})
          .status,
      201u);
  for (int i = 0; i < 3; ++i) srv.get("/v2/actions");  // 503, 503, then 200: the rule is used up
  EXPECT_EQ(srv.get("/emulator/v1/health", std::nullopt).status, 200u);

  const auto after = scrape(srv);
  EXPECT_EQ(delta(before, after, requests("actions", "GET", 200)), 4);  // 3 + the last /v2
  EXPECT_EQ(delta(before, after, requests("actions", "GET", 401)), 2);
  EXPECT_EQ(delta(before, after, requests("actions", "GET", 404)), 1);
  EXPECT_EQ(delta(before, after, requests("actions", "GET", 503)), 2);
  EXPECT_EQ(delta(before, after, requests("none", "GET", 404)), 1);
  EXPECT_EQ(delta(before, after, requests("control faults", "POST", 201)), 1);
  EXPECT_EQ(delta(before, after, requests("health", "GET", 200)), 1);
  // The first scrape was counted once it was answered.
  EXPECT_EQ(delta(before, after, requests("control metrics", "GET", 200)), 1);
  EXPECT_EQ(delta(before, after, "reemu_http_request_duration_seconds_count{family=\"actions\"}"),
            9);
  EXPECT_EQ(delta(before, after,
                  "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"+Inf\"}"),
            9);
  // A rule used up leaves the table, and its series with it.
  EXPECT_EQ(after.count("reemu_fault_hits_total{rule=\"1\"}"), 0u);
  // Journalled: everything above but health and the scrapes.
  EXPECT_EQ(delta(before, after, "reemu_journal_entries"), 11);
  EXPECT_GT(delta(before, after, "reemu_journal_bytes"), 0);
  // The default seed: 3 completed tasks; 2 completed and 1 active state machine.
  EXPECT_EQ(after.at("reemu_actions{kind=\"task\",status=\"completed\"}"), 3);
  EXPECT_EQ(after.at("reemu_actions{kind=\"state-machine\",status=\"completed\"}"), 2);
  EXPECT_EQ(after.at("reemu_actions{kind=\"state-machine\",status=\"active\"}"), 1);
  EXPECT_EQ(after.at("reemu_databases"), 2);
}

TEST(metrics_http, fault_hits_and_actions_follow_the_state) {
  test_server srv{manual_clock_config()};
  ASSERT_EQ(
      srv.post("/emulator/v1/faults", {{"path", "/v1/actions/bdb/*"}, {"status", 500}}).status,
      201u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(srv.get("/v1/actions/bdb/1").status, 500u);
  ASSERT_EQ(srv.post("/emulator/v1/actions",
                     {{"type", "state-machine"}, {"name", "SMCreateBDB"}, {"object_name", "bdb:5"}})
                .status,
            201u);
  auto m = scrape(srv);
  EXPECT_EQ(m.at("reemu_fault_hits_total{rule=\"1\"}"), 4);
  EXPECT_EQ(m.at("reemu_actions{kind=\"state-machine\",status=\"pending\"}"), 1);
  EXPECT_EQ(m.at("reemu_databases"), 3);  // bdb:5 became known
  ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 15}}).status, 200u);
  m = scrape(srv);
  EXPECT_EQ(m.at("reemu_actions{kind=\"state-machine\",status=\"pending\"}"), 0);
  EXPECT_EQ(m.at("reemu_actions{kind=\"state-machine\",status=\"completed\"}"), 3);
}

TEST(metrics_http, open_connections_follow_the_clients) {
  test_server srv{manual_clock_config()};
  std::vector<std::unique_ptr<client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<client>(srv.http_port()));
    // Answered: the server has accepted it.
    EXPECT_EQ(held.back()->send(make_request(http::verb::get, "/emulator/v1/health")).status, 200u);
  }
  client scraper(srv.http_port());
  const auto open_now = [&] {
    const auto r = scraper.send(make_request(http::verb::get, "/emulator/v1/metrics", admin));
    return samples(r.body).at("reemu_open_connections");
  };
  EXPECT_EQ(open_now(), 4);  // three held and the scraper's own
  held.clear();
  // The server notices the closes as it reads them: wait for it, bounded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  double open = open_now();
  while (open != 1 && std::chrono::steady_clock::now() < deadline) open = open_now();
  EXPECT_EQ(open, 1);
}

TEST(metrics_http, state_file_saves_are_counted) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-metrics-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    test_server srv{manual_clock_config(1760000000, [&](json& doc) {
      doc["emulator"]["state_file"] = (dir / "state.json").string();
    })};
    auto m = scrape(srv);
    EXPECT_EQ(m.at("reemu_state_saves_total{result=\"ok\"}"), 1);  // created at start-up
    EXPECT_EQ(m.at("reemu_state_saves_total{result=\"failed\"}"), 0);
    ASSERT_EQ(srv.post("/emulator/v1/databases", {{"uid", 9}}).status, 201u);
    ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 1}}).status, 200u);
    EXPECT_EQ(srv.post("/emulator/v1/databases", {{"uid", 9}}).status, 400u);  // not saved
    m = scrape(srv);
    EXPECT_EQ(m.at("reemu_state_saves_total{result=\"ok\"}"), 3);
    EXPECT_EQ(m.at("reemu_state_save_duration_seconds_count"), 3);
    EXPECT_EQ(m.at("reemu_state_save_duration_seconds_bucket{le=\"+Inf\"}"), 3);
  }
  std::filesystem::remove_all(dir);
}

TEST(dashboard_http, a_challenge_then_the_page) {
  test_server srv{manual_clock_config()};
  const auto challenge = srv.get("/emulator/ui", std::nullopt);
  EXPECT_EQ(challenge.status, 401u);
  EXPECT_EQ(challenge.header(http::field::www_authenticate), "Basic realm=\"re-actions-emulator\"");
  EXPECT_EQ(srv.get("/emulator/ui", viewer).status, 403u);
  const auto page = srv.get("/emulator/ui");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.header(http::field::content_type), "text/html; charset=utf-8");
  EXPECT_EQ(page.header(http::field::cache_control), "no-store");
  EXPECT_EQ(page.body, dashboard_page());
  // The page's polling, with its header, leaves the journal as it was.
  const auto quiet = [&](const std::string& target) {
    request r = make_request(http::verb::get, target, admin);
    r.headers.emplace_back("X-Emulator-Journal", "off");
    return srv.call(r);
  };
  for (const char* target :
       {"/emulator/v1/clock", "/emulator/v1/actions?limit=50", "/emulator/v1/databases",
        "/emulator/v1/requests?limit=25", "/emulator/v1/faults"})
    EXPECT_EQ(quiet(target).status, 200u) << target;
  EXPECT_EQ(srv.get("/emulator/v1/clock").status, 200u);  // without the header: recorded
  const auto journal = srv.get("/emulator/v1/requests").json_body();
  // The page itself is never journalled (nor its 401 and 403), the polls were kept out.
  ASSERT_EQ(journal["requests"].size(), 1u) << journal;
  EXPECT_EQ(journal["requests"][0]["target"], "/emulator/v1/clock");
}

}  // namespace
}  // namespace reemu::test
