// Alerts (model/alerts.hpp): the catalogue, the settings, and the state
// each alert has at a time, computed from the statistics model.
#include "reemu/model/alerts.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "reemu/model/database.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/registry_data.hpp"
#include "reemu/model/stats.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using scope = alert_scope;

// Sorted by name within each scope. Severities while raised follow the
// alerts-and-events page (warning, error for disk I/O and checks, critical
// for a failed node); cleared alerts are INFO.
constexpr std::array<alert_def, 12> cluster_alert_defs{{
    {"cluster_ca_cert_about_to_expire", scope::cluster, true, "90", "WARNING"},
    {"cluster_certs_about_to_expire", scope::cluster, true, "45", "WARNING"},
    {"cluster_even_node_count", scope::cluster, false, "", "WARNING"},
    {"cluster_flash_overcommit", scope::cluster, false, "", "WARNING"},
    {"cluster_inconsistent_rl_sw", scope::cluster, false, "", "WARNING"},
    {"cluster_internal_bdb", scope::cluster, false, "", "WARNING"},
    {"cluster_license_about_to_expire", scope::cluster, true, "7", "WARNING"},
    {"cluster_multiple_nodes_down", scope::cluster, false, "", "WARNING"},
    {"cluster_ocsp_query_failed", scope::cluster, false, "", "WARNING"},
    {"cluster_ocsp_status_revoked", scope::cluster, false, "", "WARNING"},
    {"cluster_ram_overcommit", scope::cluster, false, "", "WARNING"},
    {"cluster_too_few_nodes_for_replication", scope::cluster, false, "", "WARNING"},
}};

constexpr std::array<alert_def, 11> node_alert_defs{{
    {"node_aof_slow_disk_io", scope::node, false, "", "ERROR"},
    {"node_checks_error", scope::node, false, "", "ERROR"},
    {"node_cpu_utilization", scope::node, true, "80", "WARNING"},
    {"node_ephemeral_storage", scope::node, true, "70", "WARNING"},
    {"node_failed", scope::node, false, "", "CRITICAL"},
    {"node_free_flash", scope::node, true, "70", "WARNING"},
    {"node_insufficient_disk_aofrw", scope::node, false, "", "ERROR"},
    {"node_internal_certs_about_to_expire", scope::node, true, "45", "WARNING"},
    {"node_memory", scope::node, true, "80", "WARNING"},
    {"node_net_throughput", scope::node, true, "100000000", "WARNING"},
    {"node_persistent_storage", scope::node, true, "70", "WARNING"},
}};

constexpr std::array<alert_def, 15> bdb_alert_defs{{
    {"bdb_backup_delayed", scope::bdb, true, "1800", "WARNING"},
    {"bdb_crdt_src_high_syncer_lag", scope::bdb, true, "600", "WARNING"},
    {"bdb_crdt_src_syncer_connection_error", scope::bdb, true, "0", "WARNING"},
    {"bdb_crdt_src_syncer_general_error", scope::bdb, true, "0", "WARNING"},
    {"bdb_high_latency", scope::bdb, true, "10000", "WARNING"},
    {"bdb_high_throughput", scope::bdb, true, "50000", "WARNING"},
    {"bdb_long_running_action", scope::bdb, true, "3600", "WARNING"},
    {"bdb_low_throughput", scope::bdb, true, "1", "WARNING"},
    {"bdb_ram_dataset_overhead", scope::bdb, true, "80", "WARNING"},
    {"bdb_ram_values", scope::bdb, true, "50", "WARNING"},
    {"bdb_replica_src_high_syncer_lag", scope::bdb, true, "600", "WARNING"},
    {"bdb_replica_src_syncer_connection_error", scope::bdb, true, "0", "WARNING"},
    {"bdb_replica_src_syncer_general_error", scope::bdb, true, "0", "WARNING"},
    {"bdb_shard_num_ram_values", scope::bdb, true, "50", "WARNING"},
    {"bdb_size", scope::bdb, true, "80", "WARNING"},
}};

