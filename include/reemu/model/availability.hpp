// Database availability: what GET /v1/bdbs/{uid}/availability and
// GET /v1/local/bdbs/{uid}/endpoint/availability decide for a database at a
// clock time. Plain values; no locking, no clock reads.
//
// The decision reads the stored database as it is (its operation's plan at
// `now`, a few of its fields, the health the control API set), never its
// rendered object: health checkers poll this route every second.
//
// In order, the first that holds answers 503:
//   1. its status: creation-failed, recovery and delete-pending are down;
//      pending is down until its SMCreateBDB finished the step that binds
//      the endpoint (bind_endpoint), up after (a plan without that step: up
//      once the machine completed);
//   2. the window the control API marked unavailable holds `now`, with the
//      error code it chose;
//   3. its traffic is stopped (stop_traffic completed, resume_traffic not);
//   4. with extend_check=lag: a database that is not Active-Active (crdt
//      false) always, as on real clusters; an Active-Active one when its
//      replica lag is above the tolerance.
// The local route then also needs the endpoint bound on the local node
// (its proxy_policy and where the master shards run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reemu/model/database.hpp"
#include "reemu/model/errors.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

// The cluster's availability_lag_tolerance_ms (the cluster capture's).
inline constexpr std::uint64_t default_lag_tolerance_ms = 100;

// The largest tolerance a query may give, and the largest replica lag the
// control API sets: a day, in milliseconds.
inline constexpr std::uint64_t max_lag_tolerance_ms = 86'400'000;
inline constexpr double max_replica_lag_ms = 86'400'000;

// The error codes an unavailable database answers with: bdb_unavailable
// and the suffixed forms the current docs list.
inline constexpr std::string_view unavailable_codes[] = {
    "bdb_unavailable", "bdb_unavailable_shard_unreachable", "bdb_unavailable_port_unbound",
    "bdb_unavailable_shard_unreachable_port_unbound"};
bool is_unavailable_code(std::string_view code) noexcept;

// What the query asks: extend_check=lag and the tolerance it compares with.
struct availability_query {
  bool lag = false;
  std::uint64_t tolerance_ms = default_lag_tolerance_ms;
};

// Reads the query's extend_check (a comma list; `lag` is the one check
// defined) and availability_lag_tolerance_ms (a whole number of ms, at most
// max_lag_tolerance_ms), each nullopt when absent. 400 invalid_schema for
// anything else; other parameters are not read.
result<availability_query> read_availability_query(std::optional<std::string_view> extend_check,
                                                   std::optional<std::string_view> tolerance_ms);

// Whether `db` is available at `now` under `q`: success, or the 503 to answer
// (bdb_unavailable or the suffixed code the control API chose, with the
// description "BDB <uid> is not available" a real cluster sends).
result<> check_available(const database& db, double now, const availability_query& q);

// The node the emulator answers as (the local node of the local routes and
// /v1/bootstrap): the lowest uid the cluster has at `now`; 1 when none.
std::uint64_t local_node_uid(const registry_data& d, double now);

// Whether `db`'s endpoint is bound on node `node_uid` at `now`: every node
// with proxy_policy all-nodes, the nodes that run a master shard with
// all-master-shards, the first master's node with single (the template's
// policy when the database sets none).
bool endpoint_on_node(const registry_data& d, const database& db, std::uint64_t node_uid,
                      double now);

// GET /v1/local/bdbs/{uid}/endpoint/availability asked of node `node_uid`:
// check_available, then endpoint_on_node; every refusal is 503
// bdb_endpoint_unavailable, "Local endpoint of BDB <uid> on node <n> is not
// available".
result<> check_endpoint_available(const registry_data& d, const database& db,
                                  std::uint64_t node_uid, double now, const availability_query& q);

}  // namespace reemu
