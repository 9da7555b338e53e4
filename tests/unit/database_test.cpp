// Unit tests for the database model (src/model/database.cpp), its body schema
// (src/model/bdb_schema.cpp) and the start of state machines on databases
// (src/model/operations.cpp): the capture byte for byte, statuses through a
// lifecycle, the real clients' bodies, plan rules.
#include "reemu/model/database.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "captures.hpp"
#include "model_fixtures.hpp"
#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/list_bodies.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;

namespace {

using test::cluster;
using test::t0;
using test::walk;

database seeded_capture() {
  registry_data d;
  return database_from_object(json::parse(test::capture("bdb_single.json")), t0, d, cluster());
}

// A registry holding one fresh database created by POST /v1/bdbs at t0.
registry_data created(const json& body, std::uint64_t& uid) {
  registry_data d;
  database db;
  EXPECT_EQ(new_database(d, body, t0, cluster(), db), std::nullopt);
  uid = db.uid;
  begin_operation(d, std::move(db), "SMCreateBDB", t0);
  return d;
}

}  // namespace

TEST(database, template_is_the_real_capture) {
  EXPECT_EQ(dump(bdb_template()), test::capture("bdb_single.json"));
  EXPECT_EQ(bdb_template().size(), 139u);
  EXPECT_EQ(json::parse(test::capture("bdbs_list.json"))[0], bdb_template());
}

TEST(database, seeded_capture_renders_byte_for_byte) {
  const database db = seeded_capture();
  EXPECT_EQ(dump(render_bdb(db, t0)), test::capture("bdb_single.json"));
  EXPECT_EQ(dump(render_bdb(db, t0 + 1e6)), test::capture("bdb_single.json"));
  // The live keys are computed, never stored.
  for (auto key : bdb_live_keys) EXPECT_FALSE(db.fields.contains(std::string(key))) << key;
  EXPECT_EQ(rfc3339(db.created_at), "2025-10-14T00:01:22Z");
}

TEST(database, rfc3339_round_trips_and_refuses_other_text) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(1760400082.9), "2025-10-14T00:01:22Z");
  EXPECT_EQ(parse_rfc3339("2025-10-14T00:01:22Z"), 1760400082.0);
  EXPECT_EQ(parse_rfc3339("2024-02-29T23:59:59Z"), 1709251199.0);
  for (std::string_view bad :
       {"", "2025-10-14 00:01:22Z", "2025-02-30T00:00:00Z", "2025-10-14T24:00:00Z",
        "2025-10-14T00:01:22", "x025-10-14T00:01:22Z"})
    EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << bad;
  EXPECT_EQ(rfc3339(-5), "1970-01-01T00:00:00Z");  // clamped, never undefined
}

TEST(database, create_walks_pending_then_active) {
  std::uint64_t uid = 0;
  const registry_data d = created({{"name", "cache"}, {"memory_size", 1 << 20}}, uid);
  EXPECT_EQ(uid, 1u);
  const database& db = *d.databases.at(uid);
  ASSERT_TRUE(db.op);
  EXPECT_NE(d.find(db.op->action_uid), nullptr);

  json at_start = render_bdb(db, t0);
  EXPECT_EQ(at_start["status"], "pending");
  EXPECT_EQ(at_start["action_uid"], db.op->action_uid);
  EXPECT_EQ(dump(at_start["background_op"]),
            R"([{"name":"SMCreateBDB","progress":0,"status":"pending"}])");
  EXPECT_EQ(at_start["port"], 0);
  EXPECT_EQ(dump(at_start["endpoints"][0]["port"]), "10000");
  EXPECT_EQ(at_start["endpoints"][0]["dns_name"], "redis-10000.docker-cluster");
  EXPECT_EQ(at_start["endpoints"][0]["uid"], "1:1");
  EXPECT_EQ(at_start["created_time"], rfc3339(t0));
  EXPECT_EQ(at_start.size(), 140u);  // the template's keys and action_uid

  const json walking = render_bdb(db, t0 + 4);  // pending 1 s, then 2 s steps: step 1
  EXPECT_EQ(walking["status"], "pending");
  EXPECT_EQ(dump(walking["background_op"]),
            R"([{"name":"SMCreateBDB","progress":14.29,"status":"active"}])");
  EXPECT_TRUE(view_of(db, t0 + 4).busy);

  const json done = render_bdb(db, t0 + walk("SMCreateBDB"));
  EXPECT_EQ(done["status"], "active");
  EXPECT_FALSE(done.contains("action_uid"));
  EXPECT_EQ(dump(done["background_op"]), R"([{"status":"idle"}])");
  EXPECT_FALSE(view_of(db, t0 + walk("SMCreateBDB")).busy);
}

