// Node and cluster tasks in the registry.
#include "reemu/model/task_operations.hpp"

#include <variant>

#include "reemu/model/operations.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// The task as the event log names it: a node's carry its uid.
started_action task_events(const object_task& t, std::string_view object_name) {
  started_action a{t.task_id, t.name, std::string(object_name), json::object(), {}, {}};
  if (object_name.starts_with("node:")) {
    if (const auto uid = parse_number<std::uint64_t>(object_name.substr(5)))
      a.ids["node_uid"] = *uid;
  }
  return a;
}

// The object `t` was started on, as its events in the log name it
// ("cluster" when none is held any more).
std::string object_name_of(const registry_data& d, const object_task& t) {
  std::string found = "cluster";
  d.events.for_each([&](const logged_event& e) {
    if (e.action_uid != t.task_id) return;
    if (const auto it = e.fields.find("object_name"); it != e.fields.end() && it->is_string())
      found = it->get<std::string>();
  });
  return found;
}

}  // namespace

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
  schedule_action_events(d.events, task_events(t, object_name), t.plan, now);
  return t;
}

void cancel_task(registry_data& d, object_task& t, double now) {
  t.plan.cancel_after = now - t.started_at;
  reschedule_action_events(d.events, task_events(t, object_name_of(d, t)), t.plan, t.started_at,
                           now);
  if (const auto existing = d.find(t.task_id)) {
    action a = *existing;
    if (simulated_body* sim = a.edit_simulated()) {
      sim->plan.cancel_after = now - a.started_at;
      d.replace(std::move(a));
    }
  }
}

}  // namespace reemu
