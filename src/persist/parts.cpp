// The table of persisted parts: one row per key of the state document.
#include "reemu/persist/parts.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reemu/auth/auth.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/cluster_options.hpp"
#include "reemu/model/crdb.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/ldap_mapping.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/object_task.hpp"
#include "reemu/model/proxies.hpp"
#include "reemu/model/redis_acl.hpp"
#include "reemu/model/roles.hpp"
#include "reemu/model/stats.hpp"
#include "reemu/model/users.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/model/wire_entry.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

// ---- What the rows share ----------------------------------------------------

// A part that must be a list: the failure when it is not (or is absent).
result<> check_list(const json* value, std::string_view key) {
  if (value && value->is_array()) return {};
  return failure{api_error::invalid_type, "'" + std::string(key) + "' must be an array"};
}

// "users[3]": an entry of a list part, as messages name it.
std::string entry_name(std::string_view key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

// A counter part (absent: an empty optional), read as the document's own
// reader would read its key, so that the messages name it alike.
result<std::optional<std::uint64_t>> read_counter(const json* value, std::string_view key,
                                                  std::uint64_t max) {
  if (!value) return std::optional<std::uint64_t>();
  json holder = json::object();
  holder[std::string(key)] = *value;
  object_reader r(holder);
  auto v = r.unsigned_integer(key, max);
  if (r.failed()) return r.error();
  return v;
}

void write_counter(std::uint64_t n, std::string& out) { out += std::to_string(n); }

// A list part written whole: `record(entry)` for each entry `keep`s.
template <class Range, class Keep, class Record>
void write_list(const Range& entries, Keep keep, Record record, std::string& out) {
  json list = json::array();
  for (const auto& entry : entries)
    if (keep(entry)) list.push_back(record(entry));
  out += dump(list);
}

// ---- actions: every visible action, logged by entry --------------------------

void write_actions(const part_source& from, std::string& out) {
  out += '[';
  bool first = true;
  for (const auto& a : from.data.actions) {
    if (!is_visible(*a, from.now)) continue;  // gone for good: the registry drops it lazily
    if (!first) out += ',';
    first = false;
    append_action_record(out, *a);
  }
  out += ']';
}

result<> read_actions(const json* value, restored_state& into, const services&) {
  if (auto ok = check_list(value, "actions"); !ok) return ok.error();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("actions", i);
    auto a = action_from_record((*value)[i], where);
    if (!a) return a.error();
    const std::string uid = a->uid;
    if (!into.data.add(std::move(*a))) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats action_uid \"" + uid + "\""};
    }
  }
  return {};
}

// Only the chunks of actions the two states do not share are visited.
void diff_actions(const registry_data& before, const registry_data& after, entry_changes& out) {
  after.actions.diff(
      before.actions,
      [&](const action& a) { entry_changes::next(out.erased) += dump(json(a.uid)); },
      [&](const action& a) { append_action_record(entry_changes::next(out.put), a); });
}

std::optional<std::string> action_record_key(const json& record) {
  if (!record.is_object()) return std::nullopt;
  const auto fields = record.find("fields");
  if (fields == record.end() || !fields->is_object()) return std::nullopt;
  const auto uid = fields->find("action_uid");
  if (uid == fields->end() || !uid->is_string()) return std::nullopt;
  return uid->get<std::string>();
}

std::optional<std::string> action_erase_key(const json& uid) {
  if (!uid.is_string()) return std::nullopt;
  return uid.get<std::string>();
}

// ---- databases: every visible database, logged by entry ----------------------

void write_databases(const part_source& from, std::string& out) {
  write_list(
      from.data.databases,
      [&](const auto& entry) { return view_of(*entry.second, from.now).visible; },  // deleted: gone
      [](const auto& entry) { return database_record(*entry.second); }, out);
}

result<> read_databases(const json* value, restored_state& into, const services&) {
  if (auto ok = check_list(value, "databases"); !ok) return ok.error();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("databases", i);
    auto db = database_from_record((*value)[i], where);
    if (!db) return db.error();
    if (into.data.databases.contains(db->uid)) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats database uid " + std::to_string(db->uid)};
    }
    into.data.put_database(std::move(*db));
  }
  return {};
}

