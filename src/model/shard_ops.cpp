// Shard operations: derived when a machine starts, shown while it walks.
#include "reemu/model/shard_ops.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "reemu/model/blueprint.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/util/identifiers.hpp"

namespace reemu {

std::vector<shard_op> shard_moves(const std::vector<std::uint64_t>& uids,
                                  const std::vector<shard_spot>& before,
                                  const std::vector<shard_spot>& after) {
  std::vector<shard_op> out;
  if (uids.size() != before.size() || uids.size() != after.size()) return out;
  for (std::size_t i = 0; i < uids.size(); ++i) {
    if (before[i].node_uid != after[i].node_uid) {
      out.push_back({std::to_string(uids[i]), std::string(migrate_shard_op)});
    } else if (before[i].master && !after[i].master) {
      out.push_back({std::to_string(uids[i]), std::string(failover_shard_op)});
    }
  }
  return out;
}

std::vector<shard_op> reshard_ops(const std::vector<std::uint64_t>& uids) {
  std::vector<shard_op> out;
  out.reserve(uids.size());
  for (const std::uint64_t uid : uids)
    out.push_back({std::to_string(uid), std::string(reshard_op)});
  return out;
}

namespace {

// Each operation's slice of the walk is cut into this many grains: its
// progress is a whole percent.
constexpr std::size_t grains_per_op = 100;

}  // namespace

json pending_ops_at(const simulate_plan& plan, double started_at, double now, validity* v) {
  json out = json::object();
  const std::vector<shard_op>& ops = plan.shard_ops;
  if (ops.empty() || plan.steps.empty()) return out;
  const live_state s = evaluate(plan, started_at, now);
  if (v) v->narrow(s.valid_from, s.valid_until);
  // The time the operations are read at: now while the walk runs, the
  // moment it stopped once it failed or was cancelled.
  double t = now;
  bool live = false;
  switch (s.phase) {
    case phase::running:
      live = true;
      break;
    case phase::failed:
      t = s.ended_at;
      break;
    case phase::cancelling:
    case phase::cancelled:
      t = started_at + plan.cancel_after;
      break;
    default:  // waiting or starting: none issued yet; completed: all done
      return out;
  }
  const double run_start = started_at + plan.pending_seconds + plan.starting_seconds;
  const double total = static_cast<double>(plan.steps.size()) * plan.step_seconds;
  const std::size_t grains = ops.size() * grains_per_op;
  const auto at = [&](std::size_t m) {
    return run_start + static_cast<double>(m) * total / static_cast<double>(grains);
  };
  if (t < run_start || (!live && t >= at(grains))) return out;
  // Floor, clamped, then settled on the grain whose [at(m), at(m + 1))
  // holds t, as evaluate() settles on a step.
  const double x = std::floor((t - run_start) * static_cast<double>(grains) / total);
  std::size_t m = x <= 0 ? 0 : std::min(static_cast<std::size_t>(x), grains - 1);
  while (m + 1 < grains && t >= at(m + 1)) ++m;
  while (m > 0 && t < at(m)) --m;
  if (live && v) v->narrow(at(m), m + 1 < grains ? at(m + 1) : forever);
  const std::size_t running = m / grains_per_op;
  for (std::size_t j = running; j < ops.size(); ++j) {
    const std::size_t progress = j == running ? m % grains_per_op : 0;
    out[ops[j].shard_uid] = {{"op_name", ops[j].op_name}, {"progress", progress}};
  }
  return out;
}

json shard_ops_json(const std::vector<shard_op>& ops) {
  json out = json::array();
  for (const shard_op& op : ops)
    out.push_back({{"op_name", op.op_name}, {"shard_uid", op.shard_uid}});
  return out;
}

result<std::vector<shard_op>> read_shard_ops(const json& list, const std::string& where) {
  if (!list.is_array())
    return failure{api_error::invalid_type, "'" + where + "' must be an array of objects"};
  if (list.size() > max_database_shards) {
    return failure{api_error::invalid_value, "'" + where + "' holds more than " +
                                                 std::to_string(max_database_shards) +
                                                 " operations, the most one database has shards"};
  }
  std::vector<shard_op> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& e = list[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!e.is_object()) return failure{api_error::invalid_type, "'" + at + "' must be an object"};
    shard_op op;
    for (const auto& [key, value] : e.items()) {
      if (key != "shard_uid" && key != "op_name")
        return failure{api_error::unknown_field, "'" + at + "." + key + "' is not a known field"};
      if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
          value.get_ref<const std::string&>().size() > max_identifier_length) {
        return failure{api_error::invalid_type,
                       "'" + at + "." + key + "' must be a non-empty string of at most " +
                           std::to_string(max_identifier_length) + " characters"};
      }
      (key == "shard_uid" ? op.shard_uid : op.op_name) = value.get<std::string>();
    }
    if (op.shard_uid.empty() || op.op_name.empty()) {
      return failure{api_error::missing_field, "'" + at + "' needs 'shard_uid' and 'op_name'"};
    }
    if (!seen.insert(op.shard_uid).second) {
      return failure{api_error::invalid_value,
                     "'" + where + "' names shard " + op.shard_uid + " twice"};
    }
    out.push_back(std::move(op));
  }
  return out;
}

}  // namespace reemu
