// Node and cluster tasks: their state, wire object and record.
#include "reemu/model/object_task.hpp"

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

live_state task_state(const object_task& t, double now) noexcept {
  return evaluate(t.plan, t.started_at, now);
}

bool task_runs(const object_task& t, double now) noexcept {
  return is_running(task_state(t, now).phase);
}

bool task_completed(const object_task& t, double now) noexcept {
  return task_state(t, now).phase == phase::completed;
}

json render_task(const object_task& t, double now) {
  const live_state s = task_state(t, now);
  json out = {{"name", t.name},
              {"progress", number_value(s.progress)},
              {"status", status_name(action_kind::task, s.phase)},
              {"task_id", t.task_id}};
  if (s.phase == phase::failed) {
    out["error_code"] = t.plan.error_code;
    out["error_message"] = t.plan.error;
  }
  return out;
}

json task_record(const object_task& t) {
  return {{"name", t.name},
          {"task_id", t.task_id},
          {"started_at", number_value(t.started_at)},
          {"simulate", to_simulate_block(t.plan)}};
}

result<object_task> task_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"name", "task_id", "started_at", "simulate"});
  auto name = r.string("name", true);
  auto task_id = r.string("task_id", true);
  const auto started = r.time("started_at", true);
  const json* simulate = r.object("simulate", true);
  if (r.failed()) return r.error();
  object_task t;
  auto plan = parse_simulate(*simulate, t.plan, where + ".simulate");
  if (!plan) return plan.error();
  t.plan = std::move(*plan);
  t.name = std::move(*name);
  t.task_id = std::move(*task_id);
  t.started_at = *started;
  return t;
}

}  // namespace reemu
