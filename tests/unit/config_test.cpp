// Unit tests for config parsing and validation (src/config.cpp) and the shipped
// config/default.json.
#include "reemu/config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "captures.hpp"
#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/list_bodies.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;

namespace {

const std::string default_config_path = REEMU_SOURCE_DIR "/config/default.json";

config parse_text(std::string_view text) { return parse_config(json::parse(text), "test.json"); }

// The config_error message for `text`, or "" when it parses.
std::string error_of(std::string_view text) {
  try {
    parse_text(text);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

std::string validate_error(const config& c) {
  try {
    validate(c);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

// A file in the test's temporary directory, removed at scope exit.
class temp_file {
 public:
  temp_file(std::string_view name, std::string_view content)
      : path_(std::filesystem::temp_directory_path() /
              ("reemu_config_test_" + std::to_string(::getpid()) + "_" + std::string(name))) {
    std::ofstream out(path_, std::ios::binary);
    out << content;
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST(config, empty_document_gives_defaults) {
  const config c = parse_text("{}");
  EXPECT_EQ(c.source, "test.json");
  EXPECT_EQ(c.server.bind, "0.0.0.0");
  EXPECT_EQ(c.server.http_port, 8080);
  EXPECT_EQ(c.server.https_port, 9443);
  EXPECT_TRUE(c.server.http_enabled);
  EXPECT_TRUE(c.server.https_enabled);
  EXPECT_EQ(c.emulator.clock, clock_mode::real);
  EXPECT_FALSE(c.emulator.clock_start.has_value());
  EXPECT_TRUE(c.emulator.control_api);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.users.empty());
  EXPECT_TRUE(c.actions.empty());
}

TEST(config, full_document) {
  const config c = parse_text(R"({
    "_comment": "notes are allowed", "$schema": "x",
    "server": {"bind": "127.0.0.1", "http": false, "http_port": 0, "https_port": 19443,
               "tls_cert": "c.pem", "tls_key": "k.pem", "threads": 4,
               "header_limit_bytes": 8192, "body_limit_bytes": 1000,
               "read_timeout_seconds": 5, "idle_timeout_seconds": 6,
               "handshake_timeout_seconds": 7, "max_connections": 8},
    "emulator": {"clock": "manual", "clock_start": 1700000000.5, "control_api": false,
                 "seed": 42, "journal_size": 5},
    "log": {"level": "debug", "format": "json"},
    "users": [{"email": "a@x", "password": "p", "role": "admin", "name": "A"},
              {"email": "b@x", "password": "", "role": "db_viewer"}],
    "databases": [1, 7],
    "actions": [{"action_uid": "t1", "name": "retry_bdb", "status": "completed",
                 "progress": "100", "node_uid": "1"},
                {"name": "maintenance_on", "simulate": {"step_seconds": 1}}],
    "state-machines": [{"action_uid": "s1", "name": "SMCreateBDB", "object_name": "bdb:1",
                        "simulate": {"outcome": "failed", "fail_at_step": 3}},
                       {"action_uid": "s2", "name": "SMCustom", "status": "active",
                        "simulate": {"steps": ["a", "b"]}}]
  })");
  EXPECT_EQ(c.server.bind, "127.0.0.1");
  EXPECT_FALSE(c.server.http_enabled);
  EXPECT_EQ(c.server.http_port, 0);
  EXPECT_EQ(c.server.https_port, 19443);
  EXPECT_EQ(c.server.tls_cert, "c.pem");
  EXPECT_EQ(c.server.threads, 4u);
  EXPECT_EQ(c.server.header_limit, 8192u);
  EXPECT_EQ(c.server.body_limit, 1000u);
  EXPECT_EQ(c.server.max_connections, 8u);
  EXPECT_EQ(c.emulator.clock, clock_mode::manual);
  EXPECT_EQ(c.emulator.clock_start, 1700000000.5);
  EXPECT_FALSE(c.emulator.control_api);
  EXPECT_EQ(c.emulator.seed, 42u);
  EXPECT_EQ(c.emulator.journal_size, 5u);
  EXPECT_EQ(c.log.format, "json");
  ASSERT_EQ(c.users.size(), 2u);
  EXPECT_EQ(c.users[1].role, role::db_viewer);
  ASSERT_EQ(c.databases.size(), 2u);
  EXPECT_EQ(c.databases[0], json({{"uid", 1}}));  // a bare uid is a database with that uid
  EXPECT_EQ(c.databases[1], json({{"uid", 7}}));
  ASSERT_EQ(c.actions.size(), 4u);
  EXPECT_EQ(c.actions[0].kind, action_kind::task);
  EXPECT_FALSE(c.actions[0].plan.has_value());
  // No action_uid: none yet; the seed draws one (make_seed, ids_test).
  EXPECT_FALSE(c.actions[1].fields.contains("action_uid"));
  ASSERT_TRUE(c.actions[1].plan.has_value());
  EXPECT_EQ(c.actions[1].plan->step_seconds, 1);
  EXPECT_EQ(c.actions[1].plan->steps.size(), 4u);  // from the maintenance_on template
  EXPECT_FALSE(c.actions[1].fields.contains("simulate"));
  EXPECT_EQ(c.actions[2].kind, action_kind::state_machine);
  ASSERT_TRUE(c.actions[2].plan.has_value());
  EXPECT_TRUE(c.actions[2].plan->fails);
  EXPECT_EQ(c.actions[2].plan->fail_at_step, 3u);
  ASSERT_TRUE(c.actions[3].plan.has_value());
  EXPECT_EQ(c.actions[3].plan->steps, (std::vector<std::string>{"a", "b"}));
}

TEST(config, bad_documents_name_the_key_and_value) {
  struct row {
    std::string_view text;
    std::array<std::string_view, 2> mentions;  // key, value
  };
  constexpr std::array rows = {
      row{R"({"servers": {}})", {"servers", "unknown key"}},
      row{R"({"server": {"http_port": "8080"}})", {"server.http_port", "8080"}},
      row{R"({"server": {"http_port": 70000}})", {"server.http_port", "70000"}},
      row{R"({"server": {"https_port": -1}})", {"server.https_port", "-1"}},
      row{R"({"server": {"http_port": 80.5}})", {"server.http_port", "80.5"}},
      row{R"({"server": {"listen": 1}})", {"server.listen", "unknown"}},
      row{R"({"server": {"http": "yes"}})", {"server.http", "yes"}},
      row{R"({"server": []})", {"server", "array"}},
      row{R"({"emulator": {"clock": "fast"}})", {"emulator.clock", "fast"}},
      row{R"({"emulator": {"journal_size": -5}})", {"emulator.journal_size", "-5"}},
      row{R"({"log": {"level": 3}})", {"log.level", "3"}},
      row{R"({"users": [{"email": "a@x", "password": "p", "role": "boss"}]})",
          {"users[0].role", "boss"}},
      row{R"({"users": [{"email": "a@x", "password": "p", "role": "admin"},
                        {"email": "a@x", "password": "q", "role": "none"}]})",
          {"users[1].email", "a@x"}},
      row{R"({"users": [{"email": "a@x", "role": "admin"}]})", {"users[0].password", "missing"}},
      row{R"({"users": [{"email": "", "password": "p", "role": "admin"}]})",
          {"users[0].email", "empty"}},
      row{R"({"users": [{"email": "a@x", "password": "p", "role": "admin", "pw": 1}]})",
          {"users[0].pw", "unknown"}},
      row{R"({"users": {}})", {"users", "array"}},
      row{R"({"databases": [0]})", {"databases[0]", "got 0"}},
      row{R"({"databases": [1, -1]})", {"databases[1]", "got -1"}},
      row{R"({"databases": ["1"]})", {"databases[0]", "got \"1\""}},
      row{R"({"databases": [1.5]})", {"databases[0]", "got 1.5"}},
      row{R"({"databases": 1})", {"databases", "array"}},
      row{R"({"databases": [1, {"uid": 1}]})", {"databases[1].uid", "repeats 1"}},
      row{R"({"databases": [{"name": "x"}]})", {"databases[0]", "'uid' is required"}},
      row{R"({"databases": [{"uid": 3, "memory_size": "1G"}]})", {"databases[0]", "memory_size"}},
      row{R"({"nodes": []})", {"nodes", "non-empty"}},
      row{R"({"nodes": {}})", {"nodes", "array"}},
      row{R"({"nodes": [1, {"uid": 1}]})", {"nodes[1].uid", "repeats 1"}},
      row{R"({"nodes": [0]})", {"nodes[0].uid", "1"}},
      row{R"({"nodes": [{"uid": 2, "adr": "x"}]})", {"nodes[0].adr", "not a node field"}},
      row{R"({"nodes": [{"uid": 2, "cores": "14"}]})", {"nodes[0].cores", "14"}},
      row{R"({"emulator": {"cluster_name": ""}})", {"cluster_name"}},
      row{R"({"actions": [{"action_uid": "x", "name": "a"}, {"action_uid": "x", "name": "b"}]})",
          {"action_uid", "\"x\""}},
      row{R"({"actions": [{"action_uid": "x", "name": "a"}], "state-machines": [{"action_uid": "x", "name": "b"}]})",
          {"action_uid", "\"x\""}},
      row{R"({"state-machines": [{"name": "SMCreateBDB", "simulate": {"speed": 2}}]})",
          {"state-machines[0].simulate.speed", "unknown"}},
      row{R"({"actions": [{"name": "my_task", "simulate": {"step_seconds": 1}}]})",
          {"actions[0].simulate", "my_task"}},
      row{R"({"actions": [{"name": "retry_bdb", "simulate": {"step_seconds": 0}}]})",
          {"actions[0].simulate.step_seconds", "got 0"}},
      row{R"({"actions": [{"name": "retry_bdb", "simulate": {"fail_at_step": 9}}]})",
          {"fail_at_step", "9"}},
      row{R"({"actions": [{"status": "completed"}]})", {"actions[0].name", "missing"}},
      row{R"({"actions": [{"action_uid": "", "name": "a"}]})", {"actions[0].action_uid", "empty"}},
      row{R"({"actions": [{"action_uid": 5, "name": "a"}]})", {"actions[0].action_uid", "5"}},
      row{R"({"state-machines": [{"name": "s", "progress": 101}]})",
          {"state-machines[0].progress", "101"}},
      row{R"({"state-machines": [{"name": "s", "heartbeat": "1"}]})",
          {"state-machines[0].heartbeat", "1"}},
      row{R"({"state-machines": [{"name": "s", "simulate": true}]})",
          {"state-machines[0].simulate", "true"}},
      row{R"({"actions": {}})", {"actions", "array"}},
      row{R"({"log": {"level": "loud"}})", {"level", "loud"}},
      row{R"({"log": {"format": "xml"}})", {"format", "xml"}},
      row{R"({"server": {"tls_cert": "c.pem"}})", {"tls_cert", "tls_key"}},
      row{R"({"server": {"tls_key": "k.pem"}})", {"tls_cert", "tls_key"}},
      row{R"({"server": {"http": false, "https": false}})", {"listener", "off"}},
      row{R"({"licenses": {}})", {"licenses", "array"}},
      row{R"({"licenses": [{"license": "k", "shards_limit": 4}]})",
          {"licenses[0].expiration_date", "missing"}},
      row{R"({"licenses": [{"license": "k", "expiration_date": "2030", "shards_limit": 4}]})",
          {"licenses[0].expiration_date", "2030"}},
      row{R"({"licenses": [{"license": "k", "expiration_date": "2030-01-01T00:00:00Z",
                            "shards_limit": 4},
                           {"license": "k\n", "expiration_date": "2031-01-01T00:00:00Z",
                            "shards_limit": 8}]})",
          {"licenses[1].license", "repeats"}},
      row{R"({"licenses": [{"license": "a", "expiration_date": "2030-01-01T00:00:00Z",
                            "shards_limit": 4, "installed": true},
                           {"license": "b", "expiration_date": "2030-01-01T00:00:00Z",
                            "shards_limit": 4, "installed": true}]})",
          {"licenses[1].installed", "only one"}},
      row{R"({"licenses": [{"license": "a", "expiration_date": "2030-01-01T00:00:00Z",
                            "shards_limit": 4, "cluster_name": "other"}]})",
          {"licenses[0].cluster_name", "other"}},
      row{R"({"licenses": [{"license": "a", "expiration_date": "2030-01-01T00:00:00Z",
                            "shards_limit": 4, "seats": 2}]})",
          {"licenses[0].seats", "unknown"}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    const std::string message = error_of(r.text);
    ASSERT_FALSE(message.empty()) << "parsed without error";
    for (std::string_view m : r.mentions)
      EXPECT_NE(message.find(m), std::string::npos) << "message: " << message << "\nlacks: " << m;
  }
}

