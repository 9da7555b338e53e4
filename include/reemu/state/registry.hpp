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
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

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

  // The one way to write. Runs `change` on a copy of the current data and
  // publishes the copy when it succeeds; discards it and returns the
  // failure otherwise. Writers are serialised; readers are never blocked by
  // `change`, which must not call back into the registry. Keeps the rules
  // every published state holds, so no writer repeats them:
  // - what is invisible at `now` is dropped before `change` runs (it sees
  //   what a reader at `now` sees) and after (drop_invisible);
  // - a change of the cluster's configuration (a database, a node or its
  //   tasks, a cluster task, the licence, a Redis ACL, an LDAP mapping)
  //   counts one more cluster_state_id.
  result<> update(double now, const std::function<result<>(registry_data&)>& change);

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