// Groups of databases both states share are skipped unread.
void diff_databases(const registry_data& before, const registry_data& after, entry_changes& out) {
  database_map::diff(
      before.databases, after.databases,
      [&](std::uint64_t uid) { entry_changes::next(out.erased) += std::to_string(uid); },
      [&](std::uint64_t, const std::shared_ptr<const database>& db) {
        entry_changes::next(out.put) += dump(database_record(*db));
      });
}

// A record's uid, or a bare uid (an erase); either is taken for either.
std::optional<std::string> database_key(const json& d) {
  const json& uid = d.is_object() && d.contains("uid") ? d["uid"] : d;
  if (!uid.is_number_unsigned()) return std::nullopt;
  return std::to_string(uid.get<std::uint64_t>());
}

// ---- nodes: the visible nodes; absent (a file from before nodes), the config's

void write_nodes(const part_source& from, std::string& out) {
  write_list(
      from.data.nodes,
      [&](const auto& entry) { return view_of(*entry.second, from.now).visible; },  // removed: gone
      [](const auto& entry) { return node_record(*entry.second); }, out);
}

result<> read_nodes(const json* value, restored_state& into, const services& svc) {
  if (!value) {
    into.data.nodes = svc.registry.snapshot()->data().nodes;
    return {};
  }
  if (auto ok = check_list(value, "nodes"); !ok) return ok.error();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("nodes", i);
    auto n = node_from_record((*value)[i], where);
    if (!n) return n.error();
    const std::uint64_t uid = n->uid;
    if (!into.data.nodes.emplace(uid, std::make_shared<const node>(std::move(*n))).second) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats node uid " + std::to_string(uid)};
    }
  }
  if (into.data.nodes.empty())
    return failure{api_error::invalid_value, "'nodes' must hold at least one node"};
  return {};
}

// ---- license: the installed licence; absent (a file from before it was kept),
// the fresh cluster's (the seed's) ------------------------------------------

void write_license(const part_source& from, std::string& out) {
  out += dump(license_record(from.data.license));
}

result<> read_license(const json* value, restored_state& into, const services& svc) {
  if (!value) {
    into.data.license = svc.registry.snapshot()->data().license;
    return {};
  }
  auto l = license_from_record(*value, "license");
  if (!l) return l.error();
  into.data.license = std::move(*l);
  return {};
}

// ---- cluster_actions: the cluster's latest task of each name -----------------

void write_cluster_actions(const part_source& from, std::string& out) {
  write_list(
      from.data.cluster_tasks, [](const auto&) { return true; },
      [](const auto& entry) { return task_record(entry.second); }, out);
}

result<> read_cluster_actions(const json* value, restored_state& into, const services&) {
  if (!value) return {};  // a file from before cluster actions
  if (auto ok = check_list(value, "cluster_actions"); !ok) return ok.error();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("cluster_actions", i);
    auto t = task_from_record((*value)[i], where);
    if (!t) return t.error();
    const std::string name = t->name;
    if (!into.data.cluster_tasks.emplace(name, std::move(*t)).second)
      return failure{api_error::invalid_value, "'" + where + "' repeats action " + name};
  }
  return {};
}

// ---- users: by email, with their uids and role uids ----------------------------

void write_users(const part_source& from, std::string& out) {
  write_list(
      from.data.users, [](const auto&) { return true; },
      [](const auto& entry) { return user_record(entry.second); }, out);
}

