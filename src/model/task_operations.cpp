// Node and cluster tasks in the registry.
#include "reemu/model/task_operations.hpp"

#include <variant>

#include "reemu/model/operations.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

object_task begin_task(registry_data& d, std::string_view name, std::string_view object_name,
                       json fields, double now) {
  simulate_plan fallback;
  fallback.steps = {"run"};  // only reached by a caller's mistake: no template
  object_task t;
  t.plan = plan_for(d, name, object_name).value_or(std::move(fallback));
  t.task_id = d.ids.next();
  t.name = std::string(name);
  t.started_at = now;
  fields["action_uid"] = t.task_id;
  fields["task_id"] = t.task_id;
  fields["name"] = t.name;
  action a = make_simulated_action(t.task_id, action_kind::task, std::move(fields), t.plan);
  a.started_at = now;
  a.created_at = now;
  d.add(std::move(a));
  return t;
}

void cancel_task(registry_data& d, object_task& t, double now) {
  t.plan.cancel_after = now - t.started_at;
  if (const auto existing = d.find(t.task_id)) {
    action a = *existing;
    if (simulated_body* sim = a.edit_simulated()) {
      sim->plan.cancel_after = now - a.started_at;
      d.replace(std::move(a));
    }
  }
}

}  // namespace reemu
