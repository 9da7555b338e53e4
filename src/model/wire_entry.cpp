// The wire-entry parser shared by the config, the control API and the state file.
#include "reemu/model/wire_entry.hpp"

#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/uuid.hpp"

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
  out.fields["action_uid"] = uid ? *uid : make_uuid_v4();
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

}  // namespace reemu
