// The rules every state of the cluster keeps, in one place for the two
// sides that must agree on them: the writes, which refuse a change that
// would break one, and the state file's loader (restore_state), which
// refuses a file that breaks one. Whatever a write accepts, a restart loads.
//
//   - database uids run from 1 to max_bdb_uid (model.hpp), and so does the
//     highest uid ever given (bdb_uid_high), from which new ones count on;
//   - the cluster keeps at least one node that is not being removed: a
//     removal completes on the clock, so a node being removed counts as
//     gone already;
//   - user and role uids run from 1 and are not reused (user_uid_high,
//     role_uid_high); every user holds at least one role, and every role
//     it holds exists; a role a user, an LDAP mapping or a database's
//     roles_permissions holds is not deleted; a cluster with an admin keeps one;
//   - the licence does not expire before it starts.
//   - the read-only Full Access ACL is there as a fresh cluster has it
//     (uid 1, "+@all ~*"): the Redis ACL routes refuse to change or delete
//     it (check_redis_acl_removable, updated_redis_acl).
//
// The writes keep them piece by piece (next_bdb_uid, check_node_removal,
// check_shard_target), each in O(log n); the loader checks a whole state
// with check_state, once. Plain functions over values; no locking.
#pragma once

#include <cstddef>
#include <cstdint>

#include "reemu/model/errors.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

// The uid a create that names none gets: the one after bdb_uid_high. The
// failure (invalid_schema, 400) when that would pass max_bdb_uid: uids are
// not reused, so the client has to name a free one.
result<std::uint64_t> next_bdb_uid(const registry_data& d);

// Whether node `n` stays in the cluster at `now`: it is visible and no
// removal of it is running (one that failed or was cancelled left it).
bool node_stays(const node& n, double now);

// How many nodes of `nodes` stay at `now`.
std::size_t staying_nodes(const node_map& nodes, double now);

// Whether node `uid` (visible at `now`) may start its removal: the failure
// (insufficient_resources, 406) when no other node would stay.
result<> check_node_removal(const node_map& nodes, std::uint64_t uid, double now);

// Whether node `uid` may receive shards at `now` (a migrate's target): the
// failure (node_not_exist, 404) when no node has that uid, or it was
// removed or is being removed.
result<> check_shard_target(const node_map& nodes, std::uint64_t uid, double now);

// The uid a new user (role) that names none gets: the one after
// user_uid_high (role_uid_high). invalid_schema (400) past the u32 range.
result<std::uint64_t> next_user_uid(const registry_data& d);
result<std::uint64_t> next_role_uid(const registry_data& d);

// Whether a change from `before` to `after` keeps an admin: the failure
// (change_last_admin_role_not_allowed, 406) when `before` had a user with
// the admin management role and `after` has none.
result<> check_admin_kept(const registry_data& before, const registry_data& after);

// Whether role `uid` may be deleted: the failure (role_in_use, 406) naming
// a user that holds it, an LDAP mapping that grants it, or a database whose
// roles_permissions does.
result<> check_role_unused(const registry_data& d, std::uint64_t uid);
// Whether licence `l` expires no earlier than it starts: the failure
// (invalid_value, 400) names both dates.
result<> check_license_dates(const license& l);

// Every rule over a whole state at `now`, as the loader reads it; the
// failure names the rule and the value that breaks it. Linear in the
// databases: the loader calls it once, the writes never.
result<> check_state(const registry_data& d, double now);

}  // namespace reemu
