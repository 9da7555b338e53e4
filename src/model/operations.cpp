// Starting state machines on databases, and the plan rules that steer them.
#include "reemu/model/operations.hpp"

#include <algorithm>
#include <vector>

#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/shard_ops.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

result<const database*> writable_database(const registry_data& d, std::uint64_t uid, double now) {
  const database* db = d.find_database(uid, now);
  if (!db)
    return failure{api_error::db_not_exist, "Database " + std::to_string(uid) + " does not exist"};
  if (view_of(*db, now).busy) {
    return failure{api_error::busy, "Database " + std::to_string(uid) +
                                        " is busy with another configuration change (" +
                                        db->op->name + ", action " + db->op->action_uid +
                                        "); try again later"};
  }
  return db;
}

namespace {

// The cluster capture's system_reserved_ports (tests/data/cluster.json).
constexpr std::uint64_t reserved_ports[] = {
    1968, 3333, 3334, 3335, 3336, 3339, 3340, 3341, 3342, 3343, 3344,  3345, 3346,
    3348, 3349, 3350, 3351, 3352, 3353, 3354, 3355, 8000, 8001, 8002,  8004, 8006,
    8070, 8071, 8080, 8443, 8444, 9080, 9081, 9091, 9125, 9443, 10050, 36379};

constexpr std::uint64_t first_auto_port = 10000;

bool is_reserved(std::uint64_t port) {
  return std::find(std::begin(reserved_ports), std::end(reserved_ports), port) !=
         std::end(reserved_ports);
}

}  // namespace

bool port_taken(const registry_data& d, std::uint64_t port, std::uint64_t except_uid) {
  if (is_reserved(port)) return true;
  std::uint32_t holders = d.databases.ports().holders(port);
  if (const auto mine = d.databases.find(except_uid); holders > 0 && mine != d.databases.end()) {
    const auto& own = mine->second->stored_ports;
    holders -= static_cast<std::uint32_t>(std::count(own.begin(), own.end(), port));
  }
  return holders > 0;
}

std::optional<std::uint64_t> free_port(const registry_data& d) {
  return d.databases.ports().first_free(first_auto_port, &is_reserved);
}

// A new database's shards_placement and proxy_policy, when its body gives
// none, from the cluster policy: only a changed policy is written, so a
// fresh cluster's databases keep the template's values unstored.
namespace {
void apply_policy_defaults(const cluster_options& o, json& fields) {
  const auto take = [&](const char* field, const char* setting) {
    if (fields.contains(field)) return;
    if (auto it = o.policy.find(setting); it != o.policy.end()) fields[field] = *it;
  };
  take("shards_placement", "default_shards_placement");
  const bool sharded =
      fields.value("sharding", false) || fields.value("shards_count", std::uint64_t{1}) > 1;
  take("proxy_policy",
       sharded ? "default_sharded_proxy_policy" : "default_non_sharded_proxy_policy");
}
}  // namespace

result<database> new_database(const registry_data& d, const json& body, double now,
                              const cluster_settings& cluster) {
  if (auto ok = check_not_expired(d.license, now); !ok) return ok.error();
  std::uint64_t uid = 0;
  if (auto it = body.find("uid"); it != body.end()) {
    uid = it->get<std::uint64_t>();
    if (d.find_database(uid, now)) {
      return failure{api_error::uid_exists,
                     "Database with UID " + std::to_string(uid) + " already exists"};
    }
  } else {
    const auto next = next_bdb_uid(d);
    if (!next) return next.error();
    uid = *next;
  }
  std::uint64_t port = body.value("port", std::uint64_t{0});
  if (port != 0 && port_taken(d, port)) {
    return failure{api_error::port_unavailable,
                   "Port " + std::to_string(port) + " is not available"};
  }
  const std::optional<std::uint64_t> endpoint_port = port != 0 ? port : free_port(d);
  if (!endpoint_port) {
    return failure{api_error::port_unavailable, "No port is free from " +
                                                    std::to_string(first_auto_port) +
                                                    " to 65535; give one in 'port'"};
  }
  json fields = body;
  fields.erase("uid");
  fields.erase("shards_blueprint");  // a placement request, not a field
  if (auto it = fields.find("redis_version"); it != fields.end()) {
    const std::string& major = it->get_ref<const std::string&>();
    fields["version"] = std::string(*full_redis_version(major));
    // The template's default modules are Redis 8's: older versions start bare.
    if (major < "8.0" && !fields.contains("module_list")) fields["module_list"] = json::array();
  }
  apply_policy_defaults(d.options, fields);
  fields["endpoints"] = json::array({make_endpoint(uid, *endpoint_port, fields, cluster)});
  database made{uid, std::move(fields), now, now, std::nullopt, {}, {}, {}, false, {}};
  if (auto room = check_shard_room(d, made); !room) return room.error();
  return made;
}

