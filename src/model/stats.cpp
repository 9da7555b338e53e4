// The statistics model (model/stats.hpp).
//
// Design. Nothing is stored per second: a sample is a pure function of the
// registry's contents, the seed, the object and the interval [stime, etime).
// The workload of a database is a few "driving" figures over time, each a
// baseline the model assumes, bent by the control API's steering steps:
//
//   ops(t)    instantaneous_ops_per_sec: 0 unless steered (no configured
//             traffic, no ops); 0 while traffic is stopped or the database
//             is not serving (pending, failed, deleting).
//   keys(t)   grows with the write misses the ops imply (1.5 % of ops),
//             capped where used_memory reaches memory_size.
//   used(t)   a fixed overhead per shard plus 200 bytes a key, <= memory_size.
//   conns(t)  2 + ops/1000 while there is traffic.
//
// A sample's rates are averages over its interval (the integral of ops, exact
// for the piecewise-linear steering), its gauges the values at its end. The
// database's figures are split over its master shards (rates with a small
// seeded jitter per shard and interval, counts split exactly); the database
// sample is then the sum of its master shards' samples, so the two always
// agree. Replicas mirror their master's keys and memory and serve no
// traffic. A node is its base load plus the shards it hosts; the cluster
// the sum of its nodes (cpu fractions weighted by cores).
#include "reemu/model/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "reemu/model/database.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/registry_data.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/number.hpp"
#include "reemu/util/uuid.hpp"

