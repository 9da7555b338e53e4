// Redis ACLs (/v1/redis_acls): named rules of what a database's users may
// run ("+@read ~app:*"), which a database binds to a role in its
// roles_permissions. A value, its store, the checks of a create or an
// update against the store, its wire object and its state-file record.
//
// A fresh cluster has one ACL, Full Access (+@all ~*, uid 1), read-only: no
// route changes or deletes it, and the state file's loader insists on it
// (model/invariants.hpp). The wire object is {"acl","name","uid"}, as the
// documentation's answers show it (the read-only min_version and
// max_version of the OpenAPI document are not sent). Plain values; no
// locking.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct redis_acl {
  std::uint64_t uid = 0;
  std::string name;
  std::string acl;  // the rules, as given (model/acl_rules.hpp checked them)

  bool operator==(const redis_acl&) const = default;
};

// The ACLs by uid.
using redis_acl_map = std::map<std::uint64_t, redis_acl>;

// The predefined ACL.
inline constexpr std::uint64_t full_access_acl_uid = 1;
inline constexpr std::string_view full_access_acl_name = "Full Access";
inline constexpr std::string_view full_access_acl_rules = "+@all ~*";

// The ACLs of a fresh cluster: Full Access alone.
redis_acl_map fresh_redis_acls();

// Whether the ACL `uid` is read-only (Full Access).
bool is_read_only_acl(std::uint64_t uid) noexcept;

// Whether `name` is a valid name of an access object (a role, a Redis ACL,
// an LDAP mapping): 1 to 255 letters, digits, spaces and _ [ ] ( ) @ , . ; #
// - (the OpenAPI document's pattern).
bool is_access_name(std::string_view name) noexcept;

// What a POST or PUT body gives, each field when present.
struct redis_acl_request {
  std::optional<std::uint64_t> uid;
  std::optional<std::string> name;
  std::optional<std::string> acl;
};

// Reads a body: invalid_schema for a key the object does not take (only
// uid, name and acl; the read-only min_version, max_version and action_uid
// neither) or a value of the wrong type; invalid_param for a name outside
// the pattern or ACL text that is not valid rules (naming the rule).
result<redis_acl_request> read_redis_acl_request(const json& body);

// The ACL a create makes of `request` in `acls`: name and acl required
// (missing_field), a name no other ACL has (name_already_exists, 409), the
// uid asked for when it is free (uid_exists, 409) or the one after the
// highest.
result<redis_acl> new_redis_acl(const redis_acl_map& acls, const redis_acl_request& request);

// The ACL `uid` with `request` on top: redis_acl_not_exist (404) when there
// is none, read_only_object (409) for Full Access, invalid_schema for a uid
// in the body that is not `uid`, name_already_exists for another ACL's name.
result<redis_acl> updated_redis_acl(const redis_acl_map& acls, std::uint64_t uid,
                                    const redis_acl_request& request);

// Whether the ACL `uid` may be deleted as far as the store goes:
// redis_acl_not_exist, or read_only_object for Full Access. Whether a
// database binds it is model/role_bindings.hpp's question.
result<> check_redis_acl_removable(const redis_acl_map& acls, std::uint64_t uid);

// 404 redis_acl_not_exist for the uid `uid` (as the path gave it).
failure no_such_redis_acl(std::string_view uid);

// The wire object: {"acl":…,"name":…,"uid":…}.
json redis_acl_object(const redis_acl& a);

// The state file's record (the wire object); redis_acl_from_record reads it
// back with the checks of a body, naming `where` ("redis_acls[2]").
json redis_acl_record(const redis_acl& a);
result<redis_acl> redis_acl_from_record(const json& record, const std::string& where);

}  // namespace reemu