TEST(database, update_then_delete_change_status_and_delete_removes) {
  std::uint64_t uid = 0;
  registry_data d = created({{"name", "cache"}, {"memory_size", 1 << 20}}, uid);
  double t = t0 + walk("SMCreateBDB");
  begin_operation(d, *d.databases.at(uid), "SMUpdateBDB", t);
  EXPECT_EQ(view_of(*d.databases.at(uid), t).status, "active-change-pending");
  t += walk("SMUpdateBDB");
  EXPECT_EQ(view_of(*d.databases.at(uid), t).status, "active");

  const std::string del = begin_operation(d, *d.databases.at(uid), "SMDeleteBDB", t);
  EXPECT_EQ(view_of(*d.databases.at(uid), t).status, "delete-pending");
  EXPECT_NE(d.find_database(uid, t), nullptr);
  t += walk("SMDeleteBDB");
  EXPECT_FALSE(view_of(*d.databases.at(uid), t).visible);
  EXPECT_EQ(d.find_database(uid, t), nullptr);
  // The successful delete vanishes with its database; the create stays.
  EXPECT_FALSE(is_visible(*d.find(del), t));
  d.drop_invisible(t);
  EXPECT_TRUE(d.databases.empty());
  EXPECT_EQ(d.find(del), nullptr);
  EXPECT_EQ(d.actions.size(), 2u);
  for (const auto& a : d.actions) EXPECT_EQ(render_v1(*a, t)["status"], "completed");
  // The uid is not reused.
  database next;
  ASSERT_EQ(new_database(d, {{"name", "x"}, {"memory_size", 1}}, t, cluster(), next), std::nullopt);
  EXPECT_EQ(next.uid, uid + 1);
}

// An export is a task typed `other`: the v1 lists leave it out, v2 lists
// it; its progress shows in export_* and outlives it.
TEST(database, export_reports_in_its_fields_and_is_typed_other) {
  std::uint64_t uid = 0;
  registry_data d = created({{"name", "cache"}, {"memory_size", 1 << 20}}, uid);
  double t = t0 + walk("SMCreateBDB");
  const std::string exp = begin_operation(d, *d.databases.at(uid), "export_bdb", t);
  const auto a = d.find(exp);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, action_kind::task);
  EXPECT_FALSE(listed_in_v1(*a));
  EXPECT_EQ(render_v2(*a, t)["action_type"], "other");
  validity v;
  EXPECT_EQ(v1_list(d, t, v).find(exp), std::string::npos);
  EXPECT_NE(v2_list(d, t, v).find(exp), std::string::npos);

  json bdb = render_bdb(*d.databases.at(uid), t);
  EXPECT_EQ(bdb["status"], "active");
  EXPECT_EQ(bdb["export_status"], "initializing");
  EXPECT_TRUE(view_of(*d.databases.at(uid), t).busy);
  bdb = render_bdb(*d.databases.at(uid), t + walk("export_bdb") - 1);
  EXPECT_EQ(bdb["export_status"], "exporting");
  EXPECT_GT(bdb["export_progress"].get<double>(), 0);
  t += walk("export_bdb");
  bdb = render_bdb(*d.databases.at(uid), t);
  EXPECT_EQ(bdb["export_status"], "succeeded");
  EXPECT_EQ(bdb["export_progress"], 100.0);
  EXPECT_EQ(bdb["import_status"], "");

  // The next operation keeps what the export reported.
  begin_operation(d, *d.databases.at(uid), "SMUpdateBDB", t);
  EXPECT_EQ(render_bdb(*d.databases.at(uid), t)["export_status"], "succeeded");
}

