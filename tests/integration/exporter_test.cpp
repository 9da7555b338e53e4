// The cluster's Prometheus exporter over real HTTP (--metrics-port,
// server.metrics_port): off by default; on port 0 it is in the ports file;
// GET /v2 answers the v2 metric set whose figures equal GET /v1/*/stats/last
// at the same clock time (a database created and steered on the manual
// clock); other paths 404 and other methods 405 with the error body (checked
// against docs/openapi.json's Error by the client); with HTTPS on, the port
// takes TLS and plain HTTP alike; the API's journal does not see scrapes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "exposition.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

constexpr double exporter_t0 = 1760000000;

config exporter_config(const std::function<void(json&)>& edit = {}) {
  return manual_clock_config(exporter_t0, [&](json& doc) {
    doc["server"]["metrics_port"] = 0;
    if (edit) edit(doc);
  });
}

// GET `target` on the exporter's port; the raw answer (its text is no JSON,
// so it is read without the client's contract check).
response scrape_raw(std::uint16_t port, const std::string& target = "/v2",
                    const std::optional<tls_client_options>& tls = std::nullopt) {
  auto c = tls ? std::make_unique<client>(port, *tls) : std::make_unique<client>(port);
  c->write_raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  return c->read();
}

class exporter_test : public ::testing::Test {
 protected:
  test_server srv{exporter_config()};

  void advance(double seconds) {
    ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", seconds}}).status, 200);
  }

  json get_json(const std::string& target) {
    const auto r = srv.get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.json_body();
  }

  // A new active database of `shards` master shards with replication; its uid.
  std::string make_database(int shards) {
    const auto made = srv.post("/v1/bdbs", {{"name", "scraped"},
                                            {"memory_size", 100'000'000},
                                            {"shards_count", shards},
                                            {"replication", true}});
    EXPECT_EQ(made.status, 200) << made.body;
    const std::string action = made.json_body()["action_uid"];
    for (int i = 0; i < 120; ++i) {
      if (get_json("/v1/actions/" + action)["status"] == "completed") break;
      advance(1);
    }
    return std::to_string(made.json_body()["uid"].get<int>());
  }
};