database database_from_object(json obj, double now, const registry_data& d,
                              const cluster_settings& cluster) {
  database db;
  db.uid = obj["uid"].get<std::uint64_t>();
  db.created_at = db.changed_at = now;
  const auto time_of = [&](const char* key, double& out) {
    if (auto it = obj.find(key); it != obj.end() && it->is_string())
      if (auto t = parse_rfc3339(it->get_ref<const std::string&>())) out = *t;
  };
  time_of("created_time", db.created_at);
  time_of("last_changed_time", db.changed_at);
  for (auto key : bdb_live_keys) obj.erase(std::string(key));
  if (!obj.contains("endpoints")) {
    const std::uint64_t port = obj.value("port", std::uint64_t{0});
    // No free port left (65 535 databases): port 0, as the template shows.
    obj["endpoints"] = json::array(
        {make_endpoint(db.uid, port != 0 ? port : free_port(d).value_or(0), obj, cluster)});
  }
  db.fields = std::move(obj);
  assign_shard_uids(d, db);
  return db;
}

void ensure_database(registry_data& d, std::uint64_t uid, double now,
                     const cluster_settings& cluster) {
  if (d.find_database(uid, now)) return;
  json obj = {{"uid", uid}, {"name", "database-" + std::to_string(uid)}};
  d.put_database(database_from_object(std::move(obj), now, d, cluster));
}

bool rule_matches(const plan_rule& rule, std::string_view name, std::string_view object_name) {
  return (rule.name.empty() || rule.name == name) &&
         (rule.object_name.empty() || rule.object_name == object_name);
}

std::optional<simulate_plan> plan_for(registry_data& d, std::string_view name,
                                      std::string_view object_name) {
  const action_template* t = find_template(name);
  if (!t) return std::nullopt;
  simulate_plan plan = t->plan;
  for (auto it = d.plan_rules.begin(); it != d.plan_rules.end(); ++it) {
    if (!rule_matches(*it, name, object_name)) continue;
    // A rule that cannot shape this template (fail_at_step past its steps)
    // does not match it; the next rule may.
    auto shaped = parse_simulate(it->simulate, plan);
    if (!shaped) continue;
    ++it->hits;
    if (it->times != 0 && --it->times == 0) d.plan_rules.erase(it);
    return std::move(*shaped);
  }
  return plan;
}

std::string begin_operation(registry_data& d, database db, std::string_view name, double now,
                            std::vector<shard_spot> placement) {
  const std::string object_name = "bdb:" + std::to_string(db.uid);
  simulate_plan fallback;
  fallback.steps = {"init", "done"};  // only reached by a caller's mistake: no template
  simulate_plan plan = plan_for(d, name, object_name).value_or(std::move(fallback));
  const action_template* t = find_template(name);
  const action_kind kind = t ? t->kind : action_kind::state_machine;
  std::string uid = d.ids.next();
  // Where the shards are before it starts, for the operations it performs.
  std::vector<std::uint64_t> old_uids;
  std::vector<shard_spot> old_spots;
  std::string old_name;
  if (const auto stored = d.databases.find(db.uid); stored != d.databases.end()) {
    old_name = stored->second->fields.value("name", "");
    old_uids = shard_uids_of(*stored->second);
    old_spots = placement_at(*stored->second, nodes_at(d.nodes, now), now);
  }
  settle_transfer(db, now);
  settle_placement(db, now);
  settle_traffic(db, now);
  db.op = bdb_operation{uid, std::string(name), std::move(plan), now, std::move(placement)};
  // A reshaped database (shards_count, replication) gets new shards; the
  // placement of the old ones is dropped with them.
  assign_shard_uids(d, db);
  // The shard operations it performs (model/shard_ops.hpp): a reshape
  // reshards, a new placement moves shards; any other machine moves none.
  // They replace any a plan rule gave.
  const std::vector<std::uint64_t> new_uids = shard_uids_of(db);
  if (kind == action_kind::task) {
    db.op->plan.shard_ops.clear();
  } else if (!old_uids.empty() && new_uids != old_uids) {
    db.op->plan.shard_ops = reshard_ops(new_uids);
  } else {
    db.op->plan.shard_ops = shard_moves(new_uids, old_spots, db.op->placement);
  }
  json fields = {{"action_uid", uid}, {"name", name}, {"object_name", object_name}};
  if (kind == action_kind::task) fields["action_type"] = "other";
  action a = make_simulated_action(uid, kind, std::move(fields), db.op->plan);
  a.started_at = now;
  a.created_at = now;
  d.add(std::move(a));
  // What its plan will have happened, at the times the plan gives.
  started_action events{uid,
                        std::string(name),
                        object_name,
                        json{{"bdb_uid", std::to_string(db.uid)}},
                        db.fields.value("name", ""),
                        std::move(old_name)};
  schedule_action_events(d.events, events, db.op->plan, now);
  d.put_database(std::move(db));
  return uid;
}

}  // namespace reemu