TEST(database, import_is_import_pending_and_a_failure_gives_its_reason) {
  std::uint64_t uid = 0;
  registry_data d = created({{"name", "cache"}, {"memory_size", 1 << 20}}, uid);
  double t = t0 + walk("SMCreateBDB");
  d.plan_rules.push_back({1, "import_bdb", "", {{"fail_at_step", 1}, {"error", "no such file"}}});
  begin_operation(d, *d.databases.at(uid), "import_bdb", t);
  EXPECT_EQ(view_of(*d.databases.at(uid), t).status, "import-pending");
  t += walk("import_bdb");
  const json bdb = render_bdb(*d.databases.at(uid), t);
  EXPECT_EQ(bdb["status"], "active");
  EXPECT_EQ(bdb["import_status"], "failed");
  EXPECT_EQ(bdb["import_failure_reason"], "no such file");
}

TEST(database, plan_rules_steer_the_next_machine_and_run_out) {
  registry_data d;
  d.plan_rules.push_back(
      {1, "SMCreateBDB", "", {{"fail_at_step", 3}, {"error", "no memory"}}, 1, 0});
  d.plan_rules.push_back({2, "", "bdb:2", {{"step_seconds", 5}}, 0, 0});
  const auto first = plan_for(d, "SMCreateBDB", "bdb:1");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->fails);
  EXPECT_EQ(first->fail_at_step, 3u);
  EXPECT_EQ(first->error, "no memory");
  ASSERT_EQ(d.plan_rules.size(), 1u);  // used up
  EXPECT_FALSE(plan_for(d, "SMCreateBDB", "bdb:1")->fails);
  EXPECT_EQ(plan_for(d, "SMUpdateBDB", "bdb:2")->step_seconds, 5);
  EXPECT_EQ(plan_for(d, "SMDeleteBDB", "bdb:2")->step_seconds, 5);
  EXPECT_EQ(d.plan_rules[0].hits, 2u);
  // Tasks too (export_bdb, import_bdb); a name without a template has none.
  EXPECT_EQ(plan_for(d, "import_bdb", "bdb:2")->step_seconds, 5);
  EXPECT_EQ(plan_for(d, "no_such_template", "bdb:2"), std::nullopt);
}

TEST(database, failed_create_is_creation_failed_and_its_action_stays) {
  registry_data d;
  d.plan_rules.push_back({1, "SMCreateBDB", "", {{"fail_at_step", 2}}, 1, 0});
  database db;
  ASSERT_EQ(new_database(d, {{"name", "x"}, {"memory_size", 1}}, t0, cluster(), db), std::nullopt);
  const std::string a = begin_operation(d, std::move(db), "SMCreateBDB", t0);
  const double later = t0 + 3600;
  EXPECT_EQ(view_of(*d.databases.at(1), later).status, "creation-failed");
  EXPECT_FALSE(view_of(*d.databases.at(1), later).busy);
  EXPECT_EQ(render_v1(*d.find(a), later)["status"], "failed");
  EXPECT_TRUE(is_visible(*d.find(a), later - 10));
}

TEST(database, failed_delete_stays_visible_and_the_database_stays) {
  registry_data d;
  d.put_database(seeded_capture());
  d.plan_rules.push_back({1, "SMDeleteBDB", "", {{"fail_at_step", 1}, {"error", "stuck"}}, 0, 0});
  const std::string a = begin_operation(d, *d.databases.at(1), "SMDeleteBDB", t0);
  const double after = t0 + 60;
  EXPECT_EQ(view_of(*d.databases.at(1), after).status, "active");
  EXPECT_TRUE(view_of(*d.databases.at(1), after).visible);
  ASSERT_TRUE(is_visible(*d.find(a), after));
  const json v1 = render_v1(*d.find(a), after);
  EXPECT_EQ(v1["status"], "failed");
  EXPECT_EQ(v1["error"], "stuck");
}

