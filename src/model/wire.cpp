// Rendering actions into their v1 and v2 wire objects.
#include "reemu/model/wire.hpp"

#include <algorithm>
#include <cmath>

#include "reemu/model/lifecycle.hpp"
#include "reemu/model/shard_ops.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// Task progress is a string of a whole number on the wire ("100").
std::string task_progress(double p) {
  return std::to_string(static_cast<long long>(std::lround(p)));
}

double progress_number(const json& p, double fallback) {
  if (p.is_number()) return p.get<double>();
  if (p.is_string())
    return parse_number<double>(p.get_ref<const std::string&>()).value_or(fallback);
  return fallback;
}

// Whole seconds of `t`, saturated: seeds and patches may carry any number
// (1e300), and converting a double outside long long's range is undefined.
long long whole_seconds(double t) noexcept {
  constexpr double limit = 9e18;  // just inside long long's range
  if (std::isnan(t)) return 0;
  return static_cast<long long>(std::floor(std::clamp(t, -limit, limit)));
}

long long creation_epoch(const action& a, const json& v1) {
  if (auto it = v1.find("creation_time"); it != v1.end()) {
    if (it->is_number_float()) return whole_seconds(it->get<double>());
    if (it->is_number()) return it->get<long long>();
    if (it->is_string())
      if (const auto x = parse_number<long long>(it->get_ref<const std::string&>())) return *x;
  }
  return whole_seconds(a.created_at);
}

std::string object_name_of(const json& fields) {
  const auto it = fields.find("object_name");
  return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The fields with the identity keys every v1 object carries.
json with_identity(json fields, const std::string& uid, action_kind kind) {
  fields["action_uid"] = uid;
  if (kind == action_kind::task) fields["task_id"] = uid;
  return fields;
}

}  // namespace

action make_static_action(std::string uid, action_kind kind, json fields) {
  action a;
  a.object_name = object_name_of(fields);
  a.body = static_body{
      std::make_shared<const std::string>(dump(with_identity(std::move(fields), uid, kind)))};
  a.uid = std::move(uid);
  a.kind = kind;
  return a;
}

action make_simulated_action(std::string uid, action_kind kind, json fields, simulate_plan plan) {
  action a;
  a.object_name = object_name_of(fields);
  a.body =
      std::make_shared<const simulated_body>(simulated_body{std::move(fields), std::move(plan)});
  a.uid = std::move(uid);
  a.kind = kind;
  return a;
}

json number_value(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15)
    return static_cast<long long>(x);
  return x;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool listed_in_v1(const action& a) noexcept {
  const simulated_body* sim = a.simulated();
  if (!sim) return true;
  const auto it = sim->fields.find("action_type");
  return it == sim->fields.end() || *it != "other";
}

bool is_visible(const action& a, double now, validity* v) noexcept {
  if (const simulate_plan* plan = a.plan()) {
    const live_state s = evaluate(*plan, a.started_at, now);
    if (v) v->narrow(s.valid_from, s.valid_until);
    return s.visible;
  }
  if (now < a.gone_at) {
    if (v) v->narrow(-forever, a.gone_at);
    return true;
  }
  if (v) v->narrow(a.gone_at, forever);
  return false;
}

json render_v1(const action& a, double now, validity* v) {
  const simulated_body* sim = a.simulated();
  if (!sim) {
    if (v) v->narrow(-forever, a.gone_at);
    return json::parse(**a.static_v1(), nullptr, false);
  }
  json out = with_identity(sim->fields, a.uid, a.kind);
  const simulate_plan& plan = sim->plan;
  const live_state s = evaluate(plan, a.started_at, now);
  if (v) v->narrow(s.valid_from, s.valid_until);
  out["status"] = status_name(a.kind, s.phase);
  if (a.kind == action_kind::task && !out.contains("creation_time"))
    out["creation_time"] = std::to_string(static_cast<long long>(std::floor(a.created_at)));

  if (a.kind == action_kind::state_machine) {
    out["heartbeat"] = static_cast<long long>(std::floor(s.heartbeat));
    if (s.phase == phase::completed) {
      // A finished machine reports neither a step nor its progress (the
      // real capture of a completed SMCreateBDB); v2 shows it as 100.
      out.erase("state");
      out.erase("progress");
    } else {
      out["progress"] = number_value(s.progress);
      out["state"] = plan.steps[s.step];
    }
    if (s.phase == phase::failed || s.phase == phase::cancelled) {
      out["error"] = s.phase == phase::failed ? plan.error : std::string("cancelled");
    } else {
      out.erase("error");
    }
    // The shard operations the machine performs, when it has any; else
    // what its fields say, or none.
    if (!plan.shard_ops.empty()) {
      if (s.phase != phase::completed)
        out["pending_ops"] = pending_ops_at(plan, a.started_at, now, v);
    } else if (s.phase != phase::completed && !out.contains("pending_ops")) {
      out["pending_ops"] = json::object();
    }
  } else {
    out["progress"] = task_progress(s.progress);
    if (s.phase == phase::failed) {
      out["error_code"] = plan.error_code;
      out["error_message"] = plan.error;
    } else {
      out.erase("error_code");
      out.erase("error_message");
    }
  }
  return out;
}

std::string_view v2_status(std::string_view s) noexcept {
  if (s == "queued" || s == "pending") return "queued";
  if (s == "completed") return "completed";
  if (s == "failed" || s == "aborted" || s == "cancelled") return "failed";
  return "running";
}

json render_v2(const action& a, double now, validity* v) {
  const json v1 = render_v1(a, now, v);
  json out = json::object();
  out["action_uid"] = a.uid;
  const auto type = v1.find("action_type");
  out["action_type"] = type != v1.end() && type->is_string() ? *type : json(to_string(a.kind));
  out["creation_time"] = creation_epoch(a, v1);
  out["name"] = v1.value("name", "");
  const std::string status = v1.contains("status") && v1["status"].is_string()
                                 ? v1["status"].get<std::string>()
                                 : std::string("running");
  out["status"] = v2_status(status);
  const double fallback = out["status"] == "completed" ? 100 : 0;
  out["progress"] =
      number_value(v1.contains("progress") ? progress_number(v1["progress"], fallback) : fallback);

  json info = json::object();
  if (auto it = v1.find("description"); it != v1.end() && it->is_string())
    info["description"] = *it;
  if (auto it = v1.find("error"); it != v1.end() && it->is_string()) info["error"] = *it;
  if (auto it = v1.find("error_message");
      it != v1.end() && it->is_string() && !info.contains("error"))
    info["error"] = *it;
  if (auto it = v1.find("object_name"); it != v1.end() && it->is_string()) {
    if (auto parts = split_object_name(it->get_ref<const std::string&>())) {
      info["object_type"] = std::string(parts->first);
      info["object_uid"] = std::string(parts->second);
    }
  }
  if (auto it = v1.find("pending_ops"); it != v1.end() && it->is_object() && !it->empty())
    info["pending_ops"] = *it;
  if (!info.empty()) out["additional_info"] = std::move(info);
  return out;
}

}  // namespace reemu
