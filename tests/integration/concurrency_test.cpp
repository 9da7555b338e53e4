// Concurrency over real sockets: the server runs on two I/O threads with a
// state file, plain and TLS readers poll lists and single actions on
// keep-alive connections and use up a counted fault (background saves),
// while a writer creates, patches and deletes actions and moves the clock
// through the control API. Every answer must be valid and
// documented (client::send checks the OpenAPI contract), every list must hold
// each action acknowledged before the request and not yet being deleted,
// nothing may appear that was never created, nothing twice; and the state
// file restored into a new app must show the final state exactly.
// Built into reemu_concurrency_tests, which the tsan preset runs.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_server.hpp"

using namespace reemu;
using namespace reemu::test;

namespace {

// What the writer has done, as the readers may rely on it.
class ledger {
 public:
  void creating(const std::string& uid) {
    std::lock_guard lock(mutex_);
    started_.insert(uid);
  }
  void created(const std::string& uid) {
    std::lock_guard lock(mutex_);
    live_.insert(uid);
  }
  void deleting(const std::string& uid) {
    std::lock_guard lock(mutex_);
    deleting_.insert(uid);
  }
  void deleted(const std::string& uid) {
    std::lock_guard lock(mutex_);
    live_.erase(uid);
  }
  std::set<std::string> live() const {
    std::lock_guard lock(mutex_);
    return live_;
  }
  bool ever_started(const std::string& uid) const {
    std::lock_guard lock(mutex_);
    return started_.contains(uid);
  }
  bool delete_started(const std::string& uid) const {
    std::lock_guard lock(mutex_);
    return deleting_.contains(uid);
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> started_, live_, deleting_;
};

std::set<std::string> seed_uids() {
  std::set<std::string> uids;
  const json doc = default_config_json();
  for (const char* key : {"actions", "state-machines"})
    for (const auto& a : doc[key]) uids.insert(a["action_uid"].get<std::string>());
  return uids;
}

// Checks one GET /v1/actions answer against what the ledger promised.
void check_list(const response& r, const std::set<std::string>& promised, const ledger& book,
                const std::set<std::string>& seed, std::atomic<int>& problems) {
  const auto fail = [&](const std::string& what) {
    if (problems++ < 10) ADD_FAILURE() << what;
  };
  if (r.status != 200) return fail("list answered " + std::to_string(r.status));
  const json doc = r.json_body();
  if (doc.is_discarded()) return fail("list is not JSON");
  std::set<std::string> seen;
  for (const char* key : {"actions", "state-machines"}) {
    for (const auto& a : doc[key]) {
      const auto uid = a["action_uid"].get<std::string>();
      if (!seen.insert(uid).second) fail("listed twice: " + uid);
      if (!seed.contains(uid) && !book.ever_started(uid)) fail("never created: " + uid);
    }
  }
  for (const auto& uid : seed)
    if (!seen.contains(uid)) fail("seed action missing: " + uid);
  for (const auto& uid : promised)
    if (!seen.contains(uid) && !book.delete_started(uid))
      fail("acknowledged action missing: " + uid);
}

TEST(concurrency, server_under_concurrent_readers_and_writers) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-concurrency-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto edit = [&](json& doc) {
    doc["server"]["https"] = true;
    doc["emulator"]["state_file"] = (dir / "state.json").string();
    // Small, so the log is compacted in the background while writers append.
    doc["emulator"]["state_compact_bytes"] = 4096;
  };
  const auto seed = seed_uids();
  ledger book;
  std::atomic<bool> writing{true};
  std::atomic<int> problems{0}, lists{0};
  std::string final_list;
  {
    test_server srv{manual_clock_config(1760000000, edit), 2};

    const auto reader = [&](bool tls) {
      client c = tls ? client(srv.https_port(), tls_client_options{}) : client(srv.http_port());
      while (writing.load()) {
        const auto promised = book.live();
        check_list(c.send(make_request(http::verb::get, "/v1/actions", admin)), promised, book,
                   seed, problems);
        ++lists;
        const auto v2 = c.send(make_request(http::verb::get, "/v2/actions", admin));
        if (v2.status != 200 || !v2.json_body().is_array()) ++problems;
        // A counted fault: each hit queues a background save of the state
        // file, racing the writer's synchronous ones.
        const auto faulted = c.send(make_request(http::verb::get, "/v1/actions/bdb/1", admin));
        if (faulted.status != 503) ++problems;
        if (!promised.empty()) {
          const std::string uid = *promised.rbegin();
          const auto one = c.send(make_request(http::verb::get, "/v1/actions/" + uid, admin));
          if (one.status != 200 && !(one.status == 404 && book.delete_started(uid))) {
            if (problems++ < 10) ADD_FAILURE() << uid << " answered " << one.status;
          }
        }
      }
    };
    client w(srv.http_port());
    {
      const auto rule =
          w.send(make_request(http::verb::post, "/emulator/v1/faults", admin,
                              R"({"path":"/v1/actions/bdb/*","status":503,"times":1000000})"));
      ASSERT_EQ(rule.status, 201) << rule.body;  // before any reader starts
    }
    std::vector<std::thread> readers;
    readers.emplace_back(reader, false);
    readers.emplace_back(reader, false);
    readers.emplace_back(reader, true);

    constexpr int rounds = 60;
    for (int i = 0; i < rounds; ++i) {
      const std::string uid = "w-" + std::to_string(i);
      book.creating(uid);
      const json body = i % 2
                            ? json{{"type", "task"},
                                   {"name", "retry_bdb"},
                                   {"action_uid", uid},
                                   {"status", "running"},
                                   {"progress", "10"}}
                            : json{{"type", "state-machine"},
                                   {"name", "SMCreateBDB"},
                                   {"object_name", "bdb:1"},
                                   {"action_uid", uid},
                                   {"simulate", {{"step_seconds", 5}, {"retain_seconds", 100000}}}};
      const auto created =
          w.send(make_request(http::verb::post, "/emulator/v1/actions", admin, body.dump()));
      if (created.status != 201) {  // not ASSERT: the readers must be joined first
        ADD_FAILURE() << uid << " answered " << created.status << ": " << created.body;
        break;
      }
      book.created(uid);
      if (i % 2) {
        const auto patched = w.send(make_request(http::verb::patch, "/emulator/v1/actions/" + uid,
                                                 admin, R"({"progress":"50"})"));
        EXPECT_EQ(patched.status, 200) << patched.body;
      }
      if (i % 3 == 0 && i > 0) {
        const std::string victim = "w-" + std::to_string(i - 1);
        book.deleting(victim);
        const auto gone =
            w.send(make_request(http::verb::delete_, "/emulator/v1/actions/" + victim, admin));
        EXPECT_EQ(gone.status, 204) << gone.body;
        book.deleted(victim);
      }
      const auto moved = w.send(
          make_request(http::verb::post, "/emulator/v1/clock/advance", admin, R"({"seconds":1})"));
      EXPECT_EQ(moved.status, 200) << moved.body;
    }
    writing = false;
    for (auto& t : readers) t.join();
    const auto last = w.send(make_request(http::verb::get, "/v1/actions", admin));
    check_list(last, book.live(), book, seed, problems);
    final_list = last.body;
  }
  EXPECT_EQ(problems.load(), 0);
  EXPECT_GT(lists.load(), 0);
  RecordProperty("lists", lists.load());

  // The state file holds exactly what the server showed last.
  {
    test_server again{manual_clock_config(1760000000, edit), 1};
    EXPECT_EQ(again.get("/v1/actions").body, final_list);
    // And the fault rule with every use the readers made of it (one per loop).
    const json faults = again.get("/emulator/v1/faults").json_body()["faults"];
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0]["hits"], lists.load());
    EXPECT_EQ(faults[0]["times"], 1000000 - lists.load());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
