// Request errors as values, below any transport: every non-2xx answer of the emulated and control
// APIs is an api_error plus a description, turned into a status and the
// cluster's error body {"description":…,"error_code":…} in one place.
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace reemu {

enum class api_error {
  // Emulated API (the codes a real cluster sends).
  unauthorized,              // 401
  insufficient_permissions,  // 403
  action_not_found,          // 404
  db_not_exist,              // 404
  node_not_found,            // 404: no node with that uid (the emulator's code)
  proxy_not_found,           // 404: no proxy (node) with that uid (the emulator's code)
  not_found,                 // 404, unknown route
  method_not_allowed,        // 405
  bad_request,               // 400, malformed target or request
  header_too_large,          // 431
  not_emulated,  // 501: a documented route the emulator does not emulate (docs/coverage.md)
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
  invalid_threshold,       // 406: POST /v1/bdbs/alerts/{uid} with a threshold that is no number
  // Shard and module routes.
  db_busy,                        // 409: a shard's database runs a state machine
  shard_not_exist,                // 404
  shard_uids_required,            // 404: a multi-shard action without shard_uids
  failover_shards_different_bdb,  // 400
  shard_is_slave,                 // 400: failover of a replica
  node_not_exist,                 // 404: a migrate's target_node_uid missing or unknown
  module_not_exist,               // 404
  // Users and roles (/v1/users, /v1/roles).
  user_not_exist,                      // 404
  role_not_exist,                      // 404: a role uid or management role in the path
  request_role_not_exist,              // 400 role_not_exist: a legacy `role` no role has
  email_already_exists,                // 409
  password_not_complex,                // 400
  new_password_same_as_current,        // 400
  change_last_admin_role_not_allowed,  // 406
  role_in_use,                         // 406: a user, roles_permissions or LDAP mapping holds it
  unsupported_resource,                // 400: a role resource that is not "db"
  unauthorized_action,                 // 403: another user's password without admin
  cannot_delete_last_password,         // 400
  password_not_exist,                  // 404: DELETE /v1/users/password with another password
  // Licence routes, and what the licence refuses (model/license.hpp).
  license_expired,    // 403: a database create or update under an expired licence
  invalid_license,    // 400: PUT /v1/license with a text that is not a known key
  license_violation,  // 406: a licence that cannot be installed (expired, shards, cluster)
  // Availability routes (api/availability.hpp).
  db_not_found,                                    // 404: their unknown database
  bdb_unavailable,                                 // 503
  bdb_unavailable_shard_unreachable,               // 503
  bdb_unavailable_port_unbound,                    // 503
  bdb_unavailable_shard_unreachable_port_unbound,  // 503
  bdb_endpoint_unavailable,                        // 503: the local route's
  // Redis ACL and LDAP mapping routes.
  invalid_param,            // 400: an ACL's name or rules
  name_already_exists,      // 409: another object of the kind has the name
  read_only_object,         // 409: the Full Access ACL
  redis_acl_not_exist,      // 404
  redis_acl_in_use,         // 406: a database's roles_permissions binds the ACL
  ldap_mapping_not_exist,   // 404
  invalid_dn_param,         // 400
  invalid_name_param,       // 400
  invalid_role_uids_param,  // 400
  // Active-Active (/v1/crdbs, /v1/crdb_tasks, the syncer routes).
  crdb_not_found,                // 404
  crdb_task_not_found,           // 404
  crdb_not_accepted,             // 406: the create or change cannot be accepted
  crdb_task_not_cancelable,      // 406: the task ended
  not_supported_action_on_crdt,  // 406: a bdb change the CRDB owns (its instance, its CRDT fields)
  crdt_sharding_violation,       // 406: sharding switched on or off on an instance
  invalid_schema_object,         // 406 invalid_object: GET /v1/jsonschema of no known object
  crdb_task_id_exists,           // 409: X-Task-ID names a task that exists
  syncer_state_not_found,        // 404: the database has no syncer
  body_too_large,                // 413
  service_unavailable,           // 503, connection cap reached
  invalid_certificate,  // 400: a certificate or key that does not parse, or a pair that does not
                        // match
  unknown_certificate,  // 403: a certificate name the cluster does not have
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

// A request failure carried as a value out of validation code. A default one
// (what error() of a success gives) is internal_error.
struct failure {
  // Constructors, not an aggregate: C++20 builds an aggregate from any one
  // value convertible to its first member (a json converts to api_error),
  // and result<json> would then take a json for its error.
  failure() = default;
  failure(api_error e, std::string text) : error(e), description(std::move(text)) {}

  api_error error = api_error::internal_error;
  std::string description;
};

// The one shape of a call that can fail with a request failure: the value,
// or the failure to answer with; result<> when there is no value.
//
//   result<json> read_body(const request_context& ctx);
//   return failure{api_error::invalid_value, "..."};  // fails, in any result<T>
//   return value;                                     // succeeds
//   return {};                                        // succeeds, in a result<>
//
//   auto body = read_body(ctx);
//   if (!body) return error_reply(body.error());      // a handler answers it
//   if (auto ok = check(*body); !ok) return ok.error();  // a check passes it up
//   use(*body);                                       // or body->at("k")
//
// A result<> does not convert to a result<T>, hence `ok.error()`. error()
// returns a copy (Boost 1.81). value() on a failure throws bad_result_access:
// a bug, since code tests a result before it takes `*`.
template <class T = void>
using result = boost::system::result<T, failure>;

// What result<T>::value() throws when it holds a failure.
class bad_result_access : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Found by argument-dependent lookup from result<T>::value(): throws
// bad_result_access naming the failure and where value() was called.
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

}  // namespace reemu
