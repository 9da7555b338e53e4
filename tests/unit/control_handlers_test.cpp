// Unit tests for the control API handlers (src/control_handlers.cpp), called directly with
// hand-built request contexts.
#include <gtest/gtest.h>

#include <array>
#include <boost/url/parse.hpp>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app_request.hpp"
#include "reemu/app/app.hpp"
#include "reemu/app/families.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/control/actions.hpp"
#include "reemu/control/clock.hpp"
#include "reemu/control/databases.hpp"
#include "reemu/control/faults.hpp"
#include "reemu/control/journal_api.hpp"
#include "reemu/control/users.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;
using http_t::status;

namespace {

constexpr double handlers_t0 = 1'700'000'000;

constexpr std::string_view seed_document = R"({
  "emulator": {"clock": "manual", "clock_start": 1700000000, "seed": 7},
  "users": [{"email": "admin@redis.local", "password": "Redis123!", "role": "admin"}],
  "databases": [1, 2],
  "actions": [
    {"action_uid": "8fc32a11-4688-4057-9237-cd77fccd726f", "creation_time": "1760400087", "name": "retry_bdb", "node_uid": "1", "progress": "100", "status": "completed", "task_id": "8fc32a11-4688-4057-9237-cd77fccd726f"}
  ],
  "state-machines": [
    {"action_uid": "04d7b6ea-f377-4d40-9b23-9a8f291988df", "heartbeat": 1760400082, "name": "SMCreateBDB", "object_name": "bdb:1", "status": "completed"},
    {"action_uid": "5a42fabf-c603-4950-88d9-3a3148a5d763", "heartbeat": 1747780298, "name": "SMDeleteBDB", "object_name": "bdb:2", "pending_ops": {}, "progress": 14.29, "state": "config_security", "status": "active"},
    {"action_uid": "sim-1", "name": "SMCreateBDB", "object_name": "bdb:2", "simulate": {}}
  ]
})";

constexpr std::size_t seed_action_count = 4;

config manual_config() { return parse_config(json::parse(seed_document), "control_test.json"); }

json body_of(const reply& r) {
  if (!r.body) return json();
  return json::parse(r.body.str());
}

bool is_uuid_v4(const std::string& s) {
  static const std::regex v4(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return std::regex_match(s, v4);
}

void expect_error(const reply& r, status st, std::string_view code) {
  EXPECT_EQ(r.status, st);
  ASSERT_TRUE(r.body);
  const json b = json::parse(r.body.str());
  EXPECT_EQ(b.value("error_code", ""), code) << r.body.str();
  EXPECT_TRUE(b.contains("description") && b["description"].is_string()) << r.body.str();
  EXPECT_EQ(b.size(), 2u) << r.body.str();
}

class control_handlers : public ::testing::Test {
 protected:
  void SetUp() override { app_ = std::make_unique<app>(manual_config()); }

  services& svc() { return app_->svc(); }
  std::uint64_t version() { return svc().registry.snapshot()->version(); }
  double now() { return svc().clock.now(); }
  void advance(double seconds) { svc().clock.advance(seconds); }

  reply call(handler_fn h, std::string_view body = {}, path_params params = {},
             std::string_view content_type = "application/json") {
    request_context ctx;
    ctx.method = http_t::verb::post;
    ctx.params = std::move(params);
    ctx.body = body;
    ctx.content_type = content_type;
    ctx.now = now();
    ctx.state = svc().registry.snapshot();
    return h(ctx, svc());
  }

  reply call_uid(handler_fn h, std::string uid, std::string_view body = {}) {
    return call(h, body, {{"uid", std::move(uid)}});
  }

  // GET with a query string, as the app hands it over.
  reply call_target(handler_fn h, const std::string& target) {
    request_context ctx;
    ctx.method = http_t::verb::get;
    ctx.target = target;
    auto parsed = boost::urls::parse_origin_form(target);
    EXPECT_TRUE(parsed.has_value()) << target;
    if (parsed) ctx.query = parsed->params();
    ctx.now = now();
    ctx.state = svc().registry.snapshot();
    return h(ctx, svc());
  }

  std::shared_ptr<const action> find(std::string_view uid) {
    return svc().registry.snapshot()->data().find(uid);
  }

  // Creates an action and returns its uid (asserting 201).
  std::string create(std::string_view body) {
    const reply r = call(uses<&create_action>, body);
    EXPECT_EQ(r.status, status::created) << (r.body ? r.body.str() : "");
    return body_of(r).value("action_uid", "");
  }

  std::unique_ptr<app> app_;
};

// ---- create -----------------------------------------------------------------

TEST_F(control_handlers, create_from_template_name_only) {
  const auto v0 = version();
  EXPECT_FALSE(svc().registry.snapshot()->data().databases.contains(3));
  const reply r = call(uses<&create_action>,
                       R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3"})");
  ASSERT_EQ(r.status, status::created) << r.body.str();
  const json b = body_of(r);
  const std::string uid = b["action_uid"];
  EXPECT_TRUE(is_uuid_v4(uid)) << uid;
  EXPECT_EQ(b["name"], "SMCreateBDB");
  EXPECT_EQ(b["object_name"], "bdb:3");
  EXPECT_EQ(b["status"], "pending");
  EXPECT_EQ(b["state"], "init");
  EXPECT_EQ(b["progress"], 0);
  EXPECT_EQ(b["heartbeat"], static_cast<long long>(handlers_t0));
  EXPECT_EQ(b["pending_ops"], json::object());

  EXPECT_EQ(version(), v0 + 1);
  const auto snap = svc().registry.snapshot();
  EXPECT_TRUE(snap->data().databases.contains(3));
  const auto a = snap->data().find(uid);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(a->plan(), nullptr);
  EXPECT_EQ(a->plan()->steps.size(), 7u);
  EXPECT_EQ(a->started_at, handlers_t0);

  // The clock drives it: 1 s pending, then 2 s per step.
  advance(3);
  json live = render_v1(*a, now());
  EXPECT_EQ(live["status"], "active");
  EXPECT_EQ(live["state"], "provision");
  EXPECT_EQ(live["progress"], 14.29);
  advance(12);
  live = render_v1(*a, now());
  EXPECT_EQ(live["status"], "completed");
  EXPECT_FALSE(live.contains("progress"));  // as in the real capture
  EXPECT_FALSE(live.contains("state"));
}

TEST_F(control_handlers, create_uids_are_unique) {
  const std::string a = create(R"({"type":"task","name":"retry_bdb"})");
  const std::string b = create(R"({"type":"task","name":"retry_bdb"})");
  EXPECT_TRUE(is_uuid_v4(a));
  EXPECT_TRUE(is_uuid_v4(b));
  EXPECT_NE(a, b);
}

TEST_F(control_handlers, create_task_from_template) {
  const reply r = call(uses<&create_action>, R"({"type":"task","name":"retry_bdb"})");
  ASSERT_EQ(r.status, status::created);
  const json b = body_of(r);
  EXPECT_EQ(b["status"], "queued");
  EXPECT_EQ(b["progress"], "0");
  EXPECT_EQ(b["node_uid"], "1");
  EXPECT_EQ(b["creation_time"], "1700000000");
  EXPECT_EQ(b["task_id"], b["action_uid"]);
}

TEST_F(control_handlers, create_with_simulate_overrides) {
  const reply r = call(uses<&create_action>,
                       R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:4",
      "simulate":{"step_seconds":10,"pending_seconds":0,"outcome":"failed","fail_at_step":2,"error":"no memory"}})");
  ASSERT_EQ(r.status, status::created) << r.body.str();
  const json b = body_of(r);
  EXPECT_EQ(b["status"], "active");
  const auto a = find(b["action_uid"].get<std::string>());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(a->plan(), nullptr);
  EXPECT_EQ(a->plan()->step_seconds, 10);
  EXPECT_EQ(a->plan()->pending_seconds, 0);
  EXPECT_TRUE(a->plan()->fails);
  EXPECT_EQ(a->plan()->fail_at_step, 2u);
  EXPECT_EQ(a->plan()->steps.size(), 7u);  // the template's steps
  EXPECT_EQ(a->plan()->retain_seconds, 3600);

  advance(30);
  const json live = render_v1(*a, now());
  EXPECT_EQ(live["status"], "failed");
  EXPECT_EQ(live["error"], "no memory");
  EXPECT_EQ(live["state"], "create_redis");
  EXPECT_EQ(live["progress"], 28.57);
  EXPECT_EQ(live["heartbeat"], static_cast<long long>(handlers_t0 + 30));
}

