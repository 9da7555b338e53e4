// Active-Active databases (CRDBs) and their tasks: plain values.
//
// A CRDB is stored as its wire object (passwords masked, as a cluster shows
// it) with the clock times its tasks fix when they start: a CRDB task's plan
// is chosen when it starts (its template under the plan rules, or a failure
// because a participant is unreachable), so its end is known then. What a
// task that is to finish does to the local database starts at once (the
// database's own machine); what it does to the CRDB object is kept as a
// change shown from the task's end (crdb::changes). A task that is to fail
// does nothing. Nothing is updated as time passes: the CRDB is listed from
// the end of its create task to the end of its delete task, its fields are
// those of the last change ended by then, and a task's status is computed
// from its plan at read time.
//
// The other participating clusters are virtual: instances named by their
// URL. The control API marks a URL unreachable (crdb_store::unreachable);
// the next task touching it fails with the cluster's error and the local
// instance's sync from it stops (sync_source_stats, syncer_state, the
// sync-source alerts of model/sync_alerts.hpp). Made reachable again, the
// outage is kept as the URL's last one (crdb_store::recovered), so the
// alerts it raised know when they cleared.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

// A change of a CRDB's fields by a task that is to finish: the whole
// fields, shown from the task's end.
struct crdb_change {
  std::string task_id;
  double at = 0;  // its task's end
  json fields;
  bool operator==(const crdb_change&) const = default;
};

// One Active-Active database.
struct crdb {
  std::string guid;
  json fields = json::object();      // the wire object as GET shows it (guid included)
  std::uint64_t local_instance = 0;  // the id of this cluster's instance
  std::uint64_t local_bdb = 0;       // its database uid
  double visible_from = forever;     // its create task finished (forever: never)
  double gone_at = forever;          // its delete task finished, or its create failed
  std::vector<crdb_change> changes;  // not ended yet (folded into `fields` once ended)
  bool operator==(const crdb&) const = default;
};

// One CRDB task (/v1/crdb_tasks).
struct crdb_task {
  std::string id;         // a UUID from the id sequence, or the client's X-Task-ID
  std::string crdb_guid;  // shown from `started` on for a create
  std::string operation;  // create_crdb, update_crdb, delete_crdb, flush_crdb, …
  simulate_plan plan;     // its template's under the plan rules; the retention is its TTL
  double started_at = 0;
  std::string error_cluster;  // the cluster its failure names
  bool operator==(const crdb_task&) const = default;
};

// An outage of a participant that has ended: unreachable from `from` to
// `to` (clock times).
struct participant_outage {
  double from = 0;
  double to = 0;
  bool operator==(const participant_outage&) const = default;
};

// Everything Active-Active the registry keeps.
struct crdb_store {
  std::map<std::string, crdb, std::less<>> crdbs;          // by guid
  std::map<std::string, crdb_task, std::less<>> tasks;     // by id
  std::map<std::string, double, std::less<>> unreachable;  // participant URL -> since
  // Participant URL -> its last ended outage (made reachable again).
  std::map<std::string, participant_outage, std::less<>> recovered;
  bool operator==(const crdb_store&) const = default;
};

// Marks `url` unreachable from `now` (kept from the first mark while it
// stays so), or reachable again, keeping the outage that ends as its last.
void set_participant_reachable(crdb_store& s, const std::string& url, bool reachable, double now);

// The CRDB task operations, each a task template of its own (plan rules
// name them: "create_crdb").
inline constexpr std::string_view crdb_operations[] = {"create_crdb", "update_crdb", "delete_crdb",
                                                       "modify_crdb", "flush_crdb",  "purge_crdb",
                                                       "upgrade_crdb"};

// How long a finished task stays readable without X-Result-TTL.
inline constexpr double crdb_task_default_ttl = 500;

// The task's wire status at `now`: queued, started, finished, failed, or
// cancelled.
std::string_view crdb_task_status(const crdb_task& t, double now) noexcept;

// True while `t` has not ended.
bool crdb_task_runs(const crdb_task& t, double now) noexcept;

// False once the task's retention after its end has run out (404).
bool crdb_task_visible(const crdb_task& t, double now) noexcept;

