// Unit tests for the lifecycle engine (src/lifecycle.cpp, src/templates.cpp) and parse_simulate
// (src/validation.cpp).
#include "reemu/model/lifecycle.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"

using namespace reemu;

namespace {

constexpr double lifecycle_t0 = 1'700'000'000;

double just_before(double t) { return std::nextafter(t, -forever); }

double run_start_of(const simulate_plan& p) {
  return lifecycle_t0 + p.pending_seconds + p.starting_seconds;
}

// Everything a renderer reads from a live_state.
void expect_same_state(const live_state& a, const live_state& b) {
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.progress, b.progress);
  EXPECT_EQ(a.heartbeat, b.heartbeat);
  EXPECT_EQ(a.ended_at, b.ended_at);
  EXPECT_EQ(a.visible, b.visible);
  EXPECT_EQ(a.valid_from, b.valid_from);
  EXPECT_EQ(a.valid_until, b.valid_until);
}

// `now` lies in the state's validity interval, and both ends of it give the same state.
void expect_valid_interval(const simulate_plan& p, double now) {
  const live_state s = evaluate(p, lifecycle_t0, now);
  EXPECT_LE(s.valid_from, now);
  EXPECT_LT(now, s.valid_until);
  if (std::isfinite(s.valid_from)) expect_same_state(s, evaluate(p, lifecycle_t0, s.valid_from));
  if (std::isfinite(s.valid_until))
    expect_same_state(s, evaluate(p, lifecycle_t0, just_before(s.valid_until)));
}

simulate_plan simple_plan(std::size_t steps, double d) {
  simulate_plan p;
  for (std::size_t i = 0; i < steps; ++i) p.steps.push_back("s" + std::to_string(i));
  p.step_seconds = d;
  return p;
}

}  // namespace

TEST(lifecycle, progress_percent_rounds_to_two_decimals) {
  struct row {
    std::size_t done, total;
    double expected;
  };
  constexpr std::array rows = {
      row{0, 7, 0},     row{1, 7, 14.29}, row{2, 7, 28.57}, row{3, 7, 42.86},
      row{4, 7, 57.14}, row{5, 7, 71.43}, row{6, 7, 85.71}, row{7, 7, 100},
      row{1, 3, 33.33}, row{2, 3, 66.67}, row{1, 4, 25},    row{0, 0, 100},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::to_string(r.done) + "/" + std::to_string(r.total));
    EXPECT_EQ(progress_percent(r.done, r.total), r.expected);
  }
}

TEST(lifecycle, status_names) {
  struct row {
    action_kind kind;
    phase p;
    std::string_view name;
  };
  constexpr std::array rows = {
      row{action_kind::state_machine, phase::waiting, "pending"},
      row{action_kind::state_machine, phase::starting, "pending"},
      row{action_kind::state_machine, phase::running, "active"},
      row{action_kind::state_machine, phase::completed, "completed"},
      row{action_kind::state_machine, phase::failed, "failed"},
      row{action_kind::task, phase::waiting, "queued"},
      row{action_kind::task, phase::starting, "starting"},
      row{action_kind::task, phase::running, "running"},
      row{action_kind::task, phase::completed, "completed"},
      row{action_kind::task, phase::failed, "failed"},
  };
  for (const auto& r : rows) EXPECT_EQ(status_name(r.kind, r.p), r.name);
}

TEST(lifecycle, templates_are_valid_and_known_by_name) {
  const auto all = all_templates();
  ASSERT_GE(all.size(), 9u);
  for (const auto& t : all) {
    SCOPED_TRACE(std::string(t.name));
    EXPECT_EQ(validate_plan(t.plan), "");
    EXPECT_EQ(find_template(t.name), &t);
    EXPECT_FALSE(t.plan.fails);
    if (t.kind == action_kind::state_machine) {
      EXPECT_EQ(t.plan.starting_seconds, 0);
    }
  }
  for (std::string_view name :
       {"SMCreateBDB", "SMUpdateBDB", "SMDeleteBDB", "SMUpgradeBDB", "SMRedisFailover", "retry_bdb",
        "maintenance_on", "maintenance_off", "module_installation"})
    EXPECT_NE(find_template(name), nullptr) << name;
  EXPECT_EQ(find_template("smcreatebdb"), nullptr);
  EXPECT_EQ(find_template(""), nullptr);
  const auto* create = find_template("SMCreateBDB");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->plan.steps,
            (std::vector<std::string>{"init", "provision", "create_redis", "bind_endpoint",
                                      "update_dmc", "config_redis_acl", "created"}));
  const auto* del = find_template("SMDeleteBDB");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->plan.retain_seconds, 0);
  EXPECT_EQ(del->plan.steps.at(1), "config_security");  // the real capture's state after 1 of 7
}

