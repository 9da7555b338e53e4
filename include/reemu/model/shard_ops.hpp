// The shard operations a state machine performs, and the `pending_ops` it
// shows while it runs them. Plain values; no locking, no clock reads.
//
// A machine that moves shards (a migrate, failover, rebalance or revamp) or
// reshapes a database (shards_count, replication) carries its operations in
// its plan (simulate_plan::shard_ops), derived when it starts from where the
// shards were and where it leaves them. They run one after another over the
// machine's walk (its steps, without the pending and starting time), each in
// an equal slice of it:
//
//   walk  [R, R + n*d)            R = start + pending + starting, n steps of d
//   op j  [R + j*T/k, R + (j+1)*T/k)   T = n*d, k operations
//
// pending_ops lists the operations not finished, keyed by shard uid: the one
// running with its progress (whole percent of its slice, rising with the
// clock), those after it with progress 0. A finished one is gone, so a
// completed machine shows none; a failed or cancelled one keeps what was left
// when it stopped. Before the walk starts, none is shown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reemu/model/database.hpp"
#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

// The operation names the emulator's machines perform.
inline constexpr std::string_view migrate_shard_op = "migrate_shard";
inline constexpr std::string_view failover_shard_op = "failover_shard";
inline constexpr std::string_view reshard_op = "reshard";

// The operations that take the shards `uids` from `before` to `after` (one
// spot per shard, in shard_list order): migrate_shard for a shard whose node
// changes, else failover_shard for a master that becomes a replica (its
// replica, promoted, has no operation of its own). None when the sizes
// differ or nothing moves.
std::vector<shard_op> shard_moves(const std::vector<std::uint64_t>& uids,
                                  const std::vector<shard_spot>& before,
                                  const std::vector<shard_spot>& after);

// The operations of a reshape that made the shards `uids`: reshard for each.
std::vector<shard_op> reshard_ops(const std::vector<std::uint64_t>& uids);

// The pending_ops object of a machine walking `plan` from `started_at`, at
// `now` (see above). Narrows `v` to the interval the result holds for.
json pending_ops_at(const simulate_plan& plan, double started_at, double now,
                    validity* v = nullptr);

// simulate.shard_ops as a simulate block holds it:
// [{"shard_uid":"3","op_name":"migrate_shard"},…].
json shard_ops_json(const std::vector<shard_op>& ops);

// Reads simulate.shard_ops back: at most max_database_shards entries, each
// with a non-empty shard_uid and op_name (at most max_identifier_length
// characters), no shard_uid twice. The failure names `where`
// ("simulate.shard_ops").
result<std::vector<shard_op>> read_shard_ops(const json& list, const std::string& where);

}  // namespace reemu