TEST_F(exporter_test, scrape_agrees_with_the_v1_stats_at_the_same_time) {
  const std::string uid = make_database(2);
  ASSERT_EQ(srv.call(http::verb::put, "/emulator/v1/stats/bdb/" + uid, admin,
                     json{{"metric", "instantaneous_ops_per_sec"}, {"value", 5000}}.dump())
                .status,
            200);
  advance(600);

  const response r = scrape_raw(srv.metrics_port());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header(http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
  const exposition doc = parse_exposition(r.body);

  const json bdb = get_json("/v1/bdbs/stats/last/" + uid)[uid];
  const json shards = get_json("/v1/shards/stats/last");
  const json nodes = get_json("/v1/nodes/stats/last");
  const json listed = get_json("/v1/shards");

  double used = 0;
  double keys = 0;
  double ops = 0;
  for (const auto& s : doc.find("redis_server_used_memory", {{"db", uid}})) {
    const std::string redis = s.labels.at("redis");
    const json& last = shards.at(redis);
    EXPECT_EQ(s.value, last["used_memory"].get<double>()) << redis;
    EXPECT_EQ(doc.value("redis_server_db_keys", {{"redis", redis}}),
              last["no_of_keys"].get<double>());
    if (s.labels.at("role") != "master") continue;
    used += s.value;
    keys += doc.value("redis_server_db_keys", {{"redis", redis}});
    ops += doc.value("redis_server_instantaneous_ops_per_sec", {{"redis", redis}});
  }
  EXPECT_EQ(doc.find("redis_server_up", {{"db", uid}}).size(), 4u);  // 2 masters, 2 replicas
  EXPECT_EQ(used, bdb["used_memory"].get<double>());
  EXPECT_GT(keys, 0);
  EXPECT_EQ(keys, bdb["no_of_keys"].get<double>());
  EXPECT_NEAR(ops, bdb["instantaneous_ops_per_sec"].get<double>(), 0.01);
  EXPECT_EQ(doc.value("db_memory_limit_bytes", {{"db", uid}}), 100'000'000);

  // Each shard's node and role are GET /v1/shards's.
  for (const json& s : listed) {
    const std::string redis = s["uid"].get<std::string>();
    const auto up = doc.find("redis_server_up", {{"redis", redis}});
    ASSERT_EQ(up.size(), 1u) << redis;
    EXPECT_EQ(up[0].labels.at("node"), s["node_uid"].get<std::string>());
    EXPECT_EQ(up[0].labels.at("role"), s["role"].get<std::string>());
  }
  for (const auto& [node, last] : nodes.items()) {
    EXPECT_EQ(doc.value("node_available_memory_bytes", {{"node", node}}),
              last["available_memory"].get<double>());
    EXPECT_EQ(doc.value("node_metrics_up", {{"node", node}}), 1);
  }
  // The counters move at the rate the stats show: 60 % of 5000 reads a second.
  const double reads = doc.value("endpoint_read_requests", {{"db", uid}});
  advance(10);
  const exposition later = parse_exposition(scrape_raw(srv.metrics_port()).body);
  EXPECT_NEAR(later.value("endpoint_read_requests", {{"db", uid}}) - reads, 3000 * 10, 1);
  EXPECT_EQ(later.value("endpoint_client_connections", {{"db", uid}}) -
                later.value("endpoint_client_disconnections", {{"db", uid}}),
            get_json("/v1/bdbs/stats/last/" + uid)[uid]["conns"].get<double>());
}

TEST_F(exporter_test, only_get_of_v2_is_served_and_scrapes_stay_out_of_the_journal) {
  client c(srv.metrics_port());
  const response missing = c.send(make_request(http::verb::get, "/v1/bdbs", admin));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json_body()["error_code"], "not_found");
  const response posted = c.send(make_request(http::verb::post, "/v2", std::nullopt, "{}"));
  EXPECT_EQ(posted.status, 405);
  EXPECT_EQ(posted.header(http::field::allow), "GET, HEAD");
  EXPECT_EQ(posted.json_body()["error_code"], "method_not_allowed");
  // A query string is ignored; HEAD has the headers alone.
  EXPECT_EQ(scrape_raw(srv.metrics_port(), "/v2?name=x").status, 200);

  // The API's own requests are in the journal, the exporter's are not.
  EXPECT_EQ(srv.get("/v1/bdbs").status, 200);
  const json journal = get_json("/emulator/v1/requests?limit=1000");
  ASSERT_FALSE(journal["requests"].empty());
  for (const json& e : journal["requests"])
    EXPECT_NE(e["target"].get<std::string>().substr(0, 3), "/v2") << e.dump();
  // The exporter is not a route of the API's listener.
  EXPECT_EQ(srv.get("/v2").status, 404);
}

TEST(exporter, off_by_default) {
  test_server srv{manual_clock_config(exporter_t0)};
  EXPECT_EQ(srv.metrics_port(), 0);
}

TEST(exporter, ports_file_names_it_and_https_serves_it_too) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("reemu-exporter-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string ports_path = (dir / "ports.json").string();
  {
    test_server srv{exporter_config([&](json& doc) {
      doc["server"]["ports_file"] = ports_path;
      doc["server"]["https"] = true;
      doc["server"]["https_port"] = 0;
    })};
    ASSERT_NE(srv.metrics_port(), 0);
    std::ifstream in(ports_path);
    const json ports = json::parse(in);
    EXPECT_EQ(ports["ports"]["metrics"], srv.metrics_port());
    EXPECT_EQ(ports["urls"]["metrics"],
              "http://127.0.0.1:" + std::to_string(srv.metrics_port()) + "/v2");
    // Plain and TLS on the same port, as a scrape config may use either.
    const response plain = scrape_raw(srv.metrics_port());
    const response tls = scrape_raw(srv.metrics_port(), "/v2", tls_client_options{});
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(tls.status, 200);
    EXPECT_GT(tls.body.size(), 16384u) << "more than one TLS record";
    EXPECT_TRUE(plain.body == tls.body) << "the manual clock stands still";
    EXPECT_FALSE(parse_exposition(tls.body).find("node_metrics_up").empty());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reemu::test