TEST_F(control_handlers, create_custom_simulation_with_steps) {
  const std::string uid = create(
      R"({"type":"task","name":"backup","simulate":{"steps":["dump","upload"],"step_seconds":1}})");
  const auto a = find(uid);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(a->plan(), nullptr);
  EXPECT_EQ(a->plan()->steps, (std::vector<std::string>{"dump", "upload"}));
  advance(1.5);
  EXPECT_EQ(render_v1(*a, now())["progress"], "50");
}

TEST_F(control_handlers, create_explicit_static_task) {
  const reply r = call(
      uses<&create_action>,
      R"({"type":"task","name":"custom","status":"running","progress":50,"node_uid":2,"module_uid":"m1"})");
  ASSERT_EQ(r.status, status::created) << r.body.str();
  const json b = body_of(r);
  EXPECT_EQ(b["status"], "running");
  EXPECT_EQ(b["progress"], "50");
  EXPECT_EQ(b["node_uid"], "2");
  EXPECT_EQ(b["module_uid"], "m1");
  EXPECT_EQ(b["creation_time"], "1700000000");
  const auto a = find(b["action_uid"].get<std::string>());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->plan(), nullptr);
  advance(10000);
  EXPECT_EQ(dump(render_v1(*a, now())), dump(b));  // static: time does not move it
}

TEST_F(control_handlers, create_explicit_static_state_machine) {
  const reply r =
      call(uses<&create_action>, R"({"type":"state-machine","name":"SMCustom","action_uid":"my-uid",
      "status":"active","progress":25,"state":"x","object_name":"bdb:9"})");
  ASSERT_EQ(r.status, status::created) << r.body.str();
  EXPECT_EQ(
      dump(body_of(r)),
      R"({"action_uid":"my-uid","heartbeat":1700000000,"name":"SMCustom","object_name":"bdb:9","progress":25,"state":"x","status":"active"})");
  EXPECT_TRUE(svc().registry.snapshot()->data().databases.contains(9));
  // A template name with an explicit status is served as given, not simulated.
  const std::string uid = create(
      R"({"type":"state-machine","name":"SMCreateBDB","status":"completed","object_name":"bdb:1"})");
  const auto a = find(uid);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->plan(), nullptr);
}

TEST_F(control_handlers, create_rejects_bad_input_and_changes_nothing) {
  struct row {
    std::string_view body;
    status st;
    std::string_view code;
  };
  constexpr std::array rows = {
      row{"", status::bad_request, "malformed_json"},
      row{"{not json", status::bad_request, "malformed_json"},
      row{R"({"type":"task","name":"retry_bdb"} trailing)", status::bad_request, "malformed_json"},
      row{"[1,2]", status::bad_request, "invalid_type"},
      row{"\"task\"", status::bad_request, "invalid_type"},
      row{"null", status::bad_request, "invalid_type"},
      row{R"({"type":5,"name":"retry_bdb"})", status::bad_request, "invalid_type"},
      row{R"({"type":"task","name":["retry_bdb"]})", status::bad_request, "invalid_type"},
      row{R"({"name":"retry_bdb"})", status::bad_request, "missing_field"},
      row{R"({"type":"task"})", status::bad_request, "missing_field"},
      row{R"({"type":"task","name":""})", status::bad_request, "invalid_value"},
      row{R"({"type":"job","name":"retry_bdb"})", status::bad_request, "unknown_action_type"},
      row{R"({"type":"Task","name":"retry_bdb"})", status::bad_request, "unknown_action_type"},
      row{R"({"type":"task","name":"no_such_template"})", status::bad_request, "unknown_template"},
      row{R"({"type":"task","name":"custom","simulate":{"step_seconds":1}})", status::bad_request,
          "unknown_template"},
      row{R"({"type":"task","name":"SMCreateBDB"})", status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"retry_bdb"})", status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{"bogus":1}})",
          status::bad_request, "unknown_field"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":[]})", status::bad_request,
          "invalid_type"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{"step_seconds":0}})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{"step_seconds":-1}})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{"step_seconds":"2"}})",
          status::bad_request, "invalid_type"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{"fail_at_step":7}})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{"outcome":"maybe"}})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"task","name":"retry_bdb","status":"running","simulate":{}})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"SMCreateBDB","simulate":{},"progress":5})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"task","name":"t","status":"running","progress":101})", status::bad_request,
          "invalid_value"},
      row{R"({"type":"task","name":"t","status":"running","progress":-1})", status::bad_request,
          "invalid_value"},
      row{R"({"type":"task","name":"t","status":"running","progress":"abc"})", status::bad_request,
          "invalid_value"},
      row{R"({"type":"task","name":"t","status":"running","progress":"150"})", status::bad_request,
          "invalid_value"},
      row{R"({"type":"task","name":"t","status":"running","progress":true})", status::bad_request,
          "invalid_type"},
      row{R"({"type":"state-machine","name":"s","status":"active","progress":100.5})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"s","status":"active","progress":"50"})",
          status::bad_request, "invalid_type"},
      row{R"({"type":"task","name":"t","status":"bogus"})", status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"s","status":"running"})", status::bad_request,
          "invalid_value"},
      row{R"({"type":"task","name":"t","status":7})", status::bad_request, "invalid_type"},
      row{R"({"type":"state-machine","name":"s","status":"active","heartbeat":-5})",
          status::bad_request, "invalid_value"},
      row{R"({"type":"state-machine","name":"s","status":"active","pending_ops":[]})",
          status::bad_request, "invalid_type"},
      row{R"({"type":"task","name":"t","status":"running","action_uid":""})", status::bad_request,
          "invalid_value"},
      row{R"({"type":"task","name":"t","status":"running","action_uid":"8fc32a11-4688-4057-9237-cd77fccd726f"})",
          status::bad_request, "invalid_value"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.body);
    const auto v0 = version();
    const auto dbs = svc().registry.snapshot()->data().databases;
    expect_error(call(uses<&create_action>, r.body), r.st, r.code);
    EXPECT_EQ(version(), v0);
    EXPECT_EQ(svc().registry.snapshot()->data().actions.size(), seed_action_count);
    EXPECT_EQ(svc().registry.snapshot()->data().databases, dbs);
  }
}

