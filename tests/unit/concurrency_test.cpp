// Concurrency: writers create, patch and delete actions and move the clock
// while readers list and poll, all through app::handle (no sockets). Every
// answer must be valid JSON, every list a consistent snapshot, and nothing may
// be lost or duplicated. Run it under the tsan preset to check for races.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;

namespace {

constexpr std::string_view config_text = R"({
  "emulator": {"clock": "manual", "clock_start": 1700000000},
  "users": [{"email": "admin@redis.local", "password": "Redis123!", "role": "admin"}],
  "databases": [1],
  "actions": [{"action_uid": "seed-task", "name": "retry_bdb", "node_uid": "1", "progress": "100", "status": "completed"}],
  "state-machines": [{"action_uid": "seed-sm", "heartbeat": 1, "name": "SMCreateBDB", "object_name": "bdb:1", "status": "completed"}]
})";

const std::string authorization = "Basic " + base64_encode("admin@redis.local:Redis123!");

struct client {
  app& a;
  auth_cache cache;  // like a keep-alive connection
  handled call(http_t::verb method, std::string_view method_text, const std::string& target,
               const std::string& body = {}) {
    incoming_request in;
    in.method = method;
    in.method_text = method_text;
    in.target = target;
    in.authorization = authorization;
    in.body = body;
    if (!body.empty()) in.content_type = "application/json";
    return a.handle(in, &cache);
  }
  handled get(const std::string& target) { return call(http_t::verb::get, "GET", target); }
};

json parse_body(const handled& h) {
  if (!h.reply.body) return json();
  return json::parse(h.reply.body.str(), nullptr, false);
}

}  // namespace

TEST(concurrency, writers_and_readers_see_consistent_snapshots) {
  app a(parse_config(json::parse(config_text), "concurrency.json"));
  constexpr int writers = 3, readers = 3, rounds = 150;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::mutex kept_mutex;
  std::set<std::string> kept;  // created and not deleted, across all writers

  const auto fail = [&](const std::string& what) {
    if (failures.fetch_add(1) < 10) ADD_FAILURE() << what;
  };

  // The binary sets up logging before it starts threads; do the same, or
  // the threads race to create spdlog's registry, whose static
  // initialisation inside the uninstrumented libspdlog ThreadSanitizer
  // cannot see.
  spdlog::default_logger();

  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      client c{a, {}};
      std::vector<std::string> mine;
      for (int i = 0; i < rounds; ++i) {
        const bool sm = (i + w) % 2 == 0;
        const std::string body =
            sm ? R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:)" +
                     std::to_string(w + 2) + "\"}"
               : R"({"type":"task","name":"retry_bdb"})";
        const handled created = c.call(http_t::verb::post, "POST", "/emulator/v1/actions", body);
        const json j = parse_body(created);
        if (created.reply.status != http_t::status::created || !j.contains("action_uid")) {
          fail("create answered " + std::to_string(static_cast<int>(created.reply.status)));
          continue;
        }
        mine.push_back(j["action_uid"].get<std::string>());
        if (i % 3 == 1) {  // patch the newest one
          const handled p =
              c.call(http_t::verb::patch, "PATCH", "/emulator/v1/actions/" + mine.back(),
                     sm ? R"({"progress":50,"state":"provision"})" : R"({"progress":"50"})");
          if (p.reply.status != http_t::status::ok) fail("patch failed: " + p.reply.body.str());
        }
        if (i % 5 == 4) {  // delete the oldest one
          const handled d =
              c.call(http_t::verb::delete_, "DELETE", "/emulator/v1/actions/" + mine.front());
          if (d.reply.status != http_t::status::no_content) fail("delete failed");
          mine.erase(mine.begin());
        }
      }
      std::lock_guard lock(kept_mutex);
      kept.insert(mine.begin(), mine.end());
    });
  }
  threads.emplace_back([&] {  // the clock, in small steps (no retention runs out: 3600 s)
    client c{a, {}};
    for (int i = 0; i < rounds && !done; ++i) {
      const handled h =
          c.call(http_t::verb::post, "POST", "/emulator/v1/clock/advance", R"({"seconds":1})");
      if (h.reply.status != http_t::status::ok) fail("advance failed");
    }
  });
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      client c{a, {}};
      std::string last_uid = "seed-sm";
      while (!done) {
        const handled list = c.get(r == 0 ? "/v2/actions" : "/v1/actions");
        const json j = parse_body(list);
        if (j.is_discarded() || list.reply.status != http_t::status::ok) {
          fail("list is not valid JSON");
          continue;
        }
        // A consistent snapshot: no uid twice, tasks carry task_id == action_uid.
        std::set<std::string> seen;
        const auto check = [&](const json& arr) {
          for (const auto& e : arr) {
            const auto uid = e.value("action_uid", "");
            if (!seen.insert(uid).second) fail("uid listed twice: " + uid);
            if (e.contains("task_id") && e["task_id"] != uid) fail("task_id differs for " + uid);
            if (!uid.empty()) last_uid = uid;
          }
        };
        if (r == 0)
          check(j);
        else {
          check(j["actions"]);
          check(j["state-machines"]);
        }
        const handled one = c.get("/v1/actions/" + last_uid);
        if (one.reply.status != http_t::status::ok && one.reply.status != http_t::status::not_found)
          fail("lookup answered " + std::to_string(static_cast<int>(one.reply.status)));
        if (parse_body(one).is_discarded()) fail("lookup is not valid JSON");
      }
    });
  }
  for (int w = 0; w < writers + 1; ++w) threads[static_cast<std::size_t>(w)].join();
  done = true;
  for (auto& t : threads)
    if (t.joinable()) t.join();

  ASSERT_EQ(failures.load(), 0);
  // Nothing lost, nothing duplicated: the final list is the seed plus what
  // the writers kept.
  client c{a, {}};
  const json final_list = parse_body(c.get("/v1/actions"));
  std::set<std::string> listed;
  std::size_t count = 0;
  for (const char* key : {"actions", "state-machines"})
    for (const auto& e : final_list[key]) {
      listed.insert(e["action_uid"].get<std::string>());
      ++count;
    }
  EXPECT_EQ(count, listed.size());
  std::set<std::string> expected = kept;
  expected.insert({"seed-task", "seed-sm"});
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(kept.size(), static_cast<std::size_t>(writers * (rounds - rounds / 5)));
  // The clock moved exactly as often as it was told.
  const json clock = parse_body(c.get("/emulator/v1/clock"));
  EXPECT_EQ(clock["now"], 1700000000 + rounds);
}