TEST(database, record_round_trips) {
  std::uint64_t uid = 0;
  const registry_data d =
      created({{"name", "cache"}, {"memory_size", 1 << 20}, {"port", 12000}}, uid);
  const database& db = *d.databases.at(uid);
  database back;
  ASSERT_EQ(database_from_record(json::parse(dump(database_record(db))), "databases[0]", back),
            std::nullopt);
  EXPECT_EQ(dump(database_record(back)), dump(database_record(db)));
  for (double t : {t0, t0 + 3, t0 + 100})
    EXPECT_EQ(dump(render_bdb(back, t)), dump(render_bdb(db, t)));
  json bad = database_record(db);
  bad["operation"]["simulate"]["step_seconds"] = 0;
  EXPECT_NE(database_from_record(bad, "databases[0]", back), std::nullopt);
}

TEST(database, ports_are_taken_by_endpoints_and_reserved_ports) {
  registry_data d;
  d.put_database(seeded_capture());  // its endpoint is on 14968
  EXPECT_TRUE(port_taken(d, 14968));
  EXPECT_FALSE(port_taken(d, 14968, 1));  // its own port
  EXPECT_TRUE(port_taken(d, 8080));
  EXPECT_FALSE(port_taken(d, 12000));
  database db;
  const auto f =
      new_database(d, {{"name", "x"}, {"memory_size", 1}, {"port", 14968}}, t0, cluster(), db);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->error, api_error::port_unavailable);
  const auto g =
      new_database(d, {{"name", "x"}, {"memory_size", 1}, {"uid", 1}}, t0, cluster(), db);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->error, api_error::uid_exists);
}

// --- the body schema -----------------------------------------------------------

// The bodies real clients send (docs: the reference's CLIENT lines).
TEST(bdb_schema, real_client_bodies_are_accepted) {
  const std::vector<std::pair<std::string_view, std::string_view>> bodies = {
      {"docs minimal", R"({"name":"test-database","type":"redis","memory_size":1073741824})"},
      {"vrl create",
       R"j({"name":"db1","port":12001,"memory_size":1073741824,"replication":true,"data_persistence":"aof","aof_policy":"appendfsync-every-sec","sharding":true,"shard_key_regex":[{"regex":".*\\{(?<tag>.*)\\}.*"},{"regex":"(?<tag>.*)"}],"shards_count":2})j"},
      {"vrl modules",
       R"({"name":"db2","port":12002,"memory_size":1073741824,"replication":true,"shards_count":1,"module_list":[{"module_args":"PARTITIONS AUTO","module_name":"search","semantic_version":"2.8.4"},{"module_args":"","module_name":"ReJSON","semantic_version":"2.6.6"}]})"},
      {"ctl init",
       R"({"name":"default-db","memory_size":2147483648,"type":"redis","replication":false})"},
      {"sre setup",
       R"({"name":"test-db","type":"redis","memory_size":33554432,"port":12000,"replication":true,"sharding":true,"oss_sharding":true,"shards_count":2,"shards_placement":"sparse","proxy_policy":"all-master-shards"})"},
      {"java",
       R"({"uid":5,"name":"java-db","memory_size":104857600,"port":12005,"type":"redis","redis_version":"7.4","replication":false,"sharding":false,"oss_cluster":false,"proxy_policy":"single","shards_count":1,"shards_placement":"dense","oss_cluster_api_preferred_ip_type":"external","module_list":[{"module_id":"4e6efe7fa848e35cbae142dd1e4564a2","module_name":"search","module_args":""}],"shard_key_regex":[]})"},
      {"qs sharded",
       R"({"name":"mydb","memory_size":10000000,"replication":true,"eviction_policy":"volatile-lru","sharding":true,"shards_count":2,"rack_aware":false,"type":"redis","oss_cluster":true,"oss_sharding":true,"proxy_policy":"all-master-shards","shards_placement":"sparse","port":12000,"data_persistence":"aof","aof_policy":"appendfsync-always"})"},
  };
  for (const auto& [who, text] : bodies) {
    EXPECT_EQ(check_bdb_body(json::parse(text), bdb_body_kind::create, false), std::nullopt) << who;
  }
  const std::vector<std::pair<std::string_view, std::string_view>> updates = {
      {"docs", R"({"replication": true, "data_persistence": "aof"})"},
      {"vrl rename", R"({"name":"renamed"})"},
      {"vrl blueprint",
       R"({"shards_blueprint":[{"nodes":[{"node_uid":"3","role":"master"},{"node_uid":"1","role":"slave"}],"slot_range":"5461-10922"}]})"},
      {"sre reshard",
       R"({"sharding":true,"oss_sharding":true,"shards_count":3,"shards_placement":"sparse","proxy_policy":"all-master-shards"})"},
      {"ctl update",
       R"({"name":"n","memory_size":1073741824,"replication":true,"data_persistence":"snapshot","eviction_policy":"allkeys-lru","shards_count":2,"proxy_policy":"single","authentication_redis_pass":"secret"})"},
      {"a GET sent back whole", test::capture("bdb_single.json")},
  };
  for (const auto& [who, text] : updates) {
    EXPECT_EQ(check_bdb_body(json::parse(text), bdb_body_kind::update, false), std::nullopt) << who;
  }
}

