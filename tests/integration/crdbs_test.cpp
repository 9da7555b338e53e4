// Integration tests of the Active-Active routes over real HTTP on the
// manual clock: a CRDB created, polled through its task, listed with its
// local database (CRDT fields set), renamed, a participant made
// unreachable (the next task fails with that cluster's error, the sync from
// it stops), deleted; X-Task-ID and X-Result-TTL; plan rules; bad requests
// that change nothing. Every answer is checked against docs/openapi.json by
// the test client.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "manual_clock_test.hpp"

namespace reemu::test {
namespace {

const std::string remote_url = "https://rc2.example.com:9443";

json create_body(const std::string& name = "aa-db") {
  json body = json::parse(R"J({"default_db_config":{"memory_size":1073741824,"replication":true,
      "shards_count":2,"sharding":true,
      "shard_key_regex":[{"regex":".*\\{(?<tag>.*)\\}.*"},{"regex":"(?<tag>.*)"}]},
      "encryption":true,
      "instances":[
        {"cluster":{"url":"https://docker-cluster:9443","name":"docker-cluster",
                    "credentials":{"username":"admin@redis.local","password":"secret"}},
         "compression":6},
        {"cluster":{"url":"https://rc2.example.com:9443","name":"rc2.example.com",
                    "credentials":{"username":"admin@redis.local","password":"secret"}},
         "compression":6}]})J");
  body["name"] = name;
  body["default_db_config"]["name"] = name;
  return body;
}

class crdbs_test : public manual_clock_test {
 protected:
  // Polls /v1/crdb_tasks/{id} one manual second a poll until it ends.
  json poll_task(const std::string& id) {
    json t;
    for (int i = 0; i < 120; ++i) {
      t = get_json("/v1/crdb_tasks/" + id);
      if (t["status"] == "finished" || t["status"] == "failed" || t["status"] == "cancelled") break;
      advance(1);
    }
    return t;
  }

  // Creates a CRDB and polls its task to finished; its guid.
  std::string create_finished(const std::string& name = "aa-db") {
    const auto r = srv.post("/v1/crdbs", create_body(name));
    EXPECT_EQ(r.status, 200) << r.body;
    const json done = poll_task(r.json_body().value("id", ""));
    EXPECT_EQ(done["status"], "finished") << done;
    return done.value("crdb_guid", "");
  }

