// The bodies of GET /v1/bdbs and GET /v1/bdbs/{uid}: each database's 139
// fields rendered once per stored version of it and clock interval over
// which its operation shows no change, and the list made of those texts
// without copying them. A poll of an unchanged database renders nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "reemu/model/database.hpp"
#include "reemu/model/shared_bytes.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

// The interval around `now` over which view_of(db, ·) and render_bdb(db, ·)
// give the same result: its operation's (unbounded without one).
validity bdb_validity(const database& db, double now) noexcept;

// The rendered databases, reused while a database's stored version is the
// same and the clock stays inside its validity. Thread-safe; the lock is
// held for lookups and pointer copies only, never while rendering.
class bdb_cache {
 public:
  // dump(render_bdb(db, now)) of database `uid` of `snap`, or null when it
  // has none or it is not visible at `now`.
  std::shared_ptr<const std::string> one(const snapshot_ptr& snap, std::uint64_t uid, double now);

  // [database…] of the databases of `snap` visible at `now`, by uid: the
  // bytes dump() of the array would give.
  shared_bytes list(const snapshot_ptr& snap, double now);

 private:
  // A database's rendering; `text` is null while it is not visible.
  struct entry {
    std::weak_ptr<const database> of;  // weak: a cache never keeps a database alive
    std::shared_ptr<const std::string> text;
    validity valid;
  };
  // The entry for `db` at `now`, or null when none holds. Lock held.
  const entry* cached(const std::shared_ptr<const database>& db, double now) const;
  static entry render(const std::shared_ptr<const database>& db, double now);
  // Forgets the entries of databases `dbs` does not hold, once they
  // outnumber it (deleted databases polled by uid). Lock held.
  void prune(const database_map& dbs);

  std::mutex mutex_;
  std::unordered_map<std::uint64_t, entry> by_uid_;
  struct {
    std::weak_ptr<const registry_state> of;
    shared_bytes body;
    validity valid;
  } list_;
};

}  // namespace reemu
