// Unit tests for the wire shapes (src/wire.cpp): SPEC.md's real captures byte for byte, v2 objects,
// live rendering.
#include "reemu/model/wire.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "captures.hpp"
#include "reemu/app/app.hpp"
#include "reemu/config/config.hpp"
#include "reemu/http/context.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/state/list_bodies.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

using namespace reemu;

namespace {

// SPEC.md section 1, "Real captures to reproduce exactly": the golden data in
// tests/data/.

constexpr double seed_now = 1'800'000'000;

// The seed registry built from a config document holding `doc`, as start-up does.
registry_data seed_from(const json& doc) {
  return make_seed(parse_config(doc, "wire_test.json"), seed_now);
}

json capture_document() {
  json list = json::parse(reemu::test::capture("actions_list.json"));
  json doc = json::object();
  doc["actions"] = list["actions"];
  doc["state-machines"] = list["state-machines"];
  doc["state-machines"].push_back(json::parse(reemu::test::delete_sm_capture()));
  return doc;
}

std::shared_ptr<const action> seeded(const registry_data& d, std::string_view uid) {
  auto a = d.find(uid);
  EXPECT_NE(a, nullptr) << uid;
  return a;
}

// The body of a simulated action, for a test to edit its fields or plan.
simulated_body& sim(action& a) { return *a.edit_simulated(); }

action simulated(std::string_view template_name, double started_at) {
  const action_template* t = find_template(template_name);
  EXPECT_NE(t, nullptr) << template_name;
  json fields = {{"name", std::string(template_name)}};
  if (t->kind == action_kind::state_machine) fields["object_name"] = "bdb:7";
  action a = make_simulated_action("00000000-0000-4000-8000-000000000001", t->kind,
                                   std::move(fields), t->plan);
  a.started_at = started_at;
  a.created_at = started_at;
  return a;
}

}  // namespace

TEST(wire, list_capture_is_reproduced_byte_for_byte) {
  json list = json::parse(reemu::test::capture("actions_list.json"));
  json doc = {{"actions", list["actions"]}, {"state-machines", list["state-machines"]}};
  const auto state = std::make_shared<const registry_state>(seed_from(doc), 1);
  list_cache lists;
  const auto body = lists.v1(state, seed_now);
  ASSERT_TRUE(body);
  EXPECT_EQ(body.str(), reemu::test::capture("actions_list.json"));
  // Static seeds do not change with time: a year later the bytes are the same.
  EXPECT_EQ(lists.v1(state, seed_now + 365 * 24 * 3600.0).str(),
            reemu::test::capture("actions_list.json"));
}

TEST(wire, list_body_is_cached_per_validity_interval) {
  const auto state = std::make_shared<const registry_state>(seed_from(capture_document()), 1);
  list_cache lists;
  const auto first = lists.v1(state, seed_now);
  const auto second = lists.v1(state, seed_now + 10);
  EXPECT_EQ(first.id(), second.id());
}

TEST(wire, delete_capture_is_reproduced_byte_for_byte) {
  const registry_data d = seed_from(capture_document());
  const auto a = seeded(d, "5a42fabf-c603-4950-88d9-3a3148a5d763");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(dump(render_v1(*a, seed_now)), reemu::test::delete_sm_capture());
}

TEST(wire, every_capture_entry_renders_as_pasted) {
  const registry_data d = seed_from(capture_document());
  const json doc = capture_document();
  for (const char* list : {"actions", "state-machines"}) {
    for (const auto& entry : doc[list]) {
      SCOPED_TRACE(dump(entry));
      const auto a = seeded(d, entry["action_uid"].get<std::string>());
      ASSERT_NE(a, nullptr);
      EXPECT_EQ(dump(render_v1(*a, seed_now)), dump(entry));
    }
  }
}

TEST(wire, error_body_is_the_capture) {
  const reply r = error_reply(api_error::action_not_found,
                              "Action 5a42fabf-c603-4950-88d9-3a3148a5d763 does not exist");
  EXPECT_EQ(r.status, http_t::status::not_found);
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_TRUE(r.body);
  EXPECT_EQ(r.body.str(), reemu::test::action_not_found_capture());
}

