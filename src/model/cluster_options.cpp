// The cluster's small stored settings (model/cluster_options.hpp).
#include "reemu/model/cluster_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

enum class option_kind : std::uint8_t { boolean, count, text, redis_version, choice };

// One settable key: its kind, its default and, for a choice, the values.
struct option_spec {
  std::string_view key;
  option_kind kind;
  json fallback;
  std::vector<std::string_view> values = {};
  std::uint64_t low = 0;
  std::uint64_t high = UINT64_MAX;
};

// The cluster_settings object's keys (the public "cluster_settings object"
// page) with a fresh cluster's values.
const std::vector<option_spec>& policy_specs() {
  static const std::vector<option_spec> specs = {
      {"acl_pubsub_default",
       option_kind::choice,
       "resetchannels",
       {"resetchannels", "allchannels"}},
      {"auto_recovery", option_kind::boolean, false},
      {"automatic_node_offload", option_kind::boolean, true},
      {"bigstore_migrate_node_threshold", option_kind::count, 0},
      {"bigstore_migrate_node_threshold_p", option_kind::count, 0},
      {"bigstore_provision_node_threshold", option_kind::count, 0},
      {"bigstore_provision_node_threshold_p", option_kind::count, 0},
      {"data_internode_encryption", option_kind::boolean, false},
      {"db_conns_auditing", option_kind::boolean, false},
      {"default_concurrent_restore_actions", option_kind::count, 10},
      {"default_fork_evict_ram", option_kind::boolean, false},
      {"default_non_sharded_proxy_policy",
       option_kind::choice,
       "single",
       {"single", "all-master-shards", "all-nodes"}},
      {"default_oss_sharding", option_kind::boolean, false},
      {"default_provisioned_redis_version", option_kind::redis_version, "8.0"},
      {"default_sharded_proxy_policy",
       option_kind::choice,
       "single",
       {"single", "all-master-shards", "all-nodes"}},
      {"default_shards_placement", option_kind::choice, "dense", {"dense", "sparse"}},
      {"endpoint_rebind_enabled", option_kind::boolean, true},
      {"failure_detection_sensitivity", option_kind::choice, "high", {"high", "low"}},
      {"hide_user_data_from_log", option_kind::boolean, false},
      {"login_lockout_counter_reset_after", option_kind::count, 900},
      {"login_lockout_duration", option_kind::count, 1800},
      {"login_lockout_threshold", option_kind::count, 5},
      {"max_saved_events_per_type", option_kind::count, 100},
      {"max_simultaneous_backups", option_kind::count, 4},
      {"parallel_shards_upgrade", option_kind::count, 0},
      {"persistent_node_removal", option_kind::boolean, false},
      {"rack_aware", option_kind::boolean, false},
      {"redis_migrate_node_threshold", option_kind::count, 0},
      {"redis_migrate_node_threshold_p", option_kind::count, 0},
      {"redis_provision_node_threshold", option_kind::count, 0},
      {"redis_provision_node_threshold_p", option_kind::count, 0},
      {"redis_upgrade_policy", option_kind::choice, "major", {"major", "latest"}},
      {"resp3_default", option_kind::boolean, true},
      {"shards_overbooking", option_kind::boolean, false},
      {"show_internals", option_kind::boolean, false},
      {"slave_ha", option_kind::boolean, false},
      {"slave_ha_bdb_cooldown_period", option_kind::count, 7200},
      {"slave_ha_cooldown_period", option_kind::count, 3600},
      {"slave_ha_grace_period", option_kind::count, 600},
  };
  return specs;
}

const std::vector<option_spec>& ocsp_specs() {
  static const std::vector<option_spec> specs = {
      {"ocsp_functionality", option_kind::boolean, false},
      {"query_frequency", option_kind::count, 3600, {}, 60, 86400},
      {"recovery_frequency", option_kind::count, 60, {}, 60, 86400},
      {"recovery_max_tries", option_kind::count, 5, {}, 1, 100},
      {"response_timeout", option_kind::count, 1, {}, 1, 60},
  };
  return specs;
}

// The optional services (the "services configuration object" page) and
// whether a fresh cluster runs them.
const std::vector<std::pair<std::string_view, bool>>& configurable_services() {
  static const std::vector<std::pair<std::string_view, bool>> services = {
      {"alert_mgr", true},         {"call_home_agent", true}, {"cm_server", true},
      {"crdb_coordinator", true},  {"crdb_worker", true},     {"entraid_agent_mgr", false},
      {"ldap_agent_mgr", false},   {"mdns_server", true},     {"pdns_server", true},
      {"sentinel_service", false}, {"stats_archiver", true},
  };
  return services;
}

failure option_schema(std::string text) { return {api_error::invalid_schema, std::move(text)}; }