TEST_F(control_handlers, deeply_nested_body_is_malformed) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const auto v0 = version();
  expect_error(call(uses<&create_action>, deep), status::bad_request, "malformed_json");
  EXPECT_EQ(version(), v0);
}

// The handlers read the body as JSON whatever its type; the app's "origin"
// stage is what refuses a control-API body that is not application/json
// (below), before any handler runs.
TEST_F(control_handlers, handlers_read_the_body_whatever_its_type) {
  for (std::string_view ct : {"", "application/json", "text/plain"}) {
    SCOPED_TRACE(ct);
    EXPECT_EQ(call(uses<&create_action>, R"({"type":"task","name":"retry_bdb"})", {}, ct).status,
              status::created);
  }
  const auto v0 = version();
  expect_error(call(uses<&create_action>, "type=task&name=retry_bdb", {},
                    "application/x-www-form-urlencoded"),
               status::bad_request, "malformed_json");
  EXPECT_EQ(version(), v0);
}

// A page on another site could make a browser POST a text/plain form to the
// control API with the credentials it cached for the dashboard, and create
// an admin. Now a browser's cross-site write is refused (403) on every
// route, and a control-API body must be application/json (415), which no
// form can send without a CORS preflight the server never grants.
TEST_F(control_handlers, cross_site_writes_and_bodies_that_are_not_json_are_refused) {
  const std::string admin = "Basic " + base64_encode("admin@redis.local:Redis123!");
  const std::string body = R"({"email":"evil@x","password":"Evil1234!","role":"admin"})";
  struct row {
    std::string_view content_type, host, origin, site;
    unsigned status;
    std::string_view code;
  };
  const std::vector<row> rows = {
      {"text/plain", "", "", "", 415, "unsupported_media_type"},
      {"application/x-www-form-urlencoded", "", "", "", 415, "unsupported_media_type"},
      {"", "", "", "", 415, "unsupported_media_type"},
      {"application/json", "127.0.0.1:8080", "http://evil.example", "", 403, "cross_site_request"},
      {"application/json", "127.0.0.1:8080", "null", "", 403, "cross_site_request"},
      {"application/json", "127.0.0.1:8080", "", "cross-site", 403, "cross_site_request"},
      {"application/json", "127.0.0.1:8080", "", "same-site", 403, "cross_site_request"},
      {"text/plain", "127.0.0.1:8080", "http://127.0.0.1:8080", "cross-site", 403,
       "cross_site_request"},
  };
  // POST /emulator/v1/users with `user` and the browser headers of `r`.
  const auto post_user = [&](const row& r, const std::string& user) {
    incoming_request req =
        test::json_request(http_t::verb::post, "/emulator/v1/users", user, admin);
    req.content_type = r.content_type;
    req.host = r.host;
    req.origin = r.origin;
    req.sec_fetch_site = r.site;
    return app_->handle(req).reply;
  };
  const auto v0 = version();
  for (const row& r : rows) {
    SCOPED_TRACE(std::string(r.content_type) + " | " + std::string(r.origin) + " | " +
                 std::string(r.site));
    const reply out = post_user(r, body);
    EXPECT_EQ(static_cast<unsigned>(out.status), r.status);
    ASSERT_TRUE(out.body);
    EXPECT_EQ(json::parse(out.body.str())["error_code"], r.code);
  }
  EXPECT_EQ(version(), v0) << "a refused write changed the registry";
  // A cross-site write to the emulated API is refused the same way.
  incoming_request bdb = test::json_request(http_t::verb::post, "/v1/bdbs",
                                            R"({"name":"x","memory_size":1048576})", admin);
  bdb.content_type = "text/plain";
  bdb.host = "127.0.0.1:8080";
  bdb.origin = "http://evil.example";
  EXPECT_EQ(app_->handle(bdb).reply.status, status::forbidden);
  EXPECT_EQ(version(), v0);
  // The dashboard's own requests (same origin, JSON), tools (no Origin, no
  // Sec-Fetch-Site, any JSON media type) and reads from anywhere pass.
  const std::vector<row> passing = {
      {"application/json", "127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin", 201, ""},
      {"application/json; charset=utf-8", "", "", "", 201, ""},
      {"Application/JSON", "LOCALHOST:9443", "https://localhost:9443", "none", 201, ""},
  };
  int n = 0;
  for (const row& r : passing) {
    const std::string user_body = R"({"email":"user)" + std::to_string(++n) +
                                  R"(@x","password":"User1234!","role":"db_viewer"})";
    EXPECT_EQ(post_user(r, user_body).status, status::created) << r.content_type;
  }
  incoming_request read = test::json_request(http_t::verb::get, "/emulator/v1/users", {}, admin);
  read.origin = "http://evil.example";
  read.sec_fetch_site = "cross-site";
  EXPECT_EQ(app_->handle(read).reply.status, status::ok);
}

