// The statistics model: what GET /v1/{bdbs,nodes,shards,cluster,endpoints}/stats
// show, computed on demand from the registry's contents and a clock time,
// never stored per second. One deterministic model (the config's --seed, the
// clock): a shard's figures come from its database's workload, a database's
// are the sum of its master shards, a node's the sum of the shards it hosts
// (plus its own base load), the cluster's the sum over its nodes
// (core-weighted averages for the cpu fractions). The control API steers a
// metric per object (stats_steering); the rest follows from it.
//
// Interface for other parts (routes, alerts, exporters, the dashboard):
//   stats_model m(d, now);
//   m.value(stats_kind::bdb, 1, "used_memory", t, stats_interval::sec1)
//   m.sample(stats_kind::node, 2, stats_interval::min5, stime)  // one row
//   m.series(stats_kind::shard, 3, stats_interval::sec10)       // retained rows
// Plain values; no locking, no clock reads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct registry_data;

// ---- granularities ---------------------------------------------------------

enum class stats_interval : std::uint8_t { sec1, sec10, min5, min15, hour1, hour12, week1 };

// The seven, finest first: the order GET …/stats without `interval` renders.
inline constexpr std::array<stats_interval, 7> stats_intervals{
    stats_interval::sec1,  stats_interval::sec10,  stats_interval::min5, stats_interval::min15,
    stats_interval::hour1, stats_interval::hour12, stats_interval::week1};

std::string_view to_string(stats_interval g) noexcept;
double seconds_of(stats_interval g) noexcept;
// Samples a real cluster keeps per interval (10, 30, 12, 96, 168, 62, 53).
std::size_t retained_of(stats_interval g) noexcept;
// "1sec" … "1week"; nullopt for anything else.
std::optional<stats_interval> parse_stats_interval(std::string_view text) noexcept;

// A query's stime/etime: "2025-10-14T00:07:11Z" as the reference gives it,
// also with fractional seconds and an RFC 3339 offset ("…T02:07:11.5+02:00").
// Epoch seconds, or nullopt.
std::optional<double> parse_stats_time(std::string_view text);

// ---- objects and metrics ---------------------------------------------------

enum class stats_kind : std::uint8_t { bdb, node, shard, cluster, endpoint };

// "bdb", "node", "shard", "cluster", "endpoint"; parse_stats_kind reads them.
std::string_view to_string(stats_kind k) noexcept;
std::optional<stats_kind> parse_stats_kind(std::string_view text) noexcept;

// The metric names of a kind's samples, sorted (the wire's key order),
// without stime, etime and interval.
std::span<const std::string_view> metric_names(stats_kind k) noexcept;
// The index of `metric` in metric_names(k), or nullopt.
std::optional<std::size_t> metric_index(stats_kind k, std::string_view metric) noexcept;
// Whether `metric` is rendered as a time string (last_req_time,
// last_res_time: epoch seconds in the sample, RFC 3339 on the wire).
bool is_time_metric(std::string_view metric) noexcept;

// ---- steering (the control API) --------------------------------------------

// One steering step of a metric: from clock time `since`, the metric moves
// linearly over `ramp` seconds (0: at once) from the value it had to
// `target`, then stays there. `target` is absolute, or a fraction of the
// object's size when `ratio` (used_memory of memory_size for a database,
// free/available/provisional memory of total_memory for a node).
struct stats_step {
  double since = 0;
  double target = 0;
  double ramp = 0;
  bool ratio = false;
  bool operator==(const stats_step&) const = default;
};

// The steps of every steered metric, by object ("bdb:1", "node:2") then
// metric name, oldest first. At most max_stats_steps per metric: the oldest
// goes when a new one passes the bound.
struct stats_steering {
  std::map<std::string, std::map<std::string, std::vector<stats_step>>> objects;
  bool operator==(const stats_steering&) const = default;
};
inline constexpr std::size_t max_stats_steps = 32;

// A control-API steering request, read from {"metric","value"|"ratio",
// "ramp_seconds"?}.
struct stats_steer_request {
  std::string metric;
  stats_step step;  // since is set by the caller
};

