// The data model: actions (tasks and state machines), their simulation plans,
// and users. Plain values; no locking, no clock reads, no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/auth/permissions.hpp"

namespace reemu {

using json = nlohmann::json;

// Which of the two v1 lists an action belongs to.
enum class action_kind : std::uint8_t { task, state_machine };

std::string_view to_string(action_kind k) noexcept;  // "task" | "state-machine"

inline constexpr double forever = std::numeric_limits<double>::infinity();

// How an action evolves over time (SPEC.md section 2). All durations in seconds.
struct simulate_plan {
  std::vector<std::string> steps;  // state names (state machines) or running phases (tasks)
  double step_seconds = 2;         // > 0
  double pending_seconds = 0;      // state machine `pending` / task `queued` before the walk
  double starting_seconds =
      0;               // task `starting` between queued and running (an SM stays `pending`)
  bool fails = false;  // outcome: failed instead of completed
  std::size_t fail_at_step = 0;              // index into steps; meaningful when fails
  std::string error = "simulated failure";   // SM `error`, task `error_message`
  std::string error_code = "action_failed";  // task `error_code`
  double retain_seconds = 3600;  // visible this long after it ends; 0 = vanishes at once
};

// One action as the registry stores it.
//
// `fields` is the wire object as seeded, created or last patched: served
// verbatim, with unknown keys kept. When `plan` is set, the live fields
// (status, progress, state, heartbeat, error…) are computed from the plan and
// the clock at read time and override `fields`. Once a static action is in
// the registry its fields live only in `static_v1` (a JSON tree costs several
// times the bytes of its text, which matters at 100k actions): read them with
// render_v1(), never through `fields`.
struct action {
  std::string uid;
  action_kind kind = action_kind::task;
  json fields = json::object();
  std::optional<simulate_plan> plan;
  double started_at = 0;     // clock time the plan's timeline starts at
  double created_at = 0;     // clock time of creation, for creation_time
  double gone_at = forever;  // static actions: invisible from this clock time on
  // Static actions only: the v1 wire body, serialised once when the action
  // enters the registry, so lists and lookups copy bytes instead of
  // rendering. Set by registry_data::add/replace; null for simulated ones.
  std::shared_ptr<const std::string> static_v1;
  std::string object_name;  // copy of fields["object_name"] ("bdb:1"), for the bdb index
};

// A salted, slow hash of a password (PBKDF2-HMAC-SHA256, see auth.hpp):
// users never hold the clear text after loading.
struct password_digest {
  std::array<unsigned char, 16> salt{};
  std::array<unsigned char, 32> hash{};
  std::uint32_t iterations = 0;
  bool operator==(const password_digest&) const = default;
};

struct user {
  std::string email;
  reemu::role role = role::none;
  password_digest digest{};
};

// Splits "bdb:12" into {"bdb", "12"}; nullopt without a ':'.
std::optional<std::pair<std::string_view, std::string_view>> split_object_name(
    std::string_view object_name) noexcept;

}  // namespace reemu
