// Integration tests of the data limits (docs/reliability.md, "Never falls
// over: data") over real HTTP: the journal's bound and paging, log lines
// that a client cannot forge or break, and identifier caps at creation.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "captured_log.hpp"
#include "reemu/util/logging.hpp"
#include "test_server.hpp"

namespace reemu::test {
namespace {

// The key=value fields of a text log line, values bare or in double quotes
// with backslash escapes (\" and \\ read back as " and \).
std::multimap<std::string, std::string> fields_of(std::string_view line) {
  std::multimap<std::string, std::string> out;
  std::size_t at = 0;
  while (at < line.size()) {
    const auto eq = line.find('=', at);
    if (eq == std::string_view::npos) break;
    const auto key_start = line.rfind(' ', eq);
    const std::string key(line.substr(key_start + 1, eq - key_start - 1));
    std::string value;
    at = eq + 1;
    if (at < line.size() && line[at] == '"') {
      for (++at; at < line.size() && line[at] != '"'; ++at) {
        if (line[at] == '\\' && at + 1 < line.size()) ++at;
        value.push_back(line[at]);
      }
      ++at;  // the closing quote
    } else {
      const auto end = std::min(line.find(' ', at), line.size());
      value = line.substr(at, end - at);
      at = end;
    }
    out.emplace(key, std::move(value));
  }
  return out;
}

// Item 5: 12,000 requests with 15 KB targets added 149 MiB to the journal,
// and reading back with limit=10000 pushed the process to 573 MiB.
TEST(limits, journal_cuts_long_targets_and_pages_the_read_back) {
  test_server srv{make_config()};
  const std::string long_path = "/v1/actions/" + std::string(15000, 'x');
  for (int i = 0; i < 25; ++i) EXPECT_EQ(srv.get(long_path, std::nullopt).status, 401u);

  const auto page = srv.get("/emulator/v1/requests?path=/v1/actions/*&limit=10");
  ASSERT_EQ(page.status, 200u) << page.body;
  const json body = page.json_body();
  ASSERT_EQ(body["requests"].size(), 10u);
  EXPECT_EQ(body["more"], true);
  for (const auto& e : body["requests"]) {
    EXPECT_EQ(e["target"].get<std::string>(), long_path.substr(0, 2048));
    EXPECT_EQ(e["truncated"], true);
    EXPECT_EQ(e["target_bytes"], long_path.size());
  }

  // A hard maximum on limit, and a cursor to read everything a page at a time.
  const auto too_many = srv.get("/emulator/v1/requests?limit=1001");
  EXPECT_EQ(too_many.status, 400u);
  EXPECT_EQ(too_many.json_body()["error_code"], "invalid_value");
  EXPECT_NE(too_many.body.find("1000"), std::string::npos) << too_many.body;
  EXPECT_EQ(srv.get("/emulator/v1/requests?after=x").status, 400u);

  std::size_t seen = 0, pages = 0;
  std::uint64_t after = 0, last_seq = 0;
  for (bool more = true; more; ++pages) {
    const auto r =
        srv.get("/emulator/v1/requests?path=/v1/actions/*&limit=7&after=" + std::to_string(after));
    ASSERT_EQ(r.status, 200u) << r.body;
    const json b = r.json_body();
    for (const auto& e : b["requests"]) {
      EXPECT_GT(e["seq"].get<std::uint64_t>(), last_seq);  // oldest first, never twice
      last_seq = e["seq"];
      ++seen;
    }
    more = b["more"];
    after = b["next_after"];
    ASSERT_LT(pages, 10u);
  }
  EXPECT_EQ(seen, 25u);
  EXPECT_EQ(pages, 4u);  // 7 + 7 + 7 + 4
}

TEST(limits, journal_path_pattern_is_bounded) {
  test_server srv{make_config()};
  const auto r = srv.get("/emulator/v1/requests?path=*" + std::string(2000, 'a'));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.json_body()["error_code"], "invalid_value");
}

// Item 7: an email with CR/LF, creatable through the control API, forged
// access-log lines.
TEST(limits, emails_with_control_characters_are_refused) {
  test_server srv{make_config()};
  for (const std::string email :
       {"evil\r\n2026-01-01T00:00:00Z info access@x", "a\tb@x", "a\x01@x"}) {
    const auto r =
        srv.post("/emulator/v1/users", {{"email", email}, {"password", "p"}, {"role", "admin"}});
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.json_body()["error_code"], "invalid_value");
    EXPECT_NE(r.body.find("control characters"), std::string::npos) << r.body;
  }
  EXPECT_EQ(srv.get("/emulator/v1/users").body.find("evil"), std::string::npos);
}

