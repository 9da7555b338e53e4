// What binds roles to the rest of the cluster, checked against the stores:
// a database's roles_permissions (a role and the Redis ACL its users get on
// that database) and an LDAP mapping's role_uids. The routes of databases,
// Redis ACLs and LDAP mappings call these inside registry::update (or on a
// dry run's snapshot), so what they check is what the write sees.
// Plain functions over values; no locking.
#pragma once

#include <cstdint>
#include <vector>

#include "reemu/model/database.hpp"
#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/registry_data.hpp"

namespace reemu {

// Checks the roles_permissions of a bdb body (POST /v1/bdbs, PUT
// /v1/bdbs/{uid}): an array of {"redis_acl_uid": n, "role_uid": n}, both
// whole numbers from 1, nothing else in an entry, a role at most once
// (invalid_schema, 400, naming the entry); every redis_acl_uid an ACL of
// `d` (redis_acl_not_exist, 404) and every role_uid a role of `d`
// (role_not_exist, 404).
result<> check_roles_permissions(const registry_data& d, const json& value);

// Reads role_uids (an LDAP mapping's): an array of at least one whole
// number from 1 to 4294967295; invalid_role_uids_param, naming the entry,
// otherwise.
result<std::vector<std::uint64_t>> read_role_uids(const json& value);

// Checks an LDAP mapping's role_uids against `d`: read_role_uids, then
// each a role of `d` (invalid_role_uids_param naming the one that is not).
result<> check_role_uids(const registry_data& d, const json& role_uids);

// The first database visible at `now` whose roles_permissions names the ACL
// `acl_uid`, or nullptr. Linear in the databases.
const database* database_binding_acl(const registry_data& d, std::uint64_t acl_uid, double now);

// Whether the ACL `uid` may be deleted at `now`: check_redis_acl_removable
// (404, 409 read-only), then redis_acl_in_use (406) while a database binds
// it in its roles_permissions.
result<> check_redis_acl_deletion(const registry_data& d, std::uint64_t uid, double now);

}  // namespace reemu
