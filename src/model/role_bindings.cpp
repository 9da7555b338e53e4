// The checks of what binds roles to databases and LDAP groups
// (model/role_bindings.hpp).
#include "reemu/model/role_bindings.hpp"

#include <set>
#include <string>

#include "reemu/model/redis_acl.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

// A uid of a binding: a whole number from 1 to max_bdb_uid.
bool is_binding_uid(const json& v) {
  return v.is_number_unsigned() && v.get<std::uint64_t>() >= 1 &&
         v.get<std::uint64_t>() <= max_bdb_uid;
}

failure bad_binding(const std::string& where, const std::string& why) {
  return failure{api_error::invalid_schema, "Field '" + where + "' " + why};
}

// Whether `db`'s roles_permissions names the ACL `acl_uid`.
bool binds_acl(const database& db, std::uint64_t acl_uid) {
  const auto it = db.fields.find("roles_permissions");
  if (it == db.fields.end() || !it->is_array()) return false;
  for (const json& entry : *it) {
    if (!entry.is_object()) continue;
    const auto acl = entry.find("redis_acl_uid");
    if (acl != entry.end() && acl->is_number_unsigned() && acl->get<std::uint64_t>() == acl_uid)
      return true;
  }
  return false;
}

}  // namespace

result<> check_roles_permissions(const registry_data& d, const json& value) {
  if (!value.is_array())
    return bad_binding("roles_permissions", "must be an array, got " + dump(value));
  std::set<std::uint64_t> roles;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string where = "roles_permissions[" + std::to_string(i) + "]";
    const json& entry = value[i];
    if (!entry.is_object()) {
      return bad_binding(
          where, "must be an object {\"redis_acl_uid\": n, \"role_uid\": n}, got " + dump(entry));
    }
    for (const auto& [key, v] : entry.items()) {
      if (key != "redis_acl_uid" && key != "role_uid")
        return bad_binding(where + "." + key, "is not a field of a role's permission");
    }
    for (const char* key : {"redis_acl_uid", "role_uid"}) {
      const auto it = entry.find(key);
      if (it == entry.end()) return bad_binding(where + "." + key, "is required");
      if (!is_binding_uid(*it))
        return bad_binding(where + "." + key, "must be a whole number >= 1, got " + dump(*it));
    }
    const auto role = entry["role_uid"].get<std::uint64_t>();
    if (!roles.insert(role).second) {
      return bad_binding(where + ".role_uid", "repeats role " + std::to_string(role) +
                                                  ": a role has one ACL on a database");
    }
    const auto acl = entry["redis_acl_uid"].get<std::uint64_t>();
    if (!d.redis_acls.contains(acl)) {
      auto missing = no_such_redis_acl(std::to_string(acl));
      missing.description += " (" + where + ".redis_acl_uid)";
      return missing;
    }
    if (!d.roles.contains(role)) {
      return failure{api_error::role_not_exist,
                     "Role " + std::to_string(role) + " does not exist (" + where + ".role_uid)"};
    }
  }
  return {};
}

result<std::vector<std::uint64_t>> read_role_uids(const json& value) {
  if (!value.is_array() || value.empty()) {
    return failure{
        api_error::invalid_role_uids_param,
        "Invalid 'role_uids' " + dump(value) + ": an array of at least one role uid is required"};
  }
  std::vector<std::uint64_t> out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!is_binding_uid(value[i])) {
      return failure{api_error::invalid_role_uids_param, "Invalid 'role_uids[" + std::to_string(i) +
                                                             "]' " + dump(value[i]) +
                                                             ": a role uid is a whole number >= 1"};
    }
    out.push_back(value[i].get<std::uint64_t>());
  }
  return out;
}

result<> check_role_uids(const registry_data& d, const json& role_uids) {
  auto read = read_role_uids(role_uids);
  if (!read) return read.error();
  for (const std::uint64_t uid : *read) {
    if (!d.roles.contains(uid)) {
      return failure{api_error::invalid_role_uids_param,
                     "Invalid 'role_uids': role " + std::to_string(uid) + " does not exist"};
    }
  }
  return {};
}

const database* database_binding_acl(const registry_data& d, std::uint64_t acl_uid, double now) {
  for (const auto& [uid, db] : d.databases)
    if (binds_acl(*db, acl_uid) && view_of(*db, now).visible) return db.get();
  return nullptr;
}

result<> check_redis_acl_deletion(const registry_data& d, std::uint64_t uid, double now) {
  if (auto ok = check_redis_acl_removable(d.redis_acls, uid); !ok) return ok;
  if (const database* db = database_binding_acl(d, uid, now)) {
    return failure{api_error::redis_acl_in_use,
                   "Redis ACL " + std::to_string(uid) + " is in use: database " +
                       std::to_string(db->uid) +
                       " binds it to a role in its roles_permissions; change that first"};
  }
  return {};
}

}  // namespace reemu