// Names PUT /v1/cluster accepts in alert_settings that list no alert of
// their own (event notifications a real cluster's settings carry).
constexpr std::array<std::string_view, 6> settings_only_alerts{
    "cluster_node_joined",
    "cluster_node_operation_failed",
    "cluster_node_remove_abort_completed",
    "cluster_node_remove_abort_failed",
    "cluster_node_remove_completed",
    "cluster_node_remove_failed"};

// Thresholds read as a percentage (<= 100).
bool percent_alert(std::string_view name) {
  return name == "bdb_size" || name == "bdb_ram_dataset_overhead" || name == "bdb_ram_values" ||
         name == "node_cpu_utilization" || name == "node_memory" ||
         name == "node_ephemeral_storage" || name == "node_persistent_storage" ||
         name == "node_free_flash";
}

// The number a threshold string holds: finite, >= 0; nullopt otherwise.
std::optional<double> threshold_number(std::string_view text) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || p != end || !std::isfinite(v) || v < 0)
    return std::nullopt;
  return v;
}

// Checks `threshold` for alert `name`: the 406 a real cluster gives.
result<std::string> check_threshold(std::string_view name, const json& threshold) {
  if (!threshold.is_string()) {
    return failure{api_error::invalid_schema, "Alert '" + std::string(name) +
                                                  "': 'threshold' must be a string such as \"80\""};
  }
  const auto text = threshold.get<std::string>();
  const auto v = threshold_number(text);
  if (!v || (percent_alert(name) && *v > 100)) {
    return failure{api_error::invalid_threshold,
                   "Alert '" + std::string(name) + "': threshold '" + text + "' is not a number " +
                       (percent_alert(name) ? "from 0 to 100" : ">= 0")};
  }
  return text;
}

// Whether the stats steering can move the alert's state.
bool model_driven(const alert_def& def) {
  const std::string_view n = def.name;
  return n == "bdb_size" || n == "bdb_high_throughput" || n == "bdb_low_throughput" ||
         n == "node_memory" || n == "node_cpu_utilization" || n == "node_ephemeral_storage" ||
         n == "node_persistent_storage" || n == "node_net_throughput";
}

double round2(double v) { return std::round(v * 100) / 100; }

std::string stats_object(scope s, std::uint64_t uid) {
  return stats_object_name(s == scope::bdb ? stats_kind::bdb : stats_kind::node, uid);
}

// The latest whole second <= `now` at which `state_at` last changed to
// `current` (its state at `now`), no earlier than `from`: probes back at
// doubling distances until the state differs, then bisects to the second.
// `from` when it never differed.
template <class F>
double last_change(const F& state_at, bool current, double from, double now) {
  const double top = std::floor(now);
  if (top <= from) return from;
  double good = top;  // state_at(good) == current
  double step = 1;
  double bad = from;
  bool found = false;
  for (int i = 0; i < 64; ++i) {
    double t = top - step;
    const bool at_floor = t <= from;
    if (at_floor) t = from;
    if (state_at(t) != current) {
      bad = t;
      found = true;
      break;
    }
    if (at_floor) return from;
    good = t;
    step *= 2;
  }
  if (!found) return from;
  while (good - bad > 1) {
    const double mid = std::floor((bad + good) / 2);
    if (mid <= bad) break;
    if (state_at(mid) == current) {
      good = mid;
    } else {
      bad = mid;
    }
  }
  return std::max(good, from);
}

}  // namespace

// ---- the catalogue ------------------------------------------------------------

std::string_view to_string(alert_scope s) noexcept {
  switch (s) {
    case scope::cluster:
      return "cluster";
    case scope::node:
      return "node";
    case scope::bdb:
      return "bdb";
  }
  return "bdb";
}

