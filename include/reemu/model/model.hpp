// The data model: actions (tasks and state machines), their simulation plans,
// and password digests (users are model/users.hpp). Plain values; no
// locking, no clock reads, no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reemu/model/role.hpp"

namespace reemu {

using json = nlohmann::json;

// Which of the two v1 lists an action belongs to.
enum class action_kind : std::uint8_t { task, state_machine };

std::string_view to_string(action_kind k) noexcept;  // "task" | "state-machine"

// The v1 status words of each kind, in lifecycle order.
inline constexpr std::array<std::string_view, 8> task_statuses = {
    "queued", "starting", "running", "cancelling", "cancelled", "aborted", "completed", "failed"};
inline constexpr std::array<std::string_view, 4> state_machine_statuses = {"pending", "active",
                                                                           "completed", "failed"};
constexpr std::span<const std::string_view> statuses_of(action_kind k) noexcept {
  if (k == action_kind::task) return task_statuses;
  return state_machine_statuses;
}

inline constexpr double forever = std::numeric_limits<double>::infinity();

// One shard operation a state machine performs (model/shard_ops.hpp): the
// shard it works on (its uid, as pending_ops keys it) and the operation
// (migrate_shard, failover_shard, reshard).
struct shard_op {
  std::string shard_uid;
  std::string op_name;
  bool operator==(const shard_op&) const = default;
};

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
  double retain_seconds = 3600;  // visible this long after it completes; 0 = vanishes at once
  // Visible this long after it fails: a poller must be able to tell a failure
  // from a success, so even a machine that vanishes on success (SMDeleteBDB)
  // stays visible as failed.
  double retain_failed_seconds = 3600;
  // A cancel asked this many seconds after the start (forever: none). A task
  // then shows cancelling until the end of the phase or step it is in, and
  // is cancelled from then on (kept retain_failed_seconds); a cancel asked
  // at or after the natural end changes nothing.
  double cancel_after = forever;
  // The shard operations the walk performs, one after another over its
  // steps; pending_ops shows those not finished (model/shard_ops.hpp).
  std::vector<shard_op> shard_ops;
  bool operator==(const simulate_plan&) const = default;
};

// A static action's body: its v1 wire object as text, serialised once when
// the action is made (wire.hpp: make_static_action). Lists and lookups copy
// these bytes instead of rendering, and a JSON tree would cost several times
// the bytes of its text, which matters at 100k actions.
struct static_body {
  std::shared_ptr<const std::string> v1;  // never null in a made action
};

// A simulated action's body: the wire fields as seeded, created or restored
// (unknown keys kept, served verbatim) and the plan that computes the live
// fields (status, progress, state, heartbeat, error…) from the clock at read
// time; those override `fields`.
struct simulated_body {
  json fields = json::object();
  simulate_plan plan;
};

// One action as the registry stores it. Its two representations are the two
// alternatives of `body`: make one with make_static_action() or
// make_simulated_action() (wire.hpp), which also fill `object_name`. The
// simulated part sits behind a pointer, so a static action (most of a large
// seed) does not carry its size: 120 bytes instead of 272.
struct action {
  std::string uid;
  action_kind kind = action_kind::task;
  std::variant<static_body, std::shared_ptr<const simulated_body>> body;
  double started_at = 0;     // clock time the plan's timeline starts at
  double created_at = 0;     // clock time of creation, for creation_time
  double gone_at = forever;  // static actions: invisible from this clock time on
  std::string object_name;   // the wire's "object_name" ("bdb:1"), for the bdb index

  // The simulated part; nullptr for a static action.
  const simulated_body* simulated() const noexcept {
    const auto* s = std::get_if<std::shared_ptr<const simulated_body>>(&body);
    return s ? s->get() : nullptr;
  }
  // The simulated part made this action's own to edit (copies of an action
  // share it until then); nullptr for a static action.
  simulated_body* edit_simulated() {
    const simulated_body* s = simulated();
    if (!s) return nullptr;
    auto own = std::make_shared<simulated_body>(*s);
    body = own;
    return own.get();
  }
  // The plan of a simulated action; nullptr for a static one.
  const simulate_plan* plan() const noexcept {
    const simulated_body* s = simulated();
    return s ? &s->plan : nullptr;
  }
  // The v1 text of a static action; nullptr for a simulated one.
  const std::shared_ptr<const std::string>* static_v1() const noexcept {
    const auto* s = std::get_if<static_body>(&body);
    return s ? &s->v1 : nullptr;
  }
};

// A salted, slow hash of a password (PBKDF2-HMAC-SHA256, see auth.hpp):
// users never hold the clear text after loading.
struct password_digest {
  std::array<unsigned char, 16> salt{};
  std::array<unsigned char, 32> hash{};
  std::uint32_t iterations = 0;
  bool operator==(const password_digest&) const = default;
};

// Splits "bdb:12" into {"bdb", "12"}; nullopt without a ':'.
std::optional<std::pair<std::string_view, std::string_view>> split_object_name(
    std::string_view object_name) noexcept;

// Database uids run from 1 to this: the u32 clients decode a bdb's `uid`
// into, and what the state file loads (model/invariants.hpp).
inline constexpr std::uint64_t max_bdb_uid = 4294967295;

// The database a state machine works on: "bdb:12" -> 12; nullopt for any
// other object or a uid outside 1..max_bdb_uid.
std::optional<std::uint64_t> bdb_of(std::string_view object_name);

}  // namespace reemu