// ---- patch and delete -------------------------------------------------------

TEST_F(control_handlers, patch_freezes_and_sets_fields) {
  const std::string uid =
      create(R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3"})");
  advance(4.5);  // step 1 (provision), heartbeat handlers_t0+3
  const auto v0 = version();
  const reply r = call_uid(uses<&patch_action>, uid, R"({"progress":50})");
  ASSERT_EQ(r.status, status::ok) << r.body.str();
  json b = body_of(r);
  EXPECT_EQ(b["status"], "active");
  EXPECT_EQ(b["state"], "provision");
  EXPECT_EQ(b["progress"], 50);
  EXPECT_EQ(b["heartbeat"],
            static_cast<long long>(handlers_t0 + 4));  // progress moved: heartbeat is now
  EXPECT_EQ(version(), v0 + 1);

  auto a = find(uid);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->plan(), nullptr);  // frozen
  {
    const json list = json::parse(svc().lists.v1(svc().registry.snapshot(), now() + 50).str());
    bool seen = false;
    for (const auto& sm : list["state-machines"])
      if (sm["action_uid"] == uid) {
        seen = true;
        EXPECT_EQ(dump(sm), dump(b));
      }
    EXPECT_TRUE(seen);
  }
  advance(100);
  EXPECT_EQ(dump(render_v1(*a, now())), dump(b));

  // Fields that are not progress do not move the heartbeat.
  b = body_of(
      call_uid(uses<&patch_action>, uid, R"({"pending_ops":{"1":{"op_name":"x","progress":3}}})"));
  EXPECT_EQ(b["heartbeat"], static_cast<long long>(handlers_t0 + 4));
  EXPECT_EQ(b["pending_ops"]["1"]["op_name"], "x");

  b = body_of(call_uid(uses<&patch_action>, uid, R"({"state":"create_redis"})"));
  EXPECT_EQ(b["state"], "create_redis");
  EXPECT_EQ(b["heartbeat"], static_cast<long long>(handlers_t0 + 104));

  b = body_of(call_uid(uses<&patch_action>, uid, R"({"heartbeat":5,"progress":60})"));
  EXPECT_EQ(b["heartbeat"], 5);  // an explicit heartbeat wins

  b = body_of(call_uid(uses<&patch_action>, uid, R"({"status":"failed","error":"boom"})"));
  EXPECT_EQ(b["status"], "failed");
  EXPECT_EQ(b["error"], "boom");
  EXPECT_NE(find(uid), nullptr);  // still within the template's retention
}

TEST_F(control_handlers, patch_to_terminal_with_retain_zero_vanishes) {
  const std::string uid =
      create(R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3"})");
  advance(2);
  const reply r =
      call_uid(uses<&patch_action>, uid, R"({"status":"completed","retain_seconds":0})");
  ASSERT_EQ(r.status, status::ok) << r.body.str();
  EXPECT_EQ(body_of(r)["status"], "completed");
  EXPECT_EQ(find(uid), nullptr);
  expect_error(call_uid(uses<&patch_action>, uid, R"({"progress":1})"), status::not_found,
               "action_not_found");
  expect_error(call_uid(uses<&delete_action>, uid), status::not_found, "action_not_found");
}

TEST_F(control_handlers, patch_terminal_keeps_it_for_retain_seconds) {
  const std::string uid = create(R"({"type":"task","name":"retry_bdb"})");
  ASSERT_EQ(
      call_uid(uses<&patch_action>, uid, R"({"status":"aborted","retain_seconds":10})").status,
      status::ok);
  advance(9.5);
  const auto a = find(uid);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(is_visible(*a, now()));
  const auto listed = [&] {
    return svc().lists.v1(svc().registry.snapshot(), now()).str().find(uid) != std::string::npos;
  };
  EXPECT_TRUE(listed());
  advance(0.5);
  EXPECT_FALSE(is_visible(*a, now()));
  EXPECT_FALSE(listed());
  expect_error(call_uid(uses<&patch_action>, uid, R"({"progress":1})"), status::not_found,
               "action_not_found");
  expect_error(call_uid(uses<&delete_action>, uid), status::not_found, "action_not_found");
}

TEST_F(control_handlers, patch_task_fields) {
  const std::string uid = create(R"({"type":"task","name":"retry_bdb"})");
  const json b = body_of(
      call_uid(uses<&patch_action>, uid, R"({"progress":70,"node_uid":3,"status":"running"})"));
  EXPECT_EQ(b["progress"], "70");
  EXPECT_EQ(b["node_uid"], "3");
  EXPECT_EQ(b["status"], "running");
  EXPECT_FALSE(b.contains("heartbeat"));  // tasks have none
  // Numeric strings are normalised to the wire's whole-number string.
  EXPECT_EQ(body_of(call_uid(uses<&patch_action>, uid, R"({"progress":"1e2"})"))["progress"],
            "100");
  EXPECT_EQ(body_of(call_uid(uses<&patch_action>, uid, R"({"progress":"050"})"))["progress"], "50");
}

TEST_F(control_handlers, patch_object_name_makes_the_database_known) {
  const std::string uid =
      create(R"({"type":"state-machine","name":"SMUpdateBDB","object_name":"bdb:1"})");
  EXPECT_FALSE(svc().registry.snapshot()->data().databases.contains(77));
  call_uid(uses<&patch_action>, uid, R"({"object_name":"bdb:77"})");
  EXPECT_TRUE(svc().registry.snapshot()->data().databases.contains(77));
}