// The clock time the task ends (completed, failed), forever when cancelled
// or not ending; and whether it completes.
double crdb_task_end(const crdb_task& t) noexcept;
bool crdb_task_completes(const crdb_task& t) noexcept;

// The task object: {"crdb_guid","id","operation","status","worker_name"},
// "started" once started, "ended" once ended, "errors" once failed,
// "progress" while started.
json render_crdb_task(const crdb_task& t, const crdb* c, double now);

// True when the CRDB is listed at `now`.
bool crdb_visible(const crdb& c, double now) noexcept;

// The fields `c` shows at `now`: those of the latest change ended by then,
// else `fields`.
const json& crdb_fields_at(const crdb& c, double now) noexcept;

// The fields a new task starts from: those of the last change asked for.
const json& crdb_latest_fields(const crdb& c) noexcept;

// `c` as it reads at `now` (fields_at, no changes pending).
crdb crdb_at(const crdb& c, double now);

// Moves the changes ended by `now` into `fields`.
void fold_crdb_changes(crdb& c, double now);

// The participants of `c` other than this cluster: {id, name, url}.
struct crdb_participant {
  std::uint64_t id = 0;
  std::string name;
  std::string url;
};
std::vector<crdb_participant> remote_participants(const crdb& c);

// A create body read and checked: the CRDB's wire object (guid set, ids
// given to the instances, passwords masked) and the local database's body.
struct crdb_request {
  json object;
  std::uint64_t local_instance = 0;
  json local_db = json::object();  // default_db_config + the instance's db_config
};

// Reads POST /v1/crdbs's body: name, default_db_config, instances (each
// with cluster {url, name, exactly one of credentials / certificate_auth}),
// encryption, causal_consistency, featureset_version, modules, guid. One
// instance must be this cluster (its cluster.name is `cluster_name`).
// Fails with invalid_schema naming the field, or crdb_not_accepted.
result<crdb_request> read_crdb_create(const json& body, std::string_view cluster_name,
                                      std::string guid);

// Checks a PATCH body: name, default_db_config, encryption. The fields to
// merge.
result<json> read_crdb_patch(const json& body);

// The fields of `c` with a checked PATCH (or an updates' `crdb`) merged:
// name, encryption, default_db_config key by key.
json patched_crdb_fields(const json& fields, const json& patch);

// What POST /v1/crdbs/{guid}/updates asks: the new fields (add_instances
// numbered on from the highest id, remove_instances dropped, `crdb`
// merged) and the local database's changes (the `crdb`'s
// default_db_config). Refuses removing this cluster's instance, an unknown
// id or a URL already there.
struct crdb_update {
  json fields;
  json local_db = json::object();
};
result<crdb_update> read_crdb_updates(const json& body, const crdb& c);

// What the bdb routes cannot do to an Active-Active instance, whose CRDB
// owns it (its CRDT fields and its life): `fields` is the database's wire
// object, `body` a checked PUT /v1/bdbs/{uid} or POST /v1/bdbs body (for a
// create, `fields` is an empty object). Refuses, with
// not_supported_action_on_crdt, a change of a CRDT field other than
// crdt_sync (paused / enabled, as a cluster allows), Replica Of into an
// instance, and a database made an instance outside POST /v1/crdbs; with
// crdt_sharding_violation, sharding switched on or off.
result<> check_crdt_update(const json& fields, const json& body);

// Refuses DELETE /v1/bdbs/{uid} of an Active-Active instance: its CRDB's
// delete (or an updates' remove_instances) removes it.
result<> check_crdt_delete(const json& fields);

// {"guid","fields","local_instance","local_bdb","visible_from","gone_at",
// "changes":[{"task_id","at","fields"}…]} and back (absent: none); the
// failure names `where`.
json crdb_record(const crdb& c);
result<crdb> crdb_from_record(const json& record, const std::string& where);
json crdb_task_record(const crdb_task& t);
result<crdb_task> crdb_task_from_record(const json& record, const std::string& where);

// The whole store as the state file keeps it:
// {"crdbs":[record…],"tasks":[record…],"unreachable":[{"url","since"}…],
// "recovered":[{"url","from","to"}…]}, and back (absent keys: empty); the
// failure names `where`.
json crdb_store_record(const crdb_store& s);
result<crdb_store> crdb_store_from_record(const json& record, const std::string& where);

}  // namespace reemu
