// The metrics counters, their Prometheus exposition (exact text for known
// sequences), the control API's action list and the dashboard route, without
// sockets: the counters are fed directly or through app::handle.
#include "reemu/control/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/auth/jwt.hpp"
#include "reemu/control/action_list.hpp"
#include "reemu/control/ui.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/answer_cache.hpp"
#include "reemu/state/certificates.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/journal.hpp"
#include "reemu/state/list_bodies.hpp"
#include "reemu/state/metrics.hpp"
#include "reemu/state/registry.hpp"
#include "test_server.hpp"

namespace reemu {
namespace {

constexpr auto get_index = static_cast<std::size_t>(http_t::verb::get);
constexpr auto post_index = static_cast<std::size_t>(http_t::verb::post);

// The lines of `text` that start with `prefix`, in order.
std::vector<std::string> lines_with(const std::string& text, std::string_view prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(prefix)) out.push_back(line);
  return out;
}

// The long-lived parts a scrape reads, built by hand: no app, no sockets.
struct parts {
  clock c{clock_mode::manual, 1000};
  registry reg{registry_data{}};
  fault_table faults{1};
  journal j{100};
  list_cache lists;
  bdb_cache bdbs;
  answer_cache answers;
  metrics m{{"actions", "control"}};
  cluster_settings cluster;
  token_signer tokens = token_signer::with_random_secret();
  stored_bodies stored;
  certificate_store certs;
  services svc{c, reg, faults, j, lists, bdbs, answers, stored, m, cluster, tokens, certs};
};

TEST(metrics, histogram_buckets_are_cumulative_and_inclusive) {
  static constexpr std::array<double, 3> bounds = {0.001, 0.01, 1};
  histogram h(bounds);
  h.observe(1000);     // exactly 1 ms: le="0.001" holds it
  h.observe(1001);     // just above: the next bucket
  h.observe(10000);    // 10 ms
  h.observe(2000000);  // 2 s: +Inf only
  const auto r = h.read();
  EXPECT_EQ(r.cumulative, (std::vector<std::uint64_t>{1, 3, 3, 4}));
  EXPECT_EQ(r.count, 4u);
  EXPECT_EQ(r.sum_us, 1000u + 1001u + 10000u + 2000000u);
}

TEST(metrics, labels_are_clamped_to_their_bounds) {
  metrics m({"actions"});
  m.count_request(7, 999, 777, 10);  // family past the last: "none"; method: other; status 599
  m.count_request(0, get_index, 200, 10);
  const auto rows = m.requests();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].family, 0u);
  EXPECT_EQ(rows[1].family, 1u);
  EXPECT_EQ(m.family_name(rows[1].family), "none");
  EXPECT_EQ(rows[1].method, metrics::max_methods - 1);
  EXPECT_EQ(rows[1].status, 599u);
}

