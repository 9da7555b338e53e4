// Wire shapes: an action as GET /v1/actions and GET /v2/actions show it at a
// given clock time, with the real clusters' types (task progress, node_uid
// and creation_time as strings; state-machine heartbeat an integer and
// progress a number).
#pragma once

#include <memory>
#include <string_view>

#include "reemu/model/model.hpp"

namespace reemu {

// The interval of clock time over which a rendering stays the same.
struct validity {
  double from = -forever;
  double until = forever;
  void narrow(double f, double u) noexcept {
    if (f > from) from = f;
    if (u < until) until = u;
  }
  void narrow(const validity& v) noexcept { narrow(v.from, v.until); }
  bool holds_at(double now) const noexcept { return now >= from && now < until; }
};

// True when `cached` was taken from `p` (the same snapshot, chunk or
// database). A weak_ptr keeps the control block alive, so a later object can
// never reuse its address and pass for the cached one.
template <class T>
bool same_object(const std::weak_ptr<const T>& cached, const std::shared_ptr<const T>& p) {
  return !cached.owner_before(p) && !p.owner_before(cached);
}

// A static action of `kind` whose v1 object is `fields` plus action_uid (and
// task_id for a task) from `uid`, rendered to text here, once. Timestamps
// are left at 0 for the caller to set.
action make_static_action(std::string uid, action_kind kind, json fields);

// A simulated action: `fields` (action_uid and task_id are added at render
// time) walking `plan`. Timestamps are left at 0 for the caller to set.
action make_simulated_action(std::string uid, action_kind kind, json fields, simulate_plan plan);

// False for a simulated action whose action_type is "other" (a database's
// export or import): GET /v1/actions leaves it out, /v2/actions lists it.
bool listed_in_v1(const action& a) noexcept;

// True when `a` is visible at `now` (not past its retention). Narrows `v`.
bool is_visible(const action& a, double now, validity* v = nullptr) noexcept;

// The v1 object (a task or a state machine) at `now`. Call only for a visible
// action. Narrows `v` to the interval the result holds for.
json render_v1(const action& a, double now, validity* v = nullptr);

// The v2 object at `now` (SPEC.md: action_type, integer creation_time, numeric
// progress, the four-word status, additional_info only when non-empty).
json render_v2(const action& a, double now, validity* v = nullptr);

// The v2 status for a v1 status word of either vocabulary:
// queued, pending -> queued; starting, running, active, cancelling -> running;
// completed -> completed; failed, aborted, cancelled -> failed; other -> running.
std::string_view v2_status(std::string_view v1_status) noexcept;

// Whole numbers as JSON integers (100, not 100.0), others as doubles (14.29).
json number_value(double x);

// Compact JSON, keys sorted (nlohmann's object is a sorted map); invalid
// UTF-8 is replaced rather than thrown on.
std::string dump(const json& j);

}  // namespace reemu
