// Alerts (GET /v1/{cluster,nodes,bdbs}/alerts…, POST /v1/bdbs/alerts/{uid}):
// what is stored (the alert settings and the control API's forced states)
// and what is computed at read time (an alert's state from the statistics
// model against its threshold, on the clock). Plain values; no locking, no
// clock reads.
//
// Settings live where real clusters keep them: cluster and node alerts in
// the cluster object's alert_settings (PUT /v1/cluster merges keys over the
// captured defaults), database thresholds per database (POST
// /v1/bdbs/alerts/{uid}; the bdb object has no alert_settings field).
//
// An alert's state is a pure function of the registry's contents and a time
// (alert_state_at); its change_time is the latest second at which that
// function flipped, found by probing back from now at doubling distances and
// bisecting to the second (a flip shorter than the probe spacing can be
// missed; docs/compatibility.md). A forced state (the control API) replaces
// the function from its `since` on. Nothing runs in the background.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/stats.hpp"

namespace reemu {

struct registry_data;
class event_log;

// ---- the catalogue ---------------------------------------------------------

enum class alert_scope : std::uint8_t { cluster, node, bdb };

// "cluster", "node", "bdb"; parse_alert_scope reads them.
std::string_view to_string(alert_scope s) noexcept;
std::optional<alert_scope> parse_alert_scope(std::string_view text) noexcept;

// One alert a scope has: its name, whether it takes a threshold, the
// threshold it has until one is set, and its severity while raised.
struct alert_def {
  std::string_view name;
  alert_scope scope = alert_scope::bdb;
  bool has_threshold = false;
  std::string_view default_threshold;  // "" without a threshold
  std::string_view raised_severity = "WARNING";
};

// A scope's alerts, sorted by name (the wire's key order).
std::span<const alert_def> alert_catalog(alert_scope s) noexcept;
// The alert `name` of scope `s`, or nullptr.
const alert_def* find_alert(alert_scope s, std::string_view name) noexcept;

// ---- what is stored --------------------------------------------------------

// A database alert's setting (POST /v1/bdbs/alerts/{uid}).
struct bdb_alert_setting {
  bool enabled = false;
  std::string threshold;
  bool operator==(const bdb_alert_setting&) const = default;
};

// A state the control API forced from clock time `since`.
struct forced_alert {
  bool state = false;
  double since = 0;
  bool operator==(const forced_alert&) const = default;
};

struct alert_store {
  // The keys PUT /v1/cluster set in alert_settings, merged over the
  // cluster template's: a bool, or {"enabled","threshold"}.
  json cluster_settings = json::object();
  // Database thresholds by database uid, then alert name.
  std::map<std::uint64_t, std::map<std::string, bdb_alert_setting>> bdb_settings;
  // Forced states by "bdb:1/bdb_size", "node:2/node_memory",
  // "cluster/cluster_even_node_count" (alert_key).
  std::map<std::string, forced_alert> forced;
  bool operator==(const alert_store&) const = default;
};

// The object an alert is about, as the control API and the dashboard name
// it: "cluster", "node:2", "bdb:1".
std::string alert_object_name(alert_scope s, std::uint64_t uid);

// "bdb:1/bdb_size", "node:2/node_cpu_utilization", "cluster/cluster_…":
// alert_object_name, "/", the alert's name.
std::string alert_key(alert_scope s, std::uint64_t uid, std::string_view name);

// Database `uid`'s setting of database alert `def`: the stored one, else
// disabled with the catalogue's threshold.
bdb_alert_setting bdb_alert_setting_of(const alert_store& a, std::uint64_t uid,
                                       const alert_def& def);

// The number a threshold string holds (finite, >= 0), or nullopt.
std::optional<double> alert_threshold_number(std::string_view text);

// The cluster's effective alert_settings: `base` (the template's) with the
// stored keys over it.
json effective_cluster_alert_settings(const alert_store& a, const json& base);

// Reads PUT /v1/cluster's "alert_settings" value: an object of cluster or
// node alert names, each a bool or {"enabled": bool, "threshold": "<number>"}
// (either key may be left out); invalid_schema naming the key otherwise.
// Returns the checked value, in the stored shape.
result<json> read_cluster_alert_settings(const json& value);

// Reads a POST /v1/bdbs/alerts/{uid} body over the database's current
// settings `current`: an object of database alert names, each
// {"enabled": bool, "threshold": "<number>"} (either key optional).
// invalid_schema for a wrong shape or name; invalid_threshold (406) for a
// threshold that is not a number >= 0 (<= 100 for a percentage).
result<std::map<std::string, bdb_alert_setting>> read_bdb_alert_settings(
    const json& body, const std::map<std::string, bdb_alert_setting>& current);

// The state file's record of the store, and back (invalid_schema naming
// `where` for a malformed record).
json alert_store_record(const alert_store& a);
result<alert_store> alert_store_from_record(const json& record, const std::string& where);

// ---- what is computed ------------------------------------------------------

// One alert at `now`, as the wire shows it.
struct alert_value {
  bool enabled = false;
  bool state = false;
  double change_time = 0;
  std::string severity;
  std::string threshold;  // "" for an alert without one
  json change_value = json::object();
  bool forced = false;
};

// An alert raised at `now` that a person should see (alert_evaluator::raised).
struct raised_alert {
  const alert_def* def = nullptr;
  std::uint64_t uid = 0;  // 0 for the cluster
  alert_value value;
};

// The alerts over one snapshot at `now`. `cluster_base` is the template's
// alert_settings. Cheap to build; each alert costs a few dozen model
// evaluations (the change_time search). The registry_data must outlive it.
class alert_evaluator {
 public:
  alert_evaluator(const registry_data& d, const json& cluster_base, double now);

