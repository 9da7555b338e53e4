// The emulated statistics API: the query read and checked first (interval,
// stime, etime, metrics, parent_uid), then the model's samples rendered in
// the captures' shapes (tests/data/*_stats.json): lists of
// {"uid","intervals"}, "last" objects keyed by uid, the cluster's object.
#include "reemu/api/stats.hpp"

#include <cmath>
#include <memory>
#include <string>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/stats.hpp"
#include "reemu/state/answer_cache.hpp"
#include "reemu/state/bdb_bodies.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// What the query string asks.
struct stats_query {
  std::optional<stats_interval> interval;  // none: every granularity
  double from = -1e300;                    // stime
  double to = 1e300;                       // etime
  std::vector<std::string> metrics;        // none: all
  std::optional<std::uint64_t> parent_uid;
};

result<stats_query> read_stats_query(const request_context& ctx) {
  stats_query q;
  if (const auto v = query_value(ctx, "interval")) {
    q.interval = parse_stats_interval(*v);
    if (!q.interval) {
      return failure{
          api_error::invalid_schema,
          "interval '" + *v + "' is not one of 1sec, 10sec, 5min, 15min, 1hour, 12hour, 1week"};
    }
  }
  for (const auto* name : {"stime", "etime"}) {
    const auto v = query_value(ctx, name);
    if (!v) continue;
    const auto t = parse_stats_time(*v);
    if (!t) {
      return failure{
          api_error::invalid_schema,
          std::string(name) + " '" + *v + "' is not an ISO-8601 time such as 2025-10-14T00:07:11Z"};
    }
    (std::string_view(name) == "stime" ? q.from : q.to) = *t;
  }
  if (q.from > q.to) return failure{api_error::invalid_schema, "stime is after etime"};
  if (const auto v = query_value(ctx, "metrics")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto name = rest.substr(0, comma);
      if (!name.empty()) q.metrics.emplace_back(name);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (const auto v = query_value(ctx, "parent_uid")) {
    q.parent_uid = parse_number<std::uint64_t>(*v);
    if (!q.parent_uid)
      return failure{api_error::invalid_schema, "parent_uid '" + *v + "' is not a database uid"};
  }
  return q;
}

// The retained samples of `uid`: of the asked interval, or of every
// interval concatenated finest first (what a real cluster answers without
// one).
json intervals_of(const stats_model& m, stats_kind k, std::uint64_t uid, const stats_query& q) {
  json out = json::array();
  for (const stats_interval g : stats_intervals) {
    if (q.interval && *q.interval != g) continue;
    for (const stats_sample& s : m.series(k, uid, g, q.from, q.to))
      out.push_back(render_stats_sample(k, s, true, q.metrics));
  }
  return out;
}

// The latest sample of `uid` (interval 1sec unless asked), `{}` when the
// object is younger than one interval.
json last_of(const stats_model& m, stats_kind k, std::uint64_t uid, const stats_query& q,
             bool with_interval) {
  const auto s = m.last(k, uid, q.interval.value_or(stats_interval::sec1));
  if (!s) return json::object();
  return render_stats_sample(k, *s, with_interval, q.metrics);
}

// {"uid":…,"intervals":[…]}; `uid` as the capture types it.
json entry(json uid, json intervals) {
  return json{{"intervals", std::move(intervals)}, {"uid", std::move(uid)}};
}

// The visible databases' uids, ascending.
std::vector<std::uint64_t> database_uids(const registry_data& d, double now) {
  std::vector<std::uint64_t> out;
  for (const auto& [uid, db] : d.databases)
    if (view_of(*db, now).visible) out.push_back(uid);
  return out;
}

// The uid of the path when the model knows such an object, else nullopt.
std::optional<std::uint64_t> known_uid(const request_context& ctx, const stats_model& m,
                                       stats_kind k) {
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  if (!uid || !m.exists(k, *uid)) return std::nullopt;
  return uid;
}

// A shard's list or single element: its samples and where it runs.
json shard_entry(const registry_data& d, const shard_info& s, double now, json intervals,
                 bool single) {
  const json shard = render_shard(s, *d.databases.at(s.bdb_uid), now);
  json out = entry(std::to_string(s.uid), std::move(intervals));
  for (const auto* key : {"status", "node_uid", "assigned_slots"})
    if (shard.contains(key)) out[key] = shard.at(key);
  if (single && shard.contains("role")) out["role"] = shard.at("role");
  return out;
}

// Every handler's frame: the answer kept for the same target, snapshot and
// second when there is one; else the query read and checked first (a bad
// one is a 400 and nothing is read), then `body` over the snapshot and its
// model, returning the answer (kept) or the failure to report (not kept).
template <typename Body>
reply stats_answer(const request_context& ctx, answer_cache& answers, const Body& body) {
  if (auto kept = answers.find(ctx.state, ctx.target, ctx.now))
    return shared_reply(std::move(kept));
  const auto read = read_stats_query(ctx);
  if (!read) return error_reply(read.error());
  const registry_data& d = ctx.state->data();
  const stats_model m(d, ctx.now);
  const result<json> out = body(*read, d, m);
  if (!out) return error_reply(out.error());
  auto text = std::make_shared<const std::string>(dump(*out));
  answers.keep(ctx.state, ctx.target, stats_validity(d, ctx.now), text);
  return shared_reply(std::move(text));
}

// What an unknown uid of each kind answers.
failure missing_object(const request_context& ctx, stats_kind k) {
  if (k == stats_kind::bdb) return no_such_bdb(ctx);
  if (k == stats_kind::node) return no_such_node(ctx.param("uid"));
  return no_such_shard(ctx.param("uid"));
}

// GET /v1/{bdbs,nodes}/stats/{uid}: the object's samples.
reply one_object_stats(const request_context& ctx, answer_cache& answers, stats_kind k) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data&, const stats_model& m) -> result<json> {
        const auto uid = known_uid(ctx, m, k);
        if (!uid) return missing_object(ctx, k);
        // The capture types a database's uid as a string, a node's as a number.
        json id = k == stats_kind::bdb ? json(std::to_string(*uid)) : json(*uid);
        return entry(std::move(id), intervals_of(m, k, *uid, q));
      });
}