TEST(bdb_schema, bad_bodies_name_the_field) {
  struct row {
    std::string_view body;
    api_error error;
    std::string_view mentions;
  };
  const std::vector<row> rows = {
      {R"({"memory_size":1})", api_error::missing_db_name, "name"},
      {R"({"name":"x"})", api_error::missing_memory_size, "memory_size"},
      {R"({"name":"x","memory_size":1,"persistence":"disabled"})", api_error::invalid_schema,
       "persistence"},
      {R"({"name":"x","memory_size":"1"})", api_error::invalid_schema, "memory_size"},
      {R"({"name":"x","memory_size":-1})", api_error::invalid_schema, "memory_size"},
      {R"({"name":"x","memory_size":1.5})", api_error::invalid_schema, "memory_size"},
      {R"({"name":"x","memory_size":1,"replication":"yes"})", api_error::invalid_schema,
       "replication"},
      {R"({"name":"x","memory_size":1,"data_persistence":"always"})", api_error::invalid_schema,
       "data_persistence"},
      {R"({"name":"x","memory_size":1,"eviction_policy":"lru"})", api_error::invalid_schema,
       "eviction_policy"},
      {R"({"name":"x","memory_size":1,"port":70000})", api_error::invalid_schema, "port"},
      {R"({"name":"x","memory_size":1,"uid":0})", api_error::invalid_schema, "uid"},
      {R"({"name":"x","memory_size":1,"status":"active"})", api_error::invalid_schema, "status"},
      {R"({"name":"x","memory_size":1,"version":"8.0.0"})", api_error::invalid_schema, "version"},
      {R"({"name":"x","memory_size":1,"redis_version":"5.0"})", api_error::invalid_version, "5.0"},
      {R"({"name":"bad name","memory_size":1})", api_error::name_violation, "bad name"},
      {R"({"name":"","memory_size":1})", api_error::name_violation, "name"},
      {R"({"name":"x","memory_size":1,"module_list":["search"]})", api_error::invalid_schema,
       "module_list[0]"},
      {R"({"name":"x","memory_size":1,"shard_key_regex":[{"regex":1}]})", api_error::invalid_schema,
       "shard_key_regex[0].regex"},
  };
  for (const auto& r : rows) {
    const auto f = check_bdb_body(json::parse(r.body), bdb_body_kind::create, false);
    ASSERT_TRUE(f) << r.body;
    EXPECT_EQ(f->error, r.error) << r.body << ": " << f->description;
    EXPECT_NE(f->description.find(r.mentions), std::string::npos) << f->description;
  }
  EXPECT_EQ(check_bdb_body(json::parse(R"({"name":"x","memory_size":1,"persistence":"disabled"})"),
                           bdb_body_kind::create, true),
            std::nullopt)
      << "unknown fields pass when accept_unknown_fields is on";
  EXPECT_NE(check_bdb_body(json::parse(R"({"name":"x","memory_size":1,"port":"1"})"),
                           bdb_body_kind::create, true),
            std::nullopt)
      << "known fields keep their types";
}