TEST(wire, error_bodies_of_other_codes_have_the_same_shape) {
  struct row {
    api_error e;
    http_t::status status;
    std::string_view code;
  };
  constexpr std::array rows = {
      row{api_error::unauthorized, http_t::status::unauthorized, "unauthorized"},
      row{api_error::insufficient_permissions, http_t::status::forbidden,
          "insufficient_permissions"},
      row{api_error::db_not_exist, http_t::status::not_found, "db_not_exist"},
      row{api_error::not_found, http_t::status::not_found, "not_found"},
      row{api_error::method_not_allowed, http_t::status::method_not_allowed, "method_not_allowed"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.code);
    const reply rep = error_reply(r.e, "x");
    EXPECT_EQ(rep.status, r.status);
    EXPECT_EQ(rep.body.str(), R"({"description":"x","error_code":")" + std::string(r.code) + "\"}");
  }
}

TEST(wire, v2_objects_of_the_captures) {
  const registry_data d = seed_from(capture_document());
  struct row {
    std::string_view uid;
    std::string_view expected;
  };
  constexpr std::array rows = {
      row{"8fc32a11-4688-4057-9237-cd77fccd726f",
          R"({"action_type":"task","action_uid":"8fc32a11-4688-4057-9237-cd77fccd726f","creation_time":1760400087,"name":"retry_bdb","progress":100,"status":"completed"})"},
      // No progress on the wire: a completed machine shows 100. creation_time
      // falls back to the seeded heartbeat.
      row{"04d7b6ea-f377-4d40-9b23-9a8f291988df",
          R"({"action_type":"state-machine","action_uid":"04d7b6ea-f377-4d40-9b23-9a8f291988df","additional_info":{"object_type":"bdb","object_uid":"1"},"creation_time":1760400082,"name":"SMCreateBDB","progress":100,"status":"completed"})"},
      // Empty pending_ops is left out of additional_info.
      row{"5a42fabf-c603-4950-88d9-3a3148a5d763",
          R"({"action_type":"state-machine","action_uid":"5a42fabf-c603-4950-88d9-3a3148a5d763","additional_info":{"object_type":"bdb","object_uid":"2"},"creation_time":1747780298,"name":"SMDeleteBDB","progress":14.29,"status":"running"})"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.uid);
    const auto a = seeded(d, r.uid);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(dump(render_v2(*a, seed_now)), r.expected);
  }
}

TEST(wire, v2_list_holds_tasks_and_state_machines_together) {
  const auto state = std::make_shared<const registry_state>(seed_from(capture_document()), 1);
  list_cache lists;
  const json list = json::parse(lists.v2(state, seed_now).str());
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["action_type"], "task");
  EXPECT_EQ(list[1]["action_type"], "state-machine");
  EXPECT_EQ(list[2]["action_type"], "state-machine");
}

TEST(wire, v2_status_maps_every_v1_word) {
  struct row {
    std::string_view v1;
    std::string_view v2;
  };
  constexpr std::array rows = {
      // task vocabulary
      row{"queued", "queued"},
      row{"starting", "running"},
      row{"running", "running"},
      row{"cancelling", "running"},
      row{"cancelled", "failed"},
      row{"aborted", "failed"},
      row{"completed", "completed"},
      row{"failed", "failed"},
      // state-machine vocabulary
      row{"pending", "queued"},
      row{"active", "running"},
      // anything else
      row{"", "running"},
      row{"Completed", "running"},
      row{"weird", "running"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.v1);
    EXPECT_EQ(v2_status(r.v1), r.v2);
  }
}

