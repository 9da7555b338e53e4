// The rules every state keeps, for the writes and the state file's loader.
#include "reemu/model/invariants.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "reemu/model/node.hpp"
#include "reemu/model/object_task.hpp"
#include "reemu/model/redis_acl.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

result<std::uint64_t> next_bdb_uid(const registry_data& d) {
  if (d.bdb_uid_high >= max_bdb_uid) {
    return failure{api_error::invalid_schema,
                   "No database uid is left to give: uids run from 1 to " +
                       std::to_string(max_bdb_uid) + ", are not reused, and " +
                       std::to_string(d.bdb_uid_high) + " was given; name a free one in 'uid'"};
  }
  return d.bdb_uid_high + 1;
}

namespace {

result<std::uint64_t> next_uid(std::uint64_t high, std::uint64_t max, std::string_view what) {
  if (high >= max) {
    return failure{api_error::invalid_schema,
                   "No " + std::string(what) + " uid is left to give: uids run from 1 to " +
                       std::to_string(max) + " and are not reused; name a free one in 'uid'"};
  }
  return high + 1;
}

// The role uid a database's roles_permissions entry holds, if any.
std::optional<std::uint64_t> permission_role_uid(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  const auto it = entry.find("role_uid");
  if (it == entry.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_string()) return parse_number<std::uint64_t>(it->get<std::string>());
  return std::nullopt;
}

}  // namespace

result<std::uint64_t> next_user_uid(const registry_data& d) {
  return next_uid(d.user_uid_high, max_user_uid, "user");
}

result<std::uint64_t> next_role_uid(const registry_data& d) {
  return next_uid(d.role_uid_high, max_role_uid, "role");
}

result<> check_admin_kept(const registry_data& before, const registry_data& after) {
  if (count_admins(after.users, after.roles) > 0 || count_admins(before.users, before.roles) == 0)
    return {};
  return failure{api_error::change_last_admin_role_not_allowed,
                 "The change would leave the cluster without a user of the admin role"};
}

result<> check_role_unused(const registry_data& d, std::uint64_t uid) {
  for (const auto& [email, u] : d.users) {
    if (std::find(u.role_uids.begin(), u.role_uids.end(), uid) != u.role_uids.end()) {
      return failure{api_error::role_in_use, "Role " + std::to_string(uid) + " is in use: user " +
                                                 std::to_string(u.uid) + " (" + email +
                                                 ") holds it"};
    }
  }
  for (const auto& [mapping_uid, m] : d.ldap_mappings) {
    if (std::find(m.role_uids.begin(), m.role_uids.end(), uid) != m.role_uids.end()) {
      return failure{api_error::role_in_use,
                     "Role " + std::to_string(uid) + " is in use: LDAP mapping " +
                         std::to_string(mapping_uid) + " (" + m.name + ") grants it"};
    }
  }
  for (const auto& [db_uid, db] : d.databases) {
    const auto it = db->fields.find("roles_permissions");
    if (it == db->fields.end() || !it->is_array()) continue;
    for (const json& entry : *it) {
      if (permission_role_uid(entry) == uid) {
        return failure{api_error::role_in_use,
                       "Role " + std::to_string(uid) + " is in use: database " +
                           std::to_string(db_uid) + " grants it in roles_permissions"};
      }
    }
  }
  return {};
}

bool node_stays(const node& n, double now) {
  if (!view_of(n, now).visible) return false;
  const auto removal = n.actions.find("remove_node");
  return removal == n.actions.end() || !task_runs(removal->second, now);
}

std::size_t staying_nodes(const node_map& nodes, double now) {
  std::size_t n = 0;
  for (const auto& [uid, one] : nodes)
    if (node_stays(*one, now)) ++n;
  return n;
}

result<> check_node_removal(const node_map& nodes, std::uint64_t uid, double now) {
  const auto it = nodes.find(uid);
  const bool counted = it != nodes.end() && node_stays(*it->second, now);
  if (staying_nodes(nodes, now) - (counted ? 1 : 0) > 0) return {};
  return failure{api_error::insufficient_resources,
                 "Node " + std::to_string(uid) +
                     " cannot be removed: it is the last node of the cluster that is not being "
                     "removed, and a cluster keeps at least one"};
}

result<> check_shard_target(const node_map& nodes, std::uint64_t uid, double now) {
  const auto it = nodes.find(uid);
  if (it == nodes.end() || !view_of(*it->second, now).visible)
    return failure{api_error::node_not_exist, "Node " + std::to_string(uid) + " does not exist"};
  if (!node_stays(*it->second, now)) {
    return failure{api_error::node_not_exist,
                   "Node " + std::to_string(uid) + " is being removed and takes no shards"};
  }
  return {};
}

result<> check_license_dates(const license& l) {
  if (l.expiration >= l.activation) return {};
  return failure{api_error::invalid_value, "the licence would expire (" + rfc3339(l.expiration) +
                                               ") before it starts (" + rfc3339(l.activation) +
                                               ")"};
}

result<> check_state(const registry_data& d, double now) {
  if (d.bdb_uid_high > max_bdb_uid) {
    return failure{api_error::invalid_value, "'bdb_uid_high' must be at most " +
                                                 std::to_string(max_bdb_uid) + ", got " +
                                                 std::to_string(d.bdb_uid_high)};
  }
  for (const auto& [uid, db] : d.databases) {
    if (uid == 0 || uid > max_bdb_uid) {
      return failure{api_error::invalid_value, "database uid " + std::to_string(uid) +
                                                   " is outside 1.." + std::to_string(max_bdb_uid)};
    }
  }
  for (const auto& [uid, r] : d.roles) {
    if (uid == 0 || uid > d.role_uid_high || r.uid != uid) {
      return failure{api_error::invalid_value, "role uid " + std::to_string(uid) +
                                                   " is outside 1..role_uid_high (" +
                                                   std::to_string(d.role_uid_high) + ")"};
    }
  }
  std::set<std::uint64_t> user_uids;
  for (const auto& [email, u] : d.users) {
    if (u.uid == 0 || u.uid > d.user_uid_high || !user_uids.insert(u.uid).second) {
      return failure{api_error::invalid_value, "user " + email + ": uid " + std::to_string(u.uid) +
                                                   " is repeated or outside 1..user_uid_high (" +
                                                   std::to_string(d.user_uid_high) + ")"};
    }
    if (u.role_uids.empty())
      return failure{api_error::invalid_value, "user " + email + " holds no role"};
    for (const std::uint64_t role_uid : u.role_uids) {
      if (!d.roles.contains(role_uid)) {
        return failure{
            api_error::invalid_value,
            "user " + email + " holds role " + std::to_string(role_uid) + ", which does not exist"};
      }
    }
  }
  const auto full_access = d.redis_acls.find(full_access_acl_uid);
  if (full_access == d.redis_acls.end() ||
      full_access->second != fresh_redis_acls().at(full_access_acl_uid)) {
    return failure{api_error::invalid_value,
                   "'redis_acls' must hold the read-only ACL {\"acl\":\"+@all ~*\",\"name\":"
                   "\"Full Access\",\"uid\":1} as it is"};
  }
  if (staying_nodes(d.nodes, now) == 0) {
    return failure{api_error::invalid_value,
                   "'nodes' must hold at least one node that is not being removed"};
  }
  if (auto ok = check_license_dates(d.license); !ok)
    return failure{api_error::invalid_value, "'license': " + ok.error().description};
  return {};
}

}  // namespace reemu