// database_map against a std::map under random puts and erasures: the same
// entries in uid order, and a copy unchanged by the edits of another.
TEST(database_map, randomised_against_std_map) {
  std::mt19937 rng(20261130);
  reemu::database_map m;
  std::map<std::uint64_t, std::shared_ptr<const reemu::database>> model;
  std::vector<std::pair<reemu::database_map, decltype(model)>> versions;
  const auto same = [](const reemu::database_map& a, const decltype(model)& b) {
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.empty(), b.empty());
    auto it = b.begin();
    for (const auto& [uid, db] : a) {
      ASSERT_NE(it, b.end());
      EXPECT_EQ(uid, it->first);
      EXPECT_EQ(db, it->second);
      ++it;
    }
    EXPECT_EQ(it, b.end());
    for (const auto& [uid, db] : b) {
      ASSERT_TRUE(a.contains(uid)) << uid;
      EXPECT_EQ(a.at(uid), db);
    }
  };
  for (int step = 0; step < 3000; ++step) {
    const std::uint64_t uid = 1 + rng() % 500;
    const int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      reemu::database fresh;
      fresh.uid = uid;
      auto db = std::make_shared<const reemu::database>(std::move(fresh));
      m.put(uid, db);
      model[uid] = db;
    } else if (op < 9) {
      EXPECT_EQ(m.erase(uid), model.erase(uid));
    } else {
      const std::uint64_t mod = 2 + rng() % 7;
      const auto pred = [&](const auto& e) { return e.first % mod == 0; };
      EXPECT_EQ(m.erase_if(pred), std::erase_if(model, pred));
    }
    if (step % 300 == 0) versions.emplace_back(m, model);
  }
  same(m, model);
  for (const auto& [vm, vmodel] : versions) same(vm, vmodel);
  EXPECT_FALSE(m.contains(100000));
  EXPECT_THROW((void)m.at(100000), std::out_of_range);
}

// diff() names exactly what differs between two versions of a map (against
// the same comparison done on std::maps), whatever groups they share.
TEST(database_map, diff_names_what_changed_between_versions) {
  std::mt19937 rng(20261203);
  using model_map = std::map<std::uint64_t, std::shared_ptr<const reemu::database>>;
  reemu::database_map m;
  model_map model;
  std::vector<std::pair<reemu::database_map, model_map>> versions;
  for (int step = 0; step < 2000; ++step) {
    const std::uint64_t uid = 1 + rng() % 400;
    if (rng() % 3 != 0) {
      reemu::database fresh;
      fresh.uid = uid;
      auto db = std::make_shared<const reemu::database>(std::move(fresh));
      m.put(uid, db);
      model[uid] = db;
    } else {
      m.erase(uid);
      model.erase(uid);
    }
    if (step % 97 == 0) versions.emplace_back(m, model);
  }
  versions.emplace_back(m, model);
  for (std::size_t i = 0; i + 1 < versions.size(); ++i) {
    for (const std::size_t j : {i + 1, versions.size() - 1}) {
      const reemu::database_map& before = versions[i].first;
      const model_map& before_model = versions[i].second;
      const reemu::database_map& after = versions[j].first;
      const model_map& after_model = versions[j].second;
      std::vector<std::uint64_t> erased, expected_erased, put, expected_put;
      reemu::database_map::diff(
          before, after, [&](std::uint64_t uid) { erased.push_back(uid); },
          [&](std::uint64_t uid, const std::shared_ptr<const reemu::database>& db) {
            EXPECT_EQ(db, after_model.at(uid));
            put.push_back(uid);
          });
      for (const auto& [uid, db] : before_model)
        if (!after_model.contains(uid)) expected_erased.push_back(uid);
      for (const auto& [uid, db] : after_model) {
        const auto it = before_model.find(uid);
        if (it == before_model.end() || it->second != db) expected_put.push_back(uid);
      }
      EXPECT_EQ(erased, expected_erased) << i << " -> " << j;
      EXPECT_EQ(put, expected_put) << i << " -> " << j;
    }
  }
  // A copy and itself: nothing to name.
  bool called = false;
  reemu::database_map::diff(
      m, reemu::database_map(m), [&](std::uint64_t) { called = true; },
      [&](std::uint64_t, const auto&) { called = true; });
  EXPECT_FALSE(called);
}

