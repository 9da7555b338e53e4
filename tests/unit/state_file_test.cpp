// Unit tests for the state file (src/persist/state_file.cpp): what the control API
// sets up survives a restart of the app, a broken file stops start-up and is
// left untouched, and an interrupted save never damages the saved state.
// Requests go through app::handle (no sockets), so the save hooks are tested too.
#include "reemu/persist/state_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "app_request.hpp"
#include "captures.hpp"
#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/model/cluster_options.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/node.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;
namespace fs = std::filesystem;

namespace {

using test::read_file;

constexpr std::string_view config_document = R"({
  "emulator": {"clock": "manual", "clock_start": 1700000000, "seed": 7},
  "users": [{"email": "admin@redis.local", "password": "Redis123!", "role": "admin"}],
  "databases": [1, 2],
  "actions": [
    {"action_uid": "8fc32a11-4688-4057-9237-cd77fccd726f", "creation_time": "1760400087", "name": "retry_bdb", "node_uid": "1", "progress": "100", "status": "completed", "task_id": "8fc32a11-4688-4057-9237-cd77fccd726f"}
  ],
  "state-machines": [
    {"action_uid": "5a42fabf-c603-4950-88d9-3a3148a5d763", "heartbeat": 1747780298, "name": "SMDeleteBDB", "object_name": "bdb:2", "pending_ops": {}, "progress": 14.29, "state": "config_security", "status": "active"},
    {"action_uid": "sim-1", "name": "SMCreateBDB", "object_name": "bdb:2", "simulate": {}}
  ]
})";

void write_all(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

class state_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("reemu-state-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "state.json";
  }
  void TearDown() override { fs::remove_all(dir_); }

  config make_config() const { return make_config_at(path_); }

  config make_config_at(const fs::path& state) const {
    json doc = json::parse(config_document);
    doc["emulator"]["state_file"] = state.string();
    if (compact_bytes_) doc["emulator"]["state_compact_bytes"] = compact_bytes_;
    return parse_config(doc, "state_file_test.json");
  }

  // Starts (or restarts) the app on the state file.
  void start() {
    app_.reset();
    app_ = std::make_unique<app>(make_config());
  }

  reply call(http_t::verb method, std::string_view target, std::string_view body = {},
             std::string_view authorization = {}) {
    const std::string auth = authorization.empty()
                                 ? "Basic " + base64_encode("admin@redis.local:Redis123!")
                                 : std::string(authorization);
    return app_->handle(test::json_request(method, target, body, auth)).reply;
  }

  std::string get(std::string_view target) {
    const reply r = call(http_t::verb::get, target);
    EXPECT_EQ(r.status, http_t::status::ok) << target;
    return r.body ? r.body.str() : std::string();
  }

  // Everything a client can observe of the state, for before/after comparisons.
  std::string observable() {
    return get("/v1/actions") + "\n" + get("/v2/actions") + "\n" + get("/emulator/v1/users") +
           "\n" + get("/emulator/v1/databases") + "\n" + get("/emulator/v1/faults") + "\n" +
           get("/emulator/v1/clock");
  }

  // Makes the next save write the whole document (through FILE.tmp): an
  // append fails, as on a full disk, and the save after it starts afresh.
  void write_whole_next() {
    app_->state()->inject_write_error(ENOSPC);
    ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":20})").status,
              http_t::status::internal_server_error);
  }

  // The state the file holds: its document with every record applied.
  json saved_document() const { return read_state_text(read_file(path_), "test").document; }

  // Creates an action; its uid is `uid`.
  void create_action(const std::string& uid) {
    ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/actions",
                   R"({"type":"task","name":"retry_bdb","action_uid":")" + uid + R"("})")
                  .status,
              http_t::status::created);
  }

  std::size_t lines() const {
    const std::string text = read_file(path_);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }

  fs::path dir_;
  fs::path path_;
  std::size_t compact_bytes_ = 0;  // state_compact_bytes; 0: the default
  std::unique_ptr<app> app_;
};

