// Node and cluster actions: tasks a node or the cluster runs. Each owner
// keeps the latest task of each name (a new one replaces the finished one),
// with its own copy of the plan, so what the node or cluster shows does not
// depend on the action's retention in /v1/actions. Plain values.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "reemu/model/errors.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct object_task {
  std::string task_id;  // the task's action_uid in /v1/actions
  std::string name;     // maintenance_on, remove_node, change_master…
  simulate_plan plan;
  double started_at = 0;
  bool operator==(const object_task&) const = default;
};

// The latest task of each name, by name.
using task_slots = std::map<std::string, object_task, std::less<>>;

// Where `t` stands at `now`.
live_state task_state(const object_task& t, double now) noexcept;

// True while `t` has not ended (queued, starting, running or cancelling).
bool task_runs(const object_task& t, double now) noexcept;

// True when `t` completed at or before `now` (not failed, not cancelled).
bool task_completed(const object_task& t, double now) noexcept;

// The task as the node and cluster action routes show it:
// {"name","progress","status","task_id"}, progress a number 0..100, plus
// error_code and error_message once it failed.
json render_task(const object_task& t, double now);

// {"name","task_id","started_at","simulate"}; round-trips through
// task_from_record.
json task_record(const object_task& t);

// Reads a record back; the failure names `where` ("nodes[0].actions[1]").
result<object_task> task_from_record(const json& record, const std::string& where);

}  // namespace reemu