// A record of a file from before roles ({"email","role","password"}) gets
// the next uid, in file order, and the role of its management role (made
// when the roles have none); its password counts as issued at the save.
result<> read_users(const json* value, restored_state& into, const services&) {
  if (auto ok = check_list(value, "users"); !ok) return ok.error();
  std::vector<user_record_read> read;
  std::uint64_t high = into.data.user_uid_high;
  for (std::size_t i = 0; i < value->size(); ++i) {
    auto u = user_from_record((*value)[i], entry_name("users", i));
    if (!u) return u.error();
    high = std::max(high, u->user.uid);
    read.push_back(std::move(*u));
  }
  for (std::size_t i = 0; i < read.size(); ++i) {
    user& u = read[i].user;
    if (u.uid == 0) {
      if (high >= max_user_uid) {
        return failure{api_error::invalid_value,
                       "'" + entry_name("users", i) + "' has no uid, and none is left to give"};
      }
      u.uid = ++high;
    }
    if (read[i].legacy_role) {
      u.role_uids = {
          ensure_role_for(into.data.roles, into.data.role_uid_high, *read[i].legacy_role)};
    }
    if (!read[i].issued_at_known) u.password_issued_at = into.now;
    const std::string email = u.email;
    if (!into.data.users.emplace(email, std::move(u)).second) {
      return failure{api_error::invalid_value,
                     "'" + entry_name("users", i) + ".email' repeats \"" + email + "\""};
    }
  }
  into.data.user_uid_high = high;
  return {};
}

void write_user_uid_high(const part_source& from, std::string& out) {
  write_counter(from.data.user_uid_high, out);
}

// At least the highest uid of the users (read_users raises it).
result<> read_user_uid_high(const json* value, restored_state& into, const services&) {
  const auto counter = read_counter(value, "user_uid_high", max_user_uid);
  if (!counter) return counter.error();
  if (const auto v = *counter) into.data.user_uid_high = std::max(into.data.user_uid_high, *v);
  return {};
}

// ---- roles; absent (a file from before roles), the seed's ----------------------

void write_roles(const part_source& from, std::string& out) {
  write_list(
      from.data.roles, [](const auto&) { return true; },
      [](const auto& entry) { return role_record(entry.second); }, out);
}

result<> read_roles(const json* value, restored_state& into, const services& svc) {
  auto& roles = into.data.roles;
  if (!value) {
    const auto seed = svc.registry.snapshot();
    roles = seed->data().roles;
    into.data.role_uid_high = std::max(into.data.role_uid_high, seed->data().role_uid_high);
    return {};
  }
  if (auto ok = check_list(value, "roles"); !ok) return ok.error();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("roles", i);
    auto r = role_from_record((*value)[i], where);
    if (!r) return r.error();
    const std::uint64_t uid = r->uid;
    if (!roles.emplace(uid, std::move(*r)).second) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats role uid " + std::to_string(uid)};
    }
    into.data.role_uid_high = std::max(into.data.role_uid_high, uid);
  }
  return {};
}

void write_role_uid_high(const part_source& from, std::string& out) {
  write_counter(from.data.role_uid_high, out);
}

// At least the highest uid of the roles (read_roles raises it).
result<> read_role_uid_high(const json* value, restored_state& into, const services&) {
  const auto counter = read_counter(value, "role_uid_high", max_role_uid);
  if (!counter) return counter.error();
  if (const auto v = *counter) into.data.role_uid_high = std::max(into.data.role_uid_high, *v);
  return {};
}

// ---- password_policy: the cluster's password rules; absent, the defaults -------

void write_password_policy(const part_source& from, std::string& out) {
  const password_policy& p = from.data.passwords;
  out += dump(json{{"complexity", p.complexity}, {"min_length", p.min_length}});
}

result<> read_password_policy(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  object_reader r(*value, "password_policy");
  r.only({"complexity", "min_length"});
  const auto complexity = r.boolean("complexity", true);
  const auto min_length = r.unsigned_integer("min_length", min_password_length_ceiling, true);
  if (r.failed()) return r.error();
  if (*min_length < min_password_length_floor) {
    return failure{api_error::invalid_value, "'password_policy.min_length' must be at least " +
                                                 std::to_string(min_password_length_floor)};
  }
  into.data.passwords = {*min_length, *complexity};
  return {};
}

// ---- redis_acls: absent (a file from before them), a fresh cluster's ---------