TEST(metrics, exposition_of_a_known_sequence) {
  parts p;
  p.m.count_request(0, get_index, 200, 100);     // 0.1 ms
  p.m.count_request(0, get_index, 200, 300);     // 0.3 ms
  p.m.count_request(0, get_index, 503, 2000);    // 2 ms
  p.m.count_request(1, post_index, 201, 40000);  // 40 ms
  p.m.count_request(9, 0, 404, 50);              // no route, unknown method
  p.m.connection_opened();
  p.m.connection_opened();
  p.m.connection_closed();
  p.m.count_save(true, 700);
  p.m.count_save(false, 30000);
  fault_rule rule;
  rule.path = "/v1/actions";
  rule.status = 503;
  p.faults.add(rule);
  p.faults.match("GET", "/v1/actions", "");
  p.j.record(journal_entry{1000, "GET", "/v1/actions", "", 503, 2000, 1});

  registry_data d;
  for (const std::uint64_t uid : {1, 2, 7}) {
    database db;
    db.uid = uid;  // no operation: active
    d.databases.put(uid, std::make_shared<const database>(std::move(db)));
  }
  for (const std::uint64_t uid : {1, 2}) {
    node n;
    n.uid = uid;
    if (uid == 2) n.fields["accept_servers"] = false;  // in maintenance
    d.nodes[uid] = std::make_shared<const node>(std::move(n));
  }
  d.add(make_static_action("t1", action_kind::task,
                           {{"name", "retry_bdb"}, {"status", "completed"}}));
  d.add(make_static_action("s1", action_kind::state_machine,
                           {{"name", "SMCreateBDB"}, {"status", "not-a-status"}}));
  simulate_plan plan;
  plan.steps = {"a", "b"};
  action sim = make_simulated_action("s2", action_kind::state_machine, {{"name", "SMX"}}, plan);
  sim.started_at = 1000;
  d.add(std::move(sim));

  const std::string expected =
      "# HELP reemu_http_requests_total Requests that reached routing, by route family (none: no "
      "route matched), method and status (0: dropped by a fault).\n"
      "# TYPE reemu_http_requests_total counter\n"
      "reemu_http_requests_total{family=\"actions\",method=\"GET\",status=\"200\"} 2\n"
      "reemu_http_requests_total{family=\"actions\",method=\"GET\",status=\"503\"} 1\n"
      "reemu_http_requests_total{family=\"control\",method=\"POST\",status=\"201\"} 1\n"
      "reemu_http_requests_total{family=\"none\",method=\"other\",status=\"404\"} 1\n"
      "# HELP reemu_http_request_duration_seconds Time from routing to the answer (fault delays "
      "included), by route family.\n"
      "# TYPE reemu_http_request_duration_seconds histogram\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.0001\"} 1\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.00025\"} 1\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.0005\"} 2\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.001\"} 2\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.0025\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.005\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.01\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.025\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.05\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.1\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.25\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"0.5\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"1\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"5\"} 3\n"
      "reemu_http_request_duration_seconds_bucket{family=\"actions\",le=\"+Inf\"} 3\n"
      "reemu_http_request_duration_seconds_sum{family=\"actions\"} 0.0024\n"
      "reemu_http_request_duration_seconds_count{family=\"actions\"} 3\n";
  const std::string text = render_metrics(p.svc.metrics, p.svc.faults, p.svc.journal, d, 1001);
  ASSERT_TRUE(text.starts_with(expected)) << text;

  EXPECT_EQ(
      lines_with(text, "reemu_http_request_duration_seconds_count"),
      (std::vector<std::string>{"reemu_http_request_duration_seconds_count{family=\"actions\"} 3",
                                "reemu_http_request_duration_seconds_count{family=\"control\"} 1",
                                "reemu_http_request_duration_seconds_count{family=\"none\"} 1"}));
  EXPECT_EQ(lines_with(text, "reemu_fault_hits_total{"),
            (std::vector<std::string>{"reemu_fault_hits_total{rule=\"1\"} 1"}));
  EXPECT_EQ(
      lines_with(text, "reemu_actions{"),
      (std::vector<std::string>{"reemu_actions{kind=\"task\",status=\"queued\"} 0",
                                "reemu_actions{kind=\"task\",status=\"starting\"} 0",
                                "reemu_actions{kind=\"task\",status=\"running\"} 0",
                                "reemu_actions{kind=\"task\",status=\"cancelling\"} 0",
                                "reemu_actions{kind=\"task\",status=\"cancelled\"} 0",
                                "reemu_actions{kind=\"task\",status=\"aborted\"} 0",
                                "reemu_actions{kind=\"task\",status=\"completed\"} 1",
                                "reemu_actions{kind=\"task\",status=\"failed\"} 0",
                                "reemu_actions{kind=\"state-machine\",status=\"pending\"} 0",
                                "reemu_actions{kind=\"state-machine\",status=\"active\"} 1",
                                "reemu_actions{kind=\"state-machine\",status=\"completed\"} 0",
                                "reemu_actions{kind=\"state-machine\",status=\"failed\"} 0",
                                "reemu_actions{kind=\"state-machine\",status=\"other\"} 1"}));
  const std::string tail =
      "# HELP reemu_databases Databases, as GET /v1/bdbs lists them.\n"
      "# TYPE reemu_databases gauge\n"
      "reemu_databases 3\n"
      "# HELP reemu_databases_by_status Databases by the status they show.\n"
      "# TYPE reemu_databases_by_status gauge\n"
      "reemu_databases_by_status{status=\"active\"} 3\n"
      "reemu_databases_by_status{status=\"active-change-pending\"} 0\n"
      "reemu_databases_by_status{status=\"creation-failed\"} 0\n"
      "reemu_databases_by_status{status=\"delete-pending\"} 0\n"
      "reemu_databases_by_status{status=\"import-pending\"} 0\n"
      "reemu_databases_by_status{status=\"pending\"} 0\n"
      "# HELP reemu_nodes Nodes, as GET /v1/nodes lists them, by status.\n"
      "# TYPE reemu_nodes gauge\n"
      "reemu_nodes{status=\"active\"} 2\n"
      "reemu_nodes{status=\"decommissioning\"} 0\n"
      "# HELP reemu_nodes_in_maintenance Nodes whose accept_servers is false (maintenance_on "
      "completed).\n"
      "# TYPE reemu_nodes_in_maintenance gauge\n"
      "reemu_nodes_in_maintenance 1\n"
      "# HELP reemu_crdb_tasks CRDB tasks GET /v1/crdb_tasks lists at the emulator's clock, by "
      "status.\n"
      "# TYPE reemu_crdb_tasks gauge\n"
      "reemu_crdb_tasks{status=\"queued\"} 0\n"
      "reemu_crdb_tasks{status=\"started\"} 0\n"
      "reemu_crdb_tasks{status=\"finished\"} 0\n"
      "reemu_crdb_tasks{status=\"failed\"} 0\n"
      "reemu_crdb_tasks{status=\"cancelled\"} 0\n"
      "# HELP reemu_crdbs CRDBs, as GET /v1/crdbs lists them.\n"
      "# TYPE reemu_crdbs gauge\n"
      "reemu_crdbs 0\n"
      "# HELP reemu_journal_entries Requests held in the journal.\n"
      "# TYPE reemu_journal_entries gauge\n"
      "reemu_journal_entries 1\n"
      "# HELP reemu_journal_bytes Bytes the journal's entries count against "
      "emulator.journal_max_bytes.\n"
      "# TYPE reemu_journal_bytes gauge\n"
      "reemu_journal_bytes " +
      std::to_string(p.j.bytes()) +
      "\n"
      "# HELP reemu_open_connections Client connections open now.\n"
      "# TYPE reemu_open_connections gauge\n"
      "reemu_open_connections 1\n"
      "# HELP reemu_state_saves_total State-file saves, by result.\n"
      "# TYPE reemu_state_saves_total counter\n"
      "reemu_state_saves_total{result=\"ok\"} 1\n"
      "reemu_state_saves_total{result=\"failed\"} 1\n"
      "# HELP reemu_state_save_duration_seconds Time to capture and write the state file, per "
      "save.\n"
      "# TYPE reemu_state_save_duration_seconds histogram\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.0005\"} 0\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.001\"} 1\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.0025\"} 1\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.005\"} 1\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.01\"} 1\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.025\"} 1\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.05\"} 2\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.1\"} 2\n"
      "reemu_state_save_duration_seconds_bucket{le=\"0.5\"} 2\n"
      "reemu_state_save_duration_seconds_bucket{le=\"+Inf\"} 2\n"
      "reemu_state_save_duration_seconds_sum 0.0307\n"
      "reemu_state_save_duration_seconds_count 2\n";
  EXPECT_TRUE(text.ends_with(tail)) << text;
}