// The registry's structure-sharing storage under concurrent use: one writer
// appends, replaces and removes (every change through registry::update) while
// readers iterate and look up in the snapshots they hold. Each snapshot must
// be internally consistent: iteration in creation order (uids carry their
// creation number), as many values as size(), each found by its uid, and a
// held snapshot unchanged by later writes.
TEST(concurrency, registry_snapshots_stay_consistent_while_written) {
  registry reg{registry_data{}};
  const auto uid_of = [](int i) { return "u" + std::to_string(1000000 + i); };
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};

  std::thread writer([&] {
    for (int i = 0; i < 3000; ++i) {
      reg.update(0, [&](registry_data& d) -> std::optional<failure> {
        d.add(make_static_action(uid_of(i), action_kind::task, json::object()));
        if (i % 7 == 3) d.remove(uid_of(i - 3));
        if (i % 5 == 1)
          d.replace(make_static_action(uid_of(i - 1), action_kind::task, json{{"x", i}}));
        return std::nullopt;
      });
    }
    done = true;
  });

  const auto check = [&](const registry_data& d) {
    std::size_t count = 0;
    std::string previous;
    for (const auto& a : d.actions) {
      if (!previous.empty() && !(previous < a->uid)) ++failures;
      if (d.find(a->uid) != a) ++failures;
      previous = a->uid;
      ++count;
    }
    if (count != d.actions.size()) ++failures;
    return count;
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        const snapshot_ptr held = reg.snapshot();
        const std::size_t first = check(held->data());
        if (check(held->data()) != first) ++failures;  // later writes left it alone
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::size_t removed = 0;
  for (int i = 0; i < 3000; ++i) removed += i % 7 == 3 ? 1 : 0;
  EXPECT_EQ(check(reg.snapshot()->data()), 3000u - removed);
}

// The cache of rendered databases under concurrent use: a writer updates and
// creates databases and a clock thread walks their state machines while
// readers poll the list and single databases. Every answer must be valid
// JSON of the right shape; the list of a snapshot holds each uid once.
TEST(concurrency, database_polls_while_databases_change) {
  app a(parse_config(json::parse(config_text), "concurrency.json"));
  constexpr int rounds = 120;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  const auto fail = [&](const std::string& what) {
    if (failures.fetch_add(1) < 10) ADD_FAILURE() << what;
  };
  spdlog::default_logger();  // see above

  std::vector<std::thread> threads;
  threads.emplace_back([&] {  // updates database 1 whenever it is idle, creates others
    client c{a, {}};
    for (int i = 0; i < rounds; ++i) {
      const handled put = c.call(http_t::verb::put, "PUT", "/v1/bdbs/1",
                                 R"({"memory_size":)" + std::to_string(1000000 + i) + "}");
      if (put.reply.status != http_t::status::ok && put.reply.status != http_t::status::conflict)
        fail("update answered " + std::to_string(static_cast<int>(put.reply.status)));
      if (i % 10 == 0) {
        const handled made =
            c.call(http_t::verb::post, "POST", "/v1/bdbs",
                   R"({"name":"db)" + std::to_string(i) + R"(","memory_size":1048576})");
        if (made.reply.status != http_t::status::ok)
          fail("create failed: " + made.reply.body.str());
      }
    }
  });
  threads.emplace_back([&] {  // the clock, in steps that cross the machines' steps
    client c{a, {}};
    for (int i = 0; i < rounds; ++i) {
      const handled h =
          c.call(http_t::verb::post, "POST", "/emulator/v1/clock/advance", R"({"seconds":0.7})");
      if (h.reply.status != http_t::status::ok) fail("advance failed");
    }
  });
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      client c{a, {}};
      while (!done) {
        const handled list = c.get("/v1/bdbs");
        const json j = parse_body(list);
        if (list.reply.status != http_t::status::ok || !j.is_array() || j.empty()) {
          fail("list is not a JSON array");
          continue;
        }
        std::set<std::uint64_t> uids;
        for (const auto& db : j)
          if (!uids.insert(db.value("uid", 0ULL)).second) fail("uid listed twice");
        const handled one =
            c.get(r == 0 ? "/v1/bdbs/1" : "/v1/bdbs/" + std::to_string(*uids.rbegin()));
        const json o = parse_body(one);
        if (one.reply.status != http_t::status::ok || !o.is_object() || !o.contains("status"))
          fail("lookup answered " + std::to_string(static_cast<int>(one.reply.status)));
      }
    });
  }
  threads[0].join();
  threads[1].join();
  done = true;
  for (auto& t : threads)
    if (t.joinable()) t.join();
  ASSERT_EQ(failures.load(), 0);
  client c{a, {}};
  EXPECT_EQ(parse_body(c.get("/v1/bdbs")).size(), 1u + rounds / 10);
}