void write_redis_acls(const part_source& from, std::string& out) {
  write_list(
      from.data.redis_acls, [](const auto&) { return true; },
      [](const auto& entry) { return redis_acl_record(entry.second); }, out);
}

result<> read_redis_acls(const json* value, restored_state& into, const services&) {
  if (!value) return {};  // restored_state starts from a fresh cluster's ACLs
  if (auto ok = check_list(value, "redis_acls"); !ok) return ok.error();
  redis_acl_map acls;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("redis_acls", i);
    auto a = redis_acl_from_record((*value)[i], where);
    if (!a) return a.error();
    for (const auto& entry : acls) {
      if (entry.second.name == a->name)
        return failure{api_error::invalid_value, "'" + where + "' repeats name " + a->name};
    }
    const std::uint64_t uid = a->uid;
    if (!acls.emplace(uid, std::move(*a)).second) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats Redis ACL uid " + std::to_string(uid)};
    }
  }
  into.data.redis_acls = std::move(acls);
  return {};
}

// ---- alerts: the cluster's alert_settings PUT /v1/cluster set, the
// databases' thresholds and the control API's forced states; absent (a file
// from before them), none ----------------------------------------------------

void write_alerts(const part_source& from, std::string& out) {
  out += dump(alert_store_record(from.data.alerts));
}

result<> read_alerts(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  auto a = alert_store_from_record(*value, "alerts");
  if (!a) return a.error();
  into.data.alerts = std::move(*a);
  return {};
}

// ---- stats: the control API's steering of the statistics model; absent (a
// file from before it), none -------------------------------------------------

void write_stats(const part_source& from, std::string& out) {
  out += dump(stats_steering_record(from.data.stats));
}

result<> read_stats(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  auto s = stats_steering_from_record(*value, "stats");
  if (!s) return s.error();
  into.data.stats = std::move(*s);
  return {};
}

// ---- proxies: the settings PUT changed, by node uid; absent (a file from
// before them), none -------------------------------------------------------

void write_proxies(const part_source& from, std::string& out) {
  write_list(
      from.data.proxies, [](const auto&) { return true; },
      [](const auto& entry) { return proxy_record(entry.first, entry.second); }, out);
}

result<> read_proxies(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  if (auto ok = check_list(value, "proxies"); !ok) return ok.error();
  proxy_map proxies;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("proxies", i);
    auto p = proxy_from_record((*value)[i], where);
    if (!p) return p.error();
    const std::uint64_t uid = p->first;
    if (!proxies.emplace(uid, std::move(p->second)).second) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats proxy uid " + std::to_string(uid)};
    }
  }
  into.data.proxies = std::move(proxies);
  return {};
}

// ---- cluster_options: the policy, services configuration, OCSP settings and
// local services' run state; absent (a file from before them), the defaults -

void write_cluster_options(const part_source& from, std::string& out) {
  out += dump(cluster_options_record(from.data.options));
}

result<> read_cluster_options(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  auto o = cluster_options_from_record(*value, "cluster_options");
  if (!o) return o.error();
  into.data.options = std::move(*o);
  return {};
}

// ---- active_active: absent (a file from before them), none ------------------

void write_active_active(const part_source& from, std::string& out) {
  out += dump(crdb_store_record(from.data.active_active));
}

result<> read_active_active(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  auto store = crdb_store_from_record(*value, "active_active");
  if (!store) return store.error();
  into.data.active_active = std::move(*store);
  return {};
}

// ---- ldap_mappings: absent (a file from before them), none ---------------------

void write_ldap_mappings(const part_source& from, std::string& out) {
  write_list(
      from.data.ldap_mappings, [](const auto&) { return true; },
      [](const auto& entry) { return ldap_mapping_record(entry.second); }, out);
}

