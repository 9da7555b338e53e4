// Small reads with fixed or derived answers (api/small_reads.hpp).
#include "reemu/api/small_reads.hpp"

#include <algorithm>
#include <iterator>

#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

using http_t::status;

// The cluster's DNS suffix: its name, as a real cluster lists its FQDN.
json suffix_object(const cluster_settings& cluster) {
  return json{{"default", true},      {"internal", false},       {"mdns", false},
              {"name", cluster.name}, {"slaves", json::array()}, {"use_aaaa_ns", false}};
}

// The objects the documentation gives a schema for; only bdb's is modelled.
constexpr std::string_view schema_objects[] = {"action",
                                               "alert",
                                               "bdb",
                                               "bdb_group",
                                               "check_result",
                                               "cluster",
                                               "cluster_settings",
                                               "crdb",
                                               "crdb_task",
                                               "db_alerts_settings",
                                               "job_scheduler",
                                               "ldap",
                                               "ldap_mapping",
                                               "module",
                                               "node",
                                               "ocsp",
                                               "ocsp_status",
                                               "proxy",
                                               "redis_acl",
                                               "role",
                                               "services_configuration",
                                               "shard",
                                               "state_machine",
                                               "suffix",
                                               "user"};

}  // namespace

reply get_jsonschema(const request_context& ctx) {
  const auto it = ctx.query.find("object");
  const std::string object = it == ctx.query.end() ? std::string() : std::string((*it).value);
  static const json bdb = bdb_json_schema();
  if (object == "bdb") return json_reply(status::ok, bdb);
  // Without `object` a real cluster answers 200 (the parity baseline); its
  // body is not recorded: here, the schemas served, by object name.
  if (it == ctx.query.end()) return json_reply(status::ok, json{{"bdb", bdb}});
  if (std::find(std::begin(schema_objects), std::end(schema_objects), object) !=
      std::end(schema_objects)) {
    return error_reply(api_error::not_emulated,
                       "The JSON schema of object '" + object +
                           "' is not emulated; object=bdb is (docs/coverage.md)");
  }
  return error_reply(api_error::invalid_schema_object, "Invalid object '" + object + "'");
}

reply get_suffixes(const request_context&, const cluster_settings& cluster) {
  return json_reply(status::ok, json::array({suffix_object(cluster)}));
}

reply get_suffix(const request_context& ctx, const cluster_settings& cluster) {
  if (ctx.param("name") != cluster.name) {
    return error_reply(failure{api_error::not_found,
                               "DNS suffix " + std::string(ctx.param("name")) + " does not exist"});
  }
  return json_reply(status::ok, suffix_object(cluster));
}

std::vector<route> small_read_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/suffixes", access::needs("view_cluster_info"), uses<&get_suffixes>},
      {verb::get, "/v1/suffix/{name}", access::needs("view_cluster_info"), uses<&get_suffix>},
      // The reference lists no permission: any user.
      {verb::get, "/v1/jsonschema", access::any_user(), uses<&get_jsonschema>},
  };
}

}  // namespace reemu