  // Whether the object exists at `now` (a visible database, a node in the
  // cluster; the cluster always).
  bool exists(alert_scope s, std::uint64_t uid) const;

  // The alert `def` of `uid` at `now`.
  alert_value evaluate(const alert_def& def, std::uint64_t uid) const;

  // The model's state of the alert at `t` (without a forced state).
  bool model_state(const alert_def& def, std::uint64_t uid, double t) const;

  // The object's alerts as the wire shows them: {"<name>":{…}}, sorted.
  json render_all(alert_scope s, std::uint64_t uid) const;

  // The alerts raised at `now` that a person should see: state true and
  // either enabled or forced raised through the control API. An alert
  // whose state is true but that is disabled (bdb_low_throughput of an
  // idle database, cluster_even_node_count of a one-node cluster) is left
  // out, as a real cluster sends no notice for it. The cluster's first,
  // then the nodes' at `now` by uid, then the visible databases' by uid,
  // each object's by name. Only the alerts shown pay for the change_time
  // search; the others cost one model evaluation at most.
  std::vector<raised_alert> raised() const;

  // The model's transitions of the alert after the object's creation, up to
  // `most` of the latest, oldest first: (time, state it changed to). Found
  // by the same search as change_time, repeated from each change back.
  // Empty for an alert the model does not drive.
  std::vector<std::pair<double, bool>> transitions(const alert_def& def, std::uint64_t uid,
                                                   std::size_t most) const;

 private:
  bool enabled_of(const alert_def& def, std::uint64_t uid) const;
  std::string threshold_of(const alert_def& def, std::uint64_t uid) const;
  std::optional<double> sampled(const alert_def& def, std::uint64_t uid, double t) const;
  double created_of(alert_scope s, std::uint64_t uid) const;
  bool may_move(const alert_def& def, std::uint64_t uid) const;
  bool shown_raised(const alert_def& def, std::uint64_t uid) const;

  const registry_data* d_;
  json cluster_settings_;
  double now_;
  stats_model model_;
};

// {"change_time","change_value","enabled","severity","state"[,"threshold"]}
json render_alert(const alert_def& def, const alert_value& v);

// A raised alert with the object it is about: render_alert's fields and
// {"object" (alert_object_name),"scope","uid","name","forced"}.
json render_raised_alert(const raised_alert& a);

// Most model-driven transitions of one alert /v1/logs shows.
inline constexpr std::size_t max_logged_alert_transitions = 16;

// The model-driven transitions /v1/logs shows beside the recorded events:
// for every enabled, not forced alert of a steered object, its latest
// transitions after the object was created (transitions(), at most
// max_logged_alert_transitions), each an event ({"type": name, "severity",
// "state", ids, threshold}). Only objects the stats steering touches can
// change (an unsteered database keeps its figures), so an unsteered cluster
// costs nothing here. Appended to `log` (a copy the reader owns).
void add_alert_transitions(event_log& log, const registry_data& d, const json& cluster_base,
                           double now);

// Records an alert event of a write at `now` (the control API's raise or
// clear): type = the alert's name, "state", the object's id field.
void record_alert_event(event_log& log, const alert_def& def, std::uint64_t uid, bool state,
                        const std::string& threshold, double now);

}  // namespace reemu