// GET /v1/{bdbs,nodes,shards}/stats/last/{uid}: {"<uid>": the latest sample}.
reply one_object_last(const request_context& ctx, answer_cache& answers, stats_kind k) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data&, const stats_model& m) -> result<json> {
        const auto uid = known_uid(ctx, m, k);
        if (!uid) return missing_object(ctx, k);
        return json{{std::to_string(*uid), last_of(m, k, *uid, q, k != stats_kind::bdb)}};
      });
}

}  // namespace

validity stats_validity(const registry_data& d, double now) {
  validity v;
  if (d.nodes.empty()) {
    v.narrow(now, std::nextafter(now, forever));
    return v;
  }
  v.narrow(std::floor(now), std::floor(now) + 1);
  for (const auto& entry : d.databases) v.narrow(bdb_validity(*entry.second, now));
  const auto narrow_by_tasks = [&](const task_slots& tasks) {
    for (const auto& task : tasks) {
      const live_state live = evaluate(task.second.plan, task.second.started_at, now);
      v.narrow(live.valid_from, live.valid_until);
    }
  };
  for (const auto& entry : d.nodes) narrow_by_tasks(entry.second->actions);
  narrow_by_tasks(d.cluster_tasks);
  return v;
}

// ---- databases ------------------------------------------------------------------

reply get_bdbs_stats(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        json out = json::array();
        for (const auto uid : database_uids(d, ctx.now))
          out.push_back(entry(std::to_string(uid), intervals_of(m, stats_kind::bdb, uid, q)));
        return out;
      });
}

reply get_bdb_stats(const request_context& ctx, answer_cache& answers) {
  return one_object_stats(ctx, answers, stats_kind::bdb);
}

reply get_bdbs_stats_last(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        json out = json::object();
        for (const auto uid : database_uids(d, ctx.now))
          out[std::to_string(uid)] = last_of(m, stats_kind::bdb, uid, q, false);
        return out;
      });
}

reply get_bdb_stats_last(const request_context& ctx, answer_cache& answers) {
  return one_object_last(ctx, answers, stats_kind::bdb);
}

// ---- nodes ----------------------------------------------------------------------

reply get_nodes_stats(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        json out = json::array();
        for (const auto& node : nodes_at(d.nodes, ctx.now))
          out.push_back(entry(node.first, intervals_of(m, stats_kind::node, node.first, q)));
        return out;
      });
}

reply get_node_stats(const request_context& ctx, answer_cache& answers) {
  return one_object_stats(ctx, answers, stats_kind::node);
}

reply get_nodes_stats_last(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        json out = json::object();
        for (const auto& node : nodes_at(d.nodes, ctx.now))
          out[std::to_string(node.first)] = last_of(m, stats_kind::node, node.first, q, true);
        return out;
      });
}

reply get_node_stats_last(const request_context& ctx, answer_cache& answers) {
  return one_object_last(ctx, answers, stats_kind::node);
}

// ---- shards ---------------------------------------------------------------------