TEST_F(control_handlers, patch_rejects_bad_input_and_changes_nothing) {
  const std::string sm =
      create(R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:3"})");
  const std::string task = create(R"({"type":"task","name":"retry_bdb"})");
  struct row {
    bool on_task;
    std::string_view body;
    status st;
    std::string_view code;
  };
  constexpr std::array rows = {
      row{false, "{", status::bad_request, "malformed_json"},
      row{false, "[]", status::bad_request, "invalid_type"},
      row{false, R"({"foo":1})", status::bad_request, "unknown_field"},
      row{false, R"({"progress":150})", status::bad_request, "invalid_value"},
      row{false, R"({"progress":-0.5})", status::bad_request, "invalid_value"},
      row{false, R"({"progress":"50"})", status::bad_request, "invalid_type"},
      row{false, R"({"status":"running"})", status::bad_request, "invalid_value"},
      row{false, R"({"status":1})", status::bad_request, "invalid_type"},
      row{false, R"({"state":5})", status::bad_request, "invalid_type"},
      row{false, R"({"error":false})", status::bad_request, "invalid_type"},
      row{false, R"({"pending_ops":[]})", status::bad_request, "invalid_type"},
      row{false, R"({"heartbeat":-1})", status::bad_request, "invalid_value"},
      row{false, R"({"heartbeat":"now"})", status::bad_request, "invalid_type"},
      row{false, R"({"retain_seconds":-1})", status::bad_request, "invalid_value"},
      row{false, R"({"retain_seconds":"0"})", status::bad_request, "invalid_type"},
      row{true, R"({"progress":101})", status::bad_request, "invalid_value"},
      row{true, R"({"progress":"x"})", status::bad_request, "invalid_value"},
      row{true, R"({"status":"active"})", status::bad_request, "invalid_value"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.body);
    const auto v0 = version();
    const std::string& uid = r.on_task ? task : sm;
    const auto before = find(uid);
    expect_error(call_uid(uses<&patch_action>, uid, r.body), r.st, r.code);
    EXPECT_EQ(version(), v0);
    EXPECT_EQ(find(uid), before);
    EXPECT_NE(before->plan(), nullptr);  // still simulated: nothing froze it
  }
  const auto v0 = version();
  expect_error(call_uid(uses<&patch_action>, "no-such-uid", R"({"progress":1})"), status::not_found,
               "action_not_found");
  EXPECT_EQ(version(), v0);
}

TEST_F(control_handlers, delete_action_then_404) {
  const std::string uid = "5a42fabf-c603-4950-88d9-3a3148a5d763";
  ASSERT_NE(find(uid), nullptr);
  const auto v0 = version();
  const reply r = call_uid(uses<&delete_action>, uid);
  EXPECT_EQ(r.status, status::no_content);
  EXPECT_FALSE(r.body);
  EXPECT_EQ(find(uid), nullptr);
  EXPECT_EQ(version(), v0 + 1);
  const reply again = call_uid(uses<&delete_action>, uid);
  expect_error(again, status::not_found, "action_not_found");
  EXPECT_EQ(body_of(again)["description"], "Action " + uid + " does not exist");
  EXPECT_EQ(version(), v0 + 1);
}

// ---- clock and reset ---------------------------------------------------------

TEST_F(control_handlers, clock_read_and_advance) {
  EXPECT_EQ(dump(body_of(call(uses<&get_clock>))), R"({"mode":"manual","now":1700000000})");
  const reply r = call(uses<&advance_clock>, R"({"seconds":10})");
  ASSERT_EQ(r.status, status::ok);
  EXPECT_EQ(dump(body_of(r)), R"({"mode":"manual","now":1700000010})");
  EXPECT_EQ(now(), handlers_t0 + 10);
  EXPECT_EQ(body_of(call(uses<&advance_clock>, R"({"seconds":0.25})"))["now"], handlers_t0 + 10.25);
  EXPECT_EQ(call(uses<&advance_clock>, R"({"seconds":0})").status, status::ok);

  struct row {
    std::string_view body;
    std::string_view code;
  };
  constexpr std::array rows = {
      row{R"({"seconds":-1})", "invalid_value"},
      row{R"({"seconds":"10"})", "invalid_type"},
      row{R"({})", "missing_field"},
      row{R"({"seconds":1,"x":1})", "unknown_field"},
      row{"nope", "malformed_json"},
      row{R"({"seconds":1e300})", "invalid_value"},
  };
  for (const auto& c : rows) {
    SCOPED_TRACE(c.body);
    expect_error(call(uses<&advance_clock>, c.body), status::bad_request, c.code);
    EXPECT_EQ(now(), handlers_t0 + 10.25);
  }
}

TEST(control_handlers_real_clock, advance_is_409_on_a_real_clock) {
  json doc = json::parse(seed_document);
  doc["emulator"]["clock"] = "real";
  app a(parse_config(doc, "real.json"));
  services& svc = a.svc();
  request_context ctx;
  ctx.body = R"({"seconds":10})";
  ctx.content_type = "application/json";
  ctx.now = svc.clock.now();
  ctx.state = svc.registry.snapshot();
  const double before = svc.clock.now();
  expect_error(uses<&advance_clock>(ctx, svc), status::conflict, "clock_not_manual");
  EXPECT_LT(svc.clock.now() - before, 5);  // not moved by 10 s
  EXPECT_EQ(body_of(uses<&get_clock>(ctx, svc))["mode"], "real");
}

