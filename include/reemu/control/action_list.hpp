// The control API's list of actions (GET /emulator/v1/actions): every visible
// action as the emulated API shows it, with what only the emulator knows (the
// plan's current step and end), grouped by the object it works on and paged.
// The dashboard reads it; unlike GET /v1/actions it takes no faults.
#pragma once

#include <string>

#include "reemu/http/router.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

// Most actions one page holds; page on with `offset`.
inline constexpr std::size_t max_action_page = 1000;
inline constexpr std::size_t default_action_page = 100;

// What an action is grouped under: its object_name ("bdb:3"), else a task's
// "node:N" from its node_uid, else "" (listed last).
std::string action_group(const action& a);

// Strict weak order of group names: by the part before ':', then by the part
// after it as a number when both are whole numbers ("bdb:2" < "bdb:10"), else
// as text; "" after every other group.
bool group_before(std::string_view a, std::string_view b) noexcept;

// GET /emulator/v1/actions?offset=N&limit=N:
// {"actions":[{"type","group","action":{v1},"step","step_index","steps","ends_at"}…],
//  "total":N,"offset":N,"running_until":T}. The plan fields come with simulated
// actions only; running_until (the latest end of a plan still running) only
// while one runs.
reply list_actions(const request_context& ctx);

}  // namespace reemu