std::optional<alert_scope> parse_alert_scope(std::string_view text) noexcept {
  for (const scope s : {scope::cluster, scope::node, scope::bdb})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::span<const alert_def> alert_catalog(alert_scope s) noexcept {
  switch (s) {
    case scope::cluster:
      return cluster_alert_defs;
    case scope::node:
      return node_alert_defs;
    case scope::bdb:
      return bdb_alert_defs;
  }
  return bdb_alert_defs;
}

const alert_def* find_alert(alert_scope s, std::string_view name) noexcept {
  for (const alert_def& d : alert_catalog(s))
    if (d.name == name) return &d;
  return nullptr;
}

std::string alert_object_name(alert_scope s, std::uint64_t uid) {
  return s == scope::cluster ? std::string("cluster") : stats_object(s, uid);
}

std::string alert_key(alert_scope s, std::uint64_t uid, std::string_view name) {
  return alert_object_name(s, uid) + "/" + std::string(name);
}

// ---- settings -------------------------------------------------------------------

bdb_alert_setting bdb_alert_setting_of(const alert_store& a, std::uint64_t uid,
                                       const alert_def& def) {
  if (const auto it = a.bdb_settings.find(uid); it != a.bdb_settings.end()) {
    const auto s = it->second.find(std::string(def.name));
    if (s != it->second.end()) return s->second;
  }
  return bdb_alert_setting{false, std::string(def.default_threshold)};
}

std::optional<double> alert_threshold_number(std::string_view text) {
  return threshold_number(text);
}

json effective_cluster_alert_settings(const alert_store& a, const json& base) {
  json out = base.is_object() ? base : json::object();
  for (auto it = a.cluster_settings.begin(); it != a.cluster_settings.end(); ++it)
    out[it.key()] = it.value();
  return out;
}

result<json> read_cluster_alert_settings(const json& value) {
  if (!value.is_object())
    return failure{api_error::invalid_schema, "Field 'alert_settings' must be an object"};
  json out = json::object();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& name = it.key();
    const alert_def* def = find_alert(scope::cluster, name);
    if (def == nullptr) def = find_alert(scope::node, name);
    const bool settings_only = std::find(settings_only_alerts.begin(), settings_only_alerts.end(),
                                         name) != settings_only_alerts.end();
    if (def == nullptr && !settings_only) {
      return failure{api_error::invalid_schema,
                     "Field 'alert_settings': '" + name + "' is not a cluster or node alert"};
    }
    if (it->is_boolean()) {
      out[name] = it->get<bool>();
      continue;
    }
    if (!it->is_object()) {
      return failure{api_error::invalid_schema,
                     "Field 'alert_settings." + name +
                         "' must be a boolean or {\"enabled\": bool, \"threshold\": string}"};
    }
    json entry = json::object();
    for (auto f = it->begin(); f != it->end(); ++f) {
      if (f.key() == "enabled") {
        if (!f->is_boolean()) {
          return failure{api_error::invalid_schema,
                         "Field 'alert_settings." + name + ".enabled' must be a boolean"};
        }
        entry["enabled"] = f->get<bool>();
      } else if (f.key() == "threshold") {
        if (def == nullptr || !def->has_threshold) {
          return failure{api_error::invalid_schema,
                         "Field 'alert_settings." + name + "' takes no threshold"};
        }
        auto t = check_threshold(name, *f);
        if (!t) {
          return failure{api_error::invalid_schema,
                         "Field 'alert_settings': " + std::string(t.error().description)};
        }
        entry["threshold"] = *t;
      } else {
        return failure{api_error::invalid_schema,
                       "Field 'alert_settings." + name + "." + f.key() + "' is not allowed"};
      }
    }
    if (!entry.contains("enabled")) entry["enabled"] = false;
    out[name] = std::move(entry);
  }
  return out;
}