TEST_F(state_file_test, missing_file_is_created_from_the_seed_at_start_up) {
  ASSERT_FALSE(fs::exists(path_));
  start();
  ASSERT_TRUE(fs::exists(path_));
  const json doc = saved_document();
  EXPECT_EQ(doc["format"], state_format);
  EXPECT_EQ(doc["version"], state_version);
  EXPECT_EQ(doc["actions"].size(), 3u);
  ASSERT_EQ(doc["databases"].size(), 2u);
  EXPECT_EQ(doc["databases"][0]["uid"], 1);
  EXPECT_EQ(doc["databases"][1]["uid"], 2);
  EXPECT_EQ(doc["cluster_state_id"], 1);
  // Users are kept as password digests, never in clear text.
  EXPECT_EQ(read_file(path_).find("Redis123!"), std::string::npos);
  EXPECT_EQ(fs::status(path_).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
}

TEST_F(state_file_test, everything_the_control_api_sets_up_survives_a_restart) {
  start();
  using v = http_t::verb;
  ASSERT_EQ(
      call(
          v::post, "/emulator/v1/actions",
          R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:9","action_uid":"made-1"})")
          .status,
      http_t::status::created);
  ASSERT_EQ(
      call(
          v::post, "/emulator/v1/actions",
          R"({"type":"task","name":"retry_bdb","action_uid":"made-2","status":"running","progress":"40","custom":{"kept":[1,2]}})")
          .status,
      http_t::status::created);
  ASSERT_EQ(
      call(
          v::post, "/emulator/v1/actions",
          R"({"type":"task","name":"maintenance_on","action_uid":"made-3","simulate":{"step_seconds":3,"outcome":"failed","error":"node down"}})")
          .status,
      http_t::status::created);
  ASSERT_EQ(call(v::patch, "/emulator/v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763",
                 R"({"status":"failed","error":"stopped"})")
                .status,
            http_t::status::ok);
  ASSERT_EQ(call(v::delete_, "/emulator/v1/actions/8fc32a11-4688-4057-9237-cd77fccd726f").status,
            http_t::status::no_content);
  ASSERT_EQ(call(v::post, "/emulator/v1/users",
                 R"({"email":"ops@redis.local","password":"Ops123!","role":"db_viewer"})")
                .status,
            http_t::status::created);
  // (bdb:9 is known already: creating its action registered it)
  const reply db = call(v::post, "/emulator/v1/databases", R"({"uid":11})");
  ASSERT_EQ(db.status, http_t::status::created) << (db.body ? db.body.str() : "");
  ASSERT_EQ(
      call(
          v::post, "/emulator/v1/faults",
          R"({"method":"GET","path":"/v1/actions/*","status":503,"error_code":"busy","times":5,"user":"ops@redis.local"})")
          .status,
      http_t::status::created);
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":5})").status,
            http_t::status::ok);

  const std::string before = observable();
  start();  // a new process would do exactly this
  EXPECT_EQ(observable(), before);

  // The lifecycles go on from where they stood: both futures agree.
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":7})").status,
            http_t::status::ok);
  const std::string later = observable();
  EXPECT_NE(later, before);
  // The saved user signs in with the password given to the control API, and
  // the saved fault still aims at that user.
  const std::string ops = "Basic " + base64_encode("ops@redis.local:Ops123!");
  EXPECT_EQ(call(v::get, "/v1/actions", {}, ops).status, http_t::status::ok);
  const reply faulted = call(v::get, "/v1/actions/made-1", {}, ops);
  EXPECT_EQ(faulted.status, http_t::status::service_unavailable);
  ASSERT_TRUE(faulted.body);
  EXPECT_EQ(json::parse(faulted.body.str())["error_code"], "busy");
}

TEST_F(state_file_test, a_fault_used_up_by_requests_is_saved) {
  start();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/faults",
                 R"({"path":"/v1/actions","status":503,"times":3})")
                .status,
            http_t::status::created);
  EXPECT_EQ(call(http_t::verb::get, "/v1/actions").status, http_t::status::service_unavailable);
  start();
  const json faults = json::parse(get("/emulator/v1/faults"))["faults"];
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0]["times"], 2);
  EXPECT_EQ(faults[0]["hits"], 1);
  // New rules are numbered after the restored ones.
  const reply added =
      call(http_t::verb::post, "/emulator/v1/faults", R"({"path":"/v2/actions","delay_ms":1})");
  ASSERT_TRUE(added.body);
  EXPECT_EQ(json::parse(added.body.str())["id"], faults[0]["id"].get<int>() + 1);
  EXPECT_EQ(call(http_t::verb::get, "/v1/actions").status, http_t::status::service_unavailable);
  EXPECT_EQ(call(http_t::verb::get, "/v1/actions").status, http_t::status::service_unavailable);
  start();
  EXPECT_EQ(call(http_t::verb::get, "/v1/actions").status, http_t::status::ok);
  EXPECT_EQ(json::parse(get("/emulator/v1/faults"))["faults"].size(), 1u);  // the /v2 one
}

// A counted fault used up by an emulated-API request is saved by the
// background saver, without a restart or a control-API write to carry it.
TEST_F(state_file_test, a_fault_used_up_is_saved_in_the_background) {
  start();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/faults",
                 R"({"path":"/v1/actions","status":503,"times":5})")
                .status,
            http_t::status::created);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(call(http_t::verb::get, "/v1/actions").status, http_t::status::service_unavailable);
  // The background saver coalesces for 100 ms: wait on its hook, not on
  // the file.
  ASSERT_TRUE(app_->wait_state_saved(std::chrono::seconds(10)));
  const json saved = saved_document();
  ASSERT_EQ(saved["faults"].size(), 1u);
  EXPECT_EQ(saved["faults"][0]["times"], 2);
  EXPECT_EQ(saved["faults"][0]["hits"], 3);
}

// Whatever times a seed carries (a capture in milliseconds, a negative or
// "nan" creation time), what the emulator saves it loads again.
TEST_F(state_file_test, seed_with_odd_times_saves_and_loads) {
  json doc = json::parse(config_document);
  doc["emulator"]["state_file"] = path_.string();
  doc["actions"].push_back({{"action_uid", "odd-1"}, {"name", "retry_bdb"}, {"heartbeat", -5}});
  doc["actions"].push_back(
      {{"action_uid", "odd-2"}, {"name", "retry_bdb"}, {"creation_time", "nan"}});
  doc["actions"].push_back(
      {{"action_uid", "odd-3"}, {"name", "retry_bdb"}, {"creation_time", "-inf"}});
  doc["state-machines"].push_back({{"action_uid", "odd-4"},
                                   {"name", "SMCreateBDB"},
                                   {"object_name", "bdb:1"},
                                   {"heartbeat", 1747780298000ull}});
  app_ = std::make_unique<app>(parse_config(doc, "odd.json"));
  const std::string before = observable();
  app_.reset();
  app_ = std::make_unique<app>(parse_config(doc, "odd.json"));  // loads the file it created
  EXPECT_EQ(observable(), before);
}

TEST_F(state_file_test, reset_saves_the_configured_seed) {
  start();
  const std::string seed = observable();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/reset").status, http_t::status::ok);
  start();
  EXPECT_EQ(observable(), seed);
}

TEST_F(state_file_test, rejected_control_requests_leave_the_file_as_it_was) {
  start();
  const std::string saved = read_file(path_);
  EXPECT_EQ(
      call(http_t::verb::post, "/emulator/v1/actions", R"({"type":"task","progress":"x"})").status,
      http_t::status::bad_request);
  EXPECT_EQ(call(http_t::verb::delete_, "/emulator/v1/actions/none").status,
            http_t::status::not_found);
  EXPECT_EQ(read_file(path_), saved);
}

// A truncated or edited file stops start-up with its name in the message
// and keeps every byte, whatever the point of damage.
TEST_F(state_file_test, broken_file_is_a_start_up_error_and_is_never_overwritten) {
  start();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  app_.reset();
  const std::string good = read_file(path_);
  ASSERT_GT(good.size(), 100u);
  // The document (first line) damaged at any point; a log record is
  // damaged in the tests below.
  const std::size_t document_end = good.find('\n');
  ASSERT_NE(document_end, std::string::npos);

  std::vector<std::string> broken;
  for (std::size_t cut = 0; cut < document_end; cut += document_end / 23 + 1)
    broken.push_back(good.substr(0, cut));  // a torn write
  json doc = saved_document();
  const auto edited = [&](auto&& edit) {
    json d = doc;
    edit(d);
    return d.dump();
  };
  broken.push_back(edited([](json& d) { d["format"] = "something else"; }));
  broken.push_back(edited([](json& d) { d["version"] = state_version + 1; }));
  broken.push_back(edited([](json& d) { d["databases"][0]["fields"] = 1; }));
  broken.push_back(edited([](json& d) { d["databases"].push_back(d["databases"][0]); }));
  broken.push_back(edited([](json& d) {
    d["plans"].push_back({{"id", 1}, {"hits", 0}, {"simulate", {{"step_seconds", 0}}}});
  }));
  broken.push_back(edited([](json& d) { d["cluster_state_id"] = -1; }));
  broken.push_back(edited([](json& d) { d.erase("clock"); }));
  broken.push_back(edited([](json& d) { d["users"][0]["password_sha256"] = "abc"; }));
  for (const char* bad_password :
       {"abc", "pbkdf2-sha256$0$000102030405060708090a0b0c0d0e0f$00",
        "pbkdf2-sha256$99999999999$000102030405060708090a0b0c0d0e0f$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        "pbkdf2-sha256$1000$0001$5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        // the iteration count is one whole number, nothing around it
        "pbkdf2-sha256$+1000$000102030405060708090a0b0c0d0e0f$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        "pbkdf2-sha256$1000 $000102030405060708090a0b0c0d0e0f$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        "pbkdf2-sha256$$000102030405060708090a0b0c0d0e0f$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        "pbkdf2-sha256$18446744073709552616$000102030405060708090a0b0c0d0e0f$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        // salt and hash in lower case only
        "pbkdf2-sha256$1000$000102030405060708090A0B0C0D0E0F$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd",
        "sha256$1000$000102030405060708090a0b0c0d0e0f$"
        "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd"})
    broken.push_back(edited([&](json& d) { d["users"][0]["password"] = bad_password; }));
  broken.push_back(edited([](json& d) { d["users"][0]["email"] = "a\r\nb@x"; }));
  broken.push_back(edited([](json& d) { d["users"][0]["role"] = "root"; }));
  broken.push_back(edited([](json& d) {
    d["users"][0].erase("role_uids");
    d["users"][0]["role"] = "root";
  }));
  broken.push_back(edited([](json& d) { d["users"][0]["role_uids"] = {99}; }));
  broken.push_back(edited([](json& d) { d["users"][0]["role_uids"] = json::array(); }));
  broken.push_back(edited([](json& d) { d["users"][0]["uid"] = 0; }));
  broken.push_back(edited([](json& d) { d["users"].push_back(d["users"][0]); }));
  broken.push_back(edited([](json& d) {
    d["users"].push_back(d["users"][0]);
    d["users"][1]["email"] = "other@redis.local";  // the same uid twice
  }));
  broken.push_back(edited([](json& d) { d["roles"] = json::array(); }));
  broken.push_back(edited([](json& d) { d["roles"].push_back(d["roles"][0]); }));
  broken.push_back(edited([](json& d) { d["roles"][0]["management"] = "root"; }));
  broken.push_back(edited([](json& d) { d["password_policy"]["min_length"] = 7; }));
  broken.push_back(edited([](json& d) { d["password_policy"] = {{"min_length", 8}}; }));
  broken.push_back(edited([](json& d) { d["databases"].push_back(0); }));
  broken.push_back(edited([](json& d) { d["actions"].push_back(d["actions"][0]); }));
  broken.push_back(edited([](json& d) { d["actions"][0]["type"] = "job"; }));
  broken.push_back(edited([](json& d) { d["actions"][0]["fields"].erase("action_uid"); }));
  broken.push_back(edited([](json& d) { d["actions"][2]["simulate"]["steps"] = json::array(); }));
  broken.push_back(edited([](json& d) {
    d["faults"].push_back({{"id", 1}, {"hits", 0}, {"path", "x"}});
  }));
  // A fault id the counter could wrap after: refused, not restored.
  broken.push_back(edited([](json& d) {
    d["faults"].push_back({{"id", 4294967296ull}, {"hits", 0}, {"path", "/x"}, {"delay_ms", 1}});
  }));
  broken.push_back(edited([](json& d) { d["extra"] = 1; }));
  broken.push_back("[]");

  for (const auto& text : broken) {
    write_all(path_, text);
    try {
      app a(make_config());
      ADD_FAILURE() << "started on a broken state file: " << text.substr(0, 200);
    } catch (const state_file_error& e) {
      EXPECT_NE(std::string(e.what()).find(path_.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("left as it is"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(path_), text) << "the broken file was changed";
  }
  write_all(path_, good);
  start();  // and the intact one still loads
  EXPECT_NE(get("/emulator/v1/databases").find('9'), std::string::npos);
}

// A save interrupted at any byte (a kill -9 before the rename) leaves the
// previous state whole; the temporary file it left is ignored and replaced.
TEST_F(state_file_test, interrupted_save_leaves_the_previous_state_whole) {
  start();
  const std::string before = observable();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  const std::string next = capture_state(app_->svc()) + "\n";  // a state with database 9
  ASSERT_EQ(call(http_t::verb::delete_, "/emulator/v1/databases/9").status,
            http_t::status::no_content);
  ASSERT_EQ(observable(), before);
  // The counters moved (cluster-state-id, the highest uid): this is the
  // previous state a torn save must leave.
  const std::string saved = read_file(path_);
  // Every size of torn temporary file, up to all of it written but neither
  // synced nor renamed.
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, next.size() / 3, next.size() / 2,
                          next.size() - 1, next.size()}) {
    const auto err = write_file_atomically(path_.string(), next, cut);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(read_file(path_), saved);
    EXPECT_TRUE(fs::exists(path_.string() + ".tmp"));
  }
  start();
  EXPECT_EQ(observable(), before);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  EXPECT_FALSE(fs::exists(path_.string() + ".tmp")) << "start-up removes a leftover temporary";
  EXPECT_NE(read_file(path_), saved);
}

TEST_F(state_file_test, a_failed_save_is_reported_and_the_file_keeps_the_last_good_state) {
  start();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":8})").status,
            http_t::status::created);
  const std::string saved = read_file(path_);
  app_->state()->inject_write_error(ENOSPC);  // the next append fails, as on a full disk
  const reply r = call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})");
  EXPECT_EQ(r.status, http_t::status::internal_server_error);
  ASSERT_TRUE(r.body);
  const json body = json::parse(r.body.str());
  EXPECT_EQ(body["error_code"], "internal_error");
  EXPECT_NE(body["description"].get<std::string>().find("not saved"), std::string::npos)
      << r.body.str();
  EXPECT_EQ(read_file(path_), saved);
  // The next save writes the whole document, the unsaved change with it.
  fs::create_directory(path_.string() + ".tmp");  // and when that fails too, nothing changes
  EXPECT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":10})").status,
            http_t::status::internal_server_error);
  EXPECT_EQ(read_file(path_), saved);
  fs::remove(path_.string() + ".tmp");
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":11})").status,
            http_t::status::created);
  EXPECT_EQ(read_file(path_).find('\n'), read_file(path_).size() - 1) << "one document, no records";
  const std::string shown = observable();
  start();
  EXPECT_EQ(observable(), shown);
}

TEST_F(state_file_test, unwritable_path_is_a_start_up_error) {
  path_ = dir_ / "no-such-dir" / "state.json";
  EXPECT_THROW(start(), state_file_error);
}

TEST_F(state_file_test, capture_restore_capture_is_a_fixed_point) {
  start();
  ASSERT_EQ(
      call(
          http_t::verb::post, "/emulator/v1/actions",
          R"({"type":"task","name":"module_installation","simulate":{"steps":["a","b"],"starting_seconds":1.5,"retain_seconds":0}})")
          .status,
      http_t::status::created);
  ASSERT_EQ(call(http_t::verb::patch, "/emulator/v1/actions/8fc32a11-4688-4057-9237-cd77fccd726f",
                 R"({"status":"failed","error_code":"x","error_message":"y"})")
                .status,
            http_t::status::ok);
  const std::string first = capture_state(app_->svc());
  // The text built by hand is the canonical dump of the document it holds.
  const json doc = json::parse(first);
  EXPECT_EQ(dump(doc), first);
  app other(parse_config(json::parse(config_document), "other.json"));
  restore_state(doc, other.svc(), "test");
  EXPECT_EQ(capture_state(other.svc()), first);
}

}  // namespace

// Item 8: a symlink planted at FILE.tmp was followed and its target
// overwritten with the state (users and their password hashes included).
TEST_F(state_file_test, symlink_planted_at_the_temporary_is_not_followed) {
  start();
  const fs::path victim = dir_ / "victim.txt";
  write_all(victim, "precious");
  fs::create_symlink(victim, path_.string() + ".tmp");
  fs::create_symlink(victim, path_.string() + ".compact");
  write_whole_next();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  EXPECT_EQ(read_file(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(path_));
  EXPECT_NE(read_file(path_).find("9"), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::symlink_status(path_.string() + ".tmp")));
  // The compaction's temporary likewise.
  ASSERT_EQ(app_->state()->compact(), std::nullopt);
  EXPECT_EQ(read_file(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(path_));
  EXPECT_FALSE(fs::exists(fs::symlink_status(path_.string() + ".compact")));
  EXPECT_EQ(saved_document()["databases"].size(), 4u);
}

// Item 8: a leftover FILE.tmp kept its mode (0666), and the state file came
// out world-readable after the rename.
TEST_F(state_file_test, leftover_temporary_does_not_lend_its_mode) {
  start();
  const fs::path temp = path_.string() + ".tmp";
  write_all(temp, "leftover of a killed save");
  fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::group_write | fs::perms::others_read |
                            fs::perms::others_write);
  write_whole_next();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(read_file(path_).find("9"), std::string::npos);
}

// Item 8: two servers on one state file each saved their own state over the
// other's: 20 of 40 acknowledged writes were lost. The second now stops.
TEST_F(state_file_test, a_second_server_on_the_same_file_is_refused) {
  start();
  try {
    app second(make_config());
    ADD_FAILURE() << "a second app started on a state file in use";
  } catch (const state_file_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("in use by another server"), std::string::npos) << what;
    EXPECT_NE(what.find(path_.string() + ".lock"), std::string::npos) << what;
  }
  // The first one still saves, and once it is gone another may start.
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  app_.reset();
  start();
  EXPECT_NE(get("/emulator/v1/databases").find('9'), std::string::npos);
}

// A symlink to the state file names the same file: its server finds the
// lock of the file itself (the lock was keyed on the path given, and a
// second server through a symlink lost 10 of 20 acknowledged writes).
TEST_F(state_file_test, a_second_server_through_a_symlink_is_refused) {
  start();
  const fs::path link = dir_ / "link.json";
  fs::create_symlink(path_, link);
  try {
    app second(make_config_at(link));
    ADD_FAILURE() << "a second app started on a state file in use, through a symlink";
  } catch (const state_file_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another server"), std::string::npos)
        << e.what();
  }
  // Alone, a server through the symlink writes to the file it names and
  // leaves the link a link.
  app_.reset();
  app_ = std::make_unique<app>(make_config_at(link));
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  EXPECT_TRUE(fs::is_symlink(link));
  app_.reset();
  start();
  EXPECT_NE(get("/emulator/v1/databases").find('9'), std::string::npos);
}

// A hard link is a second name no lock can see: refused at start-up, with
// the first server running or not (5 of 20 acknowledged writes were lost).
TEST_F(state_file_test, a_state_file_with_a_second_hard_link_is_refused) {
  start();
  const fs::path twin = dir_ / "twin.json";
  fs::create_hard_link(path_, twin);
  for (const bool first_running : {true, false}) {
    if (!first_running) app_.reset();
    try {
      app second(make_config_at(twin));
      ADD_FAILURE() << "an app started on a state file with two names";
    } catch (const state_file_error& e) {
      EXPECT_NE(std::string(e.what()).find("2 hard links"), std::string::npos) << e.what();
    }
  }
}

// The state file removed or renamed behind the server's back: every later
// write answered 201 and went to the orphaned file, lost at the restart.
// Now the save writes the whole state at the path again, so what it
// acknowledges is found at the next start.
TEST_F(state_file_test, a_state_file_removed_or_renamed_while_in_use_is_written_again) {
  start();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":8})").status,
            http_t::status::created);
  fs::remove(path_);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  ASSERT_TRUE(fs::exists(path_));
  fs::rename(path_, dir_ / "moved.json");
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":10})").status,
            http_t::status::created);
  // Replaced by another file: the server's state wins.
  fs::copy_file(dir_ / "moved.json", dir_ / "other.json");
  fs::rename(dir_ / "other.json", path_);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":11})").status,
            http_t::status::created);
  const std::string shown = observable();
  start();
  EXPECT_EQ(observable(), shown);
  const std::string databases = get("/emulator/v1/databases");
  for (const char* uid : {"8", "9", "10", "11"})
    EXPECT_NE(databases.find(uid), std::string::npos) << uid << " lost: " << databases;
}

// Its directory deleted: nothing can be made durable, so nothing is
// acknowledged (every write answered 201 before).
TEST_F(state_file_test, a_state_file_whose_directory_is_gone_acknowledges_nothing) {
  path_ = dir_ / "sub" / "state.json";
  fs::create_directories(path_.parent_path());
  start();
  fs::remove_all(path_.parent_path());
  for (int uid = 8; uid < 11; ++uid) {
    const reply r = call(http_t::verb::post, "/emulator/v1/databases",
                         R"({"uid":)" + std::to_string(uid) + "}");
    EXPECT_EQ(r.status, http_t::status::internal_server_error) << uid;
    ASSERT_TRUE(r.body);
    EXPECT_NE(r.body.str().find("not saved"), std::string::npos) << r.body.str();
  }
  // Once the directory is back, the next save writes everything.
  fs::create_directories(path_.parent_path());
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":11})").status,
            http_t::status::created);
  const std::string shown = observable();
  start();
  EXPECT_EQ(observable(), shown);
}

// Item 8: passwords were saved as unsalted SHA-256.
TEST_F(state_file_test, passwords_are_saved_salted_and_sign_in_after_a_restart) {
  start();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/users",
                 R"({"email":"twin@redis.local","password":"Redis123!","role":"db_viewer"})")
                .status,
            http_t::status::created);
  const json doc = saved_document();
  ASSERT_EQ(doc["users"].size(), 2u);
  const std::string a = doc["users"][0]["password"], b = doc["users"][1]["password"];
  EXPECT_TRUE(a.starts_with("pbkdf2-sha256$1000$")) << a;
  EXPECT_NE(a, b);  // the same password, two salts
  EXPECT_EQ(read_file(path_).find("Redis123!"), std::string::npos);
  start();
  const std::string twin = "Basic " + base64_encode("twin@redis.local:Redis123!");
  EXPECT_EQ(call(http_t::verb::get, "/v1/actions", {}, twin).status, http_t::status::ok);
  const std::string wrong = "Basic " + base64_encode("twin@redis.local:Redis123");
  EXPECT_EQ(call(http_t::verb::get, "/v1/actions", {}, wrong).status, http_t::status::unauthorized);
}

TEST_F(state_file_test, a_version1_file_is_refused_with_the_reason) {
  start();
  app_.reset();
  json doc = saved_document();
  doc["version"] = 1;
  doc["users"][0].erase("password");
  doc["users"][0]["password_sha256"] = std::string(64, 'a');
  write_all(path_, doc.dump());
  try {
    start();
    ADD_FAILURE() << "started on a version 1 file";
  } catch (const state_file_error& e) {
    EXPECT_NE(std::string(e.what()).find("unsalted"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path_), doc.dump());
}

// A database mid-update, its plan rule and the counters survive a restart:
// the machine goes on from where it stood, and the counters count on.
TEST_F(state_file_test, databases_their_machines_plans_and_counters_survive_a_restart) {
  start();
  using v = http_t::verb;
  ASSERT_EQ(call(v::post, "/emulator/v1/plans",
                 R"({"name":"SMUpdateBDB","simulate":{"step_seconds":10},"times":2})")
                .status,
            http_t::status::created);
  const reply made = call(v::post, "/v1/bdbs", R"({"name":"kept","memory_size":1048576})");
  ASSERT_EQ(made.status, http_t::status::ok);
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":60})").status,
            http_t::status::ok);
  const reply updated = call(v::put, "/v1/bdbs/3", R"({"name":"kept-2"})");
  ASSERT_EQ(updated.status, http_t::status::ok);
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":20})").status,
            http_t::status::ok);
  const std::string bdb = get("/v1/bdbs/3");
  const std::string plans = get("/emulator/v1/plans");
  EXPECT_NE(bdb.find("active-change-pending"), std::string::npos) << bdb;
  const reply before = call(v::get, "/v1/bdbs");

  start();
  EXPECT_EQ(get("/v1/bdbs/3"), bdb);
  EXPECT_EQ(get("/emulator/v1/plans"), plans);
  const reply after = call(v::get, "/v1/bdbs");
  ASSERT_FALSE(after.headers.empty());
  EXPECT_EQ(after.headers.back(), before.headers.back());  // cluster-state-id
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":60})").status,
            http_t::status::ok);
  EXPECT_NE(get("/v1/bdbs/3").find(R"("status":"active")"), std::string::npos);
  const reply next = call(v::post, "/v1/bdbs", R"({"name":"next","memory_size":1})");
  EXPECT_NE(next.body.str().find(R"("uid":4)"), std::string::npos);
}

// Version 2 kept database uids only: they come back with the template's
// fields, and the new counters start afresh.
TEST_F(state_file_test, a_version2_file_is_read) {
  start();
  app_.reset();
  json doc = saved_document();
  doc["version"] = 2;
  doc["databases"] = json::array({1, 7});
  for (const char* key : {"plans",           "cluster_state_id",
                          "bdb_uid_high",    "nodes",
                          "cluster_actions", "next_plan_rule_id",
                          "next_fault_id",   "license",
                          "ldap_mappings",   "proxies",
                          "redis_acls",      "ids_drawn",
                          "password_policy", "roles",
                          "role_uid_high",   "user_uid_high",
                          "active_active",   "events",
                          "stats",           "alerts",
                          "cluster_options"})
    doc.erase(key);
  write_all(path_, doc.dump());
  start();
  EXPECT_EQ(get("/emulator/v1/databases"), R"({"databases":[1,7]})");
  EXPECT_NE(get("/v1/bdbs/7").find(R"("uid":7)"), std::string::npos);
  ASSERT_EQ(call(http_t::verb::delete_, "/emulator/v1/databases/1").status,
            http_t::status::no_content);
  EXPECT_EQ(saved_document()["version"], state_version);  // saved as the current version
}

// Nodes are saved with their fields and start time; a version 3 file saved
// before nodes were kept takes them from the config.
TEST_F(state_file_test, nodes_survive_a_restart_and_an_older_file_keeps_the_configs) {
  start();
  app_.reset();
  json doc = saved_document();
  ASSERT_EQ(doc["nodes"].size(), 1u);  // the config has no "nodes": the captured node 1
  EXPECT_EQ(doc["nodes"][0]["uid"], 1);
  doc["nodes"] = json::array({{{"uid", 1}, {"fields", {{"addr", "10.9.9.1"}}}, {"started_at", 5}},
                              {{"uid", 4}, {"fields", json::object()}, {"started_at", 6}}});
  write_all(path_, doc.dump());
  start();
  const auto nodes = [&] { return app_->svc().registry.snapshot()->data().nodes; };
  ASSERT_EQ(nodes().size(), 2u);
  EXPECT_EQ(render_node(*nodes().at(1), 10)["addr"], "10.9.9.1");
  EXPECT_EQ(render_node(*nodes().at(4), 10)["uptime"], 4);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/clock/advance", R"({"seconds":1})").status,
            http_t::status::ok);  // a change: the state is saved
  EXPECT_EQ(saved_document()["nodes"], doc["nodes"]);

  app_.reset();
  doc.erase("nodes");
  write_all(path_, doc.dump());
  start();
  ASSERT_EQ(nodes().size(), 1u);
  EXPECT_EQ(render_node(*nodes().at(1), 10)["addr"], "192.168.16.2");

  app_.reset();
  doc["nodes"] = json::array({{{"uid", 1}, {"fields", json::object()}}});
  write_all(path_, doc.dump());
  EXPECT_THROW(start(), state_file_error);
}

// A node action mid-run and a cluster action survive a restart: the node
// goes into maintenance when the task completes, after the restart.
TEST_F(state_file_test, a_running_node_task_survives_a_restart) {
  start();
  using v = http_t::verb;
  const reply started = call(v::post, "/v1/nodes/1/actions/maintenance_on", "{}");
  ASSERT_EQ(started.status, http_t::status::ok) << started.body.str();
  ASSERT_EQ(call(v::post, "/v1/cluster/actions/change_master", R"({"node_uid":"1"})").status,
            http_t::status::ok);
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":4})").status,
            http_t::status::ok);
  const std::string task_id = json::parse(started.body.str())["task_id"];
  const std::string action = get("/v1/nodes/1/actions/maintenance_on");
  const std::string cluster = get("/v1/cluster/actions");
  EXPECT_NE(get("/v1/actions/" + task_id).find(R"("status":"running")"), std::string::npos);

  start();
  EXPECT_EQ(get("/v1/nodes/1/actions/maintenance_on"), action);
  EXPECT_EQ(get("/v1/cluster/actions"), cluster);
  EXPECT_NE(get("/v1/nodes/1").find(R"("accept_servers":true)"), std::string::npos);
  ASSERT_EQ(call(v::post, "/emulator/v1/clock/advance", R"({"seconds":60})").status,
            http_t::status::ok);
  EXPECT_NE(get("/v1/actions/" + task_id).find(R"("status":"completed")"), std::string::npos);
  EXPECT_NE(get("/v1/nodes/1").find(R"("accept_servers":false)"), std::string::npos);
}

// A migrate pending at a restart completes after it; once the next operation
// settled it into the database, the placement is kept on its own.
TEST_F(state_file_test, a_migrated_shard_placement_survives_a_restart) {
  json doc = json::parse(config_document);
  doc["emulator"]["state_file"] = path_.string();
  doc["nodes"] = {1, 2};
  const auto restart = [&] {
    app_.reset();
    app_ = std::make_unique<app>(parse_config(doc, "state_file_test.json"));
  };
  const auto node_of_shard_1 = [&] { return json::parse(get("/v1/shards/1"))["node_uid"]; };
  const auto advance = [&] {
    ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/clock/advance", R"({"seconds":60})").status,
              http_t::status::ok);
  };
  using v = http_t::verb;
  restart();
  ASSERT_EQ(node_of_shard_1(), "1");
  ASSERT_EQ(call(v::post, "/v1/shards/1/actions/migrate", R"({"target_node_uid":2})").status,
            http_t::status::ok);
  restart();
  EXPECT_EQ(node_of_shard_1(), "1");  // its machine still runs
  advance();
  EXPECT_EQ(node_of_shard_1(), "2");
  ASSERT_EQ(call(v::put, "/v1/bdbs/1", R"({"name":"moved"})").status, http_t::status::ok);
  EXPECT_NE(read_file(path_).find(R"("placement")"), std::string::npos);
  restart();
  advance();
  EXPECT_EQ(node_of_shard_1(), "2");
}

// Each change appends one small record; a restart replays them in order:
// creations, a replacement in place, erasures, whole sections.
TEST_F(state_file_test, changes_are_appended_as_records_and_replayed_at_start_up) {
  start();
  const std::size_t document = read_file(path_).size();
  ASSERT_EQ(lines(), 1u);
  for (int i = 0; i < 5; ++i) create_action("log-" + std::to_string(i));
  ASSERT_EQ(
      call(http_t::verb::patch, "/emulator/v1/actions/log-1", R"({"status":"failed"})").status,
      http_t::status::ok);
  ASSERT_EQ(call(http_t::verb::delete_, "/emulator/v1/actions/log-3").status,
            http_t::status::no_content);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/databases", R"({"uid":9})").status,
            http_t::status::created);
  ASSERT_EQ(call(http_t::verb::delete_, "/emulator/v1/databases/1").status,
            http_t::status::no_content);
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/clock/advance", R"({"seconds":30})").status,
            http_t::status::ok);
  create_action("log-3");  // an erased uid again: it comes last now
  EXPECT_EQ(lines(), 12u) << "one record per change";
  const std::string text = read_file(path_);
  const std::size_t last_line = text.rfind('\n', text.size() - 2) + 1;
  EXPECT_LT(text.size() - last_line, 1024u) << "a record holds the change, not the state";
  EXPECT_EQ(text.find('\n') + 1, document) << "the document is left as it was";

  const std::string shown = observable();
  start();
  EXPECT_EQ(observable(), shown);
  const json doc = saved_document();
  EXPECT_EQ(doc["actions"].back()["fields"]["action_uid"], "log-3");
}

// A kill in the middle of an append leaves a torn last line: it was never
// acknowledged, start-up drops it (and cuts it off, so the next record
// starts on a line of its own), whatever the point it was torn at.
TEST_F(state_file_test, a_torn_last_record_is_dropped_at_any_byte) {
  start();
  create_action("before");
  const std::string acknowledged = observable();
  const std::string kept = read_file(path_);
  create_action("torn");
  const std::string full = read_file(path_);
  ASSERT_GT(full.size(), kept.size());
  app_.reset();
  for (std::size_t cut = kept.size(); cut < full.size(); cut += 7) {
    write_all(path_, full.substr(0, cut));
    start();
    EXPECT_EQ(observable(), acknowledged) << "cut at " << cut;
    EXPECT_EQ(read_file(path_), kept) << "cut at " << cut;
    app_.reset();
  }
  start();
  create_action("after");
  const std::string shown = observable();
  start();
  EXPECT_EQ(observable(), shown);
}

// A complete record that is damaged is not a torn write: start-up stops,
// naming the file and the line, and leaves the file as it is.
TEST_F(state_file_test, a_damaged_record_stops_start_up_and_names_its_line) {
  start();
  create_action("one");
  create_action("two");
  app_.reset();
  const std::string good = read_file(path_);
  const std::size_t second = good.find('\n') + 1;
  const std::size_t third = good.find('\n', second) + 1;
  const std::vector<std::string> records = {
      "not json",
      "[]",
      R"({"actions":[]})",
      R"({"actions":{"put":{}}})",
      R"({"actions":{"put":[{"fields":{}}]}})",
      R"({"actions":{"erase":[1]}})",
      R"({"databases":{"put":[{"uid":"x"}]}})",
      R"({"unknown":1})",
      R"({"users":[{"email":"x"}]})",
      R"({"actions":{"put":[{"fields":{"action_uid":"z"}}]}})"};
  for (const auto& record : records) {
    const std::string text = good.substr(0, third) + record + "\n" + good.substr(third);
    write_all(path_, text);
    try {
      app a(make_config());
      ADD_FAILURE() << "started with the record " << record;
    } catch (const state_file_error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path_.string()), std::string::npos) << message;
      EXPECT_NE(message.find("left as it is"), std::string::npos) << message;
    }
    EXPECT_EQ(read_file(path_), text) << "the broken file was changed";
  }
  // The shape errors name the line.
  write_all(path_, good.substr(0, third) + "[]\n" + good.substr(third));
  try {
    app a(make_config());
  } catch (const state_file_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
}

// Once the records outgrow the document (and state_compact_bytes), the
// background thread compacts: one document again, the same state, and the
// records appended while it wrote kept after it.
TEST_F(state_file_test, the_log_is_compacted_in_the_background) {
  compact_bytes_ = 1024;
  start();
  for (int i = 0; i < 40; ++i) create_action("c-" + std::to_string(i));
  ASSERT_TRUE(app_->wait_state_saved(std::chrono::seconds(10)));
  EXPECT_LT(lines(), 40u) << "compacted at least once";
  EXPECT_LE(app_->state()->log_bytes(), std::max<std::size_t>(read_file(path_).size(), 1024));
  EXPECT_FALSE(fs::exists(path_.string() + ".compact"));
  const std::string shown = observable();
  start();
  EXPECT_EQ(observable(), shown);
  // A compaction asked for directly, between writes.
  create_action("c-40");
  ASSERT_EQ(app_->state()->compact(), std::nullopt);
  EXPECT_EQ(lines(), 1u);
  EXPECT_EQ(app_->state()->log_bytes(), 0u);
  create_action("c-41");
  EXPECT_EQ(lines(), 2u);
  const std::string later = observable();
  start();
  EXPECT_EQ(observable(), later);
}

// A reset erases every action created since the seed in one record; the
// replay gives the seed back.
TEST_F(state_file_test, a_reset_is_one_record_and_replays_to_the_seed) {
  start();
  const std::string seed = observable();
  for (int i = 0; i < 50; ++i) create_action("r-" + std::to_string(i));
  const std::size_t before = lines();
  ASSERT_EQ(call(http_t::verb::post, "/emulator/v1/reset").status, http_t::status::ok);
  EXPECT_EQ(lines(), before + 1);
  start();
  EXPECT_EQ(observable(), seed);
}

// A version 4 file written before the table of persisted parts (by the
// build of tests/data/README.md, with log records after its document)
// loads unchanged: the state it describes is the one the server shows, and
// a capture of the loaded state is the document with the records applied,
// plus the ids the next plan and fault rules get, which that build did not
// keep: they count on from the highest rules', and the licence, which that
// build did not have: the fresh cluster's trial, from the config's clock.
TEST_F(state_file_test, a_version4_file_from_an_earlier_build_loads_unchanged) {
  const std::string fixture = test::capture("state_v4.jsonl") + "\n";
  write_all(path_, fixture);
  json cfg = json::parse(test::capture("state_v4_config.json"));
  cfg["emulator"]["state_file"] = path_.string();
  app_ = std::make_unique<app>(parse_config(cfg, "state_v4_config.json"));
  EXPECT_EQ(read_file(path_), fixture) << "loading wrote to the file";

  json replayed = read_state_text(fixture, "fixture").document;
  replayed["next_plan_rule_id"] = 3;
  replayed["next_fault_id"] = 3;
  // Users from before roles get uids in file order and the role of their
  // management role: the config's Admin (1), and a DB Member role made for
  // the db_member; their passwords count as issued at the save.
  std::uint64_t uid = 0;
  for (json& u : replayed["users"]) {
    const bool is_admin = u["role"] == "admin";
    u.erase("role");
    u["uid"] = ++uid;
    u["name"] = u["email"];
    u["role_uids"] = json::array({is_admin ? 1 : 2});
    u["password_issued_at"] = 1700000065;
    u["email_alerts"] = true;
  }
  replayed["roles"] = json::parse(
      R"([{"management":"admin","name":"Admin","uid":1},{"management":"db_member","name":"DB Member","uid":2}])");
  replayed["role_uid_high"] = 2;
  replayed["user_uid_high"] = 2;
  replayed["password_policy"] = {{"complexity", false}, {"min_length", 8}};
  // Parts the fixture is older than: what a fresh cluster has.
  replayed["license"] = license_record(trial_license(1700000000, 16384));
  replayed["ldap_mappings"] = json::array();
  replayed["proxies"] = json::array();
  replayed["cluster_options"] = cluster_options_record(cluster_options{});
  replayed["stats"] = json::array();
  replayed["alerts"] = {{"bdb_settings", json::array()},
                        {"cluster_settings", json::object()},
                        {"forced", json::array()}};
  replayed["redis_acls"] = json::parse(R"([{"acl":"+@all ~*","name":"Full Access","uid":1}])");
  replayed["ids_drawn"] = 0;
  replayed["active_active"] = {{"crdbs", json::array()},
                               {"tasks", json::array()},
                               {"unreachable", json::array()},
                               {"recovered", json::array()}};
  EXPECT_EQ(json::parse(capture_state(app_->svc())), replayed);
  const auto& d = app_->svc().registry.snapshot()->data();
  EXPECT_EQ(app_->svc().clock.now(), 1700000065);
  EXPECT_EQ(d.users.size(), 2u);
  EXPECT_EQ(d.databases.size(), 2u);
  EXPECT_EQ(d.bdb_uid_high, 7u);
  EXPECT_EQ(d.cluster_state_id, 7u);
  EXPECT_EQ(d.nodes.at(2)->actions.count("maintenance_on"), 1u);
  EXPECT_EQ(d.cluster_tasks.count("change_master"), 1u);
  ASSERT_EQ(d.plan_rules.size(), 2u);
  EXPECT_EQ(d.plan_rules[1].object_name, "bdb:9");
  const json faults = json::parse(get("/emulator/v1/faults"))["faults"];
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[0]["hits"], 1);
  EXPECT_EQ(faults[0]["times"], 2);
  const std::string dev = "Basic " + base64_encode("dev@redis.local:Dev12345!");
  EXPECT_EQ(call(http_t::verb::get, "/v1/bdbs", {}, dev).status, http_t::status::ok);
  EXPECT_EQ(call(http_t::verb::get, "/v1/users/role", {}, dev).body.str(),
            R"({"role":"db_member"})");
  EXPECT_EQ(view_of(*d.databases.find(2)->second, app_->svc().clock.now()).status,
            "active-change-pending");
}

// Plan and fault rule ids are not given twice: a rule deleted before a
// restart keeps its id used, as it does without one (the ids the next rules
// get are saved, not derived from the rules left).
TEST_F(state_file_test, a_deleted_rules_id_is_not_given_again_after_a_restart) {
  start();
  using v = http_t::verb;
  const auto id_of = [](const reply& r) { return json::parse(r.body.str())["id"]; };
  for (const char* name : {"SMUpdateBDB", "SMFlushBDB"})
    ASSERT_EQ(call(v::post, "/emulator/v1/plans",
                   std::string(R"({"simulate":{},"name":")") + name + "\"}")
                  .status,
              http_t::status::created);
  ASSERT_EQ(call(v::delete_, "/emulator/v1/plans/2").status, http_t::status::no_content);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(call(v::post, "/emulator/v1/faults", R"({"path":"/x","delay_ms":1})").status,
              http_t::status::created);
  ASSERT_EQ(call(v::delete_, "/emulator/v1/faults/2").status, http_t::status::no_content);
  start();
  EXPECT_EQ(id_of(call(v::post, "/emulator/v1/plans", R"({"simulate":{}})")), 3);
  EXPECT_EQ(id_of(call(v::post, "/emulator/v1/faults", R"({"path":"/y","delay_ms":1})")), 3);
}
