// The control API's actions room: create, patch and delete actions, list the
// templates. Every handler validates its whole input before touching
// anything, and every registry change goes through registry::update, so a
// rejected request changes nothing and readers see a change whole.
#include "reemu/control/actions.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "reemu/control/action_list.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/model/wire_entry.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/identifiers.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

bool is_final(std::string_view s) {
  return s == "completed" || s == "failed" || s == "cancelled" || s == "aborted";
}

std::string epoch_string(double t) { return std::to_string(static_cast<long long>(std::floor(t))); }

// A task's progress given as "50" or 50: 0..100, stored as the wire string.
result<> normalise_task_progress(json& fields, const std::string& where) {
  auto it = fields.find("progress");
  if (it == fields.end()) return {};
  double x = -1;
  if (it->is_number()) {
    x = it->get<double>();
  } else if (it->is_string()) {
    x = parse_number<double>(it->get_ref<const std::string&>()).value_or(-1);
  } else {
    return failure{api_error::invalid_type,
                   "'" + where + "progress' must be a number or a numeric string"};
  }
  if (!(x >= 0 && x <= 100)) {
    return failure{api_error::invalid_value,
                   "'" + where + "progress' must be between 0 and 100, got " + dump(*it)};
  }
  *it = dump(number_value(x));  // "50", "1e2" and 50 all become the wire's "50" / "100"
  return {};
}

result<> check_status(action_kind kind, const json& fields) {
  auto it = fields.find("status");
  if (it == fields.end()) return {};
  if (!it->is_string()) return failure{api_error::invalid_type, "'status' must be a string"};
  const auto& s = it->get_ref<const std::string&>();
  const auto vocab = statuses_of(kind);
  if (std::find(vocab.begin(), vocab.end(), s) == vocab.end()) {
    std::string list;
    for (auto v : vocab) list += (list.empty() ? "" : ", ") + std::string(v);
    return failure{api_error::invalid_value, "'status' \"" + s + "\" is not a " +
                                                 std::string(to_string(kind)) + " status (" + list +
                                                 ")"};
  }
  return {};
}

// "1" and 1 both name node 1; the wire wants a string.
// A whole-number id or epoch ("1" or 1; the wire wants the string "1").
result<> stringify(json& fields, const char* key) {
  auto it = fields.find(key);
  if (it == fields.end()) return {};
  if (it->is_number_unsigned()) *it = dump(*it);
  const bool digits =
      it->is_string() && !it->get_ref<const std::string&>().empty() &&
      it->get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    return failure{
        api_error::invalid_value,
        std::string("'") + key + "' must be a whole number >= 0 (1 or \"1\"), got " + dump(*it)};
  }
  return {};
}

// The template a create names, against the type it asks for. Without a
// template, the body must say how the action behaves: a simulate block, or
// explicit wire fields with a status.
result<> check_template(const action_template* t, action_kind kind, const std::string& name,
                        const json& body) {
  if (t && t->kind != kind) {
    return failure{api_error::invalid_value,
                   "\"" + name + "\" is a " + std::string(to_string(t->kind)) +
                       " template, not a " + std::string(to_string(kind))};
  }
  if (!body.contains("simulate") && !body.contains("status") && !t) {
    return failure{api_error::unknown_template,
                   "there is no built-in template named \"" + name +
                       "\": give a 'simulate' block with 'steps', or explicit wire fields "
                       "with a 'status'"};
  }
  return {};
}

// Ids and progress in the wire's types: a task's node_uid, creation_time and
// progress become strings; a state machine has no task_id.
result<> normalise_ids(json& body, action_kind kind) {
  if (kind == action_kind::state_machine) {
    if (body.contains("task_id"))
      return failure{api_error::invalid_value, "'task_id' belongs to tasks, not state machines"};
    return {};
  }
  for (const char* key : {"node_uid", "creation_time"})
    if (auto ok = stringify(body, key); !ok) return ok.error();
  return normalise_task_progress(body, "");
}