// What the map keeps of every database for a create (the shards held, the
// ports held, the highest shard uid) follows puts, replacements and
// erasures, and a copy keeps what it had.
TEST(database_map, keeps_shards_ports_and_the_highest_shard_uid) {
  const auto with = [](std::uint64_t uid, std::vector<std::uint64_t> shards,
                       std::vector<std::uint64_t> ports) {
    database db;
    db.uid = uid;
    db.stored_shard_uids = std::move(shards);
    db.stored_ports = std::move(ports);
    return std::make_shared<const database>(std::move(db));
  };
  database_map m;
  m.put(1, with(1, {1}, {10000}));
  m.put(2, with(2, {2, 3}, {10001}));
  m.put(200, with(200, {9}, {10001, 12000}));  // another group; a shared port
  EXPECT_EQ(m.shard_count(), 4u);
  EXPECT_EQ(m.shard_high(), 9u);
  EXPECT_EQ(m.ports().holders(10001), 2u);
  EXPECT_EQ(m.ports().holders(12000), 1u);
  const database_map copy = m;
  m.put(200, with(200, {4}, {12001}));  // the holder of the highest changes
  EXPECT_EQ(m.shard_high(), 4u);
  EXPECT_EQ(m.shard_count(), 4u);
  EXPECT_EQ(m.ports().holders(10001), 1u);
  EXPECT_EQ(m.ports().holders(12000), 0u);
  EXPECT_EQ(m.ports().holders(12001), 1u);
  EXPECT_EQ(m.erase(2), 1u);
  EXPECT_EQ(m.erase(2), 0u);
  EXPECT_EQ(m.shard_count(), 2u);
  EXPECT_EQ(m.ports().holders(10001), 0u);
  EXPECT_EQ(m.ports().first_free(10000, [](std::uint64_t) { return false; }), 10001u);
  EXPECT_EQ(m.erase_if([](const auto&) { return true; }), 2u);
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.shard_count(), 0u);
  EXPECT_EQ(m.shard_high(), 0u);
  // The copy is as it was.
  EXPECT_EQ(copy.shard_count(), 4u);
  EXPECT_EQ(copy.shard_high(), 9u);
  EXPECT_EQ(copy.ports().holders(10001), 2u);
}

// The first free port skips ports held and ports the caller excludes, and
// whole chunks of held ports; past 65535 there is none.
TEST(port_table, first_free_skips_held_and_excluded_ports) {
  port_table t;
  const auto none = [](std::uint64_t) { return false; };
  EXPECT_EQ(t.first_free(10000, none), 10000u);
  for (std::uint64_t p = 10000; p < 13000; ++p) t.add(p);
  EXPECT_EQ(t.first_free(10000, none), 13000u);
  EXPECT_EQ(t.first_free(10000, [](std::uint64_t p) { return p == 13000; }), 13001u);
  t.remove(10500);
  EXPECT_EQ(t.first_free(10000, none), 10500u);
  EXPECT_EQ(t.holders(10500), 0u);
  EXPECT_EQ(t.holders(70000), 0u);
  t.add(70000);  // past the port range: not counted
  EXPECT_EQ(t.holders(70000), 0u);
  EXPECT_EQ(t.first_free(65535, none), 65535u);
  EXPECT_EQ(t.first_free(65536, none), std::nullopt);
}
