// Sync-source alerts (model/sync_alerts.hpp): which sources a database
// has, and the state of each source's alerts from its participant's
// reachability on the clock.
#include "reemu/model/sync_alerts.hpp"

#include <algorithm>
#include <tuple>

#include "reemu/model/crdb.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/registry_data.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// The alert of kind `k` named bdb_<kind>_<suffix>.
std::string sync_alert_name(sync_source_kind k, std::string_view suffix) {
  return "bdb_" + std::string(to_string(k)) + "_" + std::string(suffix);
}

// How long a participant must have been unreachable to raise `def`:
// connection errors at their threshold (>=), lag beyond it (>); nullopt
// for an alert reachability does not drive.
struct outage_rule {
  double threshold = 0;
  bool strictly_longer = false;
  bool raised_by(double length) const {
    return strictly_longer ? length > threshold : length >= threshold;
  }
};

std::optional<outage_rule> outage_rule_of(sync_source_kind k, const alert_def& def,
                                          const std::string& threshold) {
  if (k != sync_source_kind::crdt) return std::nullopt;
  const double t = alert_threshold_number(threshold).value_or(0);
  if (def.name == "bdb_crdt_src_syncer_connection_error") return outage_rule{t, false};
  if (def.name == "bdb_crdt_src_high_syncer_lag") return outage_rule{t, true};
  return std::nullopt;
}

// The entry's uid: a whole number >= 0, given as a number or a numeric
// string.
std::optional<std::uint64_t> source_uid(const json& entry) {
  const auto it = entry.find("uid");
  if (it == entry.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  if (it->is_string()) return parse_number<std::uint64_t>(it->get_ref<const std::string&>());
  return std::nullopt;
}

json sync_event_ids(sync_source_kind k, std::uint64_t bdb_uid, std::uint64_t src_id) {
  return json{{"bdb_uid", std::to_string(bdb_uid)},
              {std::string(to_string(k)) + "_id", std::to_string(src_id)}};
}

}  // namespace

// ---- names --------------------------------------------------------------------------

std::string_view to_string(sync_source_kind k) noexcept {
  return k == sync_source_kind::crdt ? "crdt_src" : "replica_src";
}

std::string_view sources_field(sync_source_kind k) noexcept {
  return k == sync_source_kind::crdt ? "crdt_sources" : "replica_sources";
}

std::optional<sync_source_kind> parse_sync_sources(std::string_view text) noexcept {
  for (const auto k : {sync_source_kind::crdt, sync_source_kind::replica})
    if (sources_field(k) == text) return k;
  return std::nullopt;
}

std::string_view display_name(sync_source_kind k) noexcept {
  return k == sync_source_kind::crdt ? "CRDT" : "Replica Of";
}

std::vector<const alert_def*> sync_alert_catalog(sync_source_kind k) {
  const std::string prefix = sync_alert_name(k, "");
  std::vector<const alert_def*> out;
  for (const alert_def& def : alert_catalog(alert_scope::bdb))
    if (def.name.starts_with(prefix)) out.push_back(&def);
  return out;  // the catalogue's order: sorted
}

const alert_def* find_sync_alert(sync_source_kind k, std::string_view name) {
  for (const alert_def* def : sync_alert_catalog(k))
    if (def->name == name) return def;
  return nullptr;
}

std::vector<sync_source> sync_sources_of(const json& db_fields, sync_source_kind k) {
  std::vector<sync_source> out;
  const auto list = db_fields.find(std::string(sources_field(k)));
  if (list == db_fields.end() || !list->is_array()) return out;
  std::uint64_t position = 0;
  for (const json& entry : *list) {
    ++position;
    if (!entry.is_object()) continue;
    auto id = source_uid(entry);
    // Replica Of entries come from the client's body and may carry no
    // uid: their position names them then.
    if (!id && k == sync_source_kind::replica) id = position;
    if (!id) continue;
    const auto uri = entry.find("uri");
    out.push_back({*id, uri != entry.end() && uri->is_string() ? uri->get<std::string>() : ""});
  }
  return out;
}

std::string sync_source_object(sync_source_kind k, std::uint64_t bdb_uid, std::uint64_t src_id) {
  return "bdb:" + std::to_string(bdb_uid) + "/" + std::string(to_string(k)) + ":" +
         std::to_string(src_id);
}

std::string sync_alert_key(sync_source_kind k, std::uint64_t bdb_uid, std::uint64_t src_id,
                           std::string_view name) {
  return sync_source_object(k, bdb_uid, src_id) + "/" + std::string(name);
}

// ---- evaluation ----------------------------------------------------------------------

sync_alert_evaluator::sync_alert_evaluator(const registry_data& d, double now)
    : d_(&d), now_(now) {}

std::optional<std::vector<sync_source>> sync_alert_evaluator::sources(sync_source_kind k,
                                                                      std::uint64_t bdb_uid) const {
  const database* db = d_->find_database(bdb_uid, now_);
  if (db == nullptr) return std::nullopt;
  return sync_sources_of(db->fields, k);
}

double sync_alert_evaluator::created_of(std::uint64_t bdb_uid) const {
  const database* db = d_->find_database(bdb_uid, now_);
  return db == nullptr ? now_ : db->created_at;
}