TEST(lifecycle, every_template_walks_its_steps_in_order) {
  for (const auto& t : all_templates()) {
    SCOPED_TRACE(std::string(t.name));
    const simulate_plan& p = t.plan;
    const std::size_t n = p.steps.size();
    const double d = p.step_seconds;
    const double run_start = run_start_of(p);
    const double end = run_start + static_cast<double>(n) * d;

    if (p.pending_seconds > 0) {
      for (double at : {lifecycle_t0, lifecycle_t0 + p.pending_seconds / 2,
                        just_before(lifecycle_t0 + p.pending_seconds)}) {
        const live_state s = evaluate(p, lifecycle_t0, at);
        EXPECT_EQ(s.phase, phase::waiting);
        EXPECT_EQ(s.step, 0u);
        EXPECT_EQ(s.progress, 0);
        EXPECT_EQ(s.heartbeat, lifecycle_t0);
        EXPECT_EQ(s.ended_at, end);
        EXPECT_TRUE(s.visible);
        expect_valid_interval(p, at);
      }
    }
    if (p.starting_seconds > 0) {
      const double from = lifecycle_t0 + p.pending_seconds;
      for (double at : {from, just_before(run_start)}) {
        const live_state s = evaluate(p, lifecycle_t0, at);
        EXPECT_EQ(s.phase, phase::starting);
        EXPECT_EQ(s.progress, 0);
        EXPECT_EQ(s.valid_from, from);
        EXPECT_EQ(s.valid_until, run_start);
        expect_valid_interval(p, at);
      }
    }
    double last_progress = -1;
    for (std::size_t i = 0; i < n; ++i) {
      SCOPED_TRACE("step " + std::to_string(i));
      const double step_start = run_start + static_cast<double>(i) * d;
      for (double at : {step_start, step_start + d / 2, just_before(step_start + d)}) {
        const live_state s = evaluate(p, lifecycle_t0, at);
        EXPECT_EQ(s.phase, phase::running);
        EXPECT_EQ(s.step, i);
        EXPECT_EQ(s.progress, progress_percent(i, n));
        EXPECT_EQ(s.heartbeat, step_start);  // the instant progress last moved
        EXPECT_EQ(s.valid_from, step_start);
        EXPECT_EQ(s.valid_until, step_start + d);
        EXPECT_TRUE(s.visible);
        expect_valid_interval(p, at);
      }
      const double progress = evaluate(p, lifecycle_t0, step_start).progress;
      EXPECT_GT(progress, last_progress);
      last_progress = progress;
    }
    const live_state done = evaluate(p, lifecycle_t0, end);
    EXPECT_EQ(done.phase, phase::completed);
    EXPECT_EQ(done.progress, 100);
    EXPECT_EQ(done.step, n - 1);
    EXPECT_EQ(done.heartbeat, end);
    EXPECT_EQ(done.ended_at, end);
    EXPECT_EQ(done.visible, p.retain_seconds > 0);
    expect_valid_interval(p, end);
  }
}

TEST(lifecycle, seven_steps_progress_sequence) {
  const simulate_plan& p = find_template("SMCreateBDB")->plan;
  const double run_start = run_start_of(p);
  constexpr std::array expected = {0.0, 14.29, 28.57, 42.86, 57.14, 71.43, 85.71};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(evaluate(p, lifecycle_t0, run_start + 2.0 * static_cast<double>(i) + 1).progress,
              expected[i]);
  EXPECT_EQ(evaluate(p, lifecycle_t0, run_start + 14).progress, 100);
  EXPECT_EQ(progress_percent(1, 7), 14.29);
}