result<> read_ldap_mappings(const json* value, restored_state& into, const services&) {
  if (!value) return {};
  if (auto ok = check_list(value, "ldap_mappings"); !ok) return ok.error();
  ldap_mapping_map mappings;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("ldap_mappings", i);
    auto m = ldap_mapping_from_record((*value)[i], where);
    if (!m) return m.error();
    for (const auto& entry : mappings) {
      if (entry.second.name == m->name)
        return failure{api_error::invalid_value, "'" + where + "' repeats name " + m->name};
    }
    const std::uint64_t uid = m->uid;
    if (!mappings.emplace(uid, std::move(*m)).second) {
      return failure{api_error::invalid_value,
                     "'" + where + "' repeats LDAP mapping uid " + std::to_string(uid)};
    }
  }
  into.data.ldap_mappings = std::move(mappings);
  return {};
}

// ---- plans, and the id the next rule gets -----------------------------------

void write_plans(const part_source& from, std::string& out) {
  write_list(
      from.data.plan_rules, [](const auto&) { return true; },
      [](const plan_rule& rule) { return to_json(rule); }, out);
}

result<> read_plans(const json* value, restored_state& into, const services&) {
  if (auto ok = check_list(value, "plans"); !ok) return ok.error();
  auto& rules = into.data.plan_rules;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("plans", i);
    auto rule = plan_rule_from_record((*value)[i], where);
    if (!rule) return rule.error();
    const std::uint64_t id = rule->id;
    if (std::any_of(rules.begin(), rules.end(), [&](const plan_rule& p) { return p.id == id; })) {
      return failure{api_error::invalid_value,
                     "'" + where + ".id' must be unique and >= 1, got " + std::to_string(id)};
    }
    // Whatever next_plan_rule_id says, a new rule's id is not one of these.
    into.data.next_plan_rule_id = std::max(into.data.next_plan_rule_id, id + 1);
    rules.push_back(std::move(*rule));
  }
  return {};
}

void write_next_plan_rule_id(const part_source& from, std::string& out) {
  write_counter(from.data.next_plan_rule_id, out);
}

// Absent (a file from before it was kept): the ids count on from the
// highest rule's.
result<> read_next_plan_rule_id(const json* value, restored_state& into, const services&) {
  const auto counter = read_counter(value, "next_plan_rule_id", std::uint64_t{UINT32_MAX} + 1);
  if (!counter) return counter.error();
  if (const auto v = *counter)
    into.data.next_plan_rule_id = std::max(into.data.next_plan_rule_id, *v);
  return {};
}

// ---- the counters --------------------------------------------------------------

void write_cluster_state_id(const part_source& from, std::string& out) {
  write_counter(from.data.cluster_state_id, out);
}

result<> read_cluster_state_id(const json* value, restored_state& into, const services&) {
  const auto counter = read_counter(value, "cluster_state_id", UINT64_MAX / 2);
  if (!counter) return counter.error();
  if (const auto v = *counter) into.data.cluster_state_id = *v;
  return {};
}

void write_bdb_uid_high(const part_source& from, std::string& out) {
  write_counter(from.data.bdb_uid_high, out);
}

// At least the highest uid of the databases (put_database raised it).
result<> read_bdb_uid_high(const json* value, restored_state& into, const services&) {
  const auto counter = read_counter(value, "bdb_uid_high", UINT32_MAX);
  if (!counter) return counter.error();
  if (const auto v = *counter) into.data.bdb_uid_high = std::max(into.data.bdb_uid_high, *v);
  return {};
}

// ---- ids_drawn: how far the id sequence went (model/ids.hpp) -------------------
//
// Kept so that, under --ids seeded, a restart or a restored snapshot goes on
// with the ids that follow the saved ones instead of drawing the saved ones
// again. The mode and the seed are the config's, not state.

void write_ids_drawn(const part_source& from, std::string& out) {
  write_counter(from.data.ids.drawn, out);
}

// Absent (a file from before it was kept): 0, the start of the sequence.
result<> read_ids_drawn(const json* value, restored_state& into, const services& svc) {
  const auto counter = read_counter(value, "ids_drawn", UINT64_MAX / 2);
  if (!counter) return counter.error();
  into.data.ids = svc.registry.snapshot()->data().ids;
  into.data.ids.drawn = counter->value_or(0);
  return {};
}

