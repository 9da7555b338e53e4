// The cluster's own Prometheus exporter (include/reemu/api/exporter.hpp).
#include "reemu/api/exporter.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "reemu/control/metrics.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/stats.hpp"

namespace reemu {

namespace {

// The stats model's split of a database's requests (model/stats.cpp):
// reads 60 %, writes 30 %, the rest other; 90 % of reads hit, 5 % of
// writes miss; 110 bytes in and 85 out per request.
constexpr double exp_read_share = 0.6;
constexpr double exp_write_share = 0.3;
constexpr double exp_read_hit_share = 0.9;
constexpr double exp_write_miss_share = 0.05;
constexpr double exp_ingress_per_request = 110;
constexpr double exp_egress_per_request = 85;
// Connections opened (and closed) per request served: the churn behind
// endpoint_client_connections and endpoint_client_disconnections.
constexpr double exp_requests_per_connection = 1000;

// Shortest text that reads back as `x`, whole numbers without an exponent
// ("18000000", "0.123", "NaN").
std::string exp_number(double x) {
  if (std::isnan(x)) return "NaN";
  std::array<char, 64> buf{};
  const bool whole = std::abs(x) < 1e18 && std::floor(x) == x;
  const auto [end, ec] =
      whole ? std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed, 0)
            : std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("NaN");
}

// Label pairs in the order given, values escaped: cluster="c",db="1".
class exp_labels {
 public:
  exp_labels& add(std::string_view key, std::string_view value) {
    if (!text_.empty()) text_ += ',';
    text_.append(key).append("=\"").append(escape_label(value)).append("\"");
    return *this;
  }
  exp_labels& add(std::string_view key, std::uint64_t value) {
    return add(key, std::to_string(value));
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// The families in the order first named, each with its samples.
class exp_document {
 public:
  // One sample of family `name`; `type` and `help` are taken from its first.
  void add(std::string_view name, std::string_view type, std::string_view help,
           const exp_labels& labels, double value) {
    auto it = index_.find(name);
    if (it == index_.end()) {
      it = index_.emplace(std::string(name), families_.size()).first;
      families_.push_back({std::string(name), std::string(type), std::string(help), {}});
    }
    std::string& out = families_[it->second].samples;
    out.append(name).append("{").append(labels.text()).append("} ").append(exp_number(value));
    out += '\n';
  }

  std::string text() const {
    std::string out;
    for (const family& f : families_) {
      out.append("# HELP ").append(f.name).append(" ").append(f.help).append("\n");
      out.append("# TYPE ").append(f.name).append(" ").append(f.type).append("\n");
      out.append(f.samples);
    }
    return out;
  }

 private:
  struct family {
    std::string name;
    std::string type;
    std::string help;
    std::string samples;
  };
  std::vector<family> families_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// The value of `metric` in `s` (a sample of kind `k`), 0 without a sample.
double exp_value(stats_kind k, const std::optional<stats_sample>& s, std::string_view metric) {
  if (!s) return 0;
  const auto i = metric_index(k, metric);
  return i && *i < s->values.size() ? s->values[*i] : 0;
}

bool exp_replicated(const database& db) {
  for (const json* j : {&db.fields, &bdb_template()}) {
    const auto it = j->find("replication");
    if (it != j->end() && it->is_boolean()) return it->get<bool>();
  }
  return false;
}

void exp_databases(exp_document& doc, const registry_data& d, const stats_model& m,
                   std::string_view cluster, const std::vector<shard_info>& shards) {
  // Where each database's endpoint runs: the node of its first master.
  std::map<std::uint64_t, std::uint64_t> endpoint_node;
  std::map<std::uint64_t, std::size_t> masters;
  for (const shard_info& s : shards) {
    if (!s.spot.master) continue;
    endpoint_node.emplace(s.bdb_uid, s.spot.node_uid);
    ++masters[s.bdb_uid];
  }
  const double now = m.now();
  for (const auto& [uid, ptr] : d.databases) {
    if (!m.exists(stats_kind::bdb, uid)) continue;
    exp_labels db;
    db.add("cluster", cluster).add("db", uid);
    doc.add("db_memory_limit_bytes", "gauge", "Configured RAM limit for the database (bytes)", db,
            m.memory_limit(uid));
    doc.add("db_replication_factor", "gauge", "Copies of each shard: 2 with replication, 1 without",
            db, exp_replicated(*ptr) ? 2 : 1);

    const double served = m.ops_served(uid, now);
    const auto last = m.last(stats_kind::bdb, uid, stats_interval::sec1);
    const double conns = exp_value(stats_kind::bdb, last, "conns");
    const double churn = std::floor(served / exp_requests_per_connection);
    exp_labels ep;
    ep.add("cluster", cluster).add("db", uid);
    if (const auto it = endpoint_node.find(uid); it != endpoint_node.end())
      ep.add("node", it->second);
    const auto counter = [&](std::string_view name, std::string_view help, double value) {
      doc.add(name, "counter", help, ep, std::floor(value));
    };
    counter("endpoint_client_connections", "Number of client connection establishment events",
            churn + conns);
    counter("endpoint_client_disconnections",
            "Number of client disconnections initiated by the client", churn);
    counter("endpoint_proxy_disconnections",
            "Number of client disconnections initiated by the proxy", 0);
    const double reads = served * exp_read_share;
    const double writes = served * exp_write_share;
    const double others = served - std::floor(reads) - std::floor(writes);
    counter("endpoint_read_requests", "Number of read requests", reads);
    counter("endpoint_read_responses", "Number of read responses", reads);
    counter("endpoint_write_requests", "Number of write requests", writes);
    counter("endpoint_write_responses", "Number of write responses", writes);
    counter("endpoint_other_requests", "Number of other requests", others);
    counter("endpoint_other_responses", "Number of other responses", others);
    counter("endpoint_ingress", "Number of ingress bytes", served * exp_ingress_per_request);
    counter("endpoint_egress", "Number of egress bytes", served * exp_egress_per_request);
  }

  // Shards: the gauges of their last 1sec sample, the counters of their
  // database's requests split over its masters (a replica serves none).
  for (const shard_info& s : shards) {
    exp_labels sl;
    sl.add("cluster", cluster)
        .add("db", s.bdb_uid)
        .add("node", s.spot.node_uid)
        .add("redis", s.uid)
        .add("role", s.spot.master ? "master" : "slave");
    const auto last = m.last(stats_kind::shard, s.uid, stats_interval::sec1);
    const auto gauge = [&](std::string_view name, std::string_view help, std::string_view metric) {
      doc.add(name, "gauge", help, sl, exp_value(stats_kind::shard, last, metric));
    };
    doc.add("redis_server_up", "gauge", "Shard is up and running", sl, 1);
    gauge("redis_server_used_memory", "Memory used by shard (bytes)", "used_memory");
    const auto shard_masters = static_cast<double>(std::max<std::size_t>(masters[s.bdb_uid], 1));
    doc.add("redis_server_maxmemory", "gauge",
            "Current memory limit configured by redis_mgr according to database memory limits", sl,
            std::floor(m.memory_limit(s.bdb_uid) / shard_masters));
    gauge("redis_server_db_keys", "Total key count", "no_of_keys");
    gauge("redis_server_db_expires", "Number of volatile keys", "no_of_expires");
    gauge("redis_server_instantaneous_ops_per_sec", "Requests the shard handles per second",
          "instantaneous_ops_per_sec");
    gauge("redis_server_connected_clients", "Number of client connections to the specific shard",
          "connected_clients");
    gauge("redis_server_blocked_clients", "Count the clients waiting on a blocking call",
          "blocked_clients");
    gauge("redis_server_mem_fragmentation_ratio",
          "Memory fragmentation ratio (1.3 means 30% overhead)", "mem_frag_ratio");
    gauge("redis_server_mem_not_counted_for_evict",
          "Portion of used_memory (in bytes) that's not counted for eviction and OOM error",
          "mem_not_counted_for_evict");
    gauge("redis_server_used_memory_lua", "Redis lua scripting heap size (bytes)", "mem_size_lua");
    gauge("redis_server_pubsub_channels", "Count the pub/sub channels with subscribed clients",
          "pubsub_channels");
    gauge("redis_server_pubsub_patterns", "Count the pub/sub patterns with subscribed clients",
          "pubsub_patterns");
    const bool replica_attached = std::any_of(shards.begin(), shards.end(), [&](const auto& o) {
      return o.bdb_uid == s.bdb_uid && !o.spot.master && s.spot.master && o.index == s.index + 1;
    });
    doc.add("redis_server_connected_slaves", "gauge", "Number of connected replicas", sl,
            replica_attached ? 1 : 0);

    const double served = s.spot.master ? m.ops_served(s.bdb_uid, m.now()) / shard_masters : 0;
    const double reads = served * exp_read_share;
    const double writes = served * exp_write_share;
    const auto counter = [&](std::string_view name, std::string_view help, double value) {
      doc.add(name, "counter", help, sl, std::floor(value));
    };
    counter("redis_server_total_commands_processed", "Number of commands processed by the shard",
            served);
    counter("redis_server_keyspace_read_hits",
            "Number of read operations accessing an existing keyspace", reads * exp_read_hit_share);
    counter("redis_server_keyspace_read_misses",
            "Number of read operations accessing a non-existing keyspace",
            reads * (1 - exp_read_hit_share));
    counter("redis_server_keyspace_write_hits",
            "Number of write operations accessing an existing keyspace",
            writes * (1 - exp_write_miss_share));
    counter("redis_server_keyspace_write_misses",
            "Number of write operations accessing a non-existing keyspace",
            writes * exp_write_miss_share);
    counter("redis_server_total_net_input_bytes", "Number of bytes received by the shard",
            served * exp_ingress_per_request);
    counter("redis_server_total_net_output_bytes", "Number of bytes sent by the shard",
            served * exp_egress_per_request);
  }
}

void exp_nodes(exp_document& doc, const node_map& nodes, const stats_model& m,
               std::string_view cluster) {
  struct node_gauge {
    std::string_view name;
    std::string_view metric;
    std::string_view help;
  };
  static constexpr std::array<node_gauge, 13> gauges{{
      {"node_available_flash_bytes", "available_flash", "Available flash in the node (bytes)"},
      {"node_available_flash_no_overbooking_bytes", "available_flash_no_overbooking",
       "Available flash in the node (bytes), without taking into account overbooking"},
      {"node_available_memory_bytes", "available_memory",
       "Amount of free memory in the node (bytes) that is available for database provisioning"},
      {"node_available_memory_no_overbooking_bytes", "available_memory_no_overbooking",
       "Available RAM in the node (bytes) without taking into account overbooking"},
      {"node_ephemeral_storage_avail_bytes", "ephemeral_storage_avail",
       "Disk space available to RLEC processes on configured ephemeral disk (bytes)"},
      {"node_ephemeral_storage_free_bytes", "ephemeral_storage_free",
       "Free disk space on configured ephemeral disk (bytes)"},
      {"node_memory_MemFree_bytes", "free_memory", "Free memory in the node (bytes)"},
      {"node_persistent_storage_avail_bytes", "persistent_storage_avail",
       "Disk space available to RLEC processes on configured persistent disk (bytes)"},
      {"node_persistent_storage_free_bytes", "persistent_storage_free",
       "Free disk space on configured persistent disk (bytes)"},
      {"node_provisional_flash_bytes", "provisional_flash",
       "Amount of flash available for new shards on this node (bytes)"},
      {"node_provisional_flash_no_overbooking_bytes", "provisional_flash_no_overbooking",
       "Amount of flash available for new shards on this node, without overbooking (bytes)"},
      {"node_provisional_memory_bytes", "provisional_memory",
       "Amount of RAM that is available for provisioning to databases (bytes)"},
      {"node_provisional_memory_no_overbooking_bytes", "provisional_memory_no_overbooking",
       "Amount of RAM that is available for provisioning to databases, without overbooking "
       "(bytes)"},
  }};
  for (const auto& entry : nodes) {
    exp_labels nl;
    nl.add("cluster", cluster).add("node", entry.first);
    doc.add("node_metrics_up", "gauge", "Node is part of the cluster and is connected", nl, 1);
    const auto last = m.last(stats_kind::node, entry.first, stats_interval::sec1);
    for (const node_gauge& g : gauges)
      doc.add(g.name, "gauge", g.help, nl, exp_value(stats_kind::node, last, g.metric));
  }
}

void exp_cluster(exp_document& doc, const registry_data& d, const node_map& nodes,
                 std::string_view cluster, double now) {
  const auto count = static_cast<double>(nodes.size());
  const std::uint64_t primary = nodes.empty() ? 0 : nodes.begin()->first;
  for (const auto& entry : nodes) {
    exp_labels wd;
    wd.add("cluster", cluster).add("cluster_wd", entry.first);
    doc.add("total_node_count", "gauge", "Number of nodes", wd, count);
    doc.add("total_live_nodes_count", "gauge", "Number of live nodes", wd, count);
    doc.add("is_primary", "gauge", "primary = 1, secondary = 0", wd,
            entry.first == primary ? 1 : 0);
    exp_labels quorum = wd;
    quorum.add("has_witness_disk", "false");
    doc.add("has_quorum", "gauge", "Has quorum = 1, no quorum = 0", quorum, 1);
  }
  const license& l = d.license;
  exp_labels cl;
  cl.add("cluster", cluster);
  doc.add("license_expiration_days", "gauge", "Number of days until the license expires", cl,
          std::max(0.0, std::floor((l.expiration - now) / 86400)));
  for (const auto& [type, limit] :
       {std::pair<std::string_view, std::optional<std::uint64_t>>{"ram", l.ram_shards_limit},
        {"flash", l.flash_shards_limit}}) {
    exp_labels ll = cl;
    ll.add("shard_type", type);
    doc.add("license_shards_limit", "gauge",
            "Total shard limit by the license by shard type (ram / flash)", ll,
            static_cast<double>(limit.value_or(l.shards_limit)));
  }
  doc.add("users_count", "gauge", "Current number of users on the cluster", cl,
          static_cast<double>(d.users.size()));
}

}  // namespace

std::string render_exporter_metrics(const registry_data& d, std::string_view cluster_name,
                                    double now) {
  const stats_model m(d, now);
  const node_map nodes = nodes_at(d.nodes, now);
  const std::vector<shard_info> shards = all_shards(d, now);
  exp_document doc;
  exp_databases(doc, d, m, cluster_name, shards);
  exp_nodes(doc, nodes, m, cluster_name);
  exp_cluster(doc, d, nodes, cluster_name, now);
  return doc.text();
}

}  // namespace reemu