TEST(lifecycle, failure_at_each_step_freezes_progress) {
  for (const auto& t : all_templates()) {
    const std::size_t n = t.plan.steps.size();
    for (std::size_t k = 0; k < n; ++k) {
      SCOPED_TRACE(std::string(t.name) + " fails at " + std::to_string(k));
      simulate_plan p = t.plan;
      p.fails = true;
      p.fail_at_step = k;
      ASSERT_EQ(validate_plan(p), "");
      const double d = p.step_seconds;
      const double run_start = run_start_of(p);
      const double end = run_start + static_cast<double>(k + 1) * d;

      const live_state before = evaluate(p, lifecycle_t0, just_before(end));
      EXPECT_EQ(before.phase, phase::running);
      EXPECT_EQ(before.step, k);
      EXPECT_EQ(before.valid_until, end);

      for (double at :
           {end, end + p.retain_failed_seconds / 2, just_before(end + p.retain_failed_seconds)}) {
        if (p.retain_failed_seconds == 0) break;
        const live_state s = evaluate(p, lifecycle_t0, at);
        EXPECT_EQ(s.phase, phase::failed);
        EXPECT_EQ(s.step, k);
        EXPECT_EQ(s.progress, progress_percent(k, n));
        EXPECT_EQ(s.ended_at, end);
        EXPECT_EQ(s.heartbeat, end);
        EXPECT_TRUE(s.visible);
        expect_valid_interval(p, at);
      }
      const live_state gone = evaluate(p, lifecycle_t0, end + p.retain_failed_seconds);
      EXPECT_FALSE(gone.visible);
      EXPECT_EQ(gone.phase, phase::failed);
      EXPECT_EQ(gone.ended_at, end);
    }
  }
}

TEST(lifecycle, retention_edges) {
  struct row {
    double retain;
  };
  constexpr std::array rows = {row{0}, row{0.5}, row{1}, row{3600}, row{86400 * 30.0}};
  for (const auto& r : rows) {
    SCOPED_TRACE(r.retain);
    simulate_plan p = simple_plan(3, 2);
    p.retain_seconds = r.retain;
    const double end = lifecycle_t0 + 6;
    if (r.retain > 0) {
      const live_state last = evaluate(p, lifecycle_t0, just_before(end + r.retain));
      EXPECT_TRUE(last.visible);
      EXPECT_EQ(last.valid_until, end + r.retain);
    } else {
      EXPECT_TRUE(evaluate(p, lifecycle_t0, just_before(end)).visible);
    }
    const live_state gone = evaluate(p, lifecycle_t0, end + r.retain);
    EXPECT_FALSE(gone.visible);
    EXPECT_EQ(gone.valid_from, end + r.retain);
    EXPECT_EQ(gone.valid_until, forever);
    EXPECT_FALSE(evaluate(p, lifecycle_t0, end + r.retain + 1e6).visible);
  }
}

TEST(lifecycle, sm_delete_vanishes_when_it_ends) {
  const simulate_plan& p = find_template("SMDeleteBDB")->plan;
  const double end = run_start_of(p) + static_cast<double>(p.steps.size()) * p.step_seconds;
  const live_state last = evaluate(p, lifecycle_t0, just_before(end));
  EXPECT_TRUE(last.visible);
  EXPECT_EQ(last.phase, phase::running);
  EXPECT_FALSE(evaluate(p, lifecycle_t0, end).visible);
}

TEST(lifecycle, task_phases_queued_starting_running) {
  const simulate_plan& p = find_template("retry_bdb")->plan;  // pending 1, starting 1, 3 x 2 s
  struct row {
    double offset;
    phase expected;
    std::string_view status;
  };
  constexpr std::array rows = {
      row{0, phase::waiting, "queued"},      row{0.999, phase::waiting, "queued"},
      row{1, phase::starting, "starting"},   row{1.999, phase::starting, "starting"},
      row{2, phase::running, "running"},     row{7.999, phase::running, "running"},
      row{8, phase::completed, "completed"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.offset);
    const live_state s = evaluate(p, lifecycle_t0, lifecycle_t0 + r.offset);
    EXPECT_EQ(s.phase, r.expected);
    EXPECT_EQ(status_name(action_kind::task, s.phase), r.status);
  }
}