// Checks `v` against `spec`.
result<> check_option(const option_spec& spec, const json& v) {
  const std::string key(spec.key);
  switch (spec.kind) {
    case option_kind::boolean:
      if (!v.is_boolean()) return option_schema("Field '" + key + "' must be a boolean");
      return {};
    case option_kind::count: {
      // A whole number not below 0 (a parsed body's are unsigned).
      const bool whole =
          v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
      if (!whole || v.get<std::uint64_t>() < spec.low || v.get<std::uint64_t>() > spec.high) {
        return option_schema(
            "Field '" + key + "' must be a whole number from " + std::to_string(spec.low) + " to " +
            (spec.high == UINT64_MAX ? std::string("2^64-1") : std::to_string(spec.high)) +
            ", got " + dump(v));
      }
      return {};
    }
    case option_kind::text:
      if (!v.is_string()) return option_schema("Field '" + key + "' must be a string");
      return {};
    case option_kind::redis_version:
      if (!v.is_string() || !full_redis_version(v.get_ref<const std::string&>())) {
        return option_schema("Field '" + key +
                             "' must be a supported Redis version (6.2, 7.2, 7.4, 8.0), got " +
                             dump(v));
      }
      return {};
    case option_kind::choice: {
      const bool known =
          v.is_string() && std::find(spec.values.begin(), spec.values.end(),
                                     v.get_ref<const std::string&>()) != spec.values.end();
      if (!known) {
        std::string list;
        for (const auto value : spec.values) {
          if (!list.empty()) list += ", ";
          list += value;
        }
        return option_schema("Field '" + key + "' must be one of " + list + ", got " + dump(v));
      }
      return {};
    }
  }
  return {};
}

// The defaults of `specs` as one object.
json option_defaults(const std::vector<option_spec>& specs) {
  json out = json::object();
  for (const auto& s : specs) out[std::string(s.key)] = s.fallback;
  return out;
}

// A body of `specs`' keys, each checked; `what` names the object.
result<json> read_options(const json& body, const std::vector<option_spec>& specs,
                          std::string_view what) {
  if (!body.is_object()) return option_schema("The body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const option_spec& s) { return s.key == it.key(); });
    if (spec == specs.end()) {
      return option_schema("Field '" + it.key() + "' is not a field of the " + std::string(what) +
                           " object");
    }
    if (auto ok = check_option(*spec, *it); !ok) return ok.error();
  }
  return body;
}

json overlay(json base, const json& changes) {
  base.update(changes);
  return base;
}

constexpr std::string_view operation_types[] = {"start", "stop", "restart"};

}  // namespace

const json& default_cluster_policy() {
  static const json policy = option_defaults(policy_specs());
  return policy;
}

json cluster_policy_object(const cluster_options& o) {
  return overlay(default_cluster_policy(), o.policy);
}

result<json> read_policy_update(const json& body) {
  return read_options(body, policy_specs(), "cluster_settings");
}

json services_config_object(const cluster_options& o) {
  json out = json::object();
  for (const auto& [name, on] : configurable_services())
    out[std::string(name)] = json{{"operating_mode", on ? "enabled" : "disabled"}};
  return overlay(out, o.services_config);
}

result<json> read_services_config_update(const json& body) {
  if (!body.is_object()) return option_schema("The body must be a JSON object");
  const auto& known = configurable_services();
  for (auto it = body.begin(); it != body.end(); ++it) {
    const bool listed =
        std::any_of(known.begin(), known.end(), [&](const auto& s) { return s.first == it.key(); });
    if (!listed) {
      return option_schema("Field '" + it.key() +
                           "' is not an optional service of the services_configuration object");
    }
    const json& v = *it;
    const bool fits = v.is_object() && v.size() == 1 && v.contains("operating_mode") &&
                      v["operating_mode"].is_string() &&
                      (v["operating_mode"] == "enabled" || v["operating_mode"] == "disabled");
    if (!fits) {
      return option_schema("Field '" + it.key() +
                           "' must be {\"operating_mode\":\"enabled\"|\"disabled\"}, got " +
                           dump(v));
    }
  }
  return body;
}

json ocsp_object(const cluster_options& o) {
  json out = overlay(option_defaults(ocsp_specs()), o.ocsp);
  out["responder_url"] = "";
  return out;
}

result<json> read_ocsp_update(const json& body) {
  if (body.is_object() && body.contains("responder_url")) {
    return option_schema("Field 'responder_url' is read-only: it comes from the proxy certificate");
  }
  return read_options(body, ocsp_specs(), "ocsp");
}

const std::vector<std::string_view>& local_service_names() {
  static const std::vector<std::string_view> names = {
      "alert_mgr", "call_home_agent",  "ccs",         "cm_server",     "cnm_exec",
      "cnm_http",  "crdb_coordinator", "crdb_worker", "mdns_server",   "pdns_server",
      "redis_mgr", "resource_mgr",     "saslauthd",   "stats_archiver"};
  return names;
}

std::string service_uptime(double seconds) {
  const auto total = static_cast<std::uint64_t>(std::max(0.0, std::floor(seconds)));
  const std::uint64_t days = total / 86400;
  const std::uint64_t rest = total % 86400;
  char clock_part[32];
  std::snprintf(clock_part, sizeof clock_part, "%llu:%02llu:%02llu",
                static_cast<unsigned long long>(rest / 3600),
                static_cast<unsigned long long>(rest % 3600 / 60),
                static_cast<unsigned long long>(rest % 60));
  if (days == 0) return clock_part;
  return std::to_string(days) + (days == 1 ? " day, " : " days, ") + clock_part;
}