TEST(wire, v2_additional_info_only_when_non_empty) {
  json fields = {{"name", "maintenance_on"}, {"status", "running"}, {"progress", "40"}};
  action a = make_static_action("u1", action_kind::task, fields);
  a.created_at = 1234.9;
  json v2 = render_v2(a, 0);
  EXPECT_FALSE(v2.contains("additional_info")) << dump(v2);
  EXPECT_EQ(v2["progress"], 40);
  EXPECT_TRUE(v2["progress"].is_number());
  EXPECT_EQ(v2["creation_time"], 1234);  // no creation_time field: the creation clock time
  EXPECT_TRUE(v2["creation_time"].is_number_integer());

  fields["creation_time"] = "1700000000";
  fields["error_message"] = "boom";
  fields["status"] = "failed";
  v2 = render_v2(make_static_action("u1", action_kind::task, fields), 0);
  EXPECT_EQ(v2["creation_time"], 1700000000);
  EXPECT_EQ(v2["status"], "failed");
  EXPECT_EQ(dump(v2["additional_info"]), R"({"error":"boom"})");

  const action sm = make_static_action("u2", action_kind::state_machine,
                                       {{"name", "SMUpdateBDB"},
                                        {"status", "failed"},
                                        {"object_name", "bdb:12"},
                                        {"error", "shard down"},
                                        {"description", "resize"},
                                        {"pending_ops", {{"3", {{"op_name", "x"}}}}}});
  v2 = render_v2(sm, 0);
  EXPECT_EQ(
      dump(v2["additional_info"]),
      R"({"description":"resize","error":"shard down","object_type":"bdb","object_uid":"12","pending_ops":{"3":{"op_name":"x"}}})");
  EXPECT_EQ(v2["progress"], 0);  // failed without progress: 0

  v2 = render_v2(make_static_action(
                     "u2", action_kind::state_machine,
                     {{"name", "SMUpdateBDB"}, {"status", "pending"}, {"object_name", "nocolon"}}),
                 0);
  EXPECT_FALSE(v2.contains("additional_info")) << dump(v2);
  EXPECT_EQ(v2["status"], "queued");
}