result<std::map<std::string, bdb_alert_setting>> read_bdb_alert_settings(
    const json& body, const std::map<std::string, bdb_alert_setting>& current) {
  if (!body.is_object()) {
    return failure{api_error::invalid_schema,
                   "The body must be an object of database alerts, such as "
                   "{\"bdb_size\":{\"enabled\":true,\"threshold\":\"80\"}}"};
  }
  auto out = current;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& name = it.key();
    const alert_def* def = find_alert(scope::bdb, name);
    if (def == nullptr)
      return failure{api_error::invalid_schema, "'" + name + "' is not a database alert"};
    if (!it->is_object()) {
      return failure{api_error::invalid_schema,
                     "Alert '" + name + "' must be {\"enabled\": bool, \"threshold\": string}"};
    }
    bdb_alert_setting s;
    if (const auto c = out.find(name); c != out.end()) {
      s = c->second;
    } else {
      s.threshold = std::string(def->default_threshold);
    }
    for (auto f = it->begin(); f != it->end(); ++f) {
      if (f.key() == "enabled") {
        if (!f->is_boolean()) {
          return failure{api_error::invalid_schema,
                         "Alert '" + name + "': 'enabled' must be a boolean"};
        }
        s.enabled = f->get<bool>();
      } else if (f.key() == "threshold") {
        auto t = check_threshold(name, *f);
        if (!t) return t.error();
        s.threshold = std::move(*t);
      } else {
        return failure{api_error::invalid_schema,
                       "Alert '" + name + "': field '" + f.key() + "' is not allowed"};
      }
    }
    out[name] = std::move(s);
  }
  return out;
}

json alert_store_record(const alert_store& a) {
  json bdbs = json::array();
  for (const auto& [uid, alerts] : a.bdb_settings) {
    json one = json::object();
    for (const auto& [name, s] : alerts)
      one[name] = json{{"enabled", s.enabled}, {"threshold", s.threshold}};
    bdbs.push_back(json{{"bdb_uid", uid}, {"alerts", std::move(one)}});
  }
  json forced = json::array();
  for (const auto& [key, f] : a.forced)
    forced.push_back(json{{"key", key}, {"state", f.state}, {"since", f.since}});
  return json{{"cluster_settings", a.cluster_settings},
              {"bdb_settings", std::move(bdbs)},
              {"forced", std::move(forced)}};
}

result<alert_store> alert_store_from_record(const json& record, const std::string& where) {
  const auto bad = [&](const std::string& what) {
    return failure{api_error::invalid_schema, "'" + where + "' " + what};
  };
  if (!record.is_object()) return bad("must be an object");
  alert_store out;
  if (const auto it = record.find("cluster_settings"); it != record.end()) {
    auto s = read_cluster_alert_settings(*it);
    if (!s) return bad("has bad cluster_settings: " + std::string(s.error().description));
    out.cluster_settings = std::move(*s);
  }
  if (const auto it = record.find("bdb_settings"); it != record.end()) {
    if (!it->is_array()) return bad("bdb_settings must be an array");
    for (const json& e : *it) {
      if (!e.is_object() || !e.contains("bdb_uid") || !e["bdb_uid"].is_number_unsigned() ||
          !e.contains("alerts")) {
        return bad("has a bdb_settings entry without bdb_uid and alerts");
      }
      auto s = read_bdb_alert_settings(e["alerts"], {});
      if (!s) return bad("has bad bdb alerts: " + std::string(s.error().description));
      out.bdb_settings[e["bdb_uid"].get<std::uint64_t>()] = std::move(*s);
    }
  }
  if (const auto it = record.find("forced"); it != record.end()) {
    if (!it->is_array()) return bad("forced must be an array");
    for (const json& e : *it) {
      if (!e.is_object() || !e.contains("key") || !e["key"].is_string() || !e.contains("state") ||
          !e["state"].is_boolean() || !e.contains("since") || !e["since"].is_number()) {
        return bad("has a forced entry without key, state and since");
      }
      out.forced[e["key"].get<std::string>()] =
          forced_alert{e["state"].get<bool>(), e["since"].get<double>()};
    }
  }
  return out;
}