TEST(metrics, label_values_are_escaped) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label("control actions"), "control actions");
}

// --- Through the pipeline -----------------------------------------------------

struct driven {
  app a{test::manual_clock_config()};

  handled call(http_t::verb method, std::string target, bool as_admin = true, std::string body = {},
               std::string_view journal_mode = {}) {
    const std::string authorization =
        as_admin ? test::basic_auth(test::admin) : test::basic_auth(test::viewer);
    incoming_request in;
    in.method = method;
    in.method_text = http_t::to_string(method);
    in.target = target;
    in.authorization = authorization;
    in.body = body;
    if (!body.empty()) in.content_type = "application/json";
    in.journal_mode = journal_mode;
    return a.handle(in);
  }

  std::string scrape() {
    const handled h = call(http_t::verb::get, "/emulator/v1/metrics");
    EXPECT_EQ(h.reply.status, http_t::status::ok);
    EXPECT_EQ(h.reply.content_type, metrics_content_type);
    return h.reply.body ? h.reply.body.str() : "";
  }

  std::vector<std::string> journal_targets() {
    std::vector<std::string> out;
    for (const auto& e : a.svc().journal.query({}).entries) out.push_back(e->target);
    return out;
  }
};

TEST(metrics_pipeline, requests_are_counted_by_family_method_and_status) {
  driven d;
  d.call(http_t::verb::get, "/v1/actions");
  d.call(http_t::verb::get, "/v1/actions");
  d.call(http_t::verb::head, "/v2/actions");
  d.call(http_t::verb::get, "/no/such/route");
  d.call(http_t::verb::delete_, "/v1/actions");            // 405: no route takes DELETE
  d.call(http_t::verb::get, "/emulator/v1/clock", false);  // a viewer: 403
  d.call(http_t::verb::post, "/emulator/v1/faults", true,
         R"({"path":"/v1/actions","status":500,"times":1})");
  const handled faulted = d.call(http_t::verb::get, "/v1/actions");
  EXPECT_EQ(faulted.reply.status, http_t::status::internal_server_error);
  EXPECT_EQ(faulted.fault, 1u);

  EXPECT_EQ(
      lines_with(d.scrape(), "reemu_http_requests_total{"),
      (std::vector<std::string>{
          R"(reemu_http_requests_total{family="actions",method="GET",status="200"} 2)",
          R"(reemu_http_requests_total{family="actions",method="GET",status="500"} 1)",
          R"(reemu_http_requests_total{family="actions",method="HEAD",status="200"} 1)",
          R"(reemu_http_requests_total{family="control clock",method="GET",status="403"} 1)",
          R"(reemu_http_requests_total{family="control faults",method="POST",status="201"} 1)",
          R"(reemu_http_requests_total{family="none",method="DELETE",status="405"} 1)",
          R"(reemu_http_requests_total{family="none",method="GET",status="404"} 1)"}));
  // The scrape itself is counted once it is answered, and never journalled.
  EXPECT_EQ(
      lines_with(d.scrape(), R"(reemu_http_requests_total{family="control metrics")"),
      (std::vector<std::string>{
          R"(reemu_http_requests_total{family="control metrics",method="GET",status="200"} 1)"}));
  const auto targets = d.journal_targets();
  EXPECT_EQ(std::count(targets.begin(), targets.end(), "/emulator/v1/metrics"), 0);
}

