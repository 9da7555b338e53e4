// The wire-entry parser shared by the config, the control API and the state file.
#include "reemu/model/wire_entry.hpp"

#include <charconv>
#include <cmath>

#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

result<wire_entry> parse_wire_entry(json entry, action_kind kind, const std::string& where) {
  object_reader r(entry, where);
  auto uid = r.string("action_uid");
  auto name = r.string("name", true);
  r.string("status");
  r.string("object_name");
  // Task progress, node_uid and creation_time are strings on the wire, but
  // some captures and hand-written seeds use numbers: both are served verbatim.
  if (kind == action_kind::state_machine) {
    r.unsigned_integer("heartbeat", UINT64_MAX);
    r.number("progress", 0, 100);
    r.string("state");
    r.object("pending_ops");
  }
  const json* simulate = r.object("simulate");
  if (r.failed()) return r.error();
  if (uid && uid->empty())
    return failure{api_error::invalid_value, "'" + where + ".action_uid' must not be empty"};

  wire_entry out;
  out.kind = kind;
  const json simulate_block = simulate ? *simulate : json();
  out.fields = std::move(entry);  // moved, not copied: a large seed is held once
  out.fields.erase("simulate");
  if (uid) out.fields["action_uid"] = *uid;
  if (simulate) {
    const action_template* t = find_template(*name);
    simulate_plan plan = t ? t->plan : simulate_plan{};
    if (!t && !simulate_block.contains("steps")) {
      return failure{api_error::unknown_template,
                     "'" + where +
                         ".simulate' needs 'steps': there is no built-in template named \"" +
                         *name + "\""};
    }
    auto parsed = parse_simulate(simulate_block, std::move(plan), where + ".simulate");
    if (!parsed) return parsed.error();
    out.plan = std::move(*parsed);
  }
  return out;
}

action make_action(wire_entry entry) {
  std::string uid = entry.fields["action_uid"].get<std::string>();
  if (entry.plan) {
    return make_simulated_action(std::move(uid), entry.kind, std::move(entry.fields),
                                 std::move(*entry.plan));
  }
  return make_static_action(std::move(uid), entry.kind, std::move(entry.fields));
}

action make_action(wire_entry entry, id_sequence& ids) {
  if (!entry.fields.contains("action_uid")) entry.fields["action_uid"] = ids.next();
  return make_action(std::move(entry));
}

namespace {

// dump(number_value(x)), without building a JSON value for the common case.
void append_record_number(std::string& out, double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, static_cast<long long>(x));
    out.append(digits, end);
  } else {
    out += dump(number_value(x));
  }
}

}  // namespace

void append_action_record(std::string& out, const action& a) {
  out += "{\"created_at\":";
  append_record_number(out, a.created_at);
  out += ",\"fields\":";
  const simulated_body* sim = a.simulated();
  out += sim ? dump(sim->fields) : **a.static_v1();
  if (a.gone_at != forever) {
    out += ",\"gone_at\":";
    append_record_number(out, a.gone_at);
  }
  if (sim) {
    out += ",\"simulate\":";
    out += dump(to_simulate_block(sim->plan));
  }
  out += ",\"started_at\":";
  append_record_number(out, a.started_at);
  out += ",\"type\":\"";
  out += to_string(a.kind);
  out += "\"}";
}

result<action> action_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"type", "fields", "simulate", "started_at", "created_at", "gone_at"});
  auto type = r.string("type", true);
  const json* fields = r.object("fields", true);
  const json* simulate = r.object("simulate");
  auto started_at = r.time("started_at", true);
  auto created_at = r.time("created_at", true);
  auto gone_at = r.time("gone_at");
  if (r.failed()) return r.error();
  if (*type != "task" && *type != "state-machine") {
    return failure{api_error::invalid_value, "'" + where +
                                                 ".type' must be \"task\" or \"state-machine\", "
                                                 "got \"" +
                                                 *type + "\""};
  }
  if (!fields->contains("action_uid"))
    return failure{api_error::missing_field, "'" + where + ".fields' has no 'action_uid'"};

  json entry = *fields;
  if (simulate) entry["simulate"] = *simulate;
  auto parsed = parse_wire_entry(std::move(entry),
                                 *type == "task" ? action_kind::task : action_kind::state_machine,
                                 where + ".fields");
  if (!parsed) return parsed.error();
  action out = make_action(std::move(*parsed));
  out.started_at = *started_at;
  out.created_at = *created_at;
  out.gone_at = gone_at.value_or(forever);
  return out;
}

}  // namespace reemu