namespace reemu {

namespace {

// ---- granularities -----------------------------------------------------------

struct interval_row {
  std::string_view name;
  double seconds;
  std::size_t retained;
};

constexpr std::array<interval_row, 7> interval_rows{{
    {"1sec", 1, 10},
    {"10sec", 10, 30},
    {"5min", 300, 12},
    {"15min", 900, 96},
    {"1hour", 3600, 168},
    {"12hour", 43200, 62},
    {"1week", 604800, 53},
}};

const interval_row& row_of(stats_interval g) { return interval_rows.at(static_cast<int>(g)); }

// ---- metric lists (sorted: the wire's key order) -----------------------------

// The shard's metrics: the database's plus four shard-only ones.
constexpr std::array<std::string_view, 40> shard_metrics{
    "blocked_clients",
    "connected_clients",
    "conns",
    "egress_bytes",
    "evicted_objects",
    "expired_objects",
    "fork_cpu_system",
    "fork_cpu_user",
    "ingress_bytes",
    "instantaneous_ops_per_sec",
    "last_req_time",
    "last_res_time",
    "main_thread_cpu_system",
    "main_thread_cpu_user",
    "mem_frag_ratio",
    "mem_not_counted_for_evict",
    "mem_size_lua",
    "monitor_sessions_count",
    "no_of_expires",
    "no_of_keys",
    "other_req",
    "other_res",
    "pubsub_channels",
    "pubsub_patterns",
    "read_hits",
    "read_misses",
    "read_req",
    "read_res",
    "shard_cpu_system",
    "shard_cpu_user",
    "total_connections_received",
    "total_req",
    "total_res",
    "used_memory",
    "used_memory_peak",
    "used_memory_rss",
    "write_hits",
    "write_misses",
    "write_req",
    "write_res",
};

// Indexes into shard_metrics.
enum sm : std::uint8_t {
  blocked_clients,
  connected_clients,
  conns,
  egress_bytes,
  evicted_objects,
  expired_objects,
  fork_cpu_system,
  fork_cpu_user,
  ingress_bytes,
  instantaneous_ops_per_sec,
  last_req_time,
  last_res_time,
  main_thread_cpu_system,
  main_thread_cpu_user,
  mem_frag_ratio,
  mem_not_counted_for_evict,
  mem_size_lua,
  monitor_sessions_count,
  no_of_expires,
  no_of_keys,
  other_req,
  other_res,
  pubsub_channels,
  pubsub_patterns,
  read_hits,
  read_misses,
  read_req,
  read_res,
  shard_cpu_system,
  shard_cpu_user,
  total_connections_received,
  total_req,
  total_res,
  used_memory,
  used_memory_peak,
  used_memory_rss,
  write_hits,
  write_misses,
  write_req,
  write_res,
  shard_metric_count
};
static_assert(shard_metric_count == shard_metrics.size());

// The database's metrics: tests/data/bdbs_stats.json's sample keys.
constexpr std::array<std::string_view, 36> bdb_metrics{
    "conns",
    "egress_bytes",
    "evicted_objects",
    "expired_objects",
    "fork_cpu_system",
    "fork_cpu_user",
    "ingress_bytes",
    "instantaneous_ops_per_sec",
    "last_req_time",
    "last_res_time",
    "main_thread_cpu_system",
    "main_thread_cpu_user",
    "mem_frag_ratio",
    "mem_not_counted_for_evict",
    "mem_size_lua",
    "monitor_sessions_count",
    "no_of_expires",
    "no_of_keys",
    "other_req",
    "other_res",
    "pubsub_channels",
    "pubsub_patterns",
    "read_hits",
    "read_misses",
    "read_req",
    "read_res",
    "shard_cpu_system",
    "shard_cpu_user",
    "total_connections_received",
    "total_req",
    "total_res",
    "used_memory",
    "write_hits",
    "write_misses",
    "write_req",
    "write_res",
};

// The node's metrics: tests/data/nodes_stats.json's sample keys.
constexpr std::array<std::string_view, 25> node_metrics{
    "available_flash",
    "available_flash_no_overbooking",
    "available_memory",
    "available_memory_no_overbooking",
    "conns",
    "cpu_idle",
    "cpu_iowait",
    "cpu_irqs",
    "cpu_nice",
    "cpu_steal",
    "cpu_system",
    "cpu_user",
    "cur_aof_rewrites",
    "egress_bytes",
    "ephemeral_storage_avail",
    "ephemeral_storage_free",
    "free_memory",
    "ingress_bytes",
    "persistent_storage_avail",
    "persistent_storage_free",
    "provisional_flash",
    "provisional_flash_no_overbooking",
    "provisional_memory",
    "provisional_memory_no_overbooking",
    "total_req",
};

enum nm : std::uint8_t {
  available_flash,
  available_flash_no_overbooking,
  available_memory,
  available_memory_no_overbooking,
  n_conns,
  cpu_idle,
  cpu_iowait,
  cpu_irqs,
  cpu_nice,
  cpu_steal,
  cpu_system,
  cpu_user,
  cur_aof_rewrites,
  n_egress_bytes,
  ephemeral_storage_avail,
  ephemeral_storage_free,
  free_memory,
  n_ingress_bytes,
  persistent_storage_avail,
  persistent_storage_free,
  provisional_flash,
  provisional_flash_no_overbooking,
  provisional_memory,
  provisional_memory_no_overbooking,
  n_total_req,
  node_metric_count
};
static_assert(node_metric_count == node_metrics.size());

// The cluster's metrics: the node's without cur_aof_rewrites
// (tests/data/cluster_stats.json).
constexpr std::array<std::string_view, 24> cluster_metrics{
    "available_flash",
    "available_flash_no_overbooking",
    "available_memory",
    "available_memory_no_overbooking",
    "conns",
    "cpu_idle",
    "cpu_iowait",
    "cpu_irqs",
    "cpu_nice",
    "cpu_steal",
    "cpu_system",
    "cpu_user",
    "egress_bytes",
    "ephemeral_storage_avail",
    "ephemeral_storage_free",
    "free_memory",
    "ingress_bytes",
    "persistent_storage_avail",
    "persistent_storage_free",
    "provisional_flash",
    "provisional_flash_no_overbooking",
    "provisional_memory",
    "provisional_memory_no_overbooking",
    "total_req",
};

// An endpoint's metrics (the reference's endpoint metric list; no capture).
constexpr std::array<std::string_view, 28> endpoint_metrics{
    "acc_latency",
    "acc_other_latency",
    "acc_read_latency",
    "acc_write_latency",
    "auth_cmds",
    "auth_errors",
    "cmd_flush",
    "cmd_get",
    "cmd_set",
    "cmd_touch",
    "conns",
    "egress",
    "ingress",
    "last_req_time",
    "last_res_time",
    "max_connections_exceeded",
    "other_req",
    "other_res",
    "other_started_res",
    "read_req",
    "read_res",
    "read_started_res",
    "total_req",
    "total_res",
    "total_started_res",
    "write_req",
    "write_res",
    "write_started_res",
};

template <std::size_t N>
std::optional<std::size_t> index_in(const std::array<std::string_view, N>& names,
                                    std::string_view metric) {
  const auto it = std::lower_bound(names.begin(), names.end(), metric);
  if (it == names.end() || *it != metric) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

// Where each database metric sits among the shard's.
const std::array<std::size_t, bdb_metrics.size()>& bdb_from_shard() {
  static const auto table = [] {
    std::array<std::size_t, bdb_metrics.size()> t{};
    for (std::size_t i = 0; i < bdb_metrics.size(); ++i)
      t.at(i) = *index_in(shard_metrics, bdb_metrics.at(i));
    return t;
  }();
  return table;
}

// ---- model constants ------------------------------------------------------------

constexpr double shard_overhead = 1434144;  // used_memory of an empty shard (the capture's)
constexpr double bytes_per_key = 200;
constexpr double lua_memory = 31744;           // mem_size_lua per shard (the capture's)
constexpr double new_key_share = 0.3 * 0.05;   // writes are 30 % of ops, 5 % of them new keys
constexpr double rss_floor = 19e6;             // an idle shard's RSS: mem_frag_ratio ~13
constexpr double os_memory_share = 0.30;       // what the node's OS and services hold
constexpr double available_share = 0.813;      // available / free memory (the capture's)
constexpr double storage_free_share = 0.89;    // ephemeral/persistent free / size
constexpr double storage_avail_share = 0.839;  // avail / size

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// ---- seeded jitter ------------------------------------------------------------------

// A number in [0, 1) fixed by the seed and the parts.
double unit(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c,
            std::uint64_t d) {
  std::uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ a);
  h = splitmix64(h ^ b);
  h = splitmix64(h ^ c);
  h = splitmix64(h ^ d);
  return static_cast<double>(h >> 11U) * 0x1.0p-53;
}

// ---- steering ---------------------------------------------------------------------------

using metric_steps = std::map<std::string, std::vector<stats_step>>;

// The value at `t` of a step moving from `start` to `target` since `since`.
double along(double start, double target, double elapsed, double ramp) {
  if (ramp <= 0 || elapsed >= ramp) return target;
  if (elapsed <= 0) return start;
  return start + ((target - start) * elapsed / ramp);
}

// The steered value at `t`: `base(t)` before the first step, then each step
// from the value the previous ones left. `size` turns ratios into values.
template <class Base>
double steered(const std::vector<stats_step>* steps, double t, double size, const Base& base) {
  if (steps == nullptr || steps->empty() || t < steps->front().since) return base(t);
  double start = base(steps->front().since);
  for (std::size_t k = 0; k < steps->size(); ++k) {
    const stats_step& s = (*steps)[k];
    const double target = s.ratio ? s.target * size : s.target;
    const bool last = k + 1 == steps->size() || (*steps)[k + 1].since > t;
    if (last) return along(start, target, t - s.since, s.ramp);
    start = along(start, target, (*steps)[k + 1].since - s.since, s.ramp);
  }
  return start;  // unreachable
}

const std::vector<stats_step>* steps_for(const metric_steps* m, std::string_view metric) {
  if (m == nullptr) return nullptr;
  const auto it = m->find(std::string(metric));
  return it == m->end() ? nullptr : &it->second;
}

// The integral of ops over [a, b]: the steering is piecewise linear (its
// baseline is 0) between the steps' starts and ramp ends, so the midpoint
// rule between consecutive breakpoints is exact.
double ops_integral(const std::vector<stats_step>* steps, double a, double b) {
  if (steps == nullptr || steps->empty() || b <= a) return 0;
  std::vector<double> cuts{a, b};
  for (const stats_step& s : *steps) {
    for (const double c : {s.since, s.since + s.ramp})
      if (c > a && c < b) cuts.push_back(c);
  }
  std::sort(cuts.begin(), cuts.end());
  const auto zero = [](double) { return 0.0; };
  double sum = 0;
  for (std::size_t i = 1; i < cuts.size(); ++i) {
    const double x0 = cuts[i - 1];
    const double x1 = cuts[i];
    // Linear inside a piece, with jumps only at its ends (a step without a
    // ramp): the midpoint's value times the width is exact.
    sum += steered(steps, (x0 + x1) / 2, 0, zero) * (x1 - x0);
  }
  return sum;
}

// The metrics whose steering changes what else the model derives (the
// others replace the figure in the finished sample).
bool is_driver(std::string_view metric) {
  return metric == "instantaneous_ops_per_sec" || metric == "used_memory" ||
         metric == "no_of_keys" || metric == "conns";
}

bool node_ratio_metric(std::string_view metric) {
  return metric == "free_memory" || metric == "available_memory" ||
         metric == "provisional_memory" || metric == "available_memory_no_overbooking" ||
         metric == "provisional_memory_no_overbooking";
}

double number_field(const json& fields, const json& tmpl, const char* key, double fallback) {
  for (const json* j : {&fields, &tmpl}) {
    const auto it = j->find(key);
    if (it != j->end() && it->is_number()) return it->get<double>();
  }
  return fallback;
}

}  // namespace

// ---- granularities, kinds, names ------------------------------------------------------

std::string_view to_string(stats_interval g) noexcept { return row_of(g).name; }
double seconds_of(stats_interval g) noexcept { return row_of(g).seconds; }
std::size_t retained_of(stats_interval g) noexcept { return row_of(g).retained; }

std::optional<stats_interval> parse_stats_interval(std::string_view text) noexcept {
  for (const stats_interval g : stats_intervals)
    if (row_of(g).name == text) return g;
  return std::nullopt;
}

std::string_view to_string(stats_kind k) noexcept {
  switch (k) {
    case stats_kind::bdb:
      return "bdb";
    case stats_kind::node:
      return "node";
    case stats_kind::shard:
      return "shard";
    case stats_kind::cluster:
      return "cluster";
    case stats_kind::endpoint:
      return "endpoint";
  }
  return "bdb";
}

std::optional<stats_kind> parse_stats_kind(std::string_view text) noexcept {
  for (const stats_kind k : {stats_kind::bdb, stats_kind::node, stats_kind::shard,
                             stats_kind::cluster, stats_kind::endpoint})
    if (to_string(k) == text) return k;
  return std::nullopt;
}

std::span<const std::string_view> metric_names(stats_kind k) noexcept {
  switch (k) {
    case stats_kind::bdb:
      return bdb_metrics;
    case stats_kind::node:
      return node_metrics;
    case stats_kind::shard:
      return shard_metrics;
    case stats_kind::cluster:
      return cluster_metrics;
    case stats_kind::endpoint:
      return endpoint_metrics;
  }
  return bdb_metrics;
}

std::optional<std::size_t> metric_index(stats_kind k, std::string_view metric) noexcept {
  const auto names = metric_names(k);
  const auto it = std::lower_bound(names.begin(), names.end(), metric);
  if (it == names.end() || *it != metric) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

bool is_time_metric(std::string_view metric) noexcept {
  return metric == "last_req_time" || metric == "last_res_time";
}

// ---- steering requests and records ------------------------------------------------

std::string stats_object_name(stats_kind k, std::uint64_t uid) {
  return std::string(to_string(k)) + ":" + std::to_string(uid);
}

result<stats_steer_request> read_stats_steer(stats_kind k, const json& body) {
  if (!body.is_object()) return failure{api_error::invalid_schema, "the body must be an object"};
  if (k != stats_kind::bdb && k != stats_kind::node) {
    return failure{api_error::invalid_schema,
                   "only bdb and node metrics can be steered (shards, nodes and the cluster "
                   "follow from them)"};
  }
  object_reader r(body);
  r.only({"metric", "value", "ratio", "ramp_seconds"});
  const auto metric = r.string("metric", true);
  const auto value = r.number("value", 0, 1e15);
  const auto ratio = r.number("ratio", 0, 1);
  const auto ramp = r.number("ramp_seconds", 0, 604800);
  if (r.failed()) return as_schema_violation(r.error());
  if (!metric_index(k, *metric) || is_time_metric(*metric)) {
    return failure{api_error::invalid_schema, "'metric': '" + *metric + "' is not a " +
                                                  std::string(to_string(k)) +
                                                  " metric that can be steered"};
  }
  if (value.has_value() == ratio.has_value())
    return failure{api_error::invalid_schema, "give exactly one of 'value' and 'ratio'"};
  const bool ratio_ok =
      k == stats_kind::bdb ? *metric == "used_memory" : node_ratio_metric(*metric);
  if (ratio && !ratio_ok) {
    return failure{api_error::invalid_schema,
                   "'ratio': " + *metric + " has no size to be a fraction of; give 'value'"};
  }
  if (ramp && *ramp > 0 && (k != stats_kind::bdb || !is_driver(*metric))) {
    return failure{api_error::invalid_schema,
                   "'ramp_seconds': only instantaneous_ops_per_sec, used_memory, no_of_keys "
                   "and conns of a bdb ramp; other metrics take a level"};
  }
  if (value && metric->rfind("cpu_", 0) == 0 && *value > 1)
    return failure{api_error::invalid_schema, "'value': a cpu fraction is between 0 and 1"};
  stats_steer_request out;
  out.metric = *metric;
  out.step.target = value ? *value : *ratio;
  out.step.ratio = ratio.has_value();
  out.step.ramp = ramp.value_or(0);
  return out;
}

void add_stats_step(stats_steering& s, const std::string& object, const std::string& metric,
                    const stats_step& step) {
  auto& steps = s.objects[object][metric];
  // Kept in time order; a step given for an earlier time (a reset clock)
  // drops the steps after it, which it overrides.
  while (!steps.empty() && steps.back().since > step.since) steps.pop_back();
  steps.push_back(step);
  if (steps.size() > max_stats_steps) steps.erase(steps.begin());
}

namespace {
json step_json(const stats_step& s) {
  return json{{"since", s.since}, {"target", s.target}, {"ramp", s.ramp}, {"ratio", s.ratio}};
}
}  // namespace

json stats_steps_json(const std::map<std::string, std::vector<stats_step>>& metrics) {
  json out = json::object();
  for (const auto& entry : metrics) {
    json list = json::array();
    for (const stats_step& s : entry.second) list.push_back(step_json(s));
    out[entry.first] = std::move(list);
  }
  return out;
}

json stats_steering_record(const stats_steering& s) {
  json out = json::array();
  for (const auto& object : s.objects) {
    for (const auto& metric : object.second) {
      json steps = json::array();
      for (const stats_step& st : metric.second) steps.push_back(step_json(st));
      out.push_back(
          json{{"object", object.first}, {"metric", metric.first}, {"steps", std::move(steps)}});
    }
  }
  return out;
}

result<stats_steering> stats_steering_from_record(const json& record, const std::string& where) {
  if (!record.is_array())
    return failure{api_error::invalid_schema, "'" + where + "' must be a list"};
  stats_steering out;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const std::string name = where + "[" + std::to_string(i) + "]";
    const json& entry = record[i];
    if (!entry.is_object())
      return failure{api_error::invalid_schema, "'" + name + "' must be an object"};
    object_reader r(entry, name);
    r.only({"object", "metric", "steps"});
    const auto object = r.string("object", true);
    const auto metric = r.string("metric", true);
    if (r.failed()) return r.error();
    const auto colon = object->find(':');
    const auto kind = parse_stats_kind(object->substr(0, colon));
    if (colon == std::string::npos || !kind || !metric_index(*kind, *metric)) {
      return failure{api_error::invalid_schema,
                     "'" + name + "' names no steerable metric of an object"};
    }
    const auto it = entry.find("steps");
    if (it == entry.end() || !it->is_array() || it->empty() || it->size() > max_stats_steps)
      return failure{api_error::invalid_schema, "'" + name + ".steps' must be a non-empty list"};
    auto& steps = out.objects[*object][*metric];
    for (std::size_t k = 0; k < it->size(); ++k) {
      const json& sj = (*it)[k];
      if (!sj.is_object()) return failure{api_error::invalid_schema, "'" + name + ".steps' entry"};
      object_reader sr(sj, name + ".steps[" + std::to_string(k) + "]");
      sr.only({"since", "target", "ramp", "ratio"});
      stats_step st;
      st.since = sr.time("since", true).value_or(0);
      st.target = sr.number("target", 0, 1e15, true).value_or(0);
      st.ramp = sr.number("ramp", 0, 604800, true).value_or(0);
      st.ratio = sr.boolean("ratio", true).value_or(false);
      if (sr.failed()) return sr.error();
      if (!steps.empty() && steps.back().since > st.since)
        return failure{api_error::invalid_schema, "'" + name + ".steps' must be in time order"};
      steps.push_back(st);
    }
  }
  return out;
}

// ---- rendering --------------------------------------------------------------------------

json render_stats_sample(stats_kind k, const stats_sample& s, bool with_interval,
                         std::span<const std::string> keep) {
  json out = json::object();
  out["stime"] = rfc3339(s.stime);
  out["etime"] = rfc3339(s.etime);
  if (with_interval) out["interval"] = std::string(to_string(s.interval));
  const auto names = metric_names(k);
  for (std::size_t i = 0; i < names.size() && i < s.values.size(); ++i) {
    if (!keep.empty() && std::find(keep.begin(), keep.end(), names[i]) == keep.end()) continue;
    auto& slot = out[std::string(names[i])];
    if (is_time_metric(names[i])) {
      slot = rfc3339(s.values[i]);
    } else {
      slot = s.values[i];
    }
  }
  return out;
}

// ---- the model --------------------------------------------------------------------------

struct stats_model::impl {
  struct db_entry {
    const database* db = nullptr;
    std::vector<shard_info> shards;
    std::size_t masters = 0;
    double memory_size = 0;
    const metric_steps* steps = nullptr;
  };
  node_map nodes;
  std::map<std::uint64_t, db_entry> dbs;
  // shard uid -> (database uid, place in its shards)
  std::unordered_map<std::uint64_t, std::pair<std::uint64_t, std::size_t>> shard_index;
  const stats_steering* steering = nullptr;
  std::uint64_t seed = 1;
  double cluster_created = 0;