std::pair<bool, double> sync_alert_evaluator::model_state(sync_source_kind k, const alert_def& def,
                                                          std::uint64_t bdb_uid,
                                                          const sync_source& s) const {
  const double created = created_of(bdb_uid);
  const auto rule =
      outage_rule_of(k, def, bdb_alert_setting_of(d_->alerts, bdb_uid, def).threshold);
  if (!rule || s.uri.empty()) return {false, created};
  const crdb_store& aa = d_->active_active;
  // Unreachable now: raised once the outage is long enough, from the
  // moment it became so (the database's creation at the earliest).
  if (const auto down = aa.unreachable.find(s.uri); down != aa.unreachable.end()) {
    if (rule->raised_by(now_ - down->second))
      return {true, std::max(down->second + rule->threshold, created)};
  }
  // Cleared: since the last outage ended when that one raised it, else
  // since the database's creation.
  if (const auto last = aa.recovered.find(s.uri); last != aa.recovered.end()) {
    const participant_outage& o = last->second;
    if (o.to >= created && o.to <= now_ && rule->raised_by(o.to - o.from)) return {false, o.to};
  }
  return {false, created};
}

alert_value sync_alert_evaluator::evaluate(sync_source_kind k, const alert_def& def,
                                           std::uint64_t bdb_uid, const sync_source& s) const {
  const bdb_alert_setting setting = bdb_alert_setting_of(d_->alerts, bdb_uid, def);
  alert_value out;
  out.enabled = setting.enabled;
  out.threshold = setting.threshold;
  const auto forced = d_->alerts.forced.find(sync_alert_key(k, bdb_uid, s.id, def.name));
  if (forced != d_->alerts.forced.end() && forced->second.since <= now_) {
    out.forced = true;
    out.state = forced->second.state;
    out.change_time = forced->second.since;
  } else {
    std::tie(out.state, out.change_time) = model_state(k, def, bdb_uid, s);
  }
  out.severity = out.state ? std::string(def.raised_severity) : "INFO";
  out.change_value = json{{"state", out.state}, {"threshold", out.threshold}};
  return out;
}

json sync_alert_evaluator::render_source(sync_source_kind k, std::uint64_t bdb_uid,
                                         const sync_source& s) const {
  json out = json::object();
  for (const alert_def* def : sync_alert_catalog(k))
    out[std::string(def->name)] = render_alert(*def, evaluate(k, *def, bdb_uid, s));
  return out;
}

json sync_alert_evaluator::render_database(sync_source_kind k, std::uint64_t bdb_uid) const {
  json out = json::object();
  for (const sync_source& s : sources(k, bdb_uid).value_or(std::vector<sync_source>{}))
    out[std::to_string(s.id)] = render_source(k, bdb_uid, s);
  return out;
}

std::vector<std::pair<double, bool>> sync_alert_evaluator::transitions(sync_source_kind k,
                                                                       const alert_def& def,
                                                                       std::uint64_t bdb_uid,
                                                                       const sync_source& s) const {
  std::vector<std::pair<double, bool>> out;
  const double created = created_of(bdb_uid);
  const auto rule =
      outage_rule_of(k, def, bdb_alert_setting_of(d_->alerts, bdb_uid, def).threshold);
  if (!rule || s.uri.empty()) return out;
  const crdb_store& aa = d_->active_active;
  if (const auto last = aa.recovered.find(s.uri); last != aa.recovered.end()) {
    const participant_outage& o = last->second;
    if (o.to >= created && o.to <= now_ && rule->raised_by(o.to - o.from)) {
      out.emplace_back(std::max(o.from + rule->threshold, created), true);
      out.emplace_back(o.to, false);
    }
  }
  if (const auto down = aa.unreachable.find(s.uri); down != aa.unreachable.end()) {
    if (rule->raised_by(now_ - down->second))
      out.emplace_back(std::max(down->second + rule->threshold, created), true);
  }
  return out;
}

// ---- the event log ---------------------------------------------------------------------

void record_sync_alert_event(event_log& log, sync_source_kind k, const alert_def& def,
                             std::uint64_t bdb_uid, std::uint64_t src_id, bool state,
                             const std::string& threshold, double now) {
  json extra = sync_event_ids(k, bdb_uid, src_id);
  extra["state"] = state;
  extra["threshold"] = threshold;
  record_event(log, now, def.name, std::move(extra),
               state ? def.raised_severity : std::string_view("INFO"));
}

void add_sync_alert_transitions(event_log& log, const registry_data& d, double now) {
  if (d.active_active.unreachable.empty() && d.active_active.recovered.empty()) return;
  const sync_alert_evaluator ev(d, now);
  std::vector<logged_event> found;
  for (const auto& [bdb_uid, db] : d.databases) {
    if (!view_of(*db, now).visible) continue;
    // Reachability drives CRDT sources only.
    const auto k = sync_source_kind::crdt;
    for (const sync_source& s : sync_sources_of(db->fields, k)) {
      for (const alert_def* def : sync_alert_catalog(k)) {
        if (d.alerts.forced.contains(sync_alert_key(k, bdb_uid, s.id, def->name))) continue;
        const bdb_alert_setting setting = bdb_alert_setting_of(d.alerts, bdb_uid, *def);
        if (!setting.enabled) continue;
        for (const auto& [time, state] : ev.transitions(k, *def, bdb_uid, s)) {
          logged_event e;
          e.time = time;
          e.fields = sync_event_ids(k, bdb_uid, s.id);
          e.fields["state"] = state;
          e.fields["threshold"] = setting.threshold;
          e.fields["type"] = std::string(def->name);
          e.fields["severity"] = state ? std::string(def->raised_severity) : std::string("INFO");
          found.push_back(std::move(e));
        }
      }
    }
  }
  if (found.empty()) return;
  log.set_capacity(log.capacity() + found.size());
  for (auto& e : found) log.record(std::move(e));
}

}  // namespace reemu
