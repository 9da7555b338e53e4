// The cluster's small stored settings: the cluster policy
// (/v1/cluster/policy, the cluster_settings object), the services
// configuration (/v1/cluster/services_configuration), the OCSP settings
// (/v1/ocsp) and the local services' run state (/v1/local/services). Only
// what a request changed is stored; the rest is the documented default.
// Plain values; no locking.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct cluster_options {
  json policy = json::object();           // the cluster_settings keys PUT changed
  json services_config = json::object();  // the services PUT configured, by name
  json ocsp = json::object();             // the OCSP keys PUT changed
  // The services a start or restart (re)started after the emulator started,
  // with that clock time; the services stopped.
  std::map<std::string, double, std::less<>> service_started;
  std::set<std::string, std::less<>> services_stopped;

  bool operator==(const cluster_options&) const = default;
};

// ---- /v1/cluster/policy -----------------------------------------------------

// The cluster_settings object of a fresh cluster (every key, sorted).
const json& default_cluster_policy();
// The policy: the defaults with `o.policy` on top.
json cluster_policy_object(const cluster_options& o);
// Checks a PUT body: an object of known keys, each of its type (enum values
// from their vocabulary, counts whole and not negative). invalid_schema
// naming the key otherwise. The checked changes.
result<json> read_policy_update(const json& body);

// ---- /v1/cluster/services_configuration -------------------------------------

// {"<service>":{"operating_mode":"enabled"|"disabled"},…}: the defaults with
// the stored changes on top.
json services_config_object(const cluster_options& o);
// A PUT body: known services only, each {"operating_mode":"enabled"|"disabled"}.
result<json> read_services_config_update(const json& body);

// ---- /v1/ocsp ---------------------------------------------------------------

// The OCSP settings: the fresh cluster's (tests/data/ocsp.json) with the
// stored changes on top.
json ocsp_object(const cluster_options& o);
// A PUT body: ocsp_functionality (boolean), query_frequency and
// recovery_frequency (60–86400), recovery_max_tries (1–100),
// response_timeout (1–60); responder_url is read-only. invalid_schema else.
result<json> read_ocsp_update(const json& body);

// ---- /v1/local/services -----------------------------------------------------

// The documented services of a node, sorted.
const std::vector<std::string_view>& local_service_names();
// "3 days, 0:58:59": a duration as a real cluster prints an uptime.
std::string service_uptime(double seconds);
// {"<service>":{"start_time","status","uptime"},…}; a stopped service is
// {"status":"STOPPED"}. `started` is when the emulator started.
json local_services_object(const cluster_options& o, double started, double now);

struct service_operation {
  std::string operation_type;  // "start", "stop", "restart"
  std::vector<std::string> services;
};
// {"operation_type":"stop|start|restart","services":[known names]}: at most
// one entry per known service; invalid_schema else.
result<service_operation> read_service_operation(const json& body);
// Applies `op` at `now`; the answer {"<service>":true,…}.
json apply_service_operation(cluster_options& o, const service_operation& op, double now);

// ---- State file -------------------------------------------------------------

json cluster_options_record(const cluster_options& o);
// Reads a record back with the checks of the bodies, naming `where`.
result<cluster_options> cluster_options_from_record(const json& record, const std::string& where);

}  // namespace reemu