// A simulated action computes its live fields; a static one states them, in
// its kind's vocabulary.
result<> check_live_fields(const wire_entry& e) {
  if (e.plan) {
    for (const char* live : {"status", "progress", "state", "heartbeat", "error"}) {
      if (e.fields.contains(live)) {
        return failure{api_error::invalid_value,
                       std::string("'") + live +
                           "' is computed by the simulation: leave it out, or leave out "
                           "'simulate' and give explicit fields"};
      }
    }
  } else if (auto ok = check_status(e.kind, e.fields); !ok) {
    return ok.error();
  }
  if (e.kind == action_kind::state_machine && e.fields.contains("progress") &&
      !e.fields["progress"].is_number())
    return failure{api_error::invalid_type, "'progress' of a state machine must be a number"};
  return {};
}

// A create body, checked whole: the entry to make, or the failure.
result<wire_entry> parse_create_body(json body) {
  object_reader r(body);
  const auto type = r.string("type", true);
  const auto name = r.string("name", true);
  if (r.failed()) return r.error();
  if (*type != "task" && *type != "state-machine") {
    return failure{api_error::unknown_action_type,
                   "'type' must be \"task\" or \"state-machine\", got \"" + *type + "\""};
  }
  const auto kind = *type == "task" ? action_kind::task : action_kind::state_machine;
  if (name->empty()) return failure{api_error::invalid_value, "'name' must not be empty"};
  body.erase("type");
  const action_template* t = find_template(*name);
  if (auto ok = check_template(t, kind, *name, body); !ok) return ok.error();
  if (auto ok = normalise_ids(body, kind); !ok) return ok.error();
  const bool explicit_status = body.contains("status");
  auto out = parse_wire_entry(std::move(body), kind, "body");
  if (!out) return out.error();
  if (!out->plan && !explicit_status && t) out->plan = t->plan;
  if (auto ok = check_live_fields(*out); !ok) return ok.error();
  return out;
}

// What a real cluster fills in that a create may leave out.
void fill_defaults(wire_entry& e, double now) {
  if (e.kind == action_kind::task) {
    if (!e.fields.contains("node_uid")) e.fields["node_uid"] = "1";
    if (!e.fields.contains("creation_time")) e.fields["creation_time"] = epoch_string(now);
  } else if (!e.plan && !e.fields.contains("heartbeat")) {
    e.fields["heartbeat"] = static_cast<long long>(std::floor(now));
  }
}

// A patch's values, checked against the action's kind; a task's node_uid and
// progress become the wire's strings.
result<> check_patch(json& patch, action_kind kind) {
  if (kind == action_kind::task) {
    if (auto ok = stringify(patch, "node_uid"); !ok) return ok.error();
    if (auto ok = normalise_task_progress(patch, ""); !ok) return ok.error();
  } else if (auto it = patch.find("progress"); it != patch.end()) {
    if (!it->is_number())
      return failure{api_error::invalid_type, "'progress' of a state machine must be a number"};
    const double x = it->get<double>();
    if (!(x >= 0 && x <= 100)) {
      return failure{api_error::invalid_value,
                     "'progress' must be between 0 and 100, got " + dump(*it)};
    }
  }
  if (auto ok = check_status(kind, patch); !ok) return ok.error();
  object_reader pr(patch);
  for (const char* key :
       {"state", "error", "error_code", "error_message", "object_name", "description"})
    pr.string(key);
  pr.object("pending_ops");
  pr.unsigned_integer("heartbeat", UINT64_MAX);
  if (pr.failed()) return pr.error();
  return {};
}

// Patching freezes the simulation: the action keeps what it showed at `now`,
// the patch applies on top, and the result is static from then on. A final
// status starts the retention of `keep` seconds.
action frozen_with(const action& current, const json& patch, double now, double keep) {
  json fields = render_v1(current, now);
  const bool moved = patch.contains("progress") || patch.contains("state");
  for (const auto& [key, value] : patch.items()) fields[key] = value;
  if (current.kind == action_kind::state_machine && moved && !patch.contains("heartbeat"))
    fields["heartbeat"] = static_cast<long long>(std::floor(now));
  const bool ended = is_final(fields.value("status", ""));
  action a = make_static_action(current.uid, current.kind, std::move(fields));
  a.started_at = current.started_at;
  a.created_at = current.created_at;
  a.gone_at = ended ? now + keep : forever;
  return a;
}

}  // namespace

