// RBAC roles (/v1/roles): a named grant of one management role
// (model/role.hpp), which users hold by uid (`role_uids`). A user may do
// what the management roles of its roles allow together. Plain values and
// pure functions: the body checks, the wire object, the seed's roles.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/role.hpp"

namespace reemu {

// One entry of a role's `resources`: {"type":"db","uids":["1","2"]}, the
// databases a db_member or db_viewer role is meant for. Kept and shown; the
// emulator grants the management role's permissions cluster-wide all the
// same (docs/compatibility.md).
struct role_resource {
  std::string type;               // "db", the one type the reference lists
  std::vector<std::string> uids;  // database uids as strings
  bool operator==(const role_resource&) const = default;
};

struct role_entry {
  std::uint64_t uid = 0;
  std::string name;
  role management = role::none;
  std::optional<std::vector<role_resource>> resources;  // absent: not shown
  bool operator==(const role_entry&) const = default;
};

// The roles by uid (the order GET /v1/roles lists them in).
using role_map = std::map<std::uint64_t, role_entry>;

// The role a fresh cluster has: {"management":"admin","name":"Admin","uid":1}.
inline constexpr std::uint64_t admin_role_uid = 1;
role_entry builtin_admin_role();

// Role uids, like database uids, are what clients decode into a u32.
inline constexpr std::uint64_t max_role_uid = 4294967295;

// The name the seed (and the control API, and a state file from before
// roles) gives the role it makes for management role `r`: the names older
// clusters shipped ("Admin", "Cluster Member", "Cluster Viewer", "DB Member",
// "DB Viewer", "User Manager"; "None" for none).
std::string_view default_role_name(role r) noexcept;

// The role with management `r` and the lowest uid, or nullptr.
const role_entry* find_role_for(const role_map& roles, role r) noexcept;

// The uid of the role with management `r`; when there is none, adds one
// named default_role_name(r) with the uid after `uid_high` (raised).
std::uint64_t ensure_role_for(role_map& roles, std::uint64_t& uid_high, role r);

// The wire object: {"management","name","uid"} and "resources" when set,
// keys sorted.
json render_role(const role_entry& r);

// What a POST or PUT /v1/roles body asks for: each key it holds.
struct role_fields {
  std::optional<std::uint64_t> uid;
  std::optional<std::string> name;
  std::optional<role> management;
  std::optional<std::vector<role_resource>> resources;
};

// Reads a /v1/roles body. `create`: name and management are required
// (missing_field). Fails with invalid_schema for a key outside uid, name,
// management and resources, a wrong type, a name outside the reference's
// pattern (letters, digits, space and `_[]()@,.;#-`, 1 to 256 bytes), a
// management that is no role; unsupported_resource for a resource type
// other than "db".
result<role_fields> read_role_fields(const json& body, bool create);

// `r` with `f` applied (uid excepted).
role_entry with_fields(role_entry r, const role_fields& f);

// The role named `name` other than `except`, or nullptr.
const role_entry* find_role_named(const role_map& roles, std::string_view name,
                                  std::uint64_t except = 0) noexcept;

// A role's record in the state file: its wire object.
json role_record(const role_entry& r);

// Reads a record back; the failure names `where` ("roles[2]").
result<role_entry> role_from_record(const json& record, const std::string& where);

}  // namespace reemu