reply get_shards_stats(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        json out = json::array();
        for (const shard_info& s : all_shards(d, ctx.now)) {
          if (q.parent_uid && s.bdb_uid != *q.parent_uid) continue;
          out.push_back(
              shard_entry(d, s, ctx.now, intervals_of(m, stats_kind::shard, s.uid, q), false));
        }
        return out;
      });
}

reply get_shard_stats(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        const auto uid = known_uid(ctx, m, stats_kind::shard);
        const auto s = uid ? find_shard(d, *uid, ctx.now) : std::nullopt;
        if (!s) return no_such_shard(ctx.param("uid"));
        return shard_entry(d, *s, ctx.now, intervals_of(m, stats_kind::shard, *uid, q), true);
      });
}

reply get_shards_stats_last(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        json out = json::object();
        for (const shard_info& s : all_shards(d, ctx.now)) {
          if (q.parent_uid && s.bdb_uid != *q.parent_uid) continue;
          out[std::to_string(s.uid)] = last_of(m, stats_kind::shard, s.uid, q, true);
        }
        return out;
      });
}

reply get_shard_stats_last(const request_context& ctx, answer_cache& answers) {
  return one_object_last(ctx, answers, stats_kind::shard);
}

// ---- the cluster and the endpoints ----------------------------------------------

reply get_cluster_stats(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [](const stats_query& q, const registry_data&, const stats_model& m) -> result<json> {
        return entry("", intervals_of(m, stats_kind::cluster, 0, q));
      });
}

reply get_cluster_stats_last(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [](const stats_query& q, const registry_data&, const stats_model& m) -> result<json> {
        return last_of(m, stats_kind::cluster, 0, q, true);
      });
}

reply get_endpoints_stats(const request_context& ctx, answer_cache& answers) {
  return stats_answer(
      ctx, answers,
      [&](const stats_query& q, const registry_data& d, const stats_model& m) -> result<json> {
        const node_map nodes = nodes_at(d.nodes, ctx.now);
        json out = json::array();
        for (const auto uid : database_uids(d, ctx.now)) {
          // "<bdb>:<endpoint>:<proxy>": the database's one endpoint, served
          // by the proxy of the node its first master shard runs on.
          std::uint64_t proxy = nodes.empty() ? 1 : nodes.begin()->first;
          for (const shard_info& s : shards_of(*d.databases.at(uid), nodes, ctx.now)) {
            if (!s.spot.master) continue;
            proxy = s.spot.node_uid;
            break;
          }
          const std::string id = std::to_string(uid) + ":1:" + std::to_string(proxy);
          out.push_back(entry(id, intervals_of(m, stats_kind::endpoint, uid, q)));
        }
        return out;
      });
}

std::vector<route> stats_routes() {
  using http_t::verb;
  const auto get = verb::get;
  return {
      {get, "/v1/bdbs/stats", access::needs("view_all_bdb_stats"), uses<&get_bdbs_stats>},
      {get, "/v1/bdbs/stats/last", access::needs("view_all_bdb_stats"), uses<&get_bdbs_stats_last>},
      {get, "/v1/bdbs/stats/last/{uid}", access::needs("view_bdb_stats"),
       uses<&get_bdb_stats_last>},
      {get, "/v1/bdbs/stats/{uid}", access::needs("view_bdb_stats"), uses<&get_bdb_stats>},
      {get, "/v1/nodes/stats", access::needs("view_all_nodes_stats"), uses<&get_nodes_stats>},
      {get, "/v1/nodes/stats/last", access::needs("view_all_nodes_stats"),
       uses<&get_nodes_stats_last>},
      {get, "/v1/nodes/stats/last/{uid}", access::needs("view_node_stats"),
       uses<&get_node_stats_last>},
      {get, "/v1/nodes/stats/{uid}", access::needs("view_node_stats"), uses<&get_node_stats>},
      {get, "/v1/shards/stats", access::needs("view_all_shard_stats"), uses<&get_shards_stats>},
      {get, "/v1/shards/stats/last", access::needs("view_all_shard_stats"),
       uses<&get_shards_stats_last>},
      {get, "/v1/shards/stats/last/{uid}", access::needs("view_shard_stats"),
       uses<&get_shard_stats_last>},
      {get, "/v1/shards/stats/{uid}", access::needs("view_shard_stats"), uses<&get_shard_stats>},
      {get, "/v1/cluster/stats", access::needs("view_cluster_stats"), uses<&get_cluster_stats>},
      {get, "/v1/cluster/stats/last", access::needs("view_cluster_stats"),
       uses<&get_cluster_stats_last>},
      {get, "/v1/endpoints/stats", access::needs("view_endpoint_stats"),
       uses<&get_endpoints_stats>},
  };
}

}  // namespace reemu