TEST(lifecycle, before_the_start_is_waiting) {
  const simulate_plan p = simple_plan(2, 1);
  const live_state s = evaluate(p, lifecycle_t0, lifecycle_t0 - 100);
  // pending 0: the walk starts at lifecycle_t0; earlier instants are still "waiting".
  EXPECT_EQ(s.phase, phase::waiting);
  EXPECT_EQ(s.valid_until, lifecycle_t0);
}

TEST(lifecycle, fractional_steps_never_name_a_step_past_the_walk) {
  simulate_plan p = simple_plan(3, 0.1);
  for (int i = 0; i < 300; ++i) {
    const double at = lifecycle_t0 + 0.001 * i;
    const live_state s = evaluate(p, lifecycle_t0, at);
    EXPECT_LT(s.step, 3u);
    EXPECT_LE(s.valid_from, at);
    EXPECT_LT(at, s.valid_until);
  }
}

TEST(lifecycle, validate_plan_errors) {
  const auto with = [](auto edit) {
    simulate_plan p = simple_plan(3, 2);
    edit(p);
    return validate_plan(p);
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(with([](simulate_plan&) {}), "");
  EXPECT_NE(with([](simulate_plan& p) { p.steps.clear(); }).find("steps"), std::string::npos);
  EXPECT_NE(with([](simulate_plan& p) { p.step_seconds = 0; }).find("step_seconds"),
            std::string::npos);
  EXPECT_NE(with([](simulate_plan& p) { p.step_seconds = -1; }).find("step_seconds"),
            std::string::npos);
  EXPECT_NE(with([&](simulate_plan& p) { p.step_seconds = nan; }).find("step_seconds"),
            std::string::npos);
  EXPECT_NE(with([](simulate_plan& p) { p.step_seconds = forever; }).find("step_seconds"),
            std::string::npos);
  EXPECT_NE(with([](simulate_plan& p) { p.pending_seconds = -1; }).find("pending_seconds"),
            std::string::npos);
  EXPECT_NE(with([&](simulate_plan& p) { p.pending_seconds = nan; }).find("pending_seconds"),
            std::string::npos);
  EXPECT_NE(with([](simulate_plan& p) { p.starting_seconds = -0.5; }).find("starting_seconds"),
            std::string::npos);
  EXPECT_NE(with([](simulate_plan& p) { p.retain_seconds = -1; }).find("retain_seconds"),
            std::string::npos);
  EXPECT_NE(with([&](simulate_plan& p) { p.retain_seconds = nan; }).find("retain_seconds"),
            std::string::npos);
  EXPECT_EQ(with([](simulate_plan& p) { p.retain_seconds = forever; }), "");  // never vanishes
  const std::string out_of_range = with([](simulate_plan& p) {
    p.fails = true;
    p.fail_at_step = 3;
  });
  EXPECT_NE(out_of_range.find("fail_at_step"), std::string::npos);
  EXPECT_NE(out_of_range.find("0..2"), std::string::npos) << out_of_range;
  EXPECT_EQ(with([](simulate_plan& p) {
              p.fails = true;
              p.fail_at_step = 2;
            }),
            "");
  // Without `fails` the index is not used.
  EXPECT_EQ(with([](simulate_plan& p) { p.fail_at_step = 99; }), "");
}

TEST(lifecycle, parse_simulate_applies_overrides) {
  const simulate_plan& base = find_template("SMCreateBDB")->plan;
  const auto p = parse_simulate(json::parse(R"({"step_seconds":10,"retain_seconds":0})"), base);
  ASSERT_TRUE(p) << p.error().description;
  EXPECT_EQ(p->step_seconds, 10);
  EXPECT_EQ(p->retain_seconds, 0);
  EXPECT_EQ(p->steps.size(), 7u);  // kept from the base

  const auto q = parse_simulate(json::parse(R"({"outcome":"failed"})"), base);
  ASSERT_TRUE(q) << q.error().description;
  EXPECT_TRUE(q->fails);
  EXPECT_EQ(q->fail_at_step, 6u);  // the last step

  const auto r = parse_simulate(
      json::parse(
          R"({"steps":["a","b"],"fail_at_step":1,"error":"boom","error_code":"e1","pending_seconds":0.5,"starting_seconds":2})"),
      simulate_plan{});
  ASSERT_TRUE(r) << r.error().description;
  EXPECT_EQ(r->steps, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r->fails);
  EXPECT_EQ(r->fail_at_step, 1u);
  EXPECT_EQ(r->error, "boom");
  EXPECT_EQ(r->error_code, "e1");
  EXPECT_EQ(r->pending_seconds, 0.5);
  EXPECT_EQ(r->starting_seconds, 2);

  simulate_plan failing;
  failing.steps = {"x"};
  failing.fails = true;
  const auto c = parse_simulate(json::parse(R"({"outcome":"completed"})"), failing);
  ASSERT_TRUE(c) << c.error().description;
  EXPECT_FALSE(c->fails);
}

TEST(lifecycle, parse_simulate_errors_name_the_field) {
  struct row {
    std::string_view block;
    api_error error;
    std::string_view mentions;
  };
  constexpr std::array rows = {
      row{R"({"step_seconds":0})", api_error::invalid_value, "simulate.step_seconds"},
      row{R"({"step_seconds":-1})", api_error::invalid_value, "simulate.step_seconds"},
      row{R"({"step_seconds":"2"})", api_error::invalid_type, "simulate.step_seconds"},
      row{R"({"step_seconds":null})", api_error::invalid_type, "simulate.step_seconds"},
      row{R"({"pending_seconds":-0.1})", api_error::invalid_value, "simulate.pending_seconds"},
      row{R"({"retain_seconds":true})", api_error::invalid_type, "simulate.retain_seconds"},
      row{R"({"fail_at_step":7})", api_error::invalid_value, "fail_at_step"},
      row{R"({"fail_at_step":-1})", api_error::invalid_value, "simulate.fail_at_step"},
      row{R"({"fail_at_step":1.5})", api_error::invalid_type, "simulate.fail_at_step"},
      row{R"({"fail_at_step":"1"})", api_error::invalid_type, "simulate.fail_at_step"},
      row{R"({"fail_at_step":2,"outcome":"completed"})", api_error::invalid_value,
          "simulate.fail_at_step"},
      row{R"({"outcome":"done"})", api_error::invalid_value, "simulate.outcome"},
      row{R"({"outcome":"Failed"})", api_error::invalid_value, "simulate.outcome"},
      row{R"({"outcome":1})", api_error::invalid_type, "simulate.outcome"},
      row{R"({"steps":"init"})", api_error::invalid_type, "simulate.steps"},
      row{R"({"steps":[1,2]})", api_error::invalid_type, "simulate.steps"},
      row{R"({"steps":[""]})", api_error::invalid_type, "simulate.steps"},
      row{R"({"steps":[]})", api_error::invalid_value, "simulate.steps"},
      row{R"({"error":5})", api_error::invalid_type, "simulate.error"},
      row{R"({"stepz":["a"]})", api_error::unknown_field, "simulate.stepz"},
      row{R"({"step_seconds":2,"extra":{}})", api_error::unknown_field, "simulate.extra"},
      row{R"([])", api_error::invalid_type, "simulate"},
      row{R"("fast")", api_error::invalid_type, "simulate"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.block);
    const auto parsed = parse_simulate(json::parse(r.block), find_template("SMCreateBDB")->plan);
    ASSERT_FALSE(parsed);
    const failure f = parsed.error();
    EXPECT_EQ(code_of(f.error), code_of(r.error)) << f.description;
    EXPECT_NE(f.description.find(r.mentions), std::string::npos) << f.description;
  }
}

TEST(lifecycle, parse_simulate_uses_the_where_prefix) {
  const auto f =
      parse_simulate(json::parse(R"({"bogus":1})"), simple_plan(1, 1), "actions[3].simulate");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().description.find("actions[3].simulate.bogus"), std::string::npos)
      << f.error().description;
}