TEST(metrics_pipeline, the_journal_names_the_fault_rule_that_answered) {
  driven d;
  d.call(http_t::verb::post, "/emulator/v1/faults", true, R"({"path":"/v2/*","status":503})");
  d.call(http_t::verb::post, "/emulator/v1/faults", true, R"({"path":"/v1/actions","drop":true})");
  d.call(http_t::verb::get, "/v2/actions");
  d.call(http_t::verb::get, "/v1/actions");
  d.call(http_t::verb::get, "/v1/actions/bdb/1");
  const auto page = d.a.svc().journal.query({});
  ASSERT_EQ(page.entries.size(), 5u);
  EXPECT_EQ(page.entries[2]->fault, 1u);
  EXPECT_EQ(page.entries[2]->status, 503u);
  EXPECT_EQ(page.entries[3]->fault, 2u);
  EXPECT_EQ(page.entries[3]->status, 0u);
  EXPECT_EQ(page.entries[4]->fault, 0u);
  EXPECT_EQ(lines_with(d.scrape(), "reemu_fault_hits_total{"),
            (std::vector<std::string>{R"(reemu_fault_hits_total{rule="1"} 1)",
                                      R"(reemu_fault_hits_total{rule="2"} 1)"}));
}

TEST(metrics_pipeline, journal_off_keeps_only_an_admins_control_requests_out) {
  driven d;
  d.call(http_t::verb::get, "/emulator/v1/clock", true, {}, "off");
  d.call(http_t::verb::get, "/emulator/v1/clock", true, {}, "OFF");
  d.call(http_t::verb::get, "/v1/actions", true, {}, "off");          // emulated API: recorded
  d.call(http_t::verb::get, "/emulator/v1/clock", false, {}, "off");  // a viewer's 403: recorded
  d.call(http_t::verb::get, "/emulator/v1/clock", true, {}, "on");    // recorded
  EXPECT_EQ(d.journal_targets(),
            (std::vector<std::string>{"/v1/actions", "/emulator/v1/clock", "/emulator/v1/clock"}));
  // Counted all the same.
  EXPECT_EQ(
      lines_with(d.scrape(), R"(reemu_http_requests_total{family="control clock")"),
      (std::vector<std::string>{
          R"(reemu_http_requests_total{family="control clock",method="GET",status="200"} 3)",
          R"(reemu_http_requests_total{family="control clock",method="GET",status="403"} 1)"}));
}

TEST(metrics_pipeline, off_with_the_control_api) {
  config cfg = test::manual_clock_config();
  cfg.emulator.control_api = false;
  app a(std::move(cfg));
  const std::string authorization = test::basic_auth(test::admin);
  for (const char* target : {"/emulator/v1/metrics", "/emulator/ui"}) {
    incoming_request in;
    in.target = target;
    in.method_text = "GET";
    in.authorization = authorization;
    EXPECT_EQ(a.handle(in).reply.status, http_t::status::not_found) << target;
  }
}

// --- The dashboard route --------------------------------------------------------

TEST(dashboard, served_to_the_admin_as_one_self_contained_page) {
  driven d;
  const handled h = d.call(http_t::verb::get, "/emulator/ui");
  ASSERT_EQ(h.reply.status, http_t::status::ok);
  EXPECT_EQ(h.reply.content_type, "text/html; charset=utf-8");
  ASSERT_TRUE(h.reply.body);
  const std::string& page = h.reply.body.str();
  EXPECT_EQ(page, dashboard_page());
  EXPECT_TRUE(page.starts_with("<!doctype html>"));
  // The stylesheet and the script were pasted in at build time.
  EXPECT_EQ(page.find("/*REEMU_UI_CSS*/"), std::string::npos);
  EXPECT_EQ(page.find("/*REEMU_UI_JS*/"), std::string::npos);
  EXPECT_NE(page.find("function renderActions"), std::string::npos);
  EXPECT_NE(page.find(".action {"), std::string::npos);
  // Nothing is loaded from elsewhere.
  for (const char* outside : {"http://", "https://", "src=", "@import", "url("})
    EXPECT_EQ(page.find(outside), std::string::npos) << outside;
  EXPECT_NE(page.find("connect-src 'self'"), std::string::npos);
  EXPECT_TRUE(d.journal_targets().empty()) << "the page load is not journalled";
}

TEST(dashboard, asks_the_browser_for_basic_credentials) {
  driven d;
  incoming_request in;
  in.target = "/emulator/ui";
  in.method_text = "GET";
  const handled h = d.a.handle(in);
  EXPECT_EQ(h.reply.status, http_t::status::unauthorized);
  bool challenged = false;
  for (const auto& [field, value] : h.reply.headers)
    if (field == http_t::to_string(http_t::field::www_authenticate) &&
        value.starts_with("Basic realm="))
      challenged = true;
  EXPECT_TRUE(challenged);
  EXPECT_EQ(d.call(http_t::verb::get, "/emulator/ui", false).reply.status,
            http_t::status::forbidden);
}

// --- The control API's action list ------------------------------------------------

TEST(action_list, groups_sort_by_kind_then_number) {
  std::vector<std::string> groups = {"", "node:2", "bdb:10", "bdb:2", "bdb:x", "node:1", "bdb:9"};
  std::stable_sort(groups.begin(), groups.end(), group_before);
  EXPECT_EQ(groups, (std::vector<std::string>{"bdb:2", "bdb:9", "bdb:10", "bdb:x", "node:1",
                                              "node:2", ""}));
  EXPECT_FALSE(group_before("", ""));
  EXPECT_FALSE(group_before("bdb:2", "bdb:2"));
}

TEST(action_list, groups_pages_and_plans) {
  driven d;  // the default seed: 3 tasks on nodes 2, 1, 1; 3 state machines on bdb:1, bdb:1, bdb:2
  const handled created =
      d.call(http_t::verb::post, "/emulator/v1/actions", true,
             R"({"type":"state-machine","name":"SMCreateBDB","object_name":"bdb:10"})");
  ASSERT_EQ(created.reply.status, http_t::status::created);
  const handled h = d.call(http_t::verb::get, "/emulator/v1/actions");
  ASSERT_EQ(h.reply.status, http_t::status::ok);
  const json body = json::parse(h.reply.body.str());
  EXPECT_EQ(body["total"], 7);
  EXPECT_EQ(body["offset"], 0);
  std::vector<std::string> groups;
  for (const auto& item : body["actions"]) groups.push_back(item["group"].get<std::string>());
  EXPECT_EQ(groups, (std::vector<std::string>{"bdb:1", "bdb:1", "bdb:2", "bdb:10", "node:1",
                                              "node:1", "node:2"}));
  const json& sm = body["actions"][3];
  EXPECT_EQ(sm["type"], "state-machine");
  EXPECT_EQ(sm["action"]["name"], "SMCreateBDB");
  EXPECT_EQ(sm["action"]["status"], "pending");
  EXPECT_EQ(sm["steps"], 7);
  EXPECT_EQ(sm["step_index"], 0);
  EXPECT_EQ(sm["step"], "init");
  // SMCreateBDB: 1 s pending, 7 steps of 2 s.
  const double start = d.a.svc().clock.now();
  EXPECT_EQ(sm["ends_at"], number_value(start + 15));
  EXPECT_EQ(body["running_until"], number_value(start + 15));
  EXPECT_FALSE(body["actions"][0].contains("steps")) << "a static action has no plan";

  const json page = json::parse(
      d.call(http_t::verb::get, "/emulator/v1/actions?offset=5&limit=1").reply.body.str());
  EXPECT_EQ(page["total"], 7);
  ASSERT_EQ(page["actions"].size(), 1u);
  EXPECT_EQ(page["actions"][0]["group"], "node:1");

  d.call(http_t::verb::post, "/emulator/v1/clock/advance", true, R"({"seconds":15})");
  const json ended =
      json::parse(d.call(http_t::verb::get, "/emulator/v1/actions").reply.body.str());
  EXPECT_FALSE(ended.contains("running_until"));
  EXPECT_EQ(ended["actions"][3]["action"]["status"], "completed");
}

TEST(action_list, bad_paging_is_refused) {
  driven d;
  EXPECT_EQ(d.call(http_t::verb::get, "/emulator/v1/actions?limit=1001").reply.status,
            http_t::status::bad_request);
  EXPECT_EQ(d.call(http_t::verb::get, "/emulator/v1/actions?offset=-1").reply.status,
            http_t::status::bad_request);
  const handled unknown = d.call(http_t::verb::get, "/emulator/v1/actions?page=2");
  EXPECT_EQ(unknown.reply.status, http_t::status::bad_request);
  EXPECT_NE(unknown.reply.body.str().find("unknown_field"), std::string::npos);
  const json past =
      json::parse(d.call(http_t::verb::get, "/emulator/v1/actions?offset=100").reply.body.str());
  EXPECT_EQ(past["total"], 6);
  EXPECT_TRUE(past["actions"].empty());
}

}  // namespace
}  // namespace reemu