// Reads a steering body for an object of kind `k`: the metric must be one
// of the kind's steerable metrics (bdb: any database metric but the
// last_*_time ones; node: any node metric), exactly one of "value" (a
// number >= 0; a cpu fraction <= 1) and "ratio" (0..1; only where a size
// exists), "ramp_seconds" (0..604800; only for the database's driving
// metrics instantaneous_ops_per_sec, used_memory, no_of_keys, conns).
// invalid_schema naming the field otherwise.
result<stats_steer_request> read_stats_steer(stats_kind k, const json& body);

// The object name steering keys use: "bdb:1", "node:2".
std::string stats_object_name(stats_kind k, std::uint64_t uid);

// Adds `step` for `metric` of `object`, dropping the oldest past the bound.
void add_stats_step(stats_steering& s, const std::string& object, const std::string& metric,
                    const stats_step& step);

// The steering as the state file keeps it, [{"object","metric","steps":[…]}],
// and back (invalid_schema naming `where` for a malformed record).
json stats_steering_record(const stats_steering& s);
result<stats_steering> stats_steering_from_record(const json& record, const std::string& where);
// The steering of one object as the control API shows it: {metric: [steps]}.
json stats_steps_json(const std::map<std::string, std::vector<stats_step>>& metrics);

// ---- samples ---------------------------------------------------------------

// One row of a series: [stime, etime) at granularity `interval`, the values
// by metric_names(kind) index.
struct stats_sample {
  double stime = 0;
  double etime = 0;
  stats_interval interval = stats_interval::sec1;
  std::vector<double> values;
};

// A sample as the wire shows it: stime, etime (RFC 3339), interval when
// `with_interval`, and the metrics `keep` names (every metric when empty),
// floats (time metrics as strings), keys sorted.
json render_stats_sample(stats_kind k, const stats_sample& s, bool with_interval,
                         std::span<const std::string> keep = {});

// The model over one snapshot at clock time `now`. Cheap to build (it keeps
// references and the nodes at `now`); each sample costs O(shards involved).
// The registry_data must outlive it.
class stats_model {
 public:
  stats_model(const registry_data& d, double now);

  // Whether the object exists at `now` (a visible database, a node in the
  // cluster, a shard of a visible database; the cluster always; an endpoint
  // by its database's uid).
  bool exists(stats_kind k, std::uint64_t uid) const;

  // The sample of `uid` for the interval of granularity `g` that starts at
  // `stime` (aligned down to the interval), or nullopt when the object does
  // not exist or did not exist yet at its end.
  std::optional<stats_sample> sample(stats_kind k, std::uint64_t uid, stats_interval g,
                                     double stime) const;

  // The value of `metric` for `uid` at time `t` at granularity `g` (the
  // sample holding `t`); nullopt for an unknown object or metric.
  std::optional<double> value(stats_kind k, std::uint64_t uid, std::string_view metric, double t,
                              stats_interval g) const;

  // The retained series of granularity `g`: the last retained_of(g)
  // complete intervals (ending at or before now), none ending at or before
  // the object's creation, oldest first; within [from, to] when given
  // (sample stime >= from, etime <= to).
  std::vector<stats_sample> series(stats_kind k, std::uint64_t uid, stats_interval g,
                                   double from = -1e300, double to = 1e300) const;

  // The latest complete sample of granularity `g`, if any.
  std::optional<stats_sample> last(stats_kind k, std::uint64_t uid, stats_interval g) const;

  // When the object came to be (database: created_at; node: started_at;
  // cluster: its first node's).
  double created_at(stats_kind k, std::uint64_t uid) const;

  // The requests database `uid` served from its creation to `t`: the
  // integral of its ops curve (the figure its keys grow with), whose rate
  // over an interval is that interval's instantaneous_ops_per_sec. The
  // exporter's counters (api/exporter.hpp) count from it. 0 for a database
  // that does not exist at `now`.
  double ops_served(std::uint64_t bdb_uid, double t) const;

  // The database's memory_size (bytes; what used_memory stays under), or
  // 0 for one that does not exist at `now`.
  double memory_limit(std::uint64_t bdb_uid) const;

  double now() const noexcept { return now_; }

 private:
  struct impl;
  const registry_data* d_;
  double now_;
  std::shared_ptr<const impl> impl_;
};

}  // namespace reemu
