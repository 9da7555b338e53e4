// Timeline of a plan, measured from its start:
//
//   [0, P)            waiting   (P = pending_seconds)
//   [P, P+S)          starting  (S = starting_seconds, tasks only)
//   [R + i*d, R+(i+1)*d)  running step i, progress = 100*i/n   (R = P+S)
//   end               completed (R + n*d) or failed (R + (k+1)*d at step k)
//   [end, end+retain) still visible; invisible from end+retain on (retain is
//                     retain_failed_seconds after a failure)
//
// A cancel asked at C = start + cancel_after, before the end: the walk as
// above until C, cancelling from C to B, the end of the phase or step C falls
// in, cancelled from B on (B is then the end, with retain_failed_seconds).
#include "reemu/model/lifecycle.hpp"

#include <algorithm>
#include <cmath>

namespace reemu {

double progress_percent(std::size_t done, std::size_t total) noexcept {
  if (total == 0) return 100;
  return std::round(10000.0 * static_cast<double>(done) / static_cast<double>(total)) / 100.0;
}

std::string_view status_name(action_kind kind, reemu::phase p) noexcept {
  const bool sm = kind == action_kind::state_machine;
  switch (p) {
    case phase::waiting:
      return sm ? "pending" : "queued";
    case phase::starting:
      return sm ? "pending" : "starting";
    case phase::running:
      return sm ? "active" : "running";
    case phase::completed:
      return "completed";
    case phase::failed:
      return "failed";
    case phase::cancelling:
      return sm ? "active" : "cancelling";
    case phase::cancelled:
      return sm ? "failed" : "cancelled";
  }
  return "unknown";
}

std::string validate_plan(const simulate_plan& plan) {
  if (plan.steps.empty()) return "simulate.steps must name at least one step";
  if (!(plan.step_seconds > 0) || !std::isfinite(plan.step_seconds))
    return "simulate.step_seconds must be a number > 0";
  if (!(plan.pending_seconds >= 0) || !std::isfinite(plan.pending_seconds))
    return "simulate.pending_seconds must be a number >= 0";
  if (!(plan.starting_seconds >= 0) || !std::isfinite(plan.starting_seconds))
    return "simulate.starting_seconds must be a number >= 0";
  if (!(plan.retain_seconds >= 0)) return "simulate.retain_seconds must be a number >= 0";
  if (!(plan.retain_failed_seconds >= 0))
    return "simulate.retain_failed_seconds must be a number >= 0";
  if (!(plan.cancel_after >= 0)) return "simulate.cancel_after_seconds must be a number >= 0";
  if (plan.fails && plan.fail_at_step >= plan.steps.size()) {
    return "simulate.fail_at_step must be an index into simulate.steps (0.." +
           std::to_string(plan.steps.size() - 1) + ")";
  }
  return {};
}

namespace {

// The walk without a cancel.
live_state walk(const simulate_plan& plan, double started_at, double now) noexcept {
  live_state s;
  const std::size_t n = plan.steps.size();
  const double d = plan.step_seconds;
  const double run_start = started_at + plan.pending_seconds + plan.starting_seconds;
  const std::size_t steps_walked = plan.fails ? plan.fail_at_step + 1 : n;
  const double end = run_start + static_cast<double>(steps_walked) * d;
  s.ended_at = end;
  s.heartbeat = started_at;

  if (now < started_at + plan.pending_seconds) {
    s.phase = phase::waiting;
    s.valid_until = started_at + plan.pending_seconds;
    return s;
  }
  if (now < run_start) {
    s.phase = phase::starting;
    s.valid_from = started_at + plan.pending_seconds;
    s.valid_until = run_start;
    return s;
  }
  if (now < end) {
    // Floor, clamped: floating error must never name a step past the walk.
    auto i = static_cast<std::size_t>(std::floor((now - run_start) / d));
    if (i >= steps_walked) i = steps_walked - 1;
    // The division can round across a boundary (now == run_start + d, d = 0.1,
    // floors to step 0): settle on the step whose [start, start + d) as
    // computed below holds `now`, so the validity interval always contains it.
    while (i + 1 < steps_walked && now >= run_start + static_cast<double>(i + 1) * d) ++i;
    while (i > 0 && now < run_start + static_cast<double>(i) * d) --i;
    s.phase = phase::running;
    s.step = i;
    s.progress = progress_percent(i, n);
    s.heartbeat = run_start + static_cast<double>(i) * d;
    s.valid_from = s.heartbeat;
    s.valid_until = i + 1 == steps_walked ? end : run_start + static_cast<double>(i + 1) * d;
    return s;
  }
  if (plan.fails) {
    s.phase = phase::failed;
    s.step = plan.fail_at_step;
    s.progress = progress_percent(plan.fail_at_step, n);
  } else {
    s.phase = phase::completed;
    s.step = n - 1;
    s.progress = 100;
  }
  s.heartbeat = end;
  const double gone = end + (plan.fails ? plan.retain_failed_seconds : plan.retain_seconds);
  if (now < gone) {
    s.valid_from = end;
    s.valid_until = gone;
  } else {
    s.visible = false;
    s.valid_from = gone;
  }
  return s;
}

// The end of the phase or step the clock time `c` falls in, at most `end`.
double cancel_boundary(const simulate_plan& plan, double started_at, double c,
                       double end) noexcept {
  const double queued_until = started_at + plan.pending_seconds;
  const double run_start = queued_until + plan.starting_seconds;
  double b = end;
  if (c < queued_until) {
    b = queued_until;
  } else if (c < run_start) {
    b = run_start;
  } else {
    const double i = std::floor((c - run_start) / plan.step_seconds);
    b = run_start + (i + 1) * plan.step_seconds;
  }
  return std::min(std::max(b, c), end);
}

}  // namespace

live_state evaluate(const simulate_plan& plan, double started_at, double now) noexcept {
  live_state s = walk(plan, started_at, now);
  if (!std::isfinite(plan.cancel_after)) return s;
  const double c = started_at + plan.cancel_after;
  const double end = s.ended_at;
  if (c >= end) return s;  // asked once it had ended: nothing to cancel
  if (now < c) {
    s.valid_until = std::min(s.valid_until, c);
    return s;
  }
  live_state at = walk(plan, started_at, c);  // where the cancel found it
  const double b = cancel_boundary(plan, started_at, c, end);
  at.ended_at = b;
  at.heartbeat = c;
  if (now < b) {
    at.phase = phase::cancelling;
    at.valid_from = c;
    at.valid_until = b;
    return at;
  }
  at.phase = phase::cancelled;
  at.heartbeat = b;
  const double gone = b + plan.retain_failed_seconds;
  if (now < gone) {
    at.valid_from = b;
    at.valid_until = gone;
  } else {
    at.visible = false;
    at.valid_from = gone;
    at.valid_until = forever;
  }
  return at;
}

}  // namespace reemu