TEST(config, document_must_be_an_object) {
  for (std::string_view text : {"[]", "1", "\"x\"", "null"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(parse_text(text), config_error);
  }
}

TEST(config, errors_from_the_document_name_the_source) {
  for (std::string_view text :
       {R"({"server": {"http_port": 70000}})", R"({"server": {"tls_cert": "c.pem"}})",
        R"({"log": {"format": "xml"}})",
        R"({"actions": [{"name": "a"}, {"action_uid": "u", "name": "b"},
                                                {"action_uid": "u", "name": "c"}]})"}) {
    const std::string message = error_of(text);
    EXPECT_TRUE(message.starts_with("test.json: ")) << message;
  }
}

TEST(config, validate_checks_what_flags_can_break) {
  config c;
  EXPECT_EQ(validate_error(c), "");

  config off = c;
  off.server.http_enabled = false;
  off.server.https_enabled = false;
  EXPECT_NE(validate_error(off).find("listeners"), std::string::npos);
  off.server.https_enabled = true;
  EXPECT_EQ(validate_error(off), "");

  config cert = c;
  cert.server.tls_cert = "cert.pem";
  EXPECT_NE(validate_error(cert).find("tls_key"), std::string::npos);
  cert.server.tls_key = "key.pem";
  EXPECT_EQ(validate_error(cert), "");

  config key = c;
  key.server.tls_key = "key.pem";
  EXPECT_NE(validate_error(key).find("tls_cert"), std::string::npos);

  for (std::string_view level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    config l = c;
    l.log.level = level;
    EXPECT_EQ(validate_error(l), "") << level;
  }
  for (std::string_view level : {"INFO", "warning", ""}) {
    config l = c;
    l.log.level = level;
    EXPECT_NE(validate_error(l).find("\"" + std::string(level) + "\""), std::string::npos) << level;
  }
  for (std::string_view format : {"JSON", "yaml", ""}) {
    config f = c;
    f.log.format = format;
    EXPECT_NE(validate_error(f).find("\"" + std::string(format) + "\""), std::string::npos)
        << format;
  }

  config small = c;
  small.server.header_limit = 100;
  EXPECT_NE(validate_error(small).find("header limit"), std::string::npos);
  // Beast throws for a header field of 64 KiB or more: the limit stays below.
  config large = c;
  large.server.header_limit = 65535;
  EXPECT_EQ(validate_error(large), "");
  large.server.header_limit = 65536;
  EXPECT_NE(validate_error(large).find("at most 65535"), std::string::npos);
}

