// Unit tests for the cluster event log (src/model/event_log.cpp): the bound,
// the events a plan schedules and their times, a cancel rescheduling them,
// the query (order, limit, offset, stime, etime), the ISO-8601 times clients
// send and the state file's record.
#include "reemu/model/event_log.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "reemu/model/database.hpp"
#include "reemu/model/templates.hpp"

using namespace reemu;

namespace {

constexpr double events_t0 = 1760000000;  // 2025-10-09T08:53:20Z

std::vector<std::string> types(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.at("type").get<std::string>());
  return out;
}

TEST(event_log, keeps_the_newest_events_up_to_its_capacity) {
  event_log log(100);
  for (int i = 0; i < 250; ++i)
    record_event(log, events_t0 + i, "cluster_user_created", json::object());
  EXPECT_EQ(log.size(), 100u);
  EXPECT_EQ(log.next_seq(), 251u);
  std::uint64_t expected = 151;
  for (const logged_event& e : log) EXPECT_EQ(e.seq, expected++);
  EXPECT_EQ(expected, 251u);
  const json all = render_events(log, {}, events_t0 + 1000);
  ASSERT_EQ(all.size(), 100u);
  EXPECT_EQ(all[0]["time"], rfc3339(events_t0 + 150));
}

TEST(event_log, a_capacity_of_zero_keeps_nothing) {
  event_log log(0);
  record_event(log, events_t0, "cluster_user_created", json::object());
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(render_events(log, {}, events_t0), json::array());
}

TEST(event_log, a_copy_is_not_changed_by_the_original) {
  event_log log(1000);
  for (int i = 0; i < 70; ++i)
    record_event(log, events_t0 + i, "cluster_user_created", json::object());
  const event_log copy = log;
  record_event(log, events_t0 + 100, "cluster_user_deleted", json::object());
  EXPECT_EQ(copy.size(), 70u);
  EXPECT_EQ(log.size(), 71u);
}

TEST(event_log, a_database_create_schedules_its_events_at_the_plan_times) {
  event_log log;
  const simulate_plan plan = find_template("SMCreateBDB")->plan;  // pending 1 s, 7 steps of 2 s
  started_action a{"a-1", "SMCreateBDB", "bdb:1", {{"bdb_uid", "1"}}, "test", ""};
  schedule_action_events(log, a, plan, events_t0);
  EXPECT_EQ(render_events(log, {}, events_t0), json::array()) << "nothing has happened yet";
  const json at_start = render_events(log, {}, events_t0 + 1);
  ASSERT_EQ(at_start.size(), 1u);
  EXPECT_EQ(at_start[0]["type"], "cluster_action_started");
  EXPECT_EQ(at_start[0]["time"], rfc3339(events_t0 + 1));
  EXPECT_EQ(at_start[0]["action_uid"], "a-1");
  EXPECT_EQ(at_start[0]["bdb_uid"], "1");
  const json done = render_events(log, {}, events_t0 + 15);
  EXPECT_EQ(types(done),
            (std::vector<std::string>{"cluster_action_started", "cluster_action_completed",
                                      "cluster_bdb_created"}));
  EXPECT_EQ(done[2]["time"], rfc3339(events_t0 + 15));
  EXPECT_EQ(done[2]["bdb_name"], "test");
  EXPECT_EQ(done[2]["severity"], "INFO");
}

