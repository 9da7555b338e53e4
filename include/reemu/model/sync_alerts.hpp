// Sync-source alerts (GET /v1/bdbs/crdt_sources/alerts…,
// GET /v1/bdbs/replica_sources/alerts…): the alerts each sync source of a
// database raises, computed at read time from the registry on the clock.
// Plain values; no locking, no clock reads.
//
// A database's CRDT sources are the entries of its crdt_sources field (one
// per other participant of the CRDB it is the local instance of; a
// source's id is its `uid`, the participant's instance id); its Replica Of
// sources are the entries of replica_sources (id: the entry's `uid` when it
// has a whole one, else its position from 1). Each source has the three
// database alerts of its kind (bdb_crdt_src_* or bdb_replica_src_*), and
// the database's settings of those names (POST /v1/bdbs/alerts/{uid})
// apply to every source.
//
// What raises them: a CRDT source whose participant URL the control API
// marked unreachable (crdb_store::unreachable) raises
// bdb_crdt_src_syncer_connection_error once it has been unreachable for
// its threshold in seconds (0, the default: at once) and
// bdb_crdt_src_high_syncer_lag once it has been unreachable longer than
// its threshold; the participant's last ended outage
// (crdb_store::recovered) says when they cleared. The general error and
// every Replica Of alert stay cleared (Replica Of syncing is not
// modelled). A forced state (the control API, key
// "bdb:1/crdt_src:2/<alert>") replaces all that from its `since` on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/model/alerts.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct registry_data;
class event_log;

enum class sync_source_kind : std::uint8_t { crdt, replica };

// "crdt_src", "replica_src": the middle of the alerts' names, of forced
// keys and of the events' id field ("crdt_src_id").
std::string_view to_string(sync_source_kind k) noexcept;
// "crdt_sources", "replica_sources": the bdb field and the path segment;
// parse_sync_sources reads them.
std::string_view sources_field(sync_source_kind k) noexcept;
std::optional<sync_source_kind> parse_sync_sources(std::string_view text) noexcept;
// "CRDT", "Replica Of": for descriptions.
std::string_view display_name(sync_source_kind k) noexcept;

// The alerts of a source of kind `k`, sorted by name (three entries of the
// database catalogue).
std::vector<const alert_def*> sync_alert_catalog(sync_source_kind k);
// The alert `name` of a source of kind `k`, or nullptr.
const alert_def* find_sync_alert(sync_source_kind k, std::string_view name);

// One sync source of a database.
struct sync_source {
  std::uint64_t id = 0;
  std::string uri;  // the participant's URL, the Replica Of source's URI ("" without one)
  bool operator==(const sync_source&) const = default;
};

// The sources of kind `k` a database's fields hold, in their order
// (entries that are not objects, or CRDT entries without a whole `uid`,
// are skipped).
std::vector<sync_source> sync_sources_of(const json& db_fields, sync_source_kind k);

// "bdb:1/crdt_src:2" and "bdb:1/crdt_src:2/bdb_crdt_src_high_syncer_lag".
std::string sync_source_object(sync_source_kind k, std::uint64_t bdb_uid, std::uint64_t src_id);
std::string sync_alert_key(sync_source_kind k, std::uint64_t bdb_uid, std::uint64_t src_id,
                           std::string_view name);

// The sync-source alerts over one snapshot at `now`. Cheap to build; the
// registry_data must outlive it.
class sync_alert_evaluator {
 public:
  sync_alert_evaluator(const registry_data& d, double now);

  // The sources of kind `k` of database `bdb_uid`; nullopt when no such
  // database is visible at `now`.
  std::optional<std::vector<sync_source>> sources(sync_source_kind k, std::uint64_t bdb_uid) const;

  // Source `s`'s alert `def` (one of sync_alert_catalog(k)) at `now`.
  alert_value evaluate(sync_source_kind k, const alert_def& def, std::uint64_t bdb_uid,
                       const sync_source& s) const;

  // {"<alert>":{…}} of one source, sorted.
  json render_source(sync_source_kind k, std::uint64_t bdb_uid, const sync_source& s) const;
  // {"<source id>":{"<alert>":{…}}} of one database ({} without sources or
  // when it does not exist).
  json render_database(sync_source_kind k, std::uint64_t bdb_uid) const;

  // The model's transitions of source `s`'s alert `def` after the
  // database's creation, oldest first: (time, state it changed to). At
  // most three (the last outage's raise and clear, the current outage's
  // raise); empty for an alert nothing drives.
  std::vector<std::pair<double, bool>> transitions(sync_source_kind k, const alert_def& def,
                                                   std::uint64_t bdb_uid,
                                                   const sync_source& s) const;

 private:
  // The model's state and the time it last changed.
  std::pair<bool, double> model_state(sync_source_kind k, const alert_def& def,
                                      std::uint64_t bdb_uid, const sync_source& s) const;
  double created_of(std::uint64_t bdb_uid) const;

  const registry_data* d_;
  double now_;
};

// The model-driven transitions /v1/logs shows beside the recorded events:
// for every enabled, not forced alert of every source, transitions() as
// events ({"type": name, "severity", "state", "bdb_uid", "<kind>_id",
// "threshold"}). Only a participant that is or was unreachable moves one,
// so without any this costs one look at the store. Appended to `log` (a
// copy the reader owns).
void add_sync_alert_transitions(event_log& log, const registry_data& d, double now);

// Records a sync-source alert event of a write at `now` (the control API's
// raise or clear).
void record_sync_alert_event(event_log& log, sync_source_kind k, const alert_def& def,
                             std::uint64_t bdb_uid, std::uint64_t src_id, bool state,
                             const std::string& threshold, double now);

}  // namespace reemu
