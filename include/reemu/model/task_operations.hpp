// Starting and cancelling node and cluster tasks, inside registry::update:
// the task in its owner's slots and its action in /v1/actions appear (and
// are cancelled) together.
#pragma once

#include <string_view>

#include "reemu/model/object_task.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

// Starts task `name` (it must have a template) for `object_name` ("node:2",
// "cluster", which plan rules match): its plan is plan_for's, its action a
// simulated task in `d` with `fields` (node_uid…) plus action_uid, task_id
// and name, created at `now`; one change of the cluster's state is counted.
// Returns the task for its owner's slots.
object_task begin_task(registry_data& d, std::string_view name, std::string_view object_name,
                       json fields, double now);

// Cancels running task `t` at `now`: its plan, and its action's while the
// action is a simulated one, get cancel_after, so both show cancelling,
// then cancelled. Counts one change of the cluster's state.
void cancel_task(registry_data& d, object_task& t, double now);

}  // namespace reemu