TEST(event_log, the_due_events_hold_from_the_latest_due_to_the_next_to_come) {
  event_log log;
  EXPECT_EQ(due_validity(log, events_t0).from, -forever);  // nothing ever comes
  EXPECT_EQ(due_validity(log, events_t0).until, forever);
  record_event(log, events_t0 + 0.5, "cluster_user_created", json::object());
  const simulate_plan plan = find_template("SMCreateBDB")->plan;  // pending 1 s, 7 steps of 2 s
  started_action a{"a-1", "SMCreateBDB", "bdb:1", {{"bdb_uid", "1"}}, "test", ""};
  schedule_action_events(log, a, plan, events_t0 + 0.25);  // started at +1.25, ends at +15.25
  const validity before = due_validity(log, events_t0 + 1);
  EXPECT_EQ(before.from, events_t0 + 0.5);
  EXPECT_EQ(before.until, events_t0 + 1.25);
  const validity running = due_validity(log, events_t0 + 1.25);  // due from its time on
  EXPECT_EQ(running.from, events_t0 + 1.25);
  EXPECT_EQ(running.until, events_t0 + 15.25);
  const validity done = due_validity(log, events_t0 + 20);
  EXPECT_EQ(done.from, events_t0 + 15.25);
  EXPECT_EQ(done.until, forever);
  // Across each interval, the same answer.
  for (const validity& v : {before, running, done}) {
    const json at_from = render_events(log, {}, v.from);
    EXPECT_EQ(render_events(log, {}, std::nextafter(std::min(v.until, events_t0 + 100), v.from)),
              at_from);
  }
}

TEST(event_log, a_failing_plan_logs_the_failure_at_its_step) {
  event_log log;
  simulate_plan plan = find_template("SMUpdateBDB")->plan;
  plan.fails = true;
  plan.fail_at_step = 2;
  plan.error = "boom";
  started_action a{"a-2", "SMUpdateBDB", "bdb:3", {{"bdb_uid", "3"}}, "db", "db"};
  schedule_action_events(log, a, plan, events_t0);
  const json all = render_events(log, {}, events_t0 + 100);
  EXPECT_EQ(types(all), (std::vector<std::string>{"cluster_action_started", "cluster_action_failed",
                                                  "cluster_bdb_failed"}));
  EXPECT_EQ(all[1]["time"], rfc3339(events_t0 + 1 + 3 * 2));
  EXPECT_EQ(all[1]["severity"], "ERROR");
  EXPECT_EQ(all[1]["error"], "boom");
}

TEST(event_log, a_renamed_database_logs_bdb_name_updated) {
  event_log log;
  started_action a{"a-3", "SMUpdateBDB", "bdb:1", {{"bdb_uid", "1"}}, "test123", "test"};
  schedule_action_events(log, a, find_template("SMUpdateBDB")->plan, events_t0);
  const json all = render_events(log, {}, events_t0 + 100);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2]["type"], "bdb_name_updated");
  EXPECT_EQ(all[2]["old_val"], "test");
  EXPECT_EQ(all[2]["new_val"], "test123");
  EXPECT_EQ(all[3]["type"], "cluster_bdb_updated");
}

TEST(event_log, a_cancel_replaces_the_events_not_yet_due) {
  event_log log;
  simulate_plan plan = find_template("maintenance_on")->plan;
  started_action a{"t-1", "maintenance_on", "node:2", {{"node_uid", 2}}, "", ""};
  schedule_action_events(log, a, plan, events_t0);
  const double cancel_at = events_t0 + plan.pending_seconds + plan.starting_seconds + 0.5;
  plan.cancel_after = cancel_at - events_t0;
  reschedule_action_events(log, a, plan, events_t0, cancel_at);
  const json all = render_events(log, {}, events_t0 + 10000);
  EXPECT_EQ(types(all),
            (std::vector<std::string>{"cluster_action_started", "cluster_action_cancelled"}));
  EXPECT_EQ(all[1]["severity"], "WARNING");
  EXPECT_EQ(all[1]["node_uid"], 2);
}

TEST(event_log, maintenance_on_logs_its_node_event) {
  event_log log;
  started_action a{"t-2", "maintenance_on", "node:2", {{"node_uid", 2}}, "", ""};
  schedule_action_events(log, a, find_template("maintenance_on")->plan, events_t0);
  const json all = render_events(log, {}, events_t0 + 10000);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back()["type"], "cluster_node_maintenance_on");
  EXPECT_EQ(all.back()["node_uid"], 2);
}

