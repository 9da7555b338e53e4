// The rules every state keeps, for the writes and the state file's loader.
#include "reemu/model/invariants.hpp"

#include <string>

#include "reemu/model/node.hpp"
#include "reemu/model/object_task.hpp"
#include "reemu/model/redis_acl.hpp"

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