// A cancel: the walk until it is asked, cancelling until the end of the
// step it came in, then cancelled and kept as long as a failure.
TEST(lifecycle, a_cancel_ends_the_walk_at_the_end_of_its_step) {
  simulate_plan p = simple_plan(4, 10);
  p.pending_seconds = 1;
  p.starting_seconds = 1;
  p.retain_failed_seconds = 100;
  p.cancel_after =
      2 +
      15;  // in step 1 (run start lifecycle_t0+2, step 1 from lifecycle_t0+12 to lifecycle_t0+22)
  EXPECT_EQ(evaluate(p, lifecycle_t0, lifecycle_t0 + 16).phase, phase::running);
  const live_state cancelling = evaluate(p, lifecycle_t0, lifecycle_t0 + 17);
  EXPECT_EQ(cancelling.phase, phase::cancelling);
  EXPECT_EQ(cancelling.step, 1u);
  EXPECT_EQ(cancelling.progress, 25);
  EXPECT_EQ(cancelling.ended_at, lifecycle_t0 + 22);
  EXPECT_EQ(evaluate(p, lifecycle_t0, just_before(lifecycle_t0 + 22)).phase, phase::cancelling);
  const live_state cancelled = evaluate(p, lifecycle_t0, lifecycle_t0 + 22);
  EXPECT_EQ(cancelled.phase, phase::cancelled);
  EXPECT_EQ(cancelled.progress, 25);
  EXPECT_TRUE(cancelled.visible);
  EXPECT_FALSE(evaluate(p, lifecycle_t0, lifecycle_t0 + 122).visible);
  EXPECT_EQ(status_name(action_kind::task, phase::cancelling), "cancelling");
  EXPECT_EQ(status_name(action_kind::task, phase::cancelled), "cancelled");
  EXPECT_FALSE(is_running(phase::cancelled));
  EXPECT_TRUE(is_running(phase::cancelling));
  for (double now : {lifecycle_t0, lifecycle_t0 + 1.5, lifecycle_t0 + 16.0, lifecycle_t0 + 17.0,
                     lifecycle_t0 + 21.0, lifecycle_t0 + 22.0, lifecycle_t0 + 200.0})
    expect_valid_interval(p, now);
}

