// The bodies of GET /v1/actions and GET /v2/actions: rendered from a
// registry snapshot at a clock time, and cached, because a list is the
// emulator's hottest and largest answer. The registry stores; this renders.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "reemu/model/shared_bytes.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

enum class list_kind : std::uint8_t { v1, v2 };

// What one chunk of the action store contributes to a list: for v1 its
// tasks (first) and state machines (second), for v2 everything (first),
// comma-joined; valid over `valid`.
struct list_piece {
  std::string first;
  std::string second;
  validity valid;
};

// Pieces by the chunk they were rendered from; weak, so a cache never keeps
// a chunk alive and a new chunk at a freed one's address is not taken for it.
struct piece_entry {
  std::weak_ptr<const action_store::chunk> of;
  std::shared_ptr<const list_piece> piece;
};
using piece_map = std::unordered_map<const void*, piece_entry>;

// The list of `kind` at `now`, narrowing `v`: the chunks' pieces with the
// brackets and commas between them, never joined (the body shares the
// pieces). Takes the pieces of `reuse` (may be null) for chunks it holds
// that are still valid, and records every chunk's piece in `keep` (may be
// null).
shared_bytes render_list(const registry_data& d, list_kind kind, double now, validity& v,
                         const piece_map* reuse, piece_map* keep);

// {"actions":[task…],"state-machines":[sm…]} of the actions visible at `now`,
// joined (tests compare the cache with it). Narrows `v` to the interval over
// which the body stays the same.
std::string v1_list(const registry_data& d, double now, validity& v);

// [v2 action…] of the actions visible at `now`. Narrows `v` likewise.
std::string v2_list(const registry_data& d, double now, validity& v);

// One rendered body per list, reused while the snapshot is the same and the
// clock stays inside the body's validity interval: between changes and
// lifecycle steps every request shares the same bytes, and after a change
// only the changed chunks are rendered again. The pieces are the only copy
// of the bytes: a body is a sequence of them (shared_bytes). Thread-safe; the lock
// is held for pointer copies only, never while rendering.
class list_cache {
 public:
  shared_bytes v1(const snapshot_ptr& snap, double now);
  shared_bytes v2(const snapshot_ptr& snap, double now);

 private:
  struct slot {
    std::weak_ptr<const registry_state> of;  // weak: a cache never keeps a snapshot alive
    shared_bytes body;
    validity valid;
    std::shared_ptr<const piece_map> pieces;  // of the chunks `body` was built from
  };
  shared_bytes get(slot& s, const snapshot_ptr& snap, double now, list_kind kind);

  std::mutex mutex_;
  slot v1_;
  slot v2_;
};

}  // namespace reemu
