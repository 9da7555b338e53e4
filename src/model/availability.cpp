// The availability decision of a database, and where its endpoint is bound.
#include "reemu/model/availability.hpp"

#include <algorithm>
#include <iterator>

#include "reemu/model/lifecycle.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

failure bdb_not_available(const database& db) {
  return {api_error::bdb_unavailable, "BDB " + std::to_string(db.uid) + " is not available"};
}

// The failure of the code the control API chose (bdb_unavailable when none):
// the suffixed codes' descriptions name the reasons, as the docs show them.
failure marked_unavailable(const database& db) {
  const std::string& code = db.health.unavailable_code;
  if (code == "bdb_unavailable_shard_unreachable") {
    return {api_error::bdb_unavailable_shard_unreachable,
            "Endpoint error status: shard unreachable"};
  }
  if (code == "bdb_unavailable_port_unbound")
    return {api_error::bdb_unavailable_port_unbound, "Endpoint error status: port unbound"};
  if (code == "bdb_unavailable_shard_unreachable_port_unbound") {
    return {api_error::bdb_unavailable_shard_unreachable_port_unbound,
            "Endpoint error status: shard unreachable, port unbound"};
  }
  return bdb_not_available(db);
}

// A database being created serves once its machine finished the step that
// binds its endpoint; a plan without that step binds it at its end.
bool bound_while_created(const bdb_operation& op, const live_state& live) {
  const auto& steps = op.plan.steps;
  const auto bind = std::find(steps.begin(), steps.end(), "bind_endpoint");
  if (bind == steps.end()) return false;
  const auto bind_index = static_cast<std::size_t>(std::distance(steps.begin(), bind));
  const bool walking = live.phase == phase::running || live.phase == phase::cancelling;
  return walking && live.step > bind_index;
}

bool is_crdt(const database& db) {
  const auto it = db.fields.find("crdt");
  return it != db.fields.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

bool is_unavailable_code(std::string_view code) noexcept {
  return std::find(std::begin(unavailable_codes), std::end(unavailable_codes), code) !=
         std::end(unavailable_codes);
}

result<availability_query> read_availability_query(std::optional<std::string_view> extend_check,
                                                   std::optional<std::string_view> tolerance_ms) {
  availability_query q;
  if (extend_check) {
    std::string_view rest = *extend_check;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view check = rest.substr(0, comma);
      if (check != "lag") {
        return failure{api_error::invalid_schema,
                       "Parameter extend_check must be a comma-separated list of checks (lag), "
                       "got '" +
                           std::string(*extend_check) + "'"};
      }
      q.lag = true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (tolerance_ms) {
    const auto ms = parse_number<std::uint64_t>(*tolerance_ms);
    if (!ms || *ms > max_lag_tolerance_ms) {
      return failure{api_error::invalid_schema,
                     "Parameter availability_lag_tolerance_ms must be a whole number of "
                     "milliseconds from 0 to " +
                         std::to_string(max_lag_tolerance_ms) + ", got '" +
                         std::string(*tolerance_ms) + "'"};
    }
    q.tolerance_ms = *ms;
  }
  return q;
}

result<> check_available(const database& db, double now, const availability_query& q) {
  // 1. What its status says.
  const bdb_view v = view_of(db, now);
  if (v.status == "creation-failed" || v.status == "recovery" || v.status == "delete-pending")
    return bdb_not_available(db);
  if (v.status == "pending" && !bound_while_created(*db.op, v.live)) return bdb_not_available(db);
  // 2. The window the control API marked.
  if (now >= db.health.unavailable_from && now < db.health.unavailable_until)
    return marked_unavailable(db);
  // 3. Traffic stopped.
  if (traffic_stopped_at(db, now)) return bdb_not_available(db);
  // 4. The lag check: only an Active-Active member has a lag to measure; a
  // real cluster answers every other database 503 at any tolerance.
  if (q.lag && (!is_crdt(db) || db.health.replica_lag_ms > static_cast<double>(q.tolerance_ms)))
    return bdb_not_available(db);
  return {};
}

std::uint64_t local_node_uid(const registry_data& d, double now) {
  const node_map nodes = nodes_at(d.nodes, now);
  return nodes.empty() ? 1 : nodes.begin()->first;
}

bool endpoint_on_node(const registry_data& d, const database& db, std::uint64_t node_uid,
                      double now) {
  const auto policy_of = [&]() -> std::string {
    const auto it = db.fields.find("proxy_policy");
    if (it != db.fields.end() && it->is_string()) return it->get<std::string>();
    return bdb_template().value("proxy_policy", "single");
  };
  const node_map nodes = nodes_at(d.nodes, now);
  if (!nodes.contains(node_uid)) return false;
  const std::string policy = policy_of();
  if (policy == "all-nodes") return true;
  for (const shard_spot& spot : placement_at(db, nodes, now)) {
    if (!spot.master) continue;
    if (spot.node_uid == node_uid) return true;
    if (policy != "all-master-shards") return false;  // single: the first master's node only
  }
  return false;
}

result<> check_endpoint_available(const registry_data& d, const database& db,
                                  std::uint64_t node_uid, double now, const availability_query& q) {
  if (check_available(db, now, q) && endpoint_on_node(d, db, node_uid, now)) return {};
  return failure{api_error::bdb_endpoint_unavailable,
                 "Local endpoint of BDB " + std::to_string(db.uid) + " on node " +
                     std::to_string(node_uid) + " is not available"};
}

}  // namespace reemu