json local_services_object(const cluster_options& o, double started, double now) {
  json out = json::object();
  for (const auto name : local_service_names()) {
    if (o.services_stopped.contains(name)) {
      out[std::string(name)] = json{{"status", "STOPPED"}};
      continue;
    }
    const auto it = o.service_started.find(name);
    const double since = it == o.service_started.end() ? started : it->second;
    out[std::string(name)] = json{{"start_time", rfc3339(since)},
                                  {"status", "RUNNING"},
                                  {"uptime", service_uptime(now - since)}};
  }
  return out;
}

result<service_operation> read_service_operation(const json& body) {
  if (!body.is_object()) return option_schema("The body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "operation_type" && it.key() != "services")
      return option_schema("Field '" + it.key() + "' is not allowed");
  }
  service_operation op;
  const auto type = body.find("operation_type");
  const bool known_type =
      type != body.end() && type->is_string() &&
      std::find(std::begin(operation_types), std::end(operation_types),
                type->get_ref<const std::string&>()) != std::end(operation_types);
  if (type == body.end()) {
    return option_schema("Field 'operation_type' is required: one of start, stop, restart");
  }
  if (!known_type) {
    return option_schema("Field 'operation_type' must be one of start, stop, restart, got " +
                         dump(*type));
  }
  op.operation_type = type->get<std::string>();
  const auto list = body.find("services");
  if (list == body.end() || !list->is_array() || list->empty()) {
    return option_schema("Field 'services' is required: a non-empty array of service names");
  }
  const auto& names = local_service_names();
  if (list->size() > names.size()) {
    return option_schema("Field 'services' names at most " + std::to_string(names.size()) +
                         " services");
  }
  for (const json& v : *list) {
    if (!v.is_string() ||
        std::find(names.begin(), names.end(), v.get_ref<const std::string&>()) == names.end()) {
      return option_schema("Unknown service " + dump(v) +
                           " in 'services' (GET /v1/local/services lists them)");
    }
    if (std::find(op.services.begin(), op.services.end(), v.get<std::string>()) !=
        op.services.end()) {
      return option_schema("Service " + dump(v) + " is named twice in 'services'");
    }
    op.services.push_back(v.get<std::string>());
  }
  return op;
}

json apply_service_operation(cluster_options& o, const service_operation& op, double now) {
  json out = json::object();
  for (const auto& name : op.services) {
    const bool stopped = o.services_stopped.contains(name);
    if (op.operation_type == "stop") {
      o.services_stopped.insert(name);
      o.service_started.erase(name);
    } else if (op.operation_type == "restart" || stopped) {
      o.services_stopped.erase(name);
      o.service_started[name] = now;
    }
    out[name] = true;
  }
  return out;
}

json cluster_options_record(const cluster_options& o) {
  json started = json::object();
  for (const auto& [name, at] : o.service_started) started[name] = at;
  json stopped = json::array();
  for (const auto& name : o.services_stopped) stopped.push_back(name);
  return json{{"ocsp", o.ocsp},
              {"policy", o.policy},
              {"service_started", started},
              {"services_config", o.services_config},
              {"services_stopped", stopped}};
}

result<cluster_options> cluster_options_from_record(const json& record, const std::string& where) {
  const auto bad = [&](const std::string& text) {
    return failure{api_error::invalid_value, "'" + where + "': " + text};
  };
  if (!record.is_object()) return bad("must be an object");
  cluster_options o;
  const auto part = [&](const char* key) -> json {
    const auto it = record.find(key);
    return it == record.end() ? json::object() : *it;
  };
  auto policy = read_policy_update(part("policy"));
  if (!policy) return bad("policy: " + policy.error().description);
  o.policy = std::move(*policy);
  auto config = read_services_config_update(part("services_config"));
  if (!config) return bad("services_config: " + config.error().description);
  o.services_config = std::move(*config);
  auto ocsp = read_ocsp_update(part("ocsp"));
  if (!ocsp) return bad("ocsp: " + ocsp.error().description);
  o.ocsp = std::move(*ocsp);
  const auto& names = local_service_names();
  const auto known = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  const json started = part("service_started");
  if (!started.is_object()) return bad("service_started must be an object");
  for (auto it = started.begin(); it != started.end(); ++it) {
    if (!known(it.key()) || !it->is_number()) return bad("service_started." + it.key());
    o.service_started[it.key()] = it->get<double>();
  }
  const auto stopped_it = record.find("services_stopped");
  if (stopped_it != record.end()) {
    if (!stopped_it->is_array()) return bad("services_stopped must be an array");
    for (const json& v : *stopped_it) {
      if (!v.is_string() || !known(v.get<std::string>())) return bad("services_stopped " + dump(v));
      o.services_stopped.insert(v.get<std::string>());
    }
  }
  return o;
}

}  // namespace reemu
