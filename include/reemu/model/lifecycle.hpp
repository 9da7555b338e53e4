// The lifecycle engine: where an action stands at a given clock time.
//
// State is a pure function of (plan, start time, now): nothing mutates an
// entry as time passes, so any reader at any instant sees a consistent view,
// a manual clock can jump by hours, and the unit tests call evaluate() directly.
#pragma once

#include <cstddef>

#include "reemu/model/model.hpp"

namespace reemu {

enum class phase : std::uint8_t {
  waiting,   // SM `pending`, task `queued`
  starting,  // task `starting`
  running,   // SM `active`, task `running`
  completed,
  failed,
  cancelling,  // task `cancelling` (SM `active`): a cancel was asked (simulate_plan::cancel_after)
  cancelled,   // task `cancelled` (SM `failed`)
};

// True while the plan has not ended: waiting, starting, running or cancelling.
constexpr bool is_running(phase p) noexcept {
  return p != phase::completed && p != phase::failed && p != phase::cancelled;
}

struct live_state {
  reemu::phase phase = phase::waiting;
  std::size_t step = 0;       // index of the current (or failing) step; 0 before the walk
  double progress = 0;        // 0..100, rounded to 2 decimals
  double heartbeat = 0;       // clock time of the last progress change
  double ended_at = forever;  // clock time it completed, failed or was cancelled
  bool visible = true;        // false once the retention after the end has run out
  // The result is the same for every `now` in [valid_from, valid_until):
  // renderers cache on it.
  double valid_from = -forever;
  double valid_until = forever;
};

// Where a plan started at `started_at` stands at `now`. Pure; plan must be
// valid (at least one step, step_seconds > 0, fail_at_step < steps.size()).
live_state evaluate(const simulate_plan& plan, double started_at, double now) noexcept;

// 100 * done / total rounded to 2 decimals (1 of 7 -> 14.29).
double progress_percent(std::size_t done, std::size_t total) noexcept;

// The wire status for `p`: SM {pending, active, completed, failed}, task
// {queued, starting, running, completed, failed, cancelling, cancelled}.
std::string_view status_name(action_kind kind, reemu::phase p) noexcept;

// Returns an error message when `plan` cannot be evaluated, else empty.
std::string validate_plan(const simulate_plan& plan);

}  // namespace reemu