TEST_F(control_handlers, reset_brings_back_the_seed) {
  const std::string uid = create(R"({"type":"task","name":"retry_bdb"})");
  ASSERT_EQ(call_uid(uses<&delete_action>, "04d7b6ea-f377-4d40-9b23-9a8f291988df").status,
            status::no_content);
  ASSERT_EQ(call(uses<&create_user>, R"({"email":"x@y","password":"p","role":"none"})").status,
            status::created);
  ASSERT_EQ(call(uses<&create_database>, R"({"uid":77})").status, status::created);
  ASSERT_EQ(call(uses<&create_fault>, R"({"path":"/v1/*","status":500})").status, status::created);
  svc().journal.record({handlers_t0, "GET", "/v1/actions", "admin@redis.local", 200, 10});
  advance(1000);
  EXPECT_EQ(render_v1(*find("sim-1"), now())["status"], "completed");

  const reply r = call(uses<&reset_all>);
  ASSERT_EQ(r.status, status::ok) << r.body.str();
  EXPECT_EQ(dump(body_of(r)),
            R"({"actions":4,"clock":{"mode":"manual","now":1700000000},"databases":2,"users":1})");
  const auto snap = svc().registry.snapshot();
  EXPECT_EQ(snap->data().actions.size(), seed_action_count);
  EXPECT_EQ(snap->data().find(uid), nullptr);
  EXPECT_NE(snap->data().find("04d7b6ea-f377-4d40-9b23-9a8f291988df"), nullptr);
  EXPECT_FALSE(snap->data().users.contains("x@y"));
  ASSERT_EQ(snap->data().databases.size(), 2u);
  EXPECT_TRUE(snap->data().databases.contains(1));
  EXPECT_TRUE(snap->data().databases.contains(2));
  EXPECT_TRUE(svc().faults.list().empty());
  EXPECT_TRUE(svc().journal.query({}).entries.empty());
  EXPECT_EQ(now(), handlers_t0);
  // Simulated seeds start over with the clock.
  const auto sim = snap->data().find("sim-1");
  ASSERT_NE(sim, nullptr);
  EXPECT_EQ(sim->started_at, handlers_t0);
  EXPECT_EQ(render_v1(*sim, now())["status"], "pending");
  // Fault ids start again at 1 after a reset.
  EXPECT_EQ(body_of(call(uses<&create_fault>, R"({"path":"/v1/*","status":500})"))["id"], 1);
}

TEST_F(control_handlers, reset_body_must_be_empty_or_an_empty_object) {
  advance(5);
  EXPECT_EQ(call(uses<&reset_all>, "{}").status, status::ok);
  EXPECT_EQ(now(), handlers_t0);
  advance(5);
  const auto v0 = version();
  expect_error(call(uses<&reset_all>, R"({"keep_users":true})"), status::bad_request,
               "unknown_field");
  expect_error(call(uses<&reset_all>, "{"), status::bad_request, "malformed_json");
  EXPECT_EQ(version(), v0);
  EXPECT_EQ(now(), handlers_t0 + 5);
}

TEST_F(control_handlers, templates_listing) {
  const json b = body_of(call(uses<&get_templates>));
  ASSERT_TRUE(b["templates"].is_array());
  bool found = false;
  for (const auto& t : b["templates"]) {
    if (t["name"] != "SMDeleteBDB") continue;
    found = true;
    EXPECT_EQ(t["type"], "state-machine");
    EXPECT_EQ(t["simulate"]["retain_seconds"], 0);
    EXPECT_EQ(t["simulate"]["steps"].size(), 7u);
  }
  EXPECT_TRUE(found);
}

// ---- users and databases -----------------------------------------------------

TEST_F(control_handlers, users_create_patch_delete) {
  const reply created =
      call(uses<&create_user>, R"({"email":"dev@x","password":"pw","role":"db_viewer"})");
  ASSERT_EQ(created.status, status::created) << created.body.str();
  EXPECT_EQ(dump(body_of(created)), R"({"email":"dev@x","role":"db_viewer"})");
  {
    const auto snap = svc().registry.snapshot();
    const user* u = authenticate(snap->data().users, {"dev@x", "pw"});
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(role_of(snap->data().roles, *u), role::db_viewer);
  }
  EXPECT_EQ(
      dump(body_of(call(uses<&get_users>))),
      R"({"users":[{"email":"admin@redis.local","role":"admin"},{"email":"dev@x","role":"db_viewer"}]})");

  const reply patched =
      call(uses<&patch_user>, R"({"role":"admin","password":"new"})", {{"email", "dev@x"}});
  ASSERT_EQ(patched.status, status::ok) << patched.body.str();
  EXPECT_EQ(dump(body_of(patched)), R"({"email":"dev@x","role":"admin"})");
  {
    const auto snap = svc().registry.snapshot();
    EXPECT_EQ(authenticate(snap->data().users, {"dev@x", "pw"}), nullptr);
    const user* u = authenticate(snap->data().users, {"dev@x", "new"});
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(role_of(snap->data().roles, *u), role::admin);
  }

  EXPECT_EQ(call(uses<&delete_user>, {}, {{"email", "dev@x"}}).status, status::no_content);
  EXPECT_FALSE(svc().registry.snapshot()->data().users.contains("dev@x"));
  expect_error(call(uses<&delete_user>, {}, {{"email", "dev@x"}}), status::not_found,
               "user_not_found");
  expect_error(call(uses<&patch_user>, R"({"role":"none"})", {{"email", "dev@x"}}),
               status::not_found, "user_not_found");
}

TEST_F(control_handlers, the_last_admin_stays) {
  const auto v0 = version();
  expect_error(call(uses<&delete_user>, {}, {{"email", "admin@redis.local"}}), status::bad_request,
               "invalid_value");
  expect_error(
      call(uses<&patch_user>, R"({"role":"cluster_viewer"})", {{"email", "admin@redis.local"}}),
      status::bad_request, "invalid_value");
  EXPECT_EQ(version(), v0);
  // A password change is fine, and so is removing an admin when another remains.
  EXPECT_EQ(call(uses<&patch_user>, R"({"password":"changed","role":"admin"})",
                 {{"email", "admin@redis.local"}})
                .status,
            status::ok);
  ASSERT_EQ(
      call(uses<&create_user>, R"({"email":"second@x","password":"p","role":"admin"})").status,
      status::created);
  EXPECT_EQ(call(uses<&delete_user>, {}, {{"email", "admin@redis.local"}}).status,
            status::no_content);
  expect_error(call(uses<&delete_user>, {}, {{"email", "second@x"}}), status::bad_request,
               "invalid_value");
}

TEST_F(control_handlers, users_reject_bad_input_and_change_nothing) {
  struct row {
    handler_fn h;
    std::string_view body;
    std::string_view email;  // path parameter for patch
    status st;
    std::string_view code;
  };
  const std::array rows = {
      row{uses<&create_user>, R"({"email":"a@x","password":"p","role":"boss"})", "",
          status::bad_request, "unknown_role"},
      row{uses<&create_user>, R"({"email":"admin@redis.local","password":"p","role":"none"})", "",
          status::bad_request, "user_exists"},
      row{uses<&create_user>, R"({"email":"a@x","role":"none"})", "", status::bad_request,
          "missing_field"},
      row{uses<&create_user>, R"({"email":"a@x","password":1,"role":"none"})", "",
          status::bad_request, "invalid_type"},
      row{uses<&create_user>, R"({"email":"","password":"p","role":"none"})", "",
          status::bad_request, "invalid_value"},
      row{uses<&create_user>, R"({"email":"a@x","password":"p","role":"none","admin":true})", "",
          status::bad_request, "unknown_field"},
      row{uses<&create_user>, "[]", "", status::bad_request, "invalid_type"},
      row{uses<&patch_user>, R"({"role":"root"})", "admin@redis.local", status::bad_request,
          "unknown_role"},
      row{uses<&patch_user>, R"({"email":"b@x"})", "admin@redis.local", status::bad_request,
          "unknown_field"},
      row{uses<&patch_user>, R"({"password":5})", "admin@redis.local", status::bad_request,
          "invalid_type"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.body);
    const auto v0 = version();
    path_params params;
    if (!r.email.empty()) params.emplace_back("email", std::string(r.email));
    expect_error(call(r.h, r.body, params), r.st, r.code);
    EXPECT_EQ(version(), v0);
  }
  const auto snap = svc().registry.snapshot();
  EXPECT_EQ(snap->data().users.size(), 1u);
  const user* admin = authenticate(snap->data().users, {"admin@redis.local", "Redis123!"});
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(role_of(snap->data().roles, *admin), role::admin);
}

TEST_F(control_handlers, databases_create_delete) {
  EXPECT_EQ(dump(body_of(call(uses<&get_databases>))), R"({"databases":[1,2]})");
  const reply r = call(uses<&create_database>, R"({"uid":5})");
  ASSERT_EQ(r.status, status::created);
  EXPECT_EQ(body_of(r)["uid"], 5);
  EXPECT_EQ(body_of(r)["status"], "active");
  EXPECT_EQ(body_of(r)["name"], "default-db");  // the template's, as nothing else was given
  EXPECT_EQ(dump(body_of(call(uses<&get_databases>))), R"({"databases":[1,2,5]})");

  struct row {
    std::string_view body;
    std::string_view code;
  };
  constexpr std::array rows = {
      row{R"({"uid":5})", "database_exists"},
      row{R"({"uid":0})", "invalid_value"},
      row{R"({"uid":-1})", "invalid_value"},
      row{R"({"uid":"6"})", "invalid_type"},
      row{R"({"uid":6.5})", "invalid_type"},
      row{R"({})", "missing_field"},
      row{R"({"uid":6,"name":5})", "invalid_value"},
      row{R"({"uid":6,"memory_size":"1"})", "invalid_value"},
      row{R"({"uid":4294967296})", "invalid_value"},
  };
  for (const auto& c : rows) {
    SCOPED_TRACE(c.body);
    const auto v0 = version();
    expect_error(call(uses<&create_database>, c.body), status::bad_request, c.code);
    EXPECT_EQ(version(), v0);
  }

  EXPECT_EQ(call_uid(uses<&delete_database>, "5").status, status::no_content);
  EXPECT_FALSE(svc().registry.snapshot()->data().databases.contains(5));
  const auto v0 = version();
  expect_error(call_uid(uses<&delete_database>, "5"), status::not_found, "db_not_exist");
  expect_error(call_uid(uses<&delete_database>, "abc"), status::not_found, "db_not_exist");
  expect_error(call_uid(uses<&delete_database>, "-1"), status::not_found, "db_not_exist");
  EXPECT_EQ(version(), v0);
}

// ---- faults and journal -------------------------------------------------------

TEST_F(control_handlers, faults_create_list_delete) {
  const reply first =
      call(uses<&create_fault>,
           R"({"method":"GET","path":"/v1/actions/*","status":503,"error_code":"busy","times":2})");
  ASSERT_EQ(first.status, status::created) << first.body.str();
  EXPECT_EQ(dump(body_of(first)), R"({"id":1})");
  const reply second =
      call(uses<&create_fault>,
           R"({"path":"/v2/actions","delay_ms":100,"probability":0.5,"user":"a@x"})");
  ASSERT_EQ(second.status, status::created) << second.body.str();
  EXPECT_EQ(body_of(second)["id"], 2);
  ASSERT_EQ(call(uses<&create_fault>, R"({"path":"/v1/actions","drop":true})").status,
            status::created);

  EXPECT_EQ(
      dump(body_of(call(uses<&get_faults>))),
      R"({"faults":[)"
      R"({"error_code":"busy","hits":0,"id":1,"method":"GET","path":"/v1/actions/*","status":503,"times":2},)"
      R"({"delay_ms":100,"hits":0,"id":2,"path":"/v2/actions","probability":0.5,"user":"a@x"},)"
      R"({"drop":true,"hits":0,"id":3,"path":"/v1/actions"}]})");

  const auto effect = svc().faults.match("GET", "/v1/actions/x", "");
  ASSERT_TRUE(effect.has_value());
  EXPECT_EQ(effect->status, 503u);
  EXPECT_EQ(effect->error_code, "busy");

  EXPECT_EQ(call(uses<&delete_fault>, {}, {{"id", "2"}}).status, status::no_content);
  expect_error(call(uses<&delete_fault>, {}, {{"id", "2"}}), status::not_found, "fault_not_found");
  expect_error(call(uses<&delete_fault>, {}, {{"id", "x"}}), status::not_found, "fault_not_found");
  EXPECT_EQ(svc().faults.list().size(), 2u);
  EXPECT_EQ(call(uses<&clear_faults>).status, status::no_content);
  EXPECT_TRUE(svc().faults.list().empty());
}

TEST_F(control_handlers, faults_reject_bad_input) {
  struct row {
    std::string_view body;
    std::string_view code;
  };
  constexpr std::array rows = {
      row{R"({"status":500})", "missing_field"},
      row{R"({"path":"v1/actions","status":500})", "invalid_value"},
      row{R"({"path":"","status":500})", "invalid_value"},
      row{R"({"path":"/v1/actions"})", "invalid_value"},  // no effect
      row{R"({"path":"/v1/actions","status":99})", "invalid_value"},
      row{R"({"path":"/v1/actions","status":600})", "invalid_value"},
      row{R"({"path":"/v1/actions","status":"500"})", "invalid_type"},
      row{R"({"path":"/v1/actions","method":"FETCH","status":500})", "invalid_value"},
      row{R"({"path":"/v1/actions","status":500,"times":0})", "invalid_value"},
      row{R"({"path":"/v1/actions","status":500,"times":-1})", "invalid_value"},
      row{R"({"path":"/v1/actions","status":500,"probability":1.5})", "invalid_value"},
      row{R"({"path":"/v1/actions","status":500,"probability":-0.1})", "invalid_value"},
      row{R"({"path":"/v1/actions","delay_ms":600001})", "invalid_value"},
      row{R"({"path":"/v1/actions","drop":"yes"})", "invalid_type"},
      row{R"({"path":"/v1/actions","status":500,"percent":5})", "unknown_field"},
      row{R"({"path":5,"status":500})", "invalid_type"},
      row{"not json", "malformed_json"},
  };
  for (const auto& c : rows) {
    SCOPED_TRACE(c.body);
    expect_error(call(uses<&create_fault>, c.body), status::bad_request, c.code);
    EXPECT_TRUE(svc().faults.list().empty());
  }
}

TEST_F(control_handlers, journal_query_filters_and_limit) {
  journal& j = svc().journal;
  j.record({handlers_t0 + 1, "GET", "/v1/actions", "admin@redis.local", 200, 10});
  j.record({handlers_t0 + 2, "GET", "/v1/actions/abc?x=1", "viewer@x", 404, 11});
  j.record({handlers_t0 + 3, "POST", "/emulator/v1/actions", "admin@redis.local", 201, 12});
  j.record({handlers_t0 + 4, "GET", "/v2/actions", "", 401, 13});
  j.record({handlers_t0 + 5, "GET", "/v1/actions", "viewer@x", 0, 14});

  const auto targets = [&](const std::string& target) {
    const reply r = call_target(uses<&get_requests>, target);
    EXPECT_EQ(r.status, status::ok) << target;
    std::vector<std::string> out;
    const json b = body_of(r);
    for (const auto& e : b["requests"]) out.push_back(e["target"]);
    return out;
  };
  using list = std::vector<std::string>;
  EXPECT_EQ(targets("/emulator/v1/requests"),
            (list{"/v1/actions", "/v1/actions/abc?x=1", "/emulator/v1/actions", "/v2/actions",
                  "/v1/actions"}));
  EXPECT_EQ(targets("/emulator/v1/requests?method=POST"), (list{"/emulator/v1/actions"}));
  EXPECT_EQ(targets("/emulator/v1/requests?path=/v1/actions/*"), (list{"/v1/actions/abc?x=1"}));
  EXPECT_EQ(targets("/emulator/v1/requests?path=/v1/actions"),
            (list{"/v1/actions", "/v1/actions"}));
  EXPECT_EQ(targets("/emulator/v1/requests?user=viewer@x"),
            (list{"/v1/actions/abc?x=1", "/v1/actions"}));
  EXPECT_EQ(targets("/emulator/v1/requests?user=viewer%40x&method=GET&status=404"),
            (list{"/v1/actions/abc?x=1"}));
  EXPECT_EQ(targets("/emulator/v1/requests?limit=2"), (list{"/v2/actions", "/v1/actions"}));
  EXPECT_EQ(targets("/emulator/v1/requests?method=GET&limit=1"), (list{"/v1/actions"}));
  EXPECT_EQ(targets("/emulator/v1/requests?limit=0"), list{});

  const json all = body_of(call_target(uses<&get_requests>, "/emulator/v1/requests"))["requests"];
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(
      dump(all[0]),
      R"({"duration_us":10,"method":"GET","seq":1,"status":200,"target":"/v1/actions","time":1700000001,"user":"admin@redis.local"})");
  EXPECT_FALSE(all[0].contains("dropped"));
  EXPECT_EQ(all[4]["dropped"], true);

  // Leading zeros spell a number; anything else around the digits does not.
  EXPECT_EQ(targets("/emulator/v1/requests?status=0404"), (list{"/v1/actions/abc?x=1"}));
  EXPECT_EQ(targets("/emulator/v1/requests?after=18446744073709551615"), list{});
  for (std::string_view bad :
       {"?status=abc", "?status=99", "?status=600", "?limit=-1", "?limit=x",
        "?status=", "?status=+200", "?status=%20200", "?status=200%20", "?status=200x",
        "?status=2e2", "?status=0x1f4", "?limit=1.0", "?after=-1", "?after=18446744073709551616"}) {
    SCOPED_TRACE(bad);
    expect_error(call_target(uses<&get_requests>, "/emulator/v1/requests" + std::string(bad)),
                 status::bad_request, "invalid_value");
  }
  expect_error(call_target(uses<&get_requests>, "/emulator/v1/requests?bogus=1"),
               status::bad_request, "unknown_field");

  EXPECT_EQ(call(uses<&clear_requests>).status, status::no_content);
  EXPECT_TRUE(
      body_of(call_target(uses<&get_requests>, "/emulator/v1/requests"))["requests"].empty());
}

TEST_F(control_handlers, control_routes_are_admin_only) {
  std::size_t seen = 0;
  for (const route_family& f : route_families()) {
    if (!f.name.starts_with("control")) continue;
    for (const route& r : f.routes()) {
      SCOPED_TRACE(r.pattern);
      EXPECT_EQ(r.access, control_api_access);
      // The dashboard page is the one control route outside /emulator/v1.
      EXPECT_TRUE(std::string_view(r.pattern).starts_with("/emulator/v1/") ||
                  r.pattern == "/emulator/ui");
      EXPECT_NE(r.handler, nullptr);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 48u);  // every control route, in its room
}

}  // namespace

TEST_F(control_handlers, wire_ids_must_be_whole_numbers) {
  const auto before = svc().registry.snapshot()->version();
  for (std::string_view body :
       {R"({"type":"task","name":"retry_bdb","node_uid":1.5})",
        R"({"type":"task","name":"retry_bdb","node_uid":true})",
        R"({"type":"task","name":"retry_bdb","node_uid":"abc"})",
        R"({"type":"task","name":"retry_bdb","node_uid":-2})",
        R"({"type":"task","name":"x","status":"running","creation_time":1e300})",
        R"({"type":"state-machine","name":"SMCreateBDB","task_id":"x"})"}) {
    SCOPED_TRACE(body);
    expect_error(call(uses<&create_action>, body), status::bad_request, "invalid_value");
  }
  EXPECT_EQ(svc().registry.snapshot()->version(), before);
  const json ok =
      body_of(call(uses<&create_action>, R"({"type":"task","name":"retry_bdb","node_uid":3})"));
  EXPECT_EQ(ok["node_uid"], "3");
}

TEST_F(control_handlers, faults_inject_error_statuses_only) {
  expect_error(call(uses<&create_fault>, R"({"path":"/v1/actions","status":200})"),
               status::bad_request, "invalid_value");
  expect_error(call(uses<&create_fault>, R"({"path":"/v1/actions","status":302})"),
               status::bad_request, "invalid_value");
  EXPECT_EQ(call(uses<&create_fault>, R"({"path":"/v1/actions","status":503})").status,
            status::created);
}
