// The registry's contents (registry_data): every stored part of the emulated
// cluster as one value. Writers copy and edit it (state/registry.hpp
// publishes the copies); copying shares the large parts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/alerts.hpp"
#include "reemu/model/cluster_options.hpp"
#include "reemu/model/crdb.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/errors.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/ids.hpp"
#include "reemu/model/keyed_sequence.hpp"
#include "reemu/model/ldap_mapping.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/proxies.hpp"
#include "reemu/model/redis_acl.hpp"
#include "reemu/model/roles.hpp"
#include "reemu/model/stats.hpp"
#include "reemu/model/users.hpp"

namespace reemu {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

inline std::string_view action_uid_of(const action& a) { return a.uid; }

// The actions in creation order, indexed by uid; copied in O(sqrt n).
using action_store = keyed_sequence<action, &action_uid_of>;

// The registry's contents. A value type: writers copy and edit it. Copying
// shares the actions (action_store) and the databases' bodies, so a write
// costs about the same at 100 and at 100k actions.
struct registry_data {
  action_store actions;  // creation order; edit through add/replace/remove
  user_map users;
  role_map roles;                   // the RBAC roles users hold (model/roles.hpp)
  std::uint64_t user_uid_high = 0;  // the highest user uid given: not reused
  std::uint64_t role_uid_high = 0;  // the highest role uid given: not reused
  password_policy passwords;        // the cluster's password rules (PUT /v1/cluster)
  database_map databases;
  node_map nodes;                     // the cluster's nodes, from the config
  task_slots cluster_tasks;           // the latest cluster action of each name (change_master)
  std::vector<plan_rule> plan_rules;  // in the order they were added
  // The cluster's licence (model/license.hpp); a seed installs the trial.
  // Unseeded, it limits nothing a test would reach.
  reemu::license license = unlimited_license();
  std::uint64_t next_plan_rule_id = 1;
  redis_acl_map redis_acls = fresh_redis_acls();  // /v1/redis_acls: Full Access, then those made
  ldap_mapping_map ldap_mappings;                 // /v1/ldap_mappings
  proxy_map proxies;         // /v1/proxies: the settings PUT changed, by node uid
  crdb_store active_active;  // /v1/crdbs, /v1/crdb_tasks, unreachable participants
  event_log events;          // /v1/logs: what happened, some of it scheduled by plans
  stats_steering stats;      // the control API's steering of the stats model (model/stats.hpp)
  alert_store alerts;        // alert settings and forced alert states (model/alerts.hpp)
  // /v1/cluster/policy, services_configuration, /v1/ocsp, /v1/local/services
  cluster_options options;
  // The cluster-wide counter a real cluster sends as the cluster-state-id
  // header: one more for every accepted change of its configuration.
  std::uint64_t cluster_state_id = 1;
  // The highest database uid ever known: new databases count on from it, so
  // a deleted database's uid (and its actions' object_name) is not reused.
  std::uint64_t bdb_uid_high = 0;
  // Where new action uids and task ids come from (model/ids.hpp).
  id_sequence ids;
  // No action turns invisible before this clock time: drop_invisible
  // scans the actions only once the clock reaches it.
  double actions_expire_at = forever;
  // No database turns invisible (its SMDeleteBDB completes) before this
  // clock time: drop_invisible scans the databases only once it is reached,
  // so a write is not linear in the databases while a delete runs.
  double databases_expire_at = forever;

  // The action with `uid`, or nullptr.
  std::shared_ptr<const action> find(std::string_view uid) const;
  // Adds `a`; false (and nothing added) when its uid is taken.
  bool add(action a);
  // Replaces the action with the same uid; false when there is none.
  bool replace(action a);
  // Removes the action with `uid`; false when there is none.
  bool remove(std::string_view uid);
  // Forgets actions whose retention ran out before `now`, databases whose
  // SMDeleteBDB completed, nodes whose remove_node completed, CRDBs
  // deleted and CRDB tasks past their retention. Scans the
  // actions and databases only when one can have expired since the last
  // scan (actions_expire_at, databases_expire_at). registry::update calls
  // it around every write; a handler never does.
  void drop_invisible(double now);
  // A copy as a write at `now` would see it (drop_invisible): what a dry
  // run checks against. Copying shares the values.
  registry_data settled_at(double now) const;
  // Succeeds when `expected` (a request's cluster-state-id header) is empty
  // or the current cluster_state_id; else 409 wrong_cluster_state_id, or
  // 400 invalid_schema when it is not a whole number.
  result<> check_state_id(std::string_view expected) const;

  // The database `uid` when it exists and is visible at `now`, else nullptr.
  const database* find_database(std::uint64_t uid, double now) const;
  // Stores `db` (replacing the one with its uid), raises bdb_uid_high and
  // lowers databases_expire_at to the time its delete completes.
  void put_database(database db);
};

}  // namespace reemu
