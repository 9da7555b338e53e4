// The one table from api_error to HTTP status and wire error_code.
#include "reemu/http/errors.hpp"

#include <nlohmann/json.hpp>

namespace reemu {

namespace {
using status = boost::beast::http::status;

struct error_row {
  status code;
  std::string_view name;
};

constexpr error_row row_of(api_error e) noexcept {
  switch (e) {
    case api_error::unauthorized:
      return {status::unauthorized, "unauthorized"};
    case api_error::insufficient_permissions:
      return {status::forbidden, "insufficient_permissions"};
    case api_error::action_not_found:
      return {status::not_found, "action_not_found"};
    case api_error::db_not_exist:
      return {status::not_found, "db_not_exist"};
    case api_error::node_not_found:
      return {status::not_found, "node_not_found"};
    case api_error::not_found:
      return {status::not_found, "not_found"};
    case api_error::method_not_allowed:
      return {status::method_not_allowed, "method_not_allowed"};
    case api_error::bad_request:
      return {status::bad_request, "bad_request"};
    case api_error::invalid_schema:
      return {status::bad_request, "invalid_schema"};
    case api_error::missing_db_name:
      return {status::bad_request, "missing_db_name"};
    case api_error::missing_memory_size:
      return {status::bad_request, "missing_memory_size"};
    case api_error::name_violation:
      return {status::bad_request, "name_violation"};
    case api_error::invalid_version:
      return {status::bad_request, "invalid_version"};
    case api_error::uid_exists:
      return {status::conflict, "uid_exists"};
    case api_error::port_unavailable:
      return {status::conflict, "port_unavailable"};
    case api_error::busy:
      return {status::conflict, "busy"};
    case api_error::action_in_progress:
      return {status::conflict, "action_in_progress"};
    case api_error::wrong_cluster_state_id:
      return {status::conflict, "wrong_cluster_state_id"};
    case api_error::insufficient_resources:
      return {status::not_acceptable, "insufficient_resources"};
    case api_error::db_busy:
      return {status::conflict, "db_busy"};
    case api_error::shard_not_exist:
      return {status::not_found, "shard_not_exist"};
    case api_error::shard_uids_required:
      return {status::not_found, "shard_uids_required"};
    case api_error::failover_shards_different_bdb:
      return {status::bad_request, "failover_shards_different_bdb"};
    case api_error::shard_is_slave:
      return {status::bad_request, "shard_is_slave"};
    case api_error::node_not_exist:
      return {status::not_found, "node_not_exist"};
    case api_error::module_not_exist:
      return {status::not_found, "module_not_exist"};
    case api_error::header_too_large:
      return {status::request_header_fields_too_large, "header_too_large"};
    case api_error::body_too_large:
      return {status::payload_too_large, "body_too_large"};
    case api_error::service_unavailable:
      return {status::service_unavailable, "service_unavailable"};
    case api_error::malformed_json:
      return {status::bad_request, "malformed_json"};
    case api_error::invalid_type:
      return {status::bad_request, "invalid_type"};
    case api_error::invalid_value:
      return {status::bad_request, "invalid_value"};
    case api_error::unknown_field:
      return {status::bad_request, "unknown_field"};
    case api_error::missing_field:
      return {status::bad_request, "missing_field"};
    case api_error::unknown_action_type:
      return {status::bad_request, "unknown_action_type"};
    case api_error::unknown_template:
      return {status::bad_request, "unknown_template"};
    case api_error::unknown_role:
      return {status::bad_request, "unknown_role"};
    case api_error::user_exists:
      return {status::bad_request, "user_exists"};
    case api_error::user_not_found:
      return {status::not_found, "user_not_found"};
    case api_error::database_exists:
      return {status::bad_request, "database_exists"};
    case api_error::fault_not_found:
      return {status::not_found, "fault_not_found"};
    case api_error::plan_not_found:
      return {status::not_found, "plan_not_found"};
    case api_error::clock_not_manual:
      return {status::conflict, "clock_not_manual"};
    case api_error::cross_site_request:
      return {status::forbidden, "cross_site_request"};
    case api_error::unsupported_media_type:
      return {status::unsupported_media_type, "unsupported_media_type"};
    case api_error::internal_error:
      return {status::internal_server_error, "internal_error"};
  }
  return {status::internal_server_error, "internal_error"};
}
}  // namespace

status status_of(api_error e) noexcept { return row_of(e).code; }

std::string_view code_of(api_error e) noexcept { return row_of(e).name; }

std::string error_body(std::string_view error_code, std::string_view description) {
  nlohmann::json body = nlohmann::json::object();
  body["description"] = description;
  body["error_code"] = error_code;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace reemu