TEST(event_log, the_query_orders_pages_and_filters_by_time) {
  event_log log;
  for (int i = 0; i < 10; ++i) {
    record_event(log, events_t0 + 10 * i, "cluster_user_created", {{"user_uid", i}});
  }
  log_query q;
  q.descending = true;
  q.limit = 3;
  q.offset = 1;
  const json page = render_events(log, q, events_t0 + 1000);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0]["user_uid"], 8);
  EXPECT_EQ(page[2]["user_uid"], 6);
  log_query window;
  window.stime = events_t0 + 20;
  window.etime = events_t0 + 40;
  const json in = render_events(log, window, events_t0 + 1000);
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0]["user_uid"], 2);
  EXPECT_EQ(in[2]["user_uid"], 4);
  log_query past;
  past.offset = 50;
  EXPECT_EQ(render_events(log, past, events_t0 + 1000), json::array());
}

TEST(event_log, events_are_listed_by_time_not_by_when_they_were_recorded) {
  event_log log;
  started_action a{"a-1", "SMCreateBDB", "bdb:1", {{"bdb_uid", "1"}}, "x", ""};
  schedule_action_events(log, a, find_template("SMCreateBDB")->plan, events_t0);
  record_event(log, events_t0 + 5, "cluster_user_created", json::object());
  const json all = render_events(log, {}, events_t0 + 100);
  EXPECT_EQ(types(all),
            (std::vector<std::string>{"cluster_action_started", "cluster_user_created",
                                      "cluster_action_completed", "cluster_bdb_created"}));
}

TEST(event_log, iso_times_as_clients_send_them) {
  EXPECT_EQ(parse_iso_time("2025-10-09T08:53:20Z"), events_t0);
  EXPECT_EQ(parse_iso_time("2025-10-09T08:53:20+00:00"), events_t0);
  EXPECT_EQ(parse_iso_time("2025-10-09T10:53:20+02:00"), events_t0);
  EXPECT_EQ(parse_iso_time("2025-10-09T03:53:20-05:00"), events_t0);
  EXPECT_EQ(parse_iso_time("2025-10-09T08:53:20"), events_t0);
  EXPECT_DOUBLE_EQ(*parse_iso_time("2025-10-09T08:53:20.250000+00:00"), events_t0 + 0.25);
  EXPECT_EQ(parse_iso_time("2025-10-09T08:53Z"), events_t0 - 20);
  EXPECT_EQ(parse_iso_time("2025-10-09"), events_t0 - (8 * 3600 + 53 * 60 + 20));
  for (const char* bad :
       {"", "yesterday", "2025-13-01T00:00:00Z", "2025-10-09T25:00:00Z", "2025-10-09T08:53:20+0200",
        "2025-10-09T08:53:20.Z", "1760000000", "2025-10-09T08:53:20Zjunk"}) {
    EXPECT_FALSE(parse_iso_time(bad)) << bad;
  }
}

TEST(event_log, a_record_reads_back_and_bad_records_are_named) {
  logged_event e;
  e.seq = 7;
  e.time = events_t0 + 0.5;
  e.action_uid = "a-1";
  e.fields = {{"type", "cluster_bdb_created"}, {"severity", "INFO"}, {"bdb_uid", "1"}};
  const auto back = event_from_record(event_record(e), "events[0]");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 7u);
  EXPECT_EQ(back->time, e.time);
  EXPECT_EQ(back->action_uid, "a-1");
  EXPECT_EQ(back->fields, e.fields);
  json no_type = event_record(e);
  no_type["fields"].erase("type");
  const auto bad = event_from_record(no_type, "events[0]");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().description.find("events[0]"), std::string::npos);
  event_log log;
  ASSERT_TRUE(log.restore(e));
  e.seq = 3;
  EXPECT_FALSE(log.restore(e)) << "seq must grow along the log";
}

}  // namespace