TEST(config, parse_wire_entry_splits_off_simulate) {
  const json entry = json::parse(
      R"({"action_uid":"u","name":"SMCreateBDB","object_name":"bdb:3","extra":{"k":1},"simulate":{"step_seconds":5}})");
  const auto s = parse_wire_entry(entry, action_kind::state_machine, "x");
  ASSERT_TRUE(s) << s.error().description;
  EXPECT_EQ(s->kind, action_kind::state_machine);
  EXPECT_EQ(dump(s->fields),
            R"({"action_uid":"u","extra":{"k":1},"name":"SMCreateBDB","object_name":"bdb:3"})");
  ASSERT_TRUE(s->plan.has_value());
  EXPECT_EQ(s->plan->step_seconds, 5);
  EXPECT_EQ(s->plan->steps.size(), 7u);

  // An entry without simulate has no plan.
  const auto plain = parse_wire_entry(json::parse(R"({"name":"n"})"), action_kind::task, "y");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->plan.has_value());
  EXPECT_EQ(plain->kind, action_kind::task);

  const auto f = parse_wire_entry(json::parse(R"({"name":7})"), action_kind::task, "body");
  ASSERT_FALSE(f);
  EXPECT_EQ(code_of(f.error().error), "invalid_type");
  EXPECT_NE(f.error().description.find("body.name"), std::string::npos) << f.error().description;
}