reply create_action(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto m = over_long_field(*body, {{"action_uid"}, {"task_id"}, {"name"}, {"object_name"}}))
    return error_reply(api_error::invalid_value, *m);
  auto entry = parse_create_body(std::move(*body));
  if (!entry) return error_reply(entry.error());
  fill_defaults(*entry, ctx.now);
  std::optional<action> made;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    // The uid the body gave, or the next id: drawn in the write, so a
    // refused create draws none.
    action a = make_action(std::move(*entry), d.ids);
    a.started_at = ctx.now;
    a.created_at = ctx.now;
    const auto bdb = a.kind == action_kind::state_machine ? bdb_of(a.object_name) : std::nullopt;
    made = a;
    if (!d.add(std::move(a)))
      return failure{api_error::invalid_value, "action_uid " + made->uid + " already exists"};
    // A state machine works on a database, so the database exists from now on.
    if (bdb) ensure_database(d, *bdb, ctx.now, cluster);
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::created, render_v1(*made, ctx.now));
}

reply patch_action(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  object_reader r(*body);
  r.only({"status", "progress", "state", "pending_ops", "error", "error_code", "error_message",
          "heartbeat", "object_name", "node_uid", "description", "retain_seconds"});
  const auto retain = r.number("retain_seconds", 0, 10.0 * 365 * 24 * 3600);
  if (r.failed()) return error_reply(r.error());
  if (auto m = over_long_field(*body, {{"object_name"}}))
    return error_reply(api_error::invalid_value, *m);
  json patch = std::move(*body);
  patch.erase("retain_seconds");
  const std::string& uid = ctx.param("uid");

  std::optional<json> rendered;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto current = d.find(uid);
    if (!current || !is_visible(*current, ctx.now))
      return failure{api_error::action_not_found, "Action " + uid + " does not exist"};
    if (auto ok = check_patch(patch, current->kind); !ok) return ok.error();
    const simulate_plan* plan = current->plan();
    const double keep = retain ? *retain : (plan ? plan->retain_seconds : forever);
    action a = frozen_with(*current, patch, ctx.now, keep);
    const auto bdb = a.kind == action_kind::state_machine ? bdb_of(a.object_name) : std::nullopt;
    if (bdb) ensure_database(d, *bdb, ctx.now, cluster);  // as on create
    rendered = render_v1(a, ctx.now);
    d.replace(std::move(a));
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, *rendered);
}

reply delete_action(const request_context& ctx, registry& reg) {
  const std::string& uid = ctx.param("uid");
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (!d.remove(uid))
      return failure{api_error::action_not_found, "Action " + uid + " does not exist"};
    return {};
  });
  return written ? no_content() : error_reply(written.error());
}

reply get_templates(const request_context&) {
  json out = json::array();
  for (const auto& t : all_templates()) {
    json p = {{"steps", t.plan.steps},
              {"step_seconds", number_value(t.plan.step_seconds)},
              {"pending_seconds", number_value(t.plan.pending_seconds)},
              {"retain_seconds", number_value(t.plan.retain_seconds)}};
    if (t.kind == action_kind::task) p["starting_seconds"] = number_value(t.plan.starting_seconds);
    out.push_back({{"name", t.name}, {"type", to_string(t.kind)}, {"simulate", p}});
  }
  return json_reply(status::ok, json{{"templates", out}});
}

std::vector<route> control_action_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/actions", admin, uses<&list_actions>},
      {verb::post, "/emulator/v1/actions", admin, uses<&create_action>},
      {verb::patch, "/emulator/v1/actions/{uid}", admin, uses<&patch_action>},
      {verb::delete_, "/emulator/v1/actions/{uid}", admin, uses<&delete_action>},
      {verb::get, "/emulator/v1/templates", admin, uses<&get_templates>},
  };
}

}  // namespace reemu