// ---- evaluation -------------------------------------------------------------------

alert_evaluator::alert_evaluator(const registry_data& d, const json& cluster_base, double now)
    : d_(&d),
      cluster_settings_(effective_cluster_alert_settings(d.alerts, cluster_base)),
      now_(now),
      model_(d, now) {}

bool alert_evaluator::exists(alert_scope s, std::uint64_t uid) const {
  switch (s) {
    case scope::cluster:
      return true;
    case scope::node:
      return nodes_at(d_->nodes, now_).contains(uid);
    case scope::bdb:
      return d_->find_database(uid, now_) != nullptr;
  }
  return false;
}

bool alert_evaluator::enabled_of(const alert_def& def, std::uint64_t uid) const {
  if (def.scope == scope::bdb) return bdb_alert_setting_of(d_->alerts, uid, def).enabled;
  const auto it = cluster_settings_.find(std::string(def.name));
  if (it == cluster_settings_.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_object() && it->value("enabled", false);
}

std::string alert_evaluator::threshold_of(const alert_def& def, std::uint64_t uid) const {
  if (!def.has_threshold) return "";
  if (def.scope == scope::bdb) return bdb_alert_setting_of(d_->alerts, uid, def).threshold;
  const auto it = cluster_settings_.find(std::string(def.name));
  if (it != cluster_settings_.end() && it->is_object() && it->contains("threshold") &&
      (*it)["threshold"].is_string()) {
    return (*it)["threshold"].get<std::string>();
  }
  return std::string(def.default_threshold);
}

double alert_evaluator::created_of(alert_scope s, std::uint64_t uid) const {
  const stats_model& m = model_;
  switch (s) {
    case scope::cluster:
      return m.created_at(stats_kind::cluster, 0);
    case scope::node:
      return m.created_at(stats_kind::node, uid);
    case scope::bdb:
      return m.created_at(stats_kind::bdb, uid);
  }
  return 0;
}

// The figure alert `def` compares with its threshold at `t`; nullopt for an
// alert the model does not drive (its state is false unless forced).
std::optional<double> alert_evaluator::sampled(const alert_def& def, std::uint64_t uid,
                                               double at) const {
  const std::string_view n = def.name;
  // A database's or node's figure at `at` is the one second's sample ending
  // there (its gauges are their values at its end), or the first sample.
  const double t = def.scope == scope::cluster ? at : std::max(at - 1, created_of(def.scope, uid));
  if (def.scope == scope::bdb) {
    if (n != "bdb_size" && n != "bdb_high_throughput" && n != "bdb_low_throughput") return {};
    const stats_model& m = model_;
    if (n == "bdb_size") {
      const database* db = d_->find_database(uid, now_);
      if (db == nullptr) return {};
      const auto used = m.value(stats_kind::bdb, uid, "used_memory", t, stats_interval::sec1);
      const auto it = db->fields.find("memory_size");
      const json& tmpl = bdb_template();
      const double size = it != db->fields.end() && it->is_number()
                              ? it->get<double>()
                              : tmpl.value("memory_size", 0.0);
      if (!used || size <= 0) return {};
      return round2(*used * 100 / size);
    }
    const auto ops =
        m.value(stats_kind::bdb, uid, "instantaneous_ops_per_sec", t, stats_interval::sec1);
    if (!ops) return {};
    return std::round(*ops);
  }
  if (def.scope == scope::node) {
    const stats_model& m = model_;
    const auto value = [&](std::string_view metric) {
      return m.value(stats_kind::node, uid, metric, t, stats_interval::sec1);
    };
    const auto nodes = nodes_at(d_->nodes, now_);
    const auto it = nodes.find(uid);
    if (it == nodes.end()) return {};
    const json& fields = it->second->fields;
    const json& tmpl = node_template();
    const auto field = [&](const char* key) {
      const auto f = fields.find(key);
      if (f != fields.end() && f->is_number()) return f->get<double>();
      return tmpl.value(key, 0.0);
    };
    if (n == "node_memory") {
      const auto free_memory = value("free_memory");
      const double total = field("total_memory");
      if (!free_memory || total <= 0) return {};
      return round2((total - *free_memory) * 100 / total);
    }
    if (n == "node_cpu_utilization") {
      const auto user = value("cpu_user");
      const auto system = value("cpu_system");
      if (!user || !system) return {};
      return round2((*user + *system) * 100);
    }
    if (n == "node_ephemeral_storage" || n == "node_persistent_storage") {
      const bool eph = n == "node_ephemeral_storage";
      const auto free_space = value(eph ? "ephemeral_storage_free" : "persistent_storage_free");
      const double size = field(eph ? "ephemeral_storage_size" : "persistent_storage_size");
      if (!free_space || size <= 0) return {};
      return round2((size - *free_space) * 100 / size);
    }
    if (n == "node_net_throughput") {
      const auto in = value("ingress_bytes");
      const auto out = value("egress_bytes");
      if (!in || !out) return {};
      return std::round(*in + *out);
    }
    return {};
  }
  // The cluster's.
  if (n == "cluster_even_node_count") return static_cast<double>(nodes_at(d_->nodes, t).size());
  if (n == "cluster_too_few_nodes_for_replication")
    return static_cast<double>(nodes_at(d_->nodes, t).size());
  if (n == "cluster_license_about_to_expire") return (d_->license.expiration - t) / 86400;
  if (n == "cluster_ram_overcommit") {
    double committed = 0;
    for (const auto& [db_uid, db] : d_->databases) {
      if (db->created_at > t || !view_of(*db, t).visible) continue;
      const auto size = db->fields.find("memory_size");
      const double bytes =
          size != db->fields.end() && size->is_number() ? size->get<double>() : 0.0;
      const auto repl = db->fields.find("replication");
      const bool replicated = repl != db->fields.end() && repl->is_boolean() && repl->get<bool>();
      committed += bytes * (replicated ? 2 : 1);
    }
    return committed;
  }
  return {};
}

bool alert_evaluator::may_move(const alert_def& def, std::uint64_t uid) const {
  switch (def.scope) {
    case scope::cluster:
      return true;
    case scope::node:
      return !d_->stats.objects.empty();
    case scope::bdb:
      return d_->stats.objects.contains(stats_object(scope::bdb, uid));
  }
  return true;
}

bool alert_evaluator::model_state(const alert_def& def, std::uint64_t uid, double t) const {
  const auto v = sampled(def, uid, t);
  if (!v) return false;
  const std::string_view n = def.name;
  const double threshold = threshold_number(threshold_of(def, uid)).value_or(0);
  if (n == "cluster_even_node_count") return *v < 3 || std::fmod(*v, 2) == 0;
  if (n == "cluster_too_few_nodes_for_replication") return *v < 2;
  if (n == "cluster_license_about_to_expire") return *v <= threshold;
  if (n == "cluster_ram_overcommit") {
    double total = 0;
    for (const auto& [node_uid, node_value] : nodes_at(d_->nodes, t)) {
      const auto f = node_value->fields.find("total_memory");
      total += f != node_value->fields.end() && f->is_number()
                   ? f->get<double>()
                   : node_template().value("total_memory", 0.0);
    }
    return *v > total;
  }
  if (n == "bdb_low_throughput") return *v < threshold;
  return *v >= threshold;
}

alert_value alert_evaluator::evaluate(const alert_def& def, std::uint64_t uid) const {
  alert_value out;
  out.enabled = enabled_of(def, uid);
  out.threshold = threshold_of(def, uid);
  const double created = created_of(def.scope, uid);
  const auto forced = d_->alerts.forced.find(alert_key(def.scope, uid, def.name));
  if (forced != d_->alerts.forced.end() && forced->second.since <= now_) {
    out.forced = true;
    out.state = forced->second.state;
    out.change_time = forced->second.since;
  } else {
    out.state = model_state(def, uid, now_);
    const auto state_at = [&](double t) { return model_state(def, uid, t); };
    // Only a figure the model moves can flip: the others keep their state
    // from the object's creation on. Without steering a database's figures
    // stay where its creation put them (no traffic), and so do the nodes'.
    const bool moves = may_move(def, uid) && sampled(def, uid, now_).has_value();
    out.change_time = moves ? last_change(state_at, out.state, created, now_) : created;
  }
  out.severity = out.state ? std::string(def.raised_severity) : "INFO";

  // change_value: the evaluation data at change_time.
  json cv = json::object();
  cv["state"] = out.state;
  if (def.has_threshold)
    cv[def.scope == scope::bdb ? "threshold" : "global_threshold"] = out.threshold;
  const std::string_view n = def.name;
  const auto at_change = sampled(def, uid, std::max(out.change_time, created));
  if (n == "cluster_even_node_count") {
    cv["node_count"] = static_cast<std::uint64_t>(at_change.value_or(0));
  } else if (n == "cluster_certs_about_to_expire") {
    cv["certs_about_to_expire"] = json::array();
  } else if (n == "cluster_multiple_nodes_down") {
    cv["dead_nodes"] = json::array();
  } else if (n == "cluster_flash_overcommit") {
    cv["bdbs_committed_flash"] = 0;
  } else if (n == "cluster_internal_bdb") {
    cv["internal_bdb"] = "";
  } else if (n == "cluster_ram_overcommit") {
    cv["bdbs_committed_ram"] = static_cast<std::uint64_t>(at_change.value_or(0));
  } else if (at_change && (n == "bdb_size" || n == "node_memory")) {
    cv["memory_util"] = *at_change;
  } else if (at_change && n == "node_cpu_utilization") {
    cv["cpu_util"] = *at_change;
  } else if (at_change && (n == "node_ephemeral_storage" || n == "node_persistent_storage")) {
    cv["storage_util"] = *at_change;
  } else if (at_change && (n == "bdb_high_throughput" || n == "bdb_low_throughput")) {
    cv["throughput"] = *at_change;
  } else if (at_change && n == "node_net_throughput") {
    cv["net_throughput"] = *at_change;
  }
  out.change_value = std::move(cv);
  return out;
}

std::vector<std::pair<double, bool>> alert_evaluator::transitions(const alert_def& def,
                                                                  std::uint64_t uid,
                                                                  std::size_t most) const {
  std::vector<std::pair<double, bool>> out;
  if (!model_driven(def) || !may_move(def, uid)) return out;
  const double created = created_of(def.scope, uid);
  const auto state_at = [&](double t) { return model_state(def, uid, t); };
  double top = now_;
  bool state = model_state(def, uid, top);
  while (out.size() < most) {
    const double change = last_change(state_at, state, created, top);
    if (change <= created) break;
    out.emplace_back(change, state);
    // Before the change the state was the other one, up to change - 1.
    top = change - 1;
    state = !state;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

json render_alert(const alert_def& def, const alert_value& v) {
  json out{{"change_time", rfc3339(v.change_time)},
           {"change_value", v.change_value},
           {"enabled", v.enabled},
           {"severity", v.severity},
           {"state", v.state}};
  if (def.scope == scope::bdb) out["threshold"] = v.threshold;
  return out;
}

json render_raised_alert(const raised_alert& a) {
  json out = render_alert(*a.def, a.value);
  out["object"] = alert_object_name(a.def->scope, a.uid);
  out["scope"] = std::string(to_string(a.def->scope));
  out["uid"] = a.uid;
  out["name"] = std::string(a.def->name);
  out["forced"] = a.value.forced;
  return out;
}

json alert_evaluator::render_all(alert_scope s, std::uint64_t uid) const {
  json out = json::object();
  for (const alert_def& def : alert_catalog(s))
    out[std::string(def.name)] = render_alert(def, evaluate(def, uid));
  return out;
}

// Whether raised() lists the alert: evaluate()'s state without its
// change_time search, and the alert enabled unless a forced state raised it.
bool alert_evaluator::shown_raised(const alert_def& def, std::uint64_t uid) const {
  const auto forced = d_->alerts.forced.find(alert_key(def.scope, uid, def.name));
  if (forced != d_->alerts.forced.end() && forced->second.since <= now_)
    return forced->second.state;
  return enabled_of(def, uid) && model_state(def, uid, now_);
}

std::vector<raised_alert> alert_evaluator::raised() const {
  std::vector<raised_alert> out;
  const auto add = [&](alert_scope s, std::uint64_t uid) {
    for (const alert_def& def : alert_catalog(s))
      if (shown_raised(def, uid)) out.push_back(raised_alert{&def, uid, evaluate(def, uid)});
  };
  add(scope::cluster, 0);
  for (const auto& entry : nodes_at(d_->nodes, now_)) add(scope::node, entry.first);
  for (const auto& [uid, db] : d_->databases)
    if (view_of(*db, now_).visible) add(scope::bdb, uid);
  return out;
}

// ---- the event log ------------------------------------------------------------------

namespace {

json alert_ids(alert_scope s, std::uint64_t uid) {
  if (s == scope::bdb) return json{{"bdb_uid", std::to_string(uid)}};
  if (s == scope::node) return json{{"node_uid", uid}};
  return json::object();
}

}  // namespace

void record_alert_event(event_log& log, const alert_def& def, std::uint64_t uid, bool state,
                        const std::string& threshold, double now) {
  json extra = alert_ids(def.scope, uid);
  extra["state"] = state;
  if (def.has_threshold)
    extra[def.scope == scope::bdb ? "threshold" : "global_threshold"] = threshold;
  record_event(log, now, def.name, std::move(extra),
               state ? def.raised_severity : std::string_view("INFO"));
}

void add_alert_transitions(event_log& log, const registry_data& d, const json& cluster_base,
                           double now) {
  if (d.stats.objects.empty()) return;
  const alert_evaluator ev(d, cluster_base, now);
  std::vector<logged_event> found;
  const auto consider = [&](const alert_def& def, std::uint64_t uid) {
    if (!model_driven(def) || d.alerts.forced.contains(alert_key(def.scope, uid, def.name))) return;
    const alert_value v = ev.evaluate(def, uid);
    if (!v.enabled) return;
    for (const auto& [time, state] : ev.transitions(def, uid, max_logged_alert_transitions)) {
      logged_event e;
      e.time = time;
      e.fields = alert_ids(def.scope, uid);
      e.fields["state"] = state;
      if (def.has_threshold)
        e.fields[def.scope == scope::bdb ? "threshold" : "global_threshold"] = v.threshold;
      e.fields["type"] = std::string(def.name);
      e.fields["severity"] = state ? std::string(def.raised_severity) : std::string("INFO");
      found.push_back(std::move(e));
    }
  };
  for (const auto& [object, metrics] : d.stats.objects) {
    const bool is_bdb = object.starts_with("bdb:");
    const auto uid = parse_number<std::uint64_t>(std::string_view(object).substr(is_bdb ? 4 : 5));
    if (!uid) continue;
    const alert_scope s = is_bdb ? scope::bdb : scope::node;
    if (!ev.exists(s, *uid)) continue;
    for (const alert_def& def : alert_catalog(s)) consider(def, *uid);
  }
  if (found.empty()) return;
  log.set_capacity(log.capacity() + found.size());
  for (auto& e : found) log.record(std::move(e));
}

}  // namespace reemu