TEST(config, load_config_missing_file_names_the_path) {
  const std::string path = "/nonexistent/dir/reemu-missing.json";
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(config, load_config_malformed_json_names_the_path_and_place) {
  const temp_file f("malformed.json", "{\n  \"server\": {\"http_port\": 80,}\n}\n");
  try {
    load_config(f.path());
    FAIL() << "no error";
  } catch (const config_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(f.path()), std::string::npos) << message;
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  }
}

TEST(config, load_config_too_deep_names_the_path) {
  const temp_file f("deep.json", "{\"_x\":" + std::string(100, '[') + std::string(100, ']') + "}");
  try {
    load_config(f.path());
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find(f.path()), std::string::npos) << e.what();
  }
}

TEST(config, load_config_invalid_content_names_the_path) {
  const temp_file f("bad_port.json", R"({"server": {"http_port": 70000}})");
  try {
    load_config(f.path());
    FAIL() << "no error";
  } catch (const config_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(f.path()), std::string::npos) << message;
    EXPECT_NE(message.find("server.http_port"), std::string::npos) << message;
  }
}

TEST(config, default_config_loads_and_seeds_the_captures) {
  const config c = load_config(default_config_path);
  EXPECT_EQ(c.source, default_config_path);
  EXPECT_EQ(c.server.http_port, 8080);
  EXPECT_EQ(c.server.https_port, 9443);
  EXPECT_TRUE(c.emulator.control_api);
  ASSERT_FALSE(c.users.empty());
  bool has_admin = false;
  for (const auto& u : c.users) has_admin = has_admin || u.role == role::admin;
  EXPECT_TRUE(has_admin);

  const auto state = std::make_shared<const registry_state>(make_seed(c, 1'800'000'000), 1);
  list_cache lists;
  const json list = json::parse(lists.v1(state, 1'800'000'000).str());
  ASSERT_TRUE(list.contains("actions"));
  ASSERT_TRUE(list.contains("state-machines"));

  const auto contains = [](const json& array, std::string_view text) {
    const json wanted = json::parse(text);
    for (const auto& e : array)
      if (e == wanted) return true;
    return false;
  };
  EXPECT_TRUE(contains(list["actions"], reemu::test::task_capture()));
  EXPECT_TRUE(contains(list["state-machines"], reemu::test::created_sm_capture()));
  const auto del = state->data().find("5a42fabf-c603-4950-88d9-3a3148a5d763");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(dump(render_v1(*del, 1'800'000'000)), reemu::test::delete_sm_capture());
  // The database the delete capture works on is known, so /v1/actions/bdb/2 answers.
  EXPECT_TRUE(state->data().databases.contains(2));
  EXPECT_TRUE(state->data().databases.contains(1));
  // The seed actions name nodes 1 and 2: the default file has three nodes.
  ASSERT_EQ(state->data().nodes.size(), 3u);
  EXPECT_EQ(render_node(*state->data().nodes.at(2), 1'800'000'000)["addr"], "192.168.16.3");
}

// The seed's users get their digests when first read (a login, a token,
// the state document), not at start-up: each is 1 000 PBKDF2 rounds.
TEST(config, seeded_users_digests_are_worked_out_when_first_read) {
  const config c = load_config(default_config_path);
  const registry_data d = make_seed(c, 1'800'000'000);
  ASSERT_EQ(d.users.size(), c.users.size());
  for (const seed_user& s : c.users) {
    SCOPED_TRACE(s.email);
    const user& u = d.users.at(s.email);
    EXPECT_TRUE(u.digest.pending());
    EXPECT_TRUE(verify_password(u.digest, s.password));
    EXPECT_FALSE(u.digest.pending());
    EXPECT_EQ(u.digest.get(), seed_digest(s.email, s.password));
  }
}

// A whole start (app::app) reads none of them either.
TEST(config, a_start_leaves_the_seeded_users_digests_unread) {
  app a(load_config(default_config_path));
  const auto state = a.svc().registry.snapshot();
  ASSERT_FALSE(state->data().users.empty());
  for (const auto& [email, u] : state->data().users) EXPECT_TRUE(u.digest.pending()) << email;
}

TEST(config, without_nodes_the_cluster_has_the_captured_node) {
  const config c = parse_config(json::object(), "t.json");
  const registry_data d = make_seed(c, 1'800'000'000);
  ASSERT_EQ(d.nodes.size(), 1u);
  EXPECT_EQ(render_node(*d.nodes.at(1), 1'800'000'000),
            json::parse(reemu::test::released_node_capture()));
}

TEST(config, nodes_are_seeded_as_given) {
  const config c = parse_config(
      json::parse(R"({"nodes": [{"uid": 4, "addr": "10.1.1.4", "uptime": 5}, 7]})"), "t.json");
  const registry_data d = make_seed(c, 100);
  ASSERT_EQ(d.nodes.size(), 2u);
  EXPECT_EQ(render_node(*d.nodes.at(4), 110)["uptime"], 15);
  EXPECT_EQ(render_node(*d.nodes.at(4), 110)["addr"], "10.1.1.4");
  EXPECT_EQ(render_node(*d.nodes.at(7), 110)["addr"], "192.168.16.2");
}

// The trial from the seed's time with emulator.shards_limit, or the key the
// config marks installed.
TEST(config, the_seed_installs_the_trial_or_the_configs_installed_key) {
  const config trial = parse_config(json::parse(R"({"emulator": {"shards_limit": 4}})"), "t.json");
  const registry_data a = make_seed(trial, 1'800'000'000);
  EXPECT_EQ(a.license, trial_license(1'800'000'000, 4));

  const config keyed = parse_config(json::parse(R"({"licenses": [
      {"license": "a", "expiration_date": "2030-01-01T00:00:00Z", "shards_limit": 40},
      {"license": "b", "expiration_date": "2031-01-01T00:00:00Z", "shards_limit": 400,
       "activation_date": "2026-01-01T00:00:00Z", "installed": true}]})"),
                                    "t.json");
  ASSERT_EQ(keyed.cluster.licenses.size(), 2u);
  const registry_data b = make_seed(keyed, 1'800'000'000);
  EXPECT_EQ(b.license.text, "b");
  EXPECT_EQ(b.license.key, "b");
  EXPECT_EQ(b.license.shards_limit, 400u);
  EXPECT_EQ(b.license.activation, *parse_rfc3339("2026-01-01T00:00:00Z"));
}

TEST(config, metrics_port_is_off_unless_given_and_takes_no_other_listeners_port) {
  EXPECT_FALSE(parse_text("{}").server.metrics_port);
  EXPECT_EQ(parse_text(R"({"server": {"metrics_port": 8070}})").server.metrics_port, 8070);
  EXPECT_EQ(parse_text(R"({"server": {"metrics_port": 0}})").server.metrics_port, 0);
  EXPECT_NE(error_of(R"({"server": {"metrics_port": 70000}})").find("metrics_port"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"server": {"metrics_port": "8070"}})").find("metrics_port"),
            std::string::npos);

  config c;
  c.server.metrics_port = 8070;
  EXPECT_EQ(validate_error(c), "");
  c.server.metrics_port = c.server.https_port;
  EXPECT_NE(validate_error(c).find("another listener"), std::string::npos);
  c.server.https_enabled = false;  // the port of a listener that is off is free
  EXPECT_EQ(validate_error(c), "");
  c.server.metrics_port = 0;
  c.server.http_port = 0;
  EXPECT_EQ(validate_error(c), "");  // two "any free port" listeners get two ports
}
