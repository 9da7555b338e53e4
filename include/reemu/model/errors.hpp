// Request errors as values, below any transport: every non-2xx answer of the emulated and control
// APIs is an api_error plus a description, turned into a status and the
// cluster's error body {"description":…,"error_code":…} in one place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace reemu {

enum class api_error {
  // Emulated API (the codes a real cluster sends).
  unauthorized,              // 401
  insufficient_permissions,  // 403
  action_not_found,          // 404
  db_not_exist,              // 404
  node_not_found,            // 404: no node with that uid (the emulator's code)
  not_found,                 // 404, unknown route
  method_not_allowed,        // 405
  bad_request,               // 400, malformed target or request
  header_too_large,          // 431
  // Database routes (the codes the Redis Software reference lists).
  invalid_schema,          // 400: unknown field, wrong type, invalid enum, bad JSON
  missing_db_name,         // 400
  missing_memory_size,     // 400
  name_violation,          // 400
  invalid_version,         // 400
  uid_exists,              // 409
  port_unavailable,        // 409
  busy,                    // 409: the database's state machine runs
  action_in_progress,      // 409: a node or cluster action of that kind runs
  wrong_cluster_state_id,  // 409
  insufficient_resources,  // 406: the licence's shards, or the last node of the cluster
  // Shard and module routes.
  db_busy,                        // 409: a shard's database runs a state machine
  shard_not_exist,                // 404
  shard_uids_required,            // 404: a multi-shard action without shard_uids
  failover_shards_different_bdb,  // 400
  shard_is_slave,                 // 400: failover of a replica
  node_not_exist,                 // 404: a migrate's target_node_uid missing or unknown
  module_not_exist,               // 404
  body_too_large,                 // 413
  service_unavailable,            // 503, connection cap reached
  // Control API input errors (400 unless noted).
  malformed_json,
  invalid_type,   // a field has the wrong JSON type
  invalid_value,  // a field's value is out of range or not in its vocabulary
  unknown_field,
  missing_field,
  unknown_action_type,
  unknown_template,
  unknown_role,
  user_exists,
  user_not_found,  // 404
  database_exists,
  fault_not_found,   // 404
  plan_not_found,    // 404
  clock_not_manual,  // 409
  // Requests a browser may have been made to send (cross-site writes).
  cross_site_request,      // 403: Origin or Sec-Fetch-Site names another site
  unsupported_media_type,  // 415: a control-API body that is not application/json
  internal_error,          // 500: a bug, reported instead of crashing
};

// Returns the HTTP status code of `e` (404, 409, ...); http/errors.hpp
// gives it as Beast's status.
unsigned status_code_of(api_error e) noexcept;

// Returns the wire `error_code` of `e` ("action_not_found", ...).
std::string_view code_of(api_error e) noexcept;

// The cluster's error body, {"description":…,"error_code":…} (compact, keys
// sorted, invalid UTF-8 replaced): the only place it is built, for
// error_reply(), fault answers and the sessions' canned answers.
std::string error_body(std::string_view error_code, std::string_view description);

// A request failure carried as a value out of validation code.
struct failure {
  api_error error;
  std::string description;
};

}  // namespace reemu
