// The control API's cluster view (include/reemu/control/cluster_view.hpp):
// one read of the registry at the clock's now, shaped for the dashboard's
// cluster panel. Nothing here is stored: the nodes, shards and placement
// come from model/shards.hpp, the figures from the statistics model, the
// alerts from the alert evaluator the emulated alert routes use.
#include "reemu/control/cluster_view.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "reemu/api/alerts.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/blueprint.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/shard_ops.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/stats.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

using http_t::status;

// The figures of one object's latest complete 1-second sample: used_memory
// (whole bytes) and instantaneous_ops_per_sec, null before it has one.
struct view_figures {
  json used_memory = nullptr;
  json ops_per_sec = nullptr;
};

view_figures figures_of(const stats_model& m, stats_kind k, std::uint64_t uid) {
  view_figures out;
  const auto last = m.last(k, uid, stats_interval::sec1);
  if (!last) return out;
  const auto mem = metric_index(k, "used_memory");
  const auto ops = metric_index(k, "instantaneous_ops_per_sec");
  if (mem && *mem < last->values.size())
    out.used_memory = static_cast<std::uint64_t>(std::llround(std::max(0.0, last->values[*mem])));
  if (ops && *ops < last->values.size()) out.ops_per_sec = last->values[*ops];
  return out;
}

// A field of a stored database or node, else its template's, else `fallback`.
json field_or_template(const json& fields, const json& tmpl, const char* key, json fallback) {
  for (const json* j : {&fields, &tmpl}) {
    const auto it = j->find(key);
    if (it != j->end() && !it->is_null()) return *it;
  }
  return fallback;
}

// The shard operations `db`'s state machine has still to do at `now`, by
// shard uid, while it runs (a failed machine's leftovers move nothing).
// The first of the plan's order still pending is the one under way.
json shard_operations_of(const database& db, double now) {
  json out = json::object();
  if (!db.op || db.op->plan.shard_ops.empty()) return out;
  if (view_of(db, now).live.phase != phase::running) return out;
  const json pending = pending_ops_at(db.op->plan, db.op->started_at, now);
  bool first = true;
  for (const shard_op& op : db.op->plan.shard_ops) {
    const auto it = pending.find(op.shard_uid);
    if (it == pending.end()) continue;
    out[op.shard_uid] = {
        {"name", op.op_name}, {"progress", it->value("progress", 0)}, {"running", first}};
    first = false;
  }
  return out;
}

// The alerts raised at `now` a person should see, as the emulated alert
// routes evaluate them (alert_evaluator::raised: state true, and enabled
// or forced raised), each with the object it is about.
json cluster_view_alerts(const registry_data& d, double now) {
  const alert_evaluator ev(d, cluster_alert_base(), now);
  json out = json::array();
  for (const raised_alert& a : ev.raised()) out.push_back(render_raised_alert(a));
  return out;
}

}  // namespace

reply get_cluster_view(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const double now = ctx.now;
  const node_map nodes = nodes_at(d.nodes, now);
  const stats_model m(d, now);

  // Nodes first, so each shard lands in its node's list.
  std::map<std::uint64_t, json> node_shards;
  for (const auto& [uid, n] : nodes) node_shards.emplace(uid, json::array());

  json databases = json::array();
  const json& bdb_tmpl = bdb_template();
  for (const auto& [uid, db] : d.databases) {
    const bdb_view v = view_of(*db, now);
    if (!v.visible) continue;
    const std::vector<shard_info> shards = shards_of(*db, nodes, now);
    const json ops = shard_operations_of(*db, now);
    const bool moves = db->op && db->op->placement.size() == shards.size();
    json shard_uids = json::array();
    for (const shard_info& s : shards) {
      shard_uids.push_back(s.uid);
      const auto f = figures_of(m, stats_kind::shard, s.uid);
      json shard = {{"uid", s.uid},
                    {"bdb_uid", s.bdb_uid},
                    {"role", s.spot.master ? "master" : "replica"},
                    {"slots", s.slots},
                    {"used_memory", f.used_memory},
                    {"ops_per_sec", f.ops_per_sec},
                    {"moving", false}};
      const auto op = ops.find(std::to_string(s.uid));
      if (op != ops.end()) {
        json operation = *op;
        if ((*op)["name"] == migrate_shard_op) {
          shard["moving"] = true;
          if (moves) operation["to_node_uid"] = db->op->placement[s.index].node_uid;
        }
        shard["operation"] = std::move(operation);
      }
      const auto home = node_shards.find(s.spot.node_uid);
      if (home != node_shards.end()) home->second.push_back(std::move(shard));
    }
    const auto f = figures_of(m, stats_kind::bdb, uid);
    const shard_shape shape = shape_of(db->fields);
    databases.push_back({{"uid", uid},
                         {"name", field_or_template(db->fields, bdb_tmpl, "name", "")},
                         {"status", v.status},
                         {"memory_size", field_or_template(db->fields, bdb_tmpl, "memory_size", 0)},
                         {"used_memory", f.used_memory},
                         {"ops_per_sec", f.ops_per_sec},
                         {"shards_count", shape.count},
                         {"replication", shape.replication},
                         {"shard_uids", std::move(shard_uids)}});
  }

  json node_list = json::array();
  const json& node_tmpl = node_template();
  for (const auto& [uid, n] : nodes) {
    json& shards = node_shards[uid];
    const std::size_t count = shards.size();
    node_list.push_back({{"uid", uid},
                         {"addr", field_or_template(n->fields, node_tmpl, "addr", "")},
                         {"status", view_of(*n, now).status},
                         {"shard_count", count},
                         {"shards", std::move(shards)}});
  }
  return json_reply(status::ok, json{{"now", now},
                                     {"interval", to_string(stats_interval::sec1)},
                                     {"nodes", std::move(node_list)},
                                     {"databases", std::move(databases)},
                                     {"alerts", cluster_view_alerts(d, now)}});
}

std::vector<route> control_cluster_view_routes() {
  using http_t::verb;
  return {
      {verb::get, "/emulator/v1/cluster_view", control_api_access, uses<&get_cluster_view>},
  };
}

}  // namespace reemu