// ---- events: the event log (/v1/logs), logged by entry; absent (a file from
// before it was kept), empty -------------------------------------------------

void write_events(const part_source& from, std::string& out) {
  write_list(
      from.data.events, [](const auto&) { return true; },
      [](const logged_event& e) { return event_record(e); }, out);
}

// The capacity is the running server's (emulator.event_log_size), not the
// file's: the oldest events beyond it are dropped as the log is read.
result<> read_events(const json* value, restored_state& into, const services& svc) {
  into.data.events = event_log(svc.registry.snapshot()->data().events.capacity());
  if (!value) return {};
  if (auto ok = check_list(value, "events"); !ok) return ok.error();
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("events", i);
    auto e = event_from_record((*value)[i], where);
    if (!e) return e.error();
    if (!into.data.events.restore(std::move(*e))) {
      return failure{api_error::invalid_value,
                     "'" + where + ".seq' must be greater than the seq before it"};
    }
  }
  return {};
}

// Both logs are in seq order: a walk over the two, O(1) when nothing was
// recorded or dropped since.
void diff_events(const registry_data& before, const registry_data& after, entry_changes& out) {
  const event_log& b = before.events;
  const event_log& a = after.events;
  if (b.next_seq() == a.next_seq() && b.size() == a.size()) return;
  auto i = b.begin();
  auto j = a.begin();
  while (i != b.end() || j != a.end()) {
    if (j == a.end() || (i != b.end() && i->seq < j->seq)) {
      entry_changes::next(out.erased) += std::to_string(i->seq);
      ++i;
    } else if (i == b.end() || j->seq < i->seq) {
      entry_changes::next(out.put) += dump(event_record(*j));
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
}

// A record's seq, or a bare seq (an erase); either is taken for either.
std::optional<std::string> event_key(const json& e) {
  const json& seq = e.is_object() && e.contains("seq") ? e["seq"] : e;
  if (!seq.is_number_unsigned()) return std::nullopt;
  return std::to_string(seq.get<std::uint64_t>());
}

// ---- faults, and the id the next rule gets ------------------------------------

void write_faults(const part_source& from, std::string& out) {
  write_list(
      from.svc.faults.list(), [](const auto&) { return true; },
      [](const fault_rule& rule) { return to_json(rule); }, out);
}

result<> read_faults(const json* value, restored_state& into, const services&) {
  if (auto ok = check_list(value, "faults"); !ok) return ok.error();
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string where = entry_name("faults", i);
    auto rule = fault_rule_from_record((*value)[i], where);
    if (!rule) return rule.error();
    if (!ids.insert(rule->id).second) {
      return failure{api_error::invalid_value,
                     "'" + where + ".id' must be unique and >= 1, got " + std::to_string(rule->id)};
    }
    into.faults.push_back(std::move(*rule));
  }
  return {};
}

void write_next_fault_id(const part_source& from, std::string& out) {
  write_counter(from.svc.faults.next_id(), out);
}

// Absent (a file from before it was kept): the ids count on from the
// highest rule's.
result<> read_next_fault_id(const json* value, restored_state& into, const services&) {
  const auto counter = read_counter(value, "next_fault_id", max_fault_id + 1);
  if (!counter) return counter.error();
  if (const auto v = *counter) into.next_fault_id = *v;
  return {};
}

// ---- clock: its mode and time; only a manual clock's time is a change ---------

void write_clock(const part_source& from, std::string& out) {
  out += dump(json{{"mode", to_string(from.svc.clock.mode())}, {"now", number_value(from.now)}});
}

// A real clock's time is not a change: only a manual clock resumes where it
// stood, so only its time is worth a record.
std::string clock_change_mark(const part_source& from) {
  if (from.svc.clock.mode() != clock_mode::manual) return "real";
  std::string text;
  write_clock(from, text);
  return text;
}

result<> read_clock(const json* value, restored_state& into, const services&) {
  json holder = json::object();
  if (value) holder["clock"] = *value;
  object_reader top(holder);
  const json* block = top.object("clock", true);
  if (top.failed()) return top.error();
  object_reader r(*block, "clock");
  r.only({"mode", "now"});
  const auto mode = r.string("mode", true);
  const auto now = r.time("now", true);
  if (r.failed()) return r.error();
  const auto parsed = parse_clock_mode(*mode);
  if (!parsed)
    return failure{api_error::invalid_value, "'clock.mode' must be \"real\" or \"manual\""};
  into.manual_clock = *parsed == clock_mode::manual;
  into.now = *now;
  return {};
}

}  // namespace