TEST(lifecycle, a_cancel_while_queued_ends_when_the_queue_would_have) {
  simulate_plan p = simple_plan(2, 10);
  p.pending_seconds = 4;
  p.cancel_after = 1;
  EXPECT_EQ(evaluate(p, lifecycle_t0, lifecycle_t0 + 2).phase, phase::cancelling);
  EXPECT_EQ(evaluate(p, lifecycle_t0, lifecycle_t0 + 4).phase, phase::cancelled);
  EXPECT_EQ(evaluate(p, lifecycle_t0, lifecycle_t0 + 4).progress, 0);
}

TEST(lifecycle, a_cancel_after_the_end_changes_nothing) {
  simulate_plan p = simple_plan(2, 10);
  p.cancel_after = 20;  // the walk ends at lifecycle_t0+20
  EXPECT_EQ(evaluate(p, lifecycle_t0, lifecycle_t0 + 25).phase, phase::completed);
  p.fails = true;
  p.fail_at_step = 0;
  p.cancel_after = 15;  // failed at lifecycle_t0+10
  EXPECT_EQ(evaluate(p, lifecycle_t0, lifecycle_t0 + 25).phase, phase::failed);
}

TEST(lifecycle, cancel_after_round_trips_through_the_simulate_block) {
  simulate_plan p = simple_plan(2, 10);
  EXPECT_FALSE(to_simulate_block(p).contains("cancel_after_seconds"));
  p.cancel_after = 3.5;
  const json block = to_simulate_block(p);
  EXPECT_EQ(block["cancel_after_seconds"], 3.5);
  const auto back = parse_simulate(block, simulate_plan{});
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(back->cancel_after, 3.5);
  EXPECT_FALSE(
      parse_simulate(json{{"steps", {"a"}}, {"cancel_after_seconds", -1}}, simulate_plan{}));
}