// Item 7: the text access log wrote user= unescaped and unquoted.
TEST(limits, text_access_log_escapes_every_client_field) {
  captured_log log("text");
  const std::string email = "x\" status=999 forged=\"@x";
  {
    test_server srv{make_config()};
    ASSERT_EQ(srv.post("/emulator/v1/users",
                       {{"email", email}, {"password", "P4ss!"}, {"role", "cluster_viewer"}})
                  .status,
              201u);
    EXPECT_EQ(srv.get("/v1/actions?forged-by=me", credentials{email, "P4ss!"}).status, 200u);
    client c(srv.http_port());
    c.write_raw("GET /v1/\xff\xfe\"q HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read().status, 400u);
  }
  const auto lines = log.lines_with("forged-by=me");
  ASSERT_EQ(lines.size(), 1u) << log.text();
  // Read as a log parser would: each key once, values quoted or bare.
  const auto fields = fields_of(lines[0]);
  EXPECT_EQ(fields.count("status"), 1u) << lines[0];
  EXPECT_EQ(fields.find("status")->second, "200") << lines[0];
  EXPECT_EQ(fields.find("user")->second, email) << lines[0];
  EXPECT_NE(lines[0].find(R"(user="x\" status=999 forged=\"@x")"), std::string::npos) << lines[0];
  const auto raw = log.lines_with("/v1/\\xff\\xfe\\\"q");
  ASSERT_EQ(raw.size(), 1u) << log.text();
  EXPECT_EQ(raw[0].find('\xff'), std::string::npos);
}

// Item 7: JSON log lines could carry invalid UTF-8 (not JSON at all).
TEST(limits, json_log_lines_stay_valid_json) {
  captured_log log("json");
  {
    test_server srv{make_config()};
    client c(srv.http_port());
    c.write_raw("GET /v1/\xff\xc3\x28\xe2\x82 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read().status, 400u);
    EXPECT_EQ(srv.get("/v1/actions/caf\xc3\xa9").status, 400u);  // valid UTF-8, kept as is
  }
  std::istringstream in(log.text());
  std::size_t access_lines = 0;
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line, nullptr, false);  // strict: invalid UTF-8 is discarded
    ASSERT_FALSE(j.is_discarded()) << line;
    const std::string message = j["message"];
    if (!message.starts_with("access ")) continue;
    ++access_lines;
  }
  EXPECT_EQ(access_lines, 2u) << log.text();
  EXPECT_EQ(log.lines_with(R"(\\xff\\xc3(\\xe2\\x82)").size(), 1u) << log.text();
  EXPECT_EQ(log.lines_with("caf\xc3\xa9").size(), 1u) << log.text();
}

// Item 11: an action_uid of 900 KB was accepted, then could not be deleted
// by URL (431: the header limit).
TEST(limits, over_long_identifiers_are_refused_at_creation) {
  test_server srv{make_config()};
  const std::string huge(900 * 1024, 'u');
  struct row {
    std::string target;
    json body;
    std::string field;
    std::size_t limit;
  };
  const std::vector<row> rows = {
      {"/emulator/v1/actions",
       {{"type", "task"}, {"name", "retry_bdb"}, {"action_uid", huge}},
       "action_uid",
       256},
      {"/emulator/v1/actions",
       {{"type", "task"}, {"name", std::string(300, 'n')}, {"status", "queued"}},
       "name",
       256},
      {"/emulator/v1/actions",
       {{"type", "state-machine"}, {"name", "SMCreateBDB"}, {"object_name", "bdb:" + huge}},
       "object_name",
       256},
      {"/emulator/v1/users",
       {{"email", std::string(257, 'e')}, {"password", "p"}, {"role", "none"}},
       "email",
       256},
      {"/emulator/v1/faults",
       {{"path", "/" + std::string(1024, 'p')}, {"delay_ms", 1}},
       "path",
       1024},
      {"/emulator/v1/faults",
       {{"path", "/v1/*"}, {"user", std::string(257, 'e')}, {"delay_ms", 1}},
       "user",
       256},
  };
  const std::string before = srv.get("/v1/actions").body;
  for (const auto& r : rows) {
    SCOPED_TRACE(r.field);
    const auto answer = srv.post(r.target, r.body);
    EXPECT_EQ(answer.status, 400u) << answer.body.substr(0, 300);
    EXPECT_EQ(answer.json_body()["error_code"], "invalid_value");
    EXPECT_NE(answer.body.find("'" + r.field + "'"), std::string::npos) << answer.body;
    EXPECT_NE(answer.body.find("limit is " + std::to_string(r.limit)), std::string::npos)
        << answer.body;
  }
  EXPECT_EQ(srv.get("/v1/actions").body, before);
  EXPECT_EQ(srv.get("/emulator/v1/faults").json_body()["faults"].size(), 0u);
  // At the limit, an action is created and can be deleted by URL.
  const std::string uid(256, 'k');
  ASSERT_EQ(srv.post("/emulator/v1/actions",
                     {{"type", "task"}, {"name", "retry_bdb"}, {"action_uid", uid}})
                .status,
            201u);
  EXPECT_EQ(srv.del("/emulator/v1/actions/" + uid).status, 204u);
}

// Round three: a migrate naming one shard 40 000 times (240 KB) on a
// database of 8192 shards held the registry's writer lock for 10.6 s. The
// list is deduplicated and bounded before the lock is taken, and the shards
// are found in one pass: the hostile body moves its one shard and answers.
TEST(limits, shard_lists_are_deduplicated_and_bounded) {
  test_server srv{manual_clock_config()};
  // The largest database there is: 512 masters and their replicas.
  const auto made = srv.post(
      "/v1/bdbs",
      {{"name", "big"}, {"memory_size", 1 << 30}, {"shards_count", 512}, {"replication", true}});
  ASSERT_EQ(made.status, 200u) << made.body;
  const json shard_list = made.json_body()["shard_list"];
  ASSERT_EQ(shard_list.size(), 1024u);
  const std::uint64_t bdb = made.json_body()["uid"];
  ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 600}}).status, 200u);
  const auto on_node = [&](const std::string& node) {
    std::size_t n = 0;
    for (const json& s : srv.get("/v1/shards").json_body())
      if (s["bdb_uid"] == bdb && s["node_uid"] == node) ++n;
    return n;
  };
  ASSERT_EQ(on_node("2"), 0u);  // dense on node 3, replicas on node 1

  const std::string first = std::to_string(shard_list[0].get<std::uint64_t>());
  const json same(std::vector<std::string>(40000, first));
  const auto migrated =
      srv.post("/v1/shards/actions/migrate", {{"shard_uids", same}, {"target_node_uid", 2}});
  EXPECT_EQ(migrated.status, 200u) << migrated.body;
  ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 600}}).status, 200u);
  EXPECT_EQ(on_node("2"), 1u);  // one shard, once
  EXPECT_EQ(srv.post("/v1/shards/actions/failover", {{"shard_uids", same}}).status, 200u);

  // More distinct shards than one database has: an over-limit array, 400,
  // before any shard is looked up.
  json many = json::array();
  for (const json& uid : shard_list) many.push_back(std::to_string(uid.get<std::uint64_t>()));
  many.push_back("999999");
  const std::string before = srv.get("/v1/actions").body;
  for (const char* action : {"migrate", "failover"}) {
    SCOPED_TRACE(action);
    json body = {{"shard_uids", many}};
    if (std::string_view(action) == "migrate") body["target_node_uid"] = 2;
    const auto refused = srv.post(std::string("/v1/shards/actions/") + action, body);
    EXPECT_EQ(refused.status, 400u) << refused.body.substr(0, 300);
    EXPECT_EQ(refused.json_body()["error_code"], "invalid_schema");
    EXPECT_NE(refused.body.find("1024"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(srv.get("/v1/actions").body, before);
}

// Round three: 10 POSTs of 90 bytes made 81 920 shards, and each
// GET /v1/shards was then 17.6 MB. A database has at most 512 masters (the
// documented range of shards_count), the cluster at most its licence's
// shards_limit (emulator.shards_limit).
TEST(limits, shards_are_capped_per_database_and_per_cluster) {
  test_server srv{
      manual_clock_config(1760000000, [](json& doc) { doc["emulator"]["shards_limit"] = 8; })};
  const auto too_big =
      srv.post("/v1/bdbs", {{"name", "huge"}, {"memory_size", 1024}, {"shards_count", 513}});
  EXPECT_EQ(too_big.status, 400u) << too_big.body;
  EXPECT_EQ(too_big.json_body()["error_code"], "invalid_schema");
  EXPECT_NE(too_big.body.find("between 1 and 512"), std::string::npos) << too_big.body;

  // The seed's two databases hold one shard each: 6 more fill the licence.
  const auto six = srv.post(
      "/v1/bdbs",
      {{"name", "six"}, {"memory_size", 1024}, {"shards_count", 3}, {"replication", true}});
  ASSERT_EQ(six.status, 200u) << six.body;
  const std::string shards = srv.get("/v1/shards").body;
  const std::string bdbs = srv.get("/v1/bdbs").body;
  const auto full = srv.post("/v1/bdbs", {{"name", "one-more"}, {"memory_size", 1024}});
  EXPECT_EQ(full.status, 406u) << full.body;
  EXPECT_EQ(full.json_body()["error_code"], "insufficient_resources");
  EXPECT_NE(full.body.find("shards_limit"), std::string::npos) << full.body;
  EXPECT_NE(full.body.find("allows 8 shards"), std::string::npos) << full.body;
  EXPECT_EQ(srv.get("/v1/shards").body, shards);  // refused: nothing changed
  EXPECT_EQ(srv.get("/v1/bdbs").body, bdbs);
  ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", 600}}).status, 200u);
  const auto grow = srv.call(http::verb::put, "/v1/bdbs/2", admin, R"({"shards_count":2})");
  EXPECT_EQ(grow.status, 406u) << grow.body;
  EXPECT_EQ(grow.json_body()["error_code"], "insufficient_resources");
  // Shrinking is always allowed, and frees room.
  const std::string six_uid = std::to_string(six.json_body()["uid"].get<std::uint64_t>());
  EXPECT_EQ(
      srv.call(http::verb::put, "/v1/bdbs/" + six_uid, admin, R"({"replication":false})").status,
      200u);
  EXPECT_EQ(srv.get("/v1/shards").json_body().size(), 5u);
  EXPECT_EQ(srv.post("/v1/bdbs", {{"name", "one-more"}, {"memory_size", 1024}}).status, 200u);
}

}  // namespace
}  // namespace reemu::test
