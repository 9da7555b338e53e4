// One action in wire form as it arrives from outside: a config seed entry, a
// control-API body or a state-file record. The one parser all three share, so
// they accept the same entries with the same messages.
#pragma once

#include <optional>
#include <string>

#include "reemu/model/errors.hpp"
#include "reemu/model/ids.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

// A wire entry, checked: the wire object without its `simulate` block
// (with its action_uid when it gave one), plus the plan that block
// describes.
struct wire_entry {
  action_kind kind = action_kind::task;
  json fields;
  std::optional<simulate_plan> plan;
};

// Parses one entry of `kind`: checks the types the wire needs and splits
// off `simulate` (over the template
// of the entry's name, if there is one). `where` names the entry in messages
// ("actions[3]", "body"). Returns the entry or the failure.
result<wire_entry> parse_wire_entry(json entry, action_kind kind, const std::string& where);

// The action as the state file keeps it, appended to `out` as JSON text:
// {"created_at","fields","gone_at","simulate","started_at","type"} (gone_at
// only when it is finite, simulate only for a simulated action), keys in
// dump()'s sorted order. Written as text because a static action's fields
// are text already (static_v1): copying those bytes keeps a save of 100k
// actions to a few milliseconds. Round-trips through action_from_record.
void append_action_record(std::string& out, const action& a);

// Reads a record back through parse_wire_entry, as a seed entry is read.
// The failure names `where` ("actions[2]").
result<action> action_from_record(const json& record, const std::string& where);

// The action `entry` describes: static when it has no plan, simulated_body when it
// has one. Consumes `entry`; timestamps are left at 0 for the caller to set.
// `entry` must hold an action_uid (a state-file record always does).
action make_action(wire_entry entry);
// The same, giving an entry without an action_uid the next of `ids` (the
// registry's: call it inside the write that adds the action).
action make_action(wire_entry entry, id_sequence& ids);

}  // namespace reemu