TEST(wire, number_value_writes_whole_numbers_as_integers) {
  struct row {
    double x;
    std::string_view text;
  };
  constexpr std::array rows = {
      row{100.0, "100"},
      row{0.0, "0"},
      row{14.29, "14.29"},
      row{28.57, "28.57"},
      row{-3.0, "-3"},
      row{0.5, "0.5"},
      row{1760400082.0, "1760400082"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    EXPECT_EQ(dump(number_value(r.x)), r.text);
  }
  EXPECT_TRUE(number_value(100.0).is_number_integer());
  EXPECT_TRUE(number_value(14.29).is_number_float());
}

TEST(wire, dump_sorts_keys_and_replaces_invalid_utf8) {
  const json j = {{"b", 1}, {"a", std::string("x\xff")}};
  EXPECT_EQ(dump(j), "{\"a\":\"x\xEF\xBF\xBD\",\"b\":1}");
}

TEST(wire, live_state_machine_walks_its_steps) {
  const double start = 1000;
  const action a = simulated("SMCreateBDB", start);  // pending 1 s, 7 steps of 2 s
  struct row {
    double at;
    std::string_view expected;
  };
  constexpr std::array rows = {
      row{1000.0,
          R"({"action_uid":"00000000-0000-4000-8000-000000000001","heartbeat":1000,"name":"SMCreateBDB","object_name":"bdb:7","pending_ops":{},"progress":0,"state":"init","status":"pending"})"},
      row{1001.0,
          R"({"action_uid":"00000000-0000-4000-8000-000000000001","heartbeat":1001,"name":"SMCreateBDB","object_name":"bdb:7","pending_ops":{},"progress":0,"state":"init","status":"active"})"},
      row{1004.5,
          R"({"action_uid":"00000000-0000-4000-8000-000000000001","heartbeat":1003,"name":"SMCreateBDB","object_name":"bdb:7","pending_ops":{},"progress":14.29,"state":"provision","status":"active"})"},
      row{1014.9,
          R"({"action_uid":"00000000-0000-4000-8000-000000000001","heartbeat":1013,"name":"SMCreateBDB","object_name":"bdb:7","pending_ops":{},"progress":85.71,"state":"created","status":"active"})"},
      // Completed: no `state`, no `progress`, no pending_ops, heartbeat at
      // the end (the real capture of a completed SMCreateBDB).
      row{1015.0,
          R"({"action_uid":"00000000-0000-4000-8000-000000000001","heartbeat":1015,"name":"SMCreateBDB","object_name":"bdb:7","status":"completed"})"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.at);
    const json v1 = render_v1(a, r.at);
    EXPECT_EQ(dump(v1), r.expected);
    EXPECT_TRUE(v1["heartbeat"].is_number_integer());
  }
}

TEST(wire, live_state_machine_failure_has_error) {
  action a = simulated("SMUpdateBDB", 1000);
  sim(a).plan.fails = true;
  sim(a).plan.fail_at_step = 2;
  sim(a).plan.error = "update_redis failed";
  const double end = 1000 + 1 + 3 * 2;
  const json v1 = render_v1(a, end);
  EXPECT_EQ(v1["status"], "failed");
  EXPECT_EQ(v1["error"], "update_redis failed");
  EXPECT_EQ(v1["state"], "update_redis");
  EXPECT_EQ(v1["progress"], 28.57);
  EXPECT_EQ(v1["heartbeat"], 1007);
  EXPECT_EQ(v1["pending_ops"], json::object());
  // Before the failure there is no `error`, even if the seed carried one.
  sim(a).fields["error"] = "stale";
  EXPECT_FALSE(render_v1(a, end - 0.5).contains("error"));
  const json v2 = render_v2(a, end);
  EXPECT_EQ(v2["status"], "failed");
  EXPECT_EQ(v2["additional_info"]["error"], "update_redis failed");
}

TEST(wire, live_task_progress_is_a_string) {
  const action a = simulated("retry_bdb", 1000);  // queued 1 s, starting 1 s, 3 steps of 2 s
  struct row {
    double at;
    std::string_view status;
    std::string_view progress;
  };
  constexpr std::array rows = {
      row{1000.0, "queued", "0"},   row{1001.0, "starting", "0"}, row{1002.0, "running", "0"},
      row{1004.0, "running", "33"}, row{1007.9, "running", "67"}, row{1008.0, "completed", "100"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.at);
    const json v1 = render_v1(a, r.at);
    EXPECT_EQ(v1["status"], r.status);
    ASSERT_TRUE(v1["progress"].is_string());
    EXPECT_EQ(v1["progress"], r.progress);
    EXPECT_EQ(v1["task_id"], a.uid);
    EXPECT_FALSE(v1.contains("state"));
    EXPECT_FALSE(v1.contains("heartbeat"));
    EXPECT_FALSE(v1.contains("error_code"));
    EXPECT_FALSE(v1.contains("error_message"));
  }
  const json v2 = render_v2(a, 1004.0);
  EXPECT_EQ(v2["progress"], 33);
  EXPECT_EQ(v2["status"], "running");
}

TEST(wire, live_task_failure_has_error_code_and_message) {
  action a = simulated("module_installation", 1000);
  sim(a).plan.fails = true;
  sim(a).plan.fail_at_step = 3;
  sim(a).plan.error = "module signature mismatch";
  sim(a).plan.error_code = "module_error";
  const double end = 1000 + 1 + 1 + 4 * 2;
  const json v1 = render_v1(a, end);
  EXPECT_EQ(v1["status"], "failed");
  EXPECT_EQ(v1["progress"], "75");
  EXPECT_EQ(v1["error_code"], "module_error");
  EXPECT_EQ(v1["error_message"], "module signature mismatch");
  EXPECT_FALSE(v1.contains("error"));
  const json v2 = render_v2(a, end);
  EXPECT_EQ(v2["additional_info"]["error"], "module signature mismatch");
}

TEST(wire, visibility_follows_retention) {
  action a = simulated("SMDeleteBDB", 1000);  // retain 0
  const double end = 1000 + 1 + 7 * 2;
  validity v;
  EXPECT_TRUE(is_visible(a, end - 0.001, &v));
  EXPECT_FALSE(is_visible(a, end));
  action s;
  s.gone_at = 50;
  validity before, after;
  EXPECT_TRUE(is_visible(s, 49.999, &before));
  EXPECT_EQ(before.until, 50);
  EXPECT_FALSE(is_visible(s, 50, &after));
  EXPECT_EQ(after.from, 50);
}

TEST(wire, render_narrows_validity_to_the_current_step) {
  const action a = simulated("SMCreateBDB", 1000);
  validity v;
  render_v1(a, 1004.5, &v);
  EXPECT_EQ(v.from, 1003);
  EXPECT_EQ(v.until, 1005);
}

TEST(wire, list_body_follows_the_lifecycle_of_simulated_seeds) {
  const json doc = json::parse(
      R"({"state-machines":[{"action_uid":"sim","name":"SMDeleteBDB","object_name":"bdb:2","simulate":{}}]})");
  const auto state = std::make_shared<const registry_state>(seed_from(doc), 1);
  list_cache lists;
  const auto at = [&](double offset) { return lists.v1(state, seed_now + offset); };
  const auto pending = at(0);
  EXPECT_EQ(at(0.5).id(), pending.id());  // same interval: the cached body
  EXPECT_EQ(json::parse(pending.str())["state-machines"][0]["status"], "pending");
  const auto active = at(3);  // pending 1 s, then step 1 from 3 s on
  EXPECT_NE(active.id(), pending.id());
  const json sm = json::parse(active.str())["state-machines"][0];
  EXPECT_EQ(sm["status"], "active");
  EXPECT_EQ(sm["state"], "config_security");
  EXPECT_EQ(sm["progress"], 14.29);
  EXPECT_EQ(sm["heartbeat"], static_cast<long long>(seed_now + 3));
  // Going back in time is answered correctly too, not from the newer cache.
  EXPECT_EQ(json::parse(at(0.5).str())["state-machines"][0]["status"], "pending");
  // SMDeleteBDB retains nothing: gone the instant it completes (1 + 7 * 2 s).
  EXPECT_EQ(json::parse(at(14.999).str())["state-machines"].size(), 1u);
  EXPECT_EQ(at(15).str(), R"({"actions":[],"state-machines":[]})");
  EXPECT_EQ(lists.v2(state, seed_now + 15).str(), "[]");
}

TEST(wire, a_static_action_is_its_wire_bytes) {
  const action a =
      make_static_action("u9", action_kind::task, {{"name", "retry_bdb"}, {"status", "queued"}});
  EXPECT_EQ(a.plan(), nullptr);
  ASSERT_NE(a.static_v1(), nullptr);
  EXPECT_EQ(**a.static_v1(),
            R"({"action_uid":"u9","name":"retry_bdb","status":"queued","task_id":"u9"})");
  EXPECT_EQ(dump(render_v1(a, 0)), **a.static_v1());
  const action sm = make_static_action("s9", action_kind::state_machine,
                                       {{"name", "SMCreateBDB"}, {"object_name", "bdb:4"}});
  EXPECT_EQ(sm.object_name, "bdb:4");
  EXPECT_EQ(**sm.static_v1(), R"({"action_uid":"s9","name":"SMCreateBDB","object_name":"bdb:4"})");
}

TEST(wire, a_simulated_action_has_a_plan_and_no_bytes) {
  const action a = simulated("SMCreateBDB", 1000);
  ASSERT_NE(a.plan(), nullptr);
  EXPECT_EQ(a.static_v1(), nullptr);
  EXPECT_EQ(a.object_name, "bdb:7");
  EXPECT_EQ(a.plan()->steps.size(), 7u);
}

TEST(wire, list_cache_never_serves_another_snapshot) {
  list_cache lists;
  const json doc = json::parse(reemu::test::capture("actions_list.json"));
  auto first = std::make_shared<const registry_state>(seed_from(doc), 1);
  const auto body = lists.v1(first, seed_now);
  EXPECT_EQ(lists.v1(first, seed_now).id(), body.id());  // same snapshot, same interval
  registry_data changed = first->data();
  changed.remove("8fc32a11-4688-4057-9237-cd77fccd726f");
  const auto second = std::make_shared<const registry_state>(std::move(changed), 2);
  const auto after = lists.v1(second, seed_now);
  EXPECT_NE(after.id(), body.id());
  EXPECT_EQ(json::parse(after.str())["actions"].size(), 0u);
  // Another app's registry (or a reset one) counts versions from 1 again: the
  // cache tells snapshots apart by identity, not by version.
  const auto cached_first = lists.v1(first, seed_now);
  first.reset();
  const auto third = std::make_shared<const registry_state>(registry_data{}, 1);
  EXPECT_EQ(lists.v1(third, seed_now).str(), R"({"actions":[],"state-machines":[]})");
  EXPECT_NE(cached_first.str(), R"({"actions":[],"state-machines":[]})");
}

// Bodies built from the pieces of an earlier build equal bodies rendered
// from nothing: after appends, replacements and removals across many chunks,
// and when time crosses a step of a simulated action held in a reused chunk.
TEST(wire, list_cache_after_changes_equals_a_full_render) {
  list_cache lists;
  registry_data d;
  const auto uid = [](int i) {
    return "00000000-0000-4000-8000-" + std::to_string(100000000000 + i);
  };
  for (int i = 0; i < 700; ++i) {
    const auto kind = i % 3 == 0 ? action_kind::task : action_kind::state_machine;
    ASSERT_TRUE(d.add(make_static_action(uid(i), kind, json{{"name", "n" + std::to_string(i)}})));
  }
  action sim = simulated("SMCreateBDB", 1000);
  sim.uid = uid(5000);
  ASSERT_TRUE(d.add(std::move(sim)));  // lands in the tail; sealed below
  for (int i = 700; i < 1000; ++i)
    ASSERT_TRUE(d.add(make_static_action(uid(i), action_kind::task, json::object())));
  std::uint64_t version = 1;
  const auto check = [&](const registry_data& data, double now) {
    const auto state = std::make_shared<const registry_state>(data, ++version);
    validity v1v;
    validity v2v;
    EXPECT_EQ(lists.v1(state, now).str(), v1_list(data, now, v1v));
    EXPECT_EQ(lists.v2(state, now).str(), v2_list(data, now, v2v));
  };
  check(d, 1000);
  d.replace(make_static_action(uid(3), action_kind::task, json{{"name", "changed"}}));
  check(d, 1000);
  d.remove(uid(0));
  d.remove(uid(400));
  check(d, 1000);
  for (int i = 0; i < 300; ++i) d.remove(uid(256 + i));  // empties a chunk or more
  check(d, 1000);
  ASSERT_TRUE(d.add(make_static_action(uid(9000), action_kind::state_machine, json::object())));
  check(d, 1000);
  check(d, 1004);  // the simulated action moved a step; its chunk is rendered again
  check(d, 1000 + 24 * 3600.0);
}

TEST(wire, parse_number_reads_whole_strings_only) {
  EXPECT_EQ(parse_number<std::uint64_t>("12"), 12u);
  EXPECT_EQ(parse_number<long long>("-3"), -3);
  EXPECT_EQ(parse_number<double>("14.29"), 14.29);
  for (std::string_view bad : {"", " 1", "1 ", "1x", "+1", "0x10", "-1"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_number<std::uint64_t>(bad).has_value());
  }
  EXPECT_FALSE(parse_number<std::uint64_t>("18446744073709551616").has_value());  // 2^64
  EXPECT_FALSE(parse_number<double>("1e").has_value());
  EXPECT_TRUE(parse_number<double>("inf").has_value());  // callers check finiteness
}