const std::vector<persisted_part>& persisted_parts() {
  using enum part_logging;
  static const std::vector<persisted_part> parts = {
      {.key = "actions",
       .logging = by_entry,
       .write = &write_actions,
       .read = &read_actions,
       .diff = &diff_actions,
       .put_key = &action_record_key,
       .erase_key = &action_erase_key},
      {.key = "active_active",
       .logging = whole,
       .write = &write_active_active,
       .read = &read_active_active},
      {.key = "alerts", .logging = whole, .write = &write_alerts, .read = &read_alerts},
      {.key = "bdb_uid_high",
       .logging = whole,
       .write = &write_bdb_uid_high,
       .read = &read_bdb_uid_high},
      {.key = "clock",
       .logging = whole,
       .write = &write_clock,
       .read = &read_clock,
       .change_mark = &clock_change_mark},
      {.key = "cluster_actions",
       .logging = whole,
       .write = &write_cluster_actions,
       .read = &read_cluster_actions},
      {.key = "cluster_options",
       .logging = whole,
       .write = &write_cluster_options,
       .read = &read_cluster_options},
      {.key = "cluster_state_id",
       .logging = whole,
       .write = &write_cluster_state_id,
       .read = &read_cluster_state_id},
      {.key = "databases",
       .logging = by_entry,
       .write = &write_databases,
       .read = &read_databases,
       .diff = &diff_databases,
       .put_key = &database_key,
       .erase_key = &database_key},
      {.key = "events",
       .logging = by_entry,
       .write = &write_events,
       .read = &read_events,
       .diff = &diff_events,
       .put_key = &event_key,
       .erase_key = &event_key},
      {.key = "faults", .logging = whole, .write = &write_faults, .read = &read_faults},
      {.key = "ids_drawn", .logging = whole, .write = &write_ids_drawn, .read = &read_ids_drawn},
      {.key = "ldap_mappings",
       .logging = whole,
       .write = &write_ldap_mappings,
       .read = &read_ldap_mappings},
      {.key = "license", .logging = whole, .write = &write_license, .read = &read_license},
      {.key = "next_fault_id",
       .logging = whole,
       .write = &write_next_fault_id,
       .read = &read_next_fault_id},
      {.key = "next_plan_rule_id",
       .logging = whole,
       .write = &write_next_plan_rule_id,
       .read = &read_next_plan_rule_id},
      {.key = "nodes", .logging = whole, .write = &write_nodes, .read = &read_nodes},
      {.key = "password_policy",
       .logging = whole,
       .write = &write_password_policy,
       .read = &read_password_policy},
      {.key = "plans", .logging = whole, .write = &write_plans, .read = &read_plans},
      {.key = "proxies", .logging = whole, .write = &write_proxies, .read = &read_proxies},
      {.key = "redis_acls", .logging = whole, .write = &write_redis_acls, .read = &read_redis_acls},
      {.key = "role_uid_high",
       .logging = whole,
       .write = &write_role_uid_high,
       .read = &read_role_uid_high},
      {.key = "roles", .logging = whole, .write = &write_roles, .read = &read_roles},
      {.key = "stats", .logging = whole, .write = &write_stats, .read = &read_stats},
      {.key = "user_uid_high",
       .logging = whole,
       .write = &write_user_uid_high,
       .read = &read_user_uid_high},
      {.key = "users", .logging = whole, .write = &write_users, .read = &read_users},
  };
  return parts;
}

}  // namespace reemu