  void set_reachable(const std::string& url, bool reachable) {
    const auto r = put("/emulator/v1/participants", {{"url", url}, {"reachable", reachable}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json_body()["reachable"], reachable);
  }
};

TEST_F(crdbs_test, create_patch_unreachable_delete_walk) {
  EXPECT_EQ(get_json("/v1/crdbs"), json({{"crdbs", json::array()}}));

  // Create: a task, queued, with a UUID and no guid yet.
  const auto created = srv.post("/v1/crdbs", create_body());
  ASSERT_EQ(created.status, 200) << created.body;
  const json task = created.json_body();
  EXPECT_EQ(task["status"], "queued");
  EXPECT_EQ(task["operation"], "create_crdb");
  EXPECT_EQ(task["crdb_guid"], "");
  EXPECT_EQ(task["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(get_json("/v1/crdb_tasks").size(), 1u);
  advance(2);
  const json started = get_json("/v1/crdb_tasks/" + task["id"].get<std::string>());
  EXPECT_EQ(started["status"], "started");
  EXPECT_TRUE(started.contains("started"));
  EXPECT_TRUE(started["progress"].contains("worker"));
  const std::string guid = started["crdb_guid"];
  ASSERT_FALSE(guid.empty());
  // Not listed until its create finished.
  EXPECT_EQ(srv.get("/v1/crdbs/" + guid).status, 404);

  const json done = poll_task(task["id"]);
  EXPECT_EQ(done["status"], "finished");
  EXPECT_TRUE(done.contains("ended"));
  EXPECT_FALSE(done.contains("errors"));

  // The CRDB and its local database, with the CRDT fields.
  const json list = get_json("/v1/crdbs");
  ASSERT_EQ(list["crdbs"].size(), 1u);
  const json c = get_json("/v1/crdbs/" + guid);
  EXPECT_EQ(c, list["crdbs"][0]);
  EXPECT_EQ(c["name"], "aa-db");
  EXPECT_EQ(c["guid"], guid);
  EXPECT_EQ(c["instances"].size(), 2u);
  EXPECT_EQ(c["instances"][0]["cluster"]["credentials"]["password"], "");  // masked
  EXPECT_EQ(c["instances"][0]["cluster"]["credentials"]["username"], "admin@redis.local");
  EXPECT_FALSE(c["instances"][1].contains("db_uid"));
  ASSERT_EQ(c["local_databases"].size(), 1u);
  const std::string bdb_uid = c["local_databases"][0]["bdb_uid"];
  EXPECT_EQ(c["instances"][0]["db_uid"], bdb_uid);
  EXPECT_EQ(c["local_databases"][0]["id"], 1);
  EXPECT_EQ(c["default_db_config"]["tls_mode"], "replica_ssl");
  const json bdb = get_json("/v1/bdbs/" + bdb_uid);
  EXPECT_EQ(bdb["status"], "active");
  EXPECT_EQ(bdb["name"], "aa-db");
  EXPECT_EQ(bdb["crdt"], true);
  EXPECT_EQ(bdb["crdt_guid"], guid);
  EXPECT_EQ(bdb["crdt_sync"], "enabled");
  EXPECT_EQ(bdb["crdt_replica_id"], 1);
  EXPECT_EQ(bdb["crdt_sources"].size(), 1u);
  EXPECT_EQ(bdb["shards_count"], 2);

  // Sync from the other participant: in sync.
  const json stats = get_json("/v1/bdbs/" + bdb_uid + "/sync_source_stats");
  ASSERT_EQ(stats["sync_source_stats"].size(), 1u);
  EXPECT_EQ(stats["sync_source_stats"][0]["uid"], "2");
  EXPECT_EQ(stats["sync_source_stats"][0]["intervals"][0]["local_ingress_lag_time"], 0);
  const json syncer = get_json("/v1/bdbs/" + bdb_uid + "/syncer_state/crdt");
  EXPECT_EQ(syncer["sources"][0]["status"], "in-sync");
  EXPECT_EQ(get_json("/v1/bdbs/" + bdb_uid + "/syncer_state"), syncer);

  // PATCH: a rename, through a task, on the CRDB and its database.
  const auto patched = srv.patch(
      "/v1/crdbs/" + guid, {{"name", "renamed"}, {"default_db_config", {{"name", "renamed"}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json_body()["operation"], "update_crdb");
  EXPECT_EQ(patched.json_body()["crdb_guid"], guid);
  // Shown when its task ends, not before.
  EXPECT_EQ(get_json("/v1/crdbs/" + guid)["name"], "aa-db");
  EXPECT_EQ(poll_task(patched.json_body()["id"])["status"], "finished");
  EXPECT_EQ(get_json("/v1/crdbs/" + guid)["name"], "renamed");
  EXPECT_EQ(get_json("/v1/crdbs/" + guid)["default_db_config"]["name"], "renamed");
  EXPECT_EQ(get_json("/v1/bdbs/" + bdb_uid)["name"], "renamed");
  EXPECT_EQ(get_json("/v1/bdbs/" + bdb_uid)["status"], "active");

  // The other participant unreachable: its sync stops, the next task fails
  // with that cluster's error and changes nothing.
  set_reachable(remote_url, false);
  advance(3);
  const json down = get_json("/v1/bdbs/" + bdb_uid + "/syncer_state/crdt");
  EXPECT_EQ(down["sources"][0]["status"], "out-of-sync");
  EXPECT_EQ(down["sources"][0]["lag"], 3000);
  EXPECT_TRUE(down["sources"][0]["lag"].is_number_integer());  // whole milliseconds
  EXPECT_EQ(
      get_json(
          "/v1/bdbs/" + bdb_uid +
          "/sync_source_stats")["sync_source_stats"][0]["intervals"][0]["local_ingress_lag_time"],
      3000);
  EXPECT_EQ(get_json("/v1/crdbs/" + guid + "/health_report")["status"], "degraded");
  const json participants = get_json("/emulator/v1/participants");
  ASSERT_EQ(participants["participants"].size(), 1u);
  EXPECT_EQ(participants["participants"][0]["crdbs"], json::array({guid}));
  EXPECT_EQ(participants["participants"][0]["reachable"], false);

  const auto failing = srv.patch("/v1/crdbs/" + guid, {{"name", "again"}});
  ASSERT_EQ(failing.status, 200) << failing.body;
  const json failed = poll_task(failing.json_body()["id"]);
  EXPECT_EQ(failed["status"], "failed");
  ASSERT_EQ(failed["errors"].size(), 1u);
  EXPECT_EQ(failed["errors"][0]["cluster_name"], "rc2.example.com");
  EXPECT_EQ(failed["errors"][0]["error_code"], "cluster_unreachable");
  EXPECT_EQ(get_json("/v1/crdbs/" + guid)["name"], "renamed");

  // Reachable again: the delete goes through; the CRDB and its database go.
  set_reachable(remote_url, true);
  EXPECT_EQ(get_json("/v1/bdbs/" + bdb_uid + "/syncer_state/crdt")["sources"][0]["status"],
            "in-sync");
  const auto deleted = srv.del("/v1/crdbs/" + guid);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json_body()["operation"], "delete_crdb");
  const auto again = srv.del("/v1/crdbs/" + guid);
  EXPECT_EQ(again.status, 406);
  EXPECT_EQ(again.json_body()["error_code"], "crdb_not_accepted");
  EXPECT_EQ(poll_task(deleted.json_body()["id"])["status"], "finished");
  EXPECT_EQ(get_json("/v1/crdbs")["crdbs"].size(), 0u);
  const auto gone = srv.get("/v1/crdbs/" + guid);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json_body()["error_code"], "crdb_not_found");
  EXPECT_EQ(srv.get("/v1/bdbs/" + bdb_uid).status, 404);
  EXPECT_EQ(get_json("/v1/crdb_tasks").size(), 4u);  // kept 500 s after they end
  advance(501);
  EXPECT_EQ(get_json("/v1/crdb_tasks").size(), 0u);
  EXPECT_EQ(srv.get("/v1/crdb_tasks/" + task["id"].get<std::string>()).status, 404);
}

TEST_F(crdbs_test, a_create_toward_an_unreachable_cluster_fails_and_leaves_nothing) {
  set_reachable(remote_url, false);
  const std::string bdbs_before = srv.get("/v1/bdbs").body;
  const auto r = srv.post("/v1/crdbs", create_body());
  ASSERT_EQ(r.status, 200) << r.body;
  const json t = poll_task(r.json_body()["id"]);
  EXPECT_EQ(t["status"], "failed");
  EXPECT_EQ(t["errors"][0]["cluster_name"], "rc2.example.com");
  EXPECT_EQ(get_json("/v1/crdbs")["crdbs"].size(), 0u);
  EXPECT_EQ(srv.get("/v1/bdbs").body, bdbs_before);  // no database made
}

TEST_F(crdbs_test, a_plan_rule_fails_the_next_create_at_its_step) {
  const auto rule = srv.post("/emulator/v1/plans", {{"name", "create_crdb"},
                                                    {"times", 1},
                                                    {"simulate",
                                                     {{"outcome", "failed"},
                                                      {"fail_at_step", 2},
                                                      {"error", "no room"},
                                                      {"error_code", "oom"}}}});
  ASSERT_EQ(rule.status, 201) << rule.body;
  const auto r = srv.post("/v1/crdbs", create_body());
  const json t = poll_task(r.json_body()["id"]);
  EXPECT_EQ(t["status"], "failed");
  EXPECT_EQ(t["errors"][0], json({{"cluster_name", "docker-cluster"},
                                  {"description", "no room"},
                                  {"error_code", "oom"}}));
  EXPECT_EQ(get_json("/v1/crdbs")["crdbs"].size(), 0u);
  // Used up: the next one finishes.
  create_finished("second");
  EXPECT_EQ(get_json("/v1/crdbs")["crdbs"].size(), 1u);
}

TEST_F(crdbs_test, task_id_and_result_ttl_headers_are_honoured) {
  request req = make_request(http::verb::post, "/v1/crdbs", admin, create_body().dump());
  req.headers.emplace_back("X-Task-ID", "my-task-1");
  req.headers.emplace_back("X-Result-TTL", "10");
  const auto r = srv.call(req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["id"], "my-task-1");
  const auto twice = srv.call(req);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.json_body()["error_code"], "task_id_exists");
  EXPECT_EQ(poll_task("my-task-1")["status"], "finished");
  advance(10);
  EXPECT_EQ(srv.get("/v1/crdb_tasks/my-task-1").status, 404);
  request bad = make_request(http::verb::post, "/v1/crdbs", admin, create_body("x").dump());
  bad.headers.emplace_back("X-Result-TTL", "soon");
  EXPECT_EQ(srv.call(bad).status, 400);
}

TEST_F(crdbs_test, a_queued_task_cancels_a_finished_one_does_not) {
  const auto r = srv.post("/v1/crdbs", create_body());
  const std::string id = r.json_body()["id"];
  const auto cancel = srv.post("/v1/crdb_tasks/" + id + "/actions/cancel", json::object());
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(poll_task(id)["status"], "cancelled");
  EXPECT_EQ(get_json("/v1/crdbs")["crdbs"].size(), 0u);
  const auto late = srv.post("/v1/crdb_tasks/" + id + "/actions/cancel", json::object());
  EXPECT_EQ(late.status, 406);
  EXPECT_EQ(late.json_body()["error_code"], "task_not_cancelable");
  EXPECT_EQ(srv.post("/v1/crdb_tasks/nope/actions/cancel", json::object()).status, 404);
}

TEST_F(crdbs_test, a_cancelled_change_is_never_shown) {
  const std::string guid = create_finished();
  const auto r = srv.patch("/v1/crdbs/" + guid, {{"name", "never"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = r.json_body()["id"];
  EXPECT_EQ(srv.post("/v1/crdb_tasks/" + id + "/actions/cancel", json::object()).status, 200);
  EXPECT_EQ(poll_task(id)["status"], "cancelled");
  advance(60);
  EXPECT_EQ(get_json("/v1/crdbs/" + guid)["name"], "aa-db");
}

TEST_F(crdbs_test, flush_updates_purge_and_upgrade_answer_tasks) {
  const std::string guid = create_finished();
  const auto flush = put("/v1/crdbs/" + guid + "/flush", json::object());
  ASSERT_EQ(flush.status, 200) << flush.body;
  EXPECT_EQ(poll_task(flush.json_body()["id"])["status"], "finished");
  const auto add =
      srv.post("/v1/crdbs/" + guid + "/updates",
               json::parse(R"({"add_instances":[{"cluster":{"url":"https://rc3.example.com:9443",
        "name":"rc3.example.com","credentials":{"username":"a@b.c","password":"p"}}}]})"));
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(poll_task(add.json_body()["id"])["status"], "finished");
  const json c = get_json("/v1/crdbs/" + guid);
  ASSERT_EQ(c["instances"].size(), 3u);
  EXPECT_EQ(c["instances"][2]["id"], 3);
  const auto purge = put("/v1/crdbs/" + guid + "/purge", {{"instances", {3}}});
  ASSERT_EQ(purge.status, 200) << purge.body;
  EXPECT_EQ(poll_task(purge.json_body()["id"])["status"], "finished");
  const auto upgrade = srv.post("/v1/crdbs/" + guid + "/upgrade", {{"may_discard_data", true}});
  ASSERT_EQ(upgrade.status, 200) << upgrade.body;
  EXPECT_EQ(poll_task(upgrade.json_body()["id"])["status"], "finished");
}

TEST_F(crdbs_test, bad_requests_change_nothing) {
  const std::string guid = create_finished();
  json no_local = create_body();
  no_local["instances"].erase(0);
  json both = create_body();
  both["instances"][0]["cluster"]["certificate_auth"] = true;
  json extra = create_body();
  extra["colour"] = "blue";
  json bad_config = create_body();
  bad_config["default_db_config"]["memory_size"] = "big";
  expect_refused_changing_nothing(
      {
          {http::verb::post, "/v1/crdbs", "{", 400, "invalid_schema"},
          {http::verb::post, "/v1/crdbs", no_local.dump(), 406, "crdb_not_accepted"},
          {http::verb::post, "/v1/crdbs", both.dump(), 400, "invalid_schema"},
          {http::verb::post, "/v1/crdbs", extra.dump(), 400, "invalid_schema"},
          {http::verb::post, "/v1/crdbs", bad_config.dump(), 400, "invalid_schema"},
          {http::verb::post, "/v1/crdbs", R"({"name":"x"})", 400, "missing_field"},
          {http::verb::patch, "/v1/crdbs/" + guid, R"({"shards":1})", 400, "invalid_schema"},
          {http::verb::patch, "/v1/crdbs/nope", R"({"name":"y"})", 404, "crdb_not_found"},
          {http::verb::delete_, "/v1/crdbs/nope", "", 404, "crdb_not_found"},
          {http::verb::post, "/v1/crdbs/" + guid + "/updates", R"({"remove_instances":[1]})", 406,
           "crdb_not_accepted"},
          {http::verb::put, "/v1/crdbs/" + guid + "/purge", "{}", 400, "invalid_schema"},
          {http::verb::get, "/v1/crdb_tasks/nope", "", 404, "task_not_found"},
          {http::verb::get, "/v1/crdbs/nope/health_report", "", 404, "crdb_not_found"},
          {http::verb::get, "/v1/bdbs/1/syncer_state/crdt", "", 404, "syncer_state_not_found"},
          {http::verb::get, "/v1/bdbs/99/sync_source_stats", "", 404, "db_not_exist"},
      },
      {"/v1/crdbs", "/v1/crdb_tasks"});
  // A database that is no instance has no sources.
  EXPECT_EQ(get_json("/v1/bdbs/1/sync_source_stats"), json({{"sync_source_stats", json::array()}}));
  // Routes real clusters do not serve: POST on a served path is the
  // router's 405 (as DELETE /v1/actions/{uid}), an unknown path 404.
  const auto post_tasks = srv.post("/v1/crdb_tasks", json::object());
  EXPECT_EQ(post_tasks.status, 405);
  EXPECT_EQ(post_tasks.json_body()["error_code"], "method_not_allowed");
  EXPECT_EQ(srv.get("/v1/crdbs/" + guid + "/tasks").status, 404);
  // Viewers read, they do not write.
  EXPECT_EQ(srv.get("/v1/crdbs", viewer).status, 200);
  EXPECT_EQ(srv.post("/v1/crdbs", create_body("v"), viewer).status, 403);
}

// The state file keeps the CRDBs, their tasks (a running one runs on after
// the restart), the changes not shown yet and the participants' reachability.
TEST(crdbs_state_file, a_restart_finds_crdbs_tasks_and_reachability) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("reemu-crdbs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cfg = [&] {
    return manual_clock_config(
        t0, [&](json& doc) { doc["emulator"]["state_file"] = (dir / "state.json").string(); });
  };
  const auto advance = [](test_server& srv, double seconds) {
    ASSERT_EQ(srv.post("/emulator/v1/clock/advance", {{"seconds", seconds}}).status, 200);
  };
  std::string guid;
  std::string patch_id;
  std::string crdb_before;
  {
    test_server srv{cfg()};
    const auto r = srv.post("/v1/crdbs", create_body());
    ASSERT_EQ(r.status, 200) << r.body;
    advance(srv, 60);
    const json done =
        srv.get("/v1/crdb_tasks/" + r.json_body()["id"].get<std::string>()).json_body();
    ASSERT_EQ(done["status"], "finished") << done;
    guid = done["crdb_guid"];
    const auto patched = srv.patch("/v1/crdbs/" + guid, {{"name", "later"}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    patch_id = patched.json_body()["id"];
    ASSERT_EQ(srv.call(http::verb::put, "/emulator/v1/participants", admin,
                       json{{"url", remote_url}, {"reachable", false}}.dump())
                  .status,
              200);
    crdb_before = srv.get("/v1/crdbs/" + guid).body;
  }
  {
    test_server srv{cfg()};
    EXPECT_EQ(srv.get("/v1/crdbs/" + guid).body, crdb_before);
    EXPECT_EQ(srv.get("/v1/crdb_tasks").json_body().size(), 2u);
    const json participants = srv.get("/emulator/v1/participants").json_body();
    ASSERT_EQ(participants["participants"].size(), 1u);
    EXPECT_EQ(participants["participants"][0]["reachable"], false);
    advance(srv, 60);
    EXPECT_EQ(srv.get("/v1/crdb_tasks/" + patch_id).json_body()["status"], "finished");
    EXPECT_EQ(srv.get("/v1/crdbs/" + guid).json_body()["name"], "later");
  }
  std::filesystem::remove_all(dir);
}

TEST_F(crdbs_test, the_bdb_routes_leave_what_the_crdb_owns_alone) {
  const std::string guid = create_finished();
  const std::string bdb = get_json("/v1/crdbs/" + guid)["local_databases"][0]["bdb_uid"];
  const std::string path = "/v1/bdbs/" + bdb;
  // Let the instance's own create machine end.
  for (int i = 0; i < 120 && get_json(path)["status"] != "active"; ++i) advance(1);
  const json before = get_json(path);
  ASSERT_EQ(before["status"], "active");
  const auto refused = [&](http::verb method, const std::string& target, const json& body,
                           const std::string& code) {
    const auto r = srv.call(method, target, admin, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, 406) << target << " " << body << ": " << r.body;
    EXPECT_EQ(r.json_body().value("error_code", ""), code) << r.body;
  };
  refused(http::verb::put, path, {{"crdt_guid", "another"}}, "not_supported_action_on_crdt");
  refused(http::verb::put, path, {{"crdt", false}}, "not_supported_action_on_crdt");
  refused(http::verb::put, path, {{"replica_sources", {{{"uri", "redis://:pw@10.0.0.1:12000"}}}}},
          "not_supported_action_on_crdt");
  refused(http::verb::put, path, {{"sharding", false}}, "crdt_sharding_violation");
  refused(http::verb::delete_, path, nullptr, "not_supported_action_on_crdt");
  EXPECT_EQ(get_json(path), before);  // nothing changed
  // A plain database is made an instance only through /v1/crdbs.
  refused(http::verb::put, "/v1/bdbs/1", {{"crdt", true}}, "not_supported_action_on_crdt");
  refused(http::verb::post, "/v1/bdbs",
          {{"name", "aa"}, {"memory_size", 104857600}, {"crdt_guid", guid}},
          "not_supported_action_on_crdt");
  // Restating a CRDT field, or pausing the sync, is allowed.
  const auto same = put(path, {{"crdt_guid", guid}, {"crdt_sync", "paused"}});
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json_body()["crdt_sync"], "paused");
  // Deleting the CRDB deletes its instance (once the pause's update ended:
  // a busy database refuses it with 409 like any change).
  EXPECT_EQ(srv.del("/v1/crdbs/" + guid).status, 409);
  for (int i = 0; i < 120 && get_json(path)["status"] != "active"; ++i) advance(1);
  const auto gone = srv.del("/v1/crdbs/" + guid);
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(poll_task(gone.json_body()["id"])["status"], "finished");
  EXPECT_EQ(srv.get(path).status, 404);
}

TEST_F(crdbs_test, result_ttl_on_a_read_keeps_the_result_from_now) {
  const auto r = srv.post("/v1/crdbs", create_body());
  const std::string id = r.json_body()["id"];
  ASSERT_EQ(poll_task(id)["status"], "finished");
  request keep = make_request(http::verb::get, "/v1/crdb_tasks/" + id, admin, "");
  keep.headers.emplace_back("X-Result-TTL", "2000");
  const auto kept = srv.call(keep);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.json_body()["status"], "finished");
  advance(1000);  // past the 500 s default
  EXPECT_EQ(srv.get("/v1/crdb_tasks/" + id).status, 200);
  advance(999);
  EXPECT_EQ(srv.get("/v1/crdb_tasks/" + id).status, 200);
  advance(2);
  EXPECT_EQ(srv.get("/v1/crdb_tasks/" + id).status, 404);
  // A bad header changes nothing; an unknown task stays 404.
  request bad = make_request(http::verb::get, "/v1/crdb_tasks/nope", admin, "");
  bad.headers.emplace_back("X-Result-TTL", "-1");
  EXPECT_EQ(srv.call(bad).status, 400);
  bad.headers.back().second = "5";
  EXPECT_EQ(srv.call(bad).status, 404);
}

TEST_F(crdbs_test, the_control_api_groups_tasks_by_crdb) {
  EXPECT_EQ(get_json("/emulator/v1/crdb_tasks"), json({{"crdbs", json::array()}, {"total", 0}}));
  const std::string first = create_finished("first");
  advance(1);
  const std::string second = create_finished("second");
  advance(1);
  const auto renamed = srv.patch("/v1/crdbs/" + first, {{"name", "first-renamed"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  const json groups = get_json("/emulator/v1/crdb_tasks");
  EXPECT_EQ(groups["total"], 3);
  ASSERT_EQ(groups["crdbs"].size(), 2u) << groups;
  // Newest task first: the rename of `first`.
  const json& a = groups["crdbs"][0];
  EXPECT_EQ(a["guid"], first);
  EXPECT_EQ(a["name"], "first");  // the rename shows once its task finished
  EXPECT_EQ(a["status"], "active");
  ASSERT_EQ(a["tasks"].size(), 2u);
  EXPECT_EQ(a["tasks"][0]["operation"], "update_crdb");
  EXPECT_EQ(a["tasks"][0]["id"], renamed.json_body()["id"]);
  EXPECT_EQ(a["tasks"][1]["operation"], "create_crdb");
  EXPECT_EQ(a["tasks"][1]["status"], "finished");
  EXPECT_EQ(groups["crdbs"][1]["guid"], second);
  EXPECT_EQ(groups["crdbs"][1]["tasks"].size(), 1u);
  // The public routes' task objects, as they are.
  EXPECT_EQ(a["tasks"][1], get_json("/v1/crdb_tasks/" + a["tasks"][1]["id"].get<std::string>()));
  // A viewer of the cluster is not a user of the control API.
  EXPECT_EQ(srv.get("/emulator/v1/crdb_tasks", viewer).status, 403);
  // The same counts in the metrics.
  const std::string metrics = srv.get("/emulator/v1/metrics").body;
  EXPECT_NE(metrics.find("\nreemu_crdb_tasks{status=\"finished\"} 2\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("\nreemu_crdb_tasks{status=\"queued\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nreemu_crdbs 2\n"), std::string::npos);
}

}  // namespace
}  // namespace reemu::test
