// The registry: the emulator's only shared mutable state (actions, users,
// databases, plan rules, the cluster-state-id), published as immutable
// snapshots.
//
// Readers take a snapshot (one pointer copy under a short lock) and render
// from it without any lock held. Writers are serialised, edit a copy and
// publish it atomically, so a reader sees either all of a change or none of
// it, and a failed validation changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reemu/http/errors.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/keyed_sequence.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/node.hpp"

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
  database_map databases;
  node_map nodes;                     // the cluster's nodes, from the config
  task_slots cluster_tasks;           // the latest cluster action of each name (change_master)
  std::vector<plan_rule> plan_rules;  // in the order they were added
  std::uint64_t next_plan_rule_id = 1;
  // The cluster-wide counter a real cluster sends as the cluster-state-id
  // header: one more for every accepted change of its configuration.
  std::uint64_t cluster_state_id = 1;
  // The highest database uid ever known: new databases count on from it, so
  // a deleted database's uid (and its actions' object_name) is not reused.
  std::uint64_t bdb_uid_high = 0;
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
  // Forgets actions whose retention ran out before `now`, and databases
  // whose SMDeleteBDB completed. Scans each only when one can have expired
  // since the last scan (actions_expire_at, databases_expire_at).
  void drop_invisible(double now);

  // The database `uid` when it exists and is visible at `now`, else nullptr.
  const database* find_database(std::uint64_t uid, double now) const;
  // Stores `db` (replacing the one with its uid), raises bdb_uid_high and
  // lowers databases_expire_at to the time its delete completes.
  void put_database(database db);
};

// One published version of the registry. Immutable. (Rendered list bodies
// are cached outside it: model/list_bodies.hpp.)
class registry_state {
 public:
  registry_state(registry_data data, std::uint64_t version);
  registry_state(const registry_state&) = delete;
  registry_state& operator=(const registry_state&) = delete;

  const registry_data& data() const noexcept { return data_; }
  std::uint64_t version() const noexcept { return version_; }

 private:
  registry_data data_;
  std::uint64_t version_;
};

using snapshot_ptr = std::shared_ptr<const registry_state>;

class registry {
 public:
  // Publishes `seed` and keeps it for reset().
  explicit registry(registry_data seed);

  // The current version. Thread-safe, wait-free in practice (a pointer copy).
  snapshot_ptr snapshot() const;

  // Runs `change` on a copy of the current data; publishes the copy when it
  // returns nullopt, discards it and returns the failure otherwise. Writers are
  // serialised; readers are never blocked by `change`. `change` must not call
  // back into the registry.
  std::optional<failure> update(
      const std::function<std::optional<failure>(registry_data&)>& change);

  // Replaces everything with `data`.
  void replace_all(registry_data data);

  // Back to the seed given at construction; simulated seed actions start
  // again at `now`. Static ones are shared with the seed, not copied.
  void reset(double now);

 private:
  registry_data seed_;
  void publish(registry_data data);

  mutable std::mutex pointer_mutex_;  // guards current_ only: held for a pointer copy
  std::mutex writer_mutex_;           // serialises writers
  snapshot_ptr current_;
};

}  // namespace reemu
