// The one table from api_error to HTTP status and wire error_code.
#include "reemu/model/errors.hpp"

#include <boost/throw_exception.hpp>
#include <nlohmann/json.hpp>

namespace reemu {

namespace {

struct error_row {
  unsigned code;
  std::string_view name;
};

constexpr error_row row_of(api_error e) noexcept {
  switch (e) {
    case api_error::unauthorized:
      return {401, "unauthorized"};
    case api_error::insufficient_permissions:
      return {403, "insufficient_permissions"};
    case api_error::action_not_found:
      return {404, "action_not_found"};
    case api_error::db_not_exist:
      return {404, "db_not_exist"};
    case api_error::node_not_found:
      return {404, "node_not_found"};
    case api_error::proxy_not_found:
      return {404, "proxy_not_found"};
    case api_error::not_found:
      return {404, "not_found"};
    case api_error::method_not_allowed:
      return {405, "method_not_allowed"};
    case api_error::not_emulated:
      return {501, "not_emulated"};
    case api_error::bad_request:
      return {400, "bad_request"};
    case api_error::invalid_schema:
      return {400, "invalid_schema"};
    case api_error::missing_db_name:
      return {400, "missing_db_name"};
    case api_error::missing_memory_size:
      return {400, "missing_memory_size"};
    case api_error::name_violation:
      return {400, "name_violation"};
    case api_error::invalid_version:
      return {400, "invalid_version"};
    case api_error::uid_exists:
      return {409, "uid_exists"};
    case api_error::port_unavailable:
      return {409, "port_unavailable"};
    case api_error::busy:
      return {409, "busy"};
    case api_error::action_in_progress:
      return {409, "action_in_progress"};
    case api_error::wrong_cluster_state_id:
      return {409, "wrong_cluster_state_id"};
    case api_error::insufficient_resources:
      return {406, "insufficient_resources"};
    case api_error::invalid_threshold:
      return {406, "invalid_threshold"};
    case api_error::db_busy:
      return {409, "db_busy"};
    case api_error::shard_not_exist:
      return {404, "shard_not_exist"};
    case api_error::shard_uids_required:
      return {404, "shard_uids_required"};
    case api_error::failover_shards_different_bdb:
      return {400, "failover_shards_different_bdb"};
    case api_error::shard_is_slave:
      return {400, "shard_is_slave"};
    case api_error::node_not_exist:
      return {404, "node_not_exist"};
    case api_error::module_not_exist:
      return {404, "module_not_exist"};
    case api_error::license_expired:
      return {403, "license_expired"};
    case api_error::invalid_certificate:
      return {400, "invalid_certificate"};
    case api_error::unknown_certificate:
      return {403, "unknown_certificate"};
    case api_error::invalid_license:
      return {400, "invalid_license"};
    case api_error::license_violation:
      return {406, "license_violation"};
    case api_error::db_not_found:
      return {404, "db_not_found"};
    case api_error::bdb_unavailable:
      return {503, "bdb_unavailable"};
    case api_error::bdb_unavailable_shard_unreachable:
      return {503, "bdb_unavailable_shard_unreachable"};
    case api_error::bdb_unavailable_port_unbound:
      return {503, "bdb_unavailable_port_unbound"};
    case api_error::bdb_unavailable_shard_unreachable_port_unbound:
      return {503, "bdb_unavailable_shard_unreachable_port_unbound"};
    case api_error::bdb_endpoint_unavailable:
      return {503, "bdb_endpoint_unavailable"};
    case api_error::invalid_param:
      return {400, "invalid_param"};
    case api_error::read_only_object:
      return {409, "read_only_object"};
    case api_error::redis_acl_not_exist:
      return {404, "redis_acl_not_exist"};
    case api_error::redis_acl_in_use:
      return {406, "redis_acl_in_use"};
    case api_error::ldap_mapping_not_exist:
      return {404, "ldap_mapping_not_exist"};
    case api_error::invalid_dn_param:
      return {400, "invalid_dn_param"};
    case api_error::invalid_name_param:
      return {400, "invalid_name_param"};
    case api_error::invalid_role_uids_param:
      return {400, "invalid_role_uids_param"};
    case api_error::crdb_not_found:
      return {404, "crdb_not_found"};
    case api_error::crdb_task_not_found:
      return {404, "task_not_found"};
    case api_error::crdb_not_accepted:
      return {406, "crdb_not_accepted"};
    case api_error::crdb_task_not_cancelable:
      return {406, "task_not_cancelable"};
    case api_error::not_supported_action_on_crdt:
      return {406, "not_supported_action_on_crdt"};
    case api_error::crdt_sharding_violation:
      return {406, "crdt_sharding_violation"};
    case api_error::invalid_schema_object:
      return {406, "invalid_object"};
    case api_error::crdb_task_id_exists:
      return {409, "task_id_exists"};
    case api_error::syncer_state_not_found:
      return {404, "syncer_state_not_found"};
    case api_error::header_too_large:
      return {431, "header_too_large"};
    case api_error::body_too_large:
      return {413, "body_too_large"};
    case api_error::user_not_exist:
      return {404, "user_not_exist"};
    case api_error::role_not_exist:
      return {404, "role_not_exist"};
    case api_error::request_role_not_exist:
      return {400, "role_not_exist"};
    case api_error::email_already_exists:
      return {409, "email_already_exists"};
    case api_error::name_already_exists:
      return {409, "name_already_exists"};
    case api_error::password_not_complex:
      return {400, "password_not_complex"};
    case api_error::new_password_same_as_current:
      return {400, "new_password_same_as_current"};
    case api_error::change_last_admin_role_not_allowed:
      return {406, "change_last_admin_role_not_allowed"};
    case api_error::role_in_use:
      return {406, "role_in_use"};
    case api_error::unsupported_resource:
      return {400, "unsupported_resource"};
    case api_error::unauthorized_action:
      return {403, "unauthorized_action"};
    case api_error::cannot_delete_last_password:
      return {400, "cannot_delete_last_password"};
    case api_error::password_not_exist:
      return {404, "password_not_exist"};
    case api_error::service_unavailable:
      return {503, "service_unavailable"};
    case api_error::malformed_json:
      return {400, "malformed_json"};
    case api_error::invalid_type:
      return {400, "invalid_type"};
    case api_error::invalid_value:
      return {400, "invalid_value"};
    case api_error::unknown_field:
      return {400, "unknown_field"};
    case api_error::missing_field:
      return {400, "missing_field"};
    case api_error::unknown_action_type:
      return {400, "unknown_action_type"};
    case api_error::unknown_template:
      return {400, "unknown_template"};
    case api_error::unknown_role:
      return {400, "unknown_role"};
    case api_error::user_exists:
      return {400, "user_exists"};
    case api_error::user_not_found:
      return {404, "user_not_found"};
    case api_error::database_exists:
      return {400, "database_exists"};
    case api_error::fault_not_found:
      return {404, "fault_not_found"};
    case api_error::plan_not_found:
      return {404, "plan_not_found"};
    case api_error::clock_not_manual:
      return {409, "clock_not_manual"};
    case api_error::cross_site_request:
      return {403, "cross_site_request"};
    case api_error::unsupported_media_type:
      return {415, "unsupported_media_type"};
    case api_error::internal_error:
      return {500, "internal_error"};
  }
  return {500, "internal_error"};
}
}  // namespace

unsigned status_code_of(api_error e) noexcept { return row_of(e).code; }

std::string_view code_of(api_error e) noexcept { return row_of(e).name; }

std::string error_body(std::string_view error_code, std::string_view description) {
  nlohmann::json body = nlohmann::json::object();
  body["description"] = description;
  body["error_code"] = error_code;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void throw_exception_from_error(const failure& f, const boost::source_location& loc) {
  boost::throw_with_location(
      bad_result_access("value() of a failed result: " + std::string(code_of(f.error)) + ": " +
                        f.description),
      loc);
}

}  // namespace reemu