  const metric_steps* steps_of(stats_kind k, std::uint64_t uid) const {
    const auto it = steering->objects.find(stats_object_name(k, uid));
    return it == steering->objects.end() ? nullptr : &it->second;
  }

  using shard_values = std::array<double, shard_metric_count>;

  // The figures of every shard of `e` for [s, t): in shard_list order.
  std::vector<shard_values> shard_samples(std::uint64_t bdb_uid, const db_entry& e, double s,
                                          double t, stats_interval g) const;
  std::array<double, node_metric_count> node_sample(std::uint64_t node_uid, const node& n, double s,
                                                    double t, stats_interval g) const;
};

std::vector<stats_model::impl::shard_values> stats_model::impl::shard_samples(
    std::uint64_t bdb_uid, const db_entry& e, double s, double t, stats_interval g) const {
  const database& db = *e.db;
  const double created = db.created_at;
  const double m = static_cast<double>(std::max<std::size_t>(e.masters, 1));
  const double length = t - s;

  // Whether clients are served at `t`: not before the create completed,
  // not while traffic is stopped, not while the database is being deleted.
  const bdb_view view = view_of(db, t);
  const bool serving = !traffic_stopped_at(db, t) && view.status != "pending" &&
                       view.status != "creation-failed" && view.status != "delete-pending";

  const auto* ops_steps = steps_for(e.steps, "instantaneous_ops_per_sec");
  const auto zero = [](double) { return 0.0; };
  const double ops_avg =
      serving ? ops_integral(ops_steps, std::max(s, created), t) / std::max(length, 1.0) : 0.0;

  const double cap_keys = std::max(0.0, (e.memory_size - (m * shard_overhead)) / bytes_per_key);
  const auto keys_base = [&](double x) {
    return std::min(cap_keys, std::floor(new_key_share * ops_integral(ops_steps, created, x)));
  };
  const double keys =
      std::max(0.0, std::floor(steered(steps_for(e.steps, "no_of_keys"), t, 0, keys_base)));
  const auto used_base = [&](double x) {
    const double k = std::floor(steered(steps_for(e.steps, "no_of_keys"), x, 0, keys_base));
    return std::min(e.memory_size, (m * shard_overhead) + (std::max(0.0, k) * bytes_per_key));
  };
  const double used =
      std::min(e.memory_size, std::max(0.0, std::round(steered(steps_for(e.steps, "used_memory"), t,
                                                               e.memory_size, used_base))));
  const auto conns_base = [&](double x) {
    const double o = serving ? steered(ops_steps, x, 0, zero) : 0.0;
    return o > 0 ? std::round(2 + (o / 1000)) : 0.0;
  };
  const double conns_db =
      serving ? std::max(0.0, std::round(steered(steps_for(e.steps, "conns"), t, 0, conns_base)))
              : 0.0;

  // Integer splits over the masters, exact in sum.
  const auto split = [&](double total, std::size_t i) {
    const auto whole = static_cast<std::uint64_t>(total);
    const auto n = static_cast<std::uint64_t>(m);
    const std::uint64_t share = whole / n + (i < whole % n ? 1 : 0);  // whole units
    return static_cast<double>(share);
  };

  std::vector<shard_values> out(e.shards.size());
  std::size_t master_i = 0;
  for (std::size_t k = 0; k < e.shards.size(); ++k) {
    const shard_info& sh = e.shards[k];
    shard_values& v = out[k];
    v.fill(0);
    const std::size_t i = sh.spot.master ? master_i++ : 0;  // a replica copies its master below
    const std::uint64_t jitter_key =
        (static_cast<std::uint64_t>(s) << 3U) ^ static_cast<std::uint64_t>(g);
    const double shard_used = split(used, i);
    const double shard_keys = split(keys, i);
    v[mem_size_lua] = lua_memory;
    v[used_memory] = shard_used;
    v[used_memory_peak] = shard_used;
    v[no_of_keys] = shard_keys;
    v[no_of_expires] = std::floor(shard_keys * 0.1);
    const double frag = round3(std::max(1.0, rss_floor / std::max(shard_used, 1.0)) *
                               (1 + (0.01 * (unit(seed, bdb_uid, sh.uid, 1, jitter_key) - 0.5))));
    v[mem_frag_ratio] = frag;
    v[used_memory_rss] = std::round(shard_used * frag);
    if (!sh.spot.master) {
      v[shard_cpu_user] = 0.001;
      v[main_thread_cpu_user] = 0.001;
      continue;
    }
    const double ops =
        ops_avg > 0 ? round3(ops_avg / m *
                             (1 + (0.04 * (unit(seed, bdb_uid, sh.uid, 2, jitter_key) - 0.5))))
                    : 0.0;
    v[instantaneous_ops_per_sec] = ops;
    v[total_req] = ops;
    v[total_res] = ops;
    v[read_req] = round3(ops * 0.6);
    v[read_res] = v[read_req];
    v[read_hits] = round3(v[read_req] * 0.9);
    v[read_misses] = round3(v[read_req] - v[read_hits]);
    v[write_req] = round3(ops * 0.3);
    v[write_res] = v[write_req];
    v[write_misses] = round3(v[write_req] * 0.05);
    v[write_hits] = round3(v[write_req] - v[write_misses]);
    v[other_req] = round3(ops - v[read_req] - v[write_req]);
    v[other_res] = v[other_req];
    v[ingress_bytes] = round3(ops * 110);
    v[egress_bytes] = round3(ops * 85);
    v[conns] = split(conns_db, i);
    v[connected_clients] = v[conns];
    v[total_connections_received] = round3(v[conns] * 0.05);
    v[shard_cpu_user] = round3(0.001 + (ops / 100000));
    v[shard_cpu_system] = round3(ops / 400000);
    v[main_thread_cpu_user] = v[shard_cpu_user];
    v[main_thread_cpu_system] = v[shard_cpu_system];
    v[last_req_time] = ops > 0 ? t : 0;
    v[last_res_time] = v[last_req_time];
  }
  // A replica shows its master's keys and memory: the master before it in
  // shard_list ([m1, r1, m2, r2, …]).
  for (std::size_t k = 1; k < e.shards.size(); ++k) {
    if (e.shards[k].spot.master || !e.shards[k - 1].spot.master) continue;
    for (const auto idx : {used_memory, used_memory_peak, used_memory_rss, no_of_keys,
                           no_of_expires, mem_frag_ratio})
      out[k][idx] = out[k - 1][idx];
  }
  // Steering of the metrics nothing else derives from: the level replaces
  // the masters' figure (split for counts, as is for the ratio).
  if (e.steps != nullptr) {
    for (const auto& entry : *e.steps) {
      if (is_driver(entry.first)) continue;
      const auto idx = index_in(shard_metrics, entry.first);
      if (!idx) continue;
      const auto base = [](double) { return -1.0; };
      const double level = steered(&entry.second, t, 0, base);
      if (level < 0) continue;  // not yet steered at t
      for (std::size_t k = 0; k < e.shards.size(); ++k) {
        if (!e.shards[k].spot.master) continue;
        out[k][*idx] = *idx == mem_frag_ratio ? level : round3(level / m);
      }
    }
  }
  return out;
}

std::array<double, node_metric_count> stats_model::impl::node_sample(std::uint64_t node_uid,
                                                                     const node& n, double s,
                                                                     double t,
                                                                     stats_interval g) const {
  std::array<double, node_metric_count> v{};
  const json& tmpl = node_template();
  const double cores = std::max(1.0, number_field(n.fields, tmpl, "cores", 1));
  const double total_memory = number_field(n.fields, tmpl, "total_memory", 0);
  const double ephemeral = number_field(n.fields, tmpl, "ephemeral_storage_size", 0);
  const double persistent = number_field(n.fields, tmpl, "persistent_storage_size", 0);

  double used = 0;
  double reserved = 0;
  double shard_cpu_u = 0;
  double shard_cpu_s = 0;
  for (const auto& [uid, e] : dbs) {
    bool here = false;
    for (const shard_info& sh : e.shards) here = here || sh.spot.node_uid == node_uid;
    if (!here) continue;
    const auto figures = shard_samples(uid, e, s, t, g);
    const double cap = e.memory_size / static_cast<double>(std::max<std::size_t>(e.masters, 1));
    for (std::size_t k = 0; k < e.shards.size(); ++k) {
      if (e.shards[k].spot.node_uid != node_uid) continue;
      const auto& f = figures[k];
      v[n_conns] += f[conns];
      v[n_ingress_bytes] += f[ingress_bytes];
      v[n_egress_bytes] += f[egress_bytes];
      v[n_total_req] += f[total_req];
      used += f[used_memory];
      reserved += std::max(0.0, cap - f[used_memory]);
      shard_cpu_u += f[shard_cpu_user];
      shard_cpu_s += f[shard_cpu_system];
    }
  }
  const std::uint64_t jitter_key =
      (static_cast<std::uint64_t>(s) << 3U) ^ static_cast<std::uint64_t>(g);
  const double noise = unit(seed, 1000 + node_uid, 0, 3, jitter_key);
  v[cpu_user] = round3(std::min(0.95, 0.003 + (0.002 * noise) + (shard_cpu_u / cores)));
  v[cpu_system] = round3(std::min(0.04, 0.002 + (0.001 * noise) + (shard_cpu_s / cores)));
  v[cpu_irqs] = 0.001;
  v[cpu_iowait] = round3(0.001 * noise);
  v[free_memory] = std::max(0.0, std::round((total_memory * (1 - os_memory_share)) - used -
                                            (total_memory * 0.001 * noise)));
  v[available_memory] = std::round(v[free_memory] * available_share);
  v[available_memory_no_overbooking] = v[available_memory];
  v[provisional_memory] = std::max(0.0, v[available_memory] - reserved);
  v[provisional_memory_no_overbooking] = v[provisional_memory];
  v[ephemeral_storage_free] = std::round(ephemeral * storage_free_share);
  v[ephemeral_storage_avail] = std::round(ephemeral * storage_avail_share);
  v[persistent_storage_free] = std::round(persistent * storage_free_share);
  v[persistent_storage_avail] = std::round(persistent * storage_avail_share);
  for (const auto idx : {n_conns, n_ingress_bytes, n_egress_bytes, n_total_req})
    v.at(idx) = round3(v.at(idx));

  // Steering: a level replaces the figure; ratios of total_memory.
  if (const metric_steps* steps = steps_of(stats_kind::node, node_uid)) {
    bool cpu_steered = false;
    for (const auto& entry : *steps) {
      const auto idx = index_in(node_metrics, entry.first);
      if (!idx) continue;
      const auto base = [](double) { return -1.0; };
      const double level = steered(&entry.second, t, total_memory, base);
      if (level < 0) continue;
      v.at(*idx) = level;
      cpu_steered = cpu_steered || (entry.first.rfind("cpu_", 0) == 0 && *idx != cpu_idle);
    }
    if (cpu_steered) {
      const double busy =
          v[cpu_user] + v[cpu_system] + v[cpu_irqs] + v[cpu_iowait] + v[cpu_nice] + v[cpu_steal];
      v[cpu_idle] = round3(std::max(0.0, 1 - busy));
      return v;
    }
  }
  v[cpu_idle] = round3(1 - v[cpu_user] - v[cpu_system] - v[cpu_irqs] - v[cpu_iowait]);
  return v;
}

stats_model::stats_model(const registry_data& d, double now) : d_(&d), now_(now) {
  auto p = std::make_shared<impl>();
  p->nodes = nodes_at(d.nodes, now);
  p->steering = &d.stats;
  p->seed = d.ids.seed;
  p->cluster_created = now;
  for (const auto& entry : p->nodes)
    p->cluster_created = std::min(p->cluster_created, entry.second->started_at);
  const json& tmpl = bdb_template();
  for (const auto& [uid, ptr] : d.databases) {
    const database& db = *ptr;
    if (!view_of(db, now).visible) continue;
    impl::db_entry e;
    e.db = &db;
    e.shards = shards_of(db, p->nodes, now);
    for (const shard_info& sh : e.shards) e.masters += sh.spot.master ? 1 : 0;
    e.memory_size = number_field(db.fields, tmpl, "memory_size", 0);
    e.steps = p->steps_of(stats_kind::bdb, uid);
    for (std::size_t k = 0; k < e.shards.size(); ++k) p->shard_index[e.shards[k].uid] = {uid, k};
    p->dbs.emplace(uid, std::move(e));
  }
  impl_ = std::move(p);
}

bool stats_model::exists(stats_kind k, std::uint64_t uid) const {
  switch (k) {
    case stats_kind::bdb:
    case stats_kind::endpoint:
      return impl_->dbs.contains(uid);
    case stats_kind::node:
      return impl_->nodes.contains(uid);
    case stats_kind::shard:
      return impl_->shard_index.contains(uid);
    case stats_kind::cluster:
      return true;
  }
  return false;
}

double stats_model::created_at(stats_kind k, std::uint64_t uid) const {
  switch (k) {
    case stats_kind::bdb:
    case stats_kind::endpoint: {
      const auto it = impl_->dbs.find(uid);
      return it == impl_->dbs.end() ? now_ : it->second.db->created_at;
    }
    case stats_kind::node: {
      const auto it = impl_->nodes.find(uid);
      return it == impl_->nodes.end() ? now_ : it->second->started_at;
    }
    case stats_kind::shard: {
      const auto it = impl_->shard_index.find(uid);
      return it == impl_->shard_index.end() ? now_ : impl_->dbs.at(it->second.first).db->created_at;
    }
    case stats_kind::cluster:
      return impl_->cluster_created;
  }
  return now_;
}

std::optional<stats_sample> stats_model::sample(stats_kind k, std::uint64_t uid, stats_interval g,
                                                double stime) const {
  if (!exists(k, uid)) return std::nullopt;
  const double len = seconds_of(g);
  const double s = std::floor(stime / len) * len;
  const double t = s + len;
  if (t <= created_at(k, uid)) return std::nullopt;
  stats_sample out;
  out.stime = s;
  out.etime = t;
  out.interval = g;
  const impl& p = *impl_;
  switch (k) {
    case stats_kind::shard: {
      const auto [bdb_uid, place] = p.shard_index.at(uid);
      const auto figures = p.shard_samples(bdb_uid, p.dbs.at(bdb_uid), s, t, g);
      out.values.assign(figures.at(place).begin(), figures.at(place).end());
      return out;
    }
    case stats_kind::bdb:
    case stats_kind::endpoint: {
      const impl::db_entry& e = p.dbs.at(uid);
      const auto figures = p.shard_samples(uid, e, s, t, g);
      const auto& from = bdb_from_shard();
      std::vector<double> sum(bdb_metrics.size(), 0.0);
      std::size_t masters = 0;
      for (std::size_t k2 = 0; k2 < e.shards.size(); ++k2) {
        if (!e.shards[k2].spot.master) continue;
        ++masters;
        for (std::size_t i = 0; i < sum.size(); ++i) {
          const std::size_t si = from.at(i);
          const double x = figures[k2].at(si);
          if (si == last_req_time || si == last_res_time) {
            sum[i] = std::max(sum[i], x);
          } else {
            sum[i] += x;
          }
        }
      }
      const auto frag = *index_in(bdb_metrics, "mem_frag_ratio");
      if (masters > 0) sum[frag] = round3(sum[frag] / static_cast<double>(masters));
      if (k == stats_kind::bdb) {
        out.values = std::move(sum);
        return out;
      }
      // The endpoint: the requests its proxy forwarded to the database.
      const auto get = [&](std::string_view name) { return sum[*index_in(bdb_metrics, name)]; };
      std::vector<double> ep(endpoint_metrics.size(), 0.0);
      const auto set = [&](std::string_view name, double x) {
        ep[*index_in(endpoint_metrics, name)] = x;
      };
      for (const char* name : {"read_req", "read_res", "write_req", "write_res", "other_req",
                               "other_res", "total_req", "total_res", "conns"})
        set(name, get(name));
      set("read_started_res", get("read_res"));
      set("write_started_res", get("write_res"));
      set("other_started_res", get("other_res"));
      set("total_started_res", get("total_res"));
      set("cmd_get", get("read_req"));
      set("cmd_set", get("write_req"));
      set("ingress", get("ingress_bytes"));
      set("egress", get("egress_bytes"));
      set("acc_read_latency", round3(get("read_res") * 120));
      set("acc_write_latency", round3(get("write_res") * 150));
      set("acc_other_latency", round3(get("other_res") * 130));
      set("acc_latency",
          round3(get("read_res") * 120 + get("write_res") * 150 + get("other_res") * 130));
      set("last_req_time", get("last_req_time"));
      set("last_res_time", get("last_res_time"));
      out.values = std::move(ep);
      return out;
    }
    case stats_kind::node: {
      const auto v = p.node_sample(uid, *p.nodes.at(uid), s, t, g);
      out.values.assign(v.begin(), v.end());
      return out;
    }
    case stats_kind::cluster: {
      std::vector<double> sum(cluster_metrics.size(), 0.0);
      double cores = 0;
      const json& tmpl = node_template();
      for (const auto& [nuid, n] : p.nodes) {
        if (t <= n->started_at) continue;
        const auto v = p.node_sample(nuid, *n, s, t, g);
        const double c = std::max(1.0, number_field(n->fields, tmpl, "cores", 1));
        cores += c;
        for (std::size_t i = 0; i < cluster_metrics.size(); ++i) {
          const std::size_t ni = *index_in(node_metrics, cluster_metrics.at(i));
          const bool cpu = cluster_metrics.at(i).rfind("cpu_", 0) == 0;
          sum[i] += cpu ? v.at(ni) * c : v.at(ni);
        }
      }
      for (std::size_t i = 0; i < cluster_metrics.size(); ++i) {
        if (cluster_metrics.at(i).rfind("cpu_", 0) == 0 && cores > 0)
          sum[i] = round3(sum[i] / cores);
      }
      out.values = std::move(sum);
      return out;
    }
  }
  return std::nullopt;
}

std::optional<double> stats_model::value(stats_kind k, std::uint64_t uid, std::string_view metric,
                                         double t, stats_interval g) const {
  const auto idx = metric_index(k, metric);
  if (!idx) return std::nullopt;
  const auto s = sample(k, uid, g, t);
  if (!s) return std::nullopt;
  return s->values.at(*idx);
}

std::vector<stats_sample> stats_model::series(stats_kind k, std::uint64_t uid, stats_interval g,
                                              double from, double to) const {
  std::vector<stats_sample> out;
  if (!exists(k, uid)) return out;
  const double len = seconds_of(g);
  const double last_end = std::floor(now_ / len) * len;
  const double created = created_at(k, uid);
  const auto n = static_cast<double>(retained_of(g));
  for (double e = last_end - ((n - 1) * len); e <= last_end; e += len) {
    const double s = e - len;
    if (e <= created || s < from || e > to) continue;
    if (auto one = sample(k, uid, g, s)) out.push_back(std::move(*one));
  }
  return out;
}

double stats_model::ops_served(std::uint64_t bdb_uid, double t) const {
  const auto it = impl_->dbs.find(bdb_uid);
  if (it == impl_->dbs.end()) return 0;
  const impl::db_entry& e = it->second;
  return ops_integral(steps_for(e.steps, "instantaneous_ops_per_sec"), e.db->created_at, t);
}

double stats_model::memory_limit(std::uint64_t bdb_uid) const {
  const auto it = impl_->dbs.find(bdb_uid);
  return it == impl_->dbs.end() ? 0 : it->second.memory_size;
}

std::optional<stats_sample> stats_model::last(stats_kind k, std::uint64_t uid,
                                              stats_interval g) const {
  const double len = seconds_of(g);
  const double last_end = std::floor(now_ / len) * len;
  return sample(k, uid, g, last_end - len);
}

}  // namespace reemu

namespace reemu {

std::optional<double> parse_stats_time(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  const auto base = parse_rfc3339(std::string(text.substr(0, 19)) + "Z");
  if (!base) return std::nullopt;
  double t = *base;
  std::string_view rest = text.substr(19);
  if (rest.front() == '.') {  // fractional seconds
    std::size_t n = 1;
    double scale = 0.1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      t += (rest[n] - '0') * scale;
      scale /= 10;
      ++n;
    }
    if (n == 1) return std::nullopt;
    rest = rest.substr(n);
  }
  if (rest == "Z" || rest == "z") return t;
  // An offset: +HH:MM or -HH:MM (RFC 3339); the time is local to it.
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return std::nullopt;
  const auto h = parse_number<int>(rest.substr(1, 2));
  const auto m = parse_number<int>(rest.substr(4, 2));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  const double offset = (*h * 3600.0) + (*m * 60.0);
  return rest[0] == '+' ? t - offset : t + offset;
}

}  // namespace reemu
