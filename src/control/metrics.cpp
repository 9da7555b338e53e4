// The metrics room: the Prometheus exposition of the emulator's counters
// (include/reemu/control/metrics.hpp).
#include "reemu/control/metrics.hpp"

#include <array>
#include <charconv>
#include <map>
#include <utility>

#include "reemu/model/crdb.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/journal.hpp"
#include "reemu/state/metrics.hpp"

namespace reemu {

namespace {

constexpr std::string_view other_status = "other";

// Shortest decimal text (no exponent) that reads back as `x`: "0.0001", "5",
// "0.000123"; bucket bounds read as they are written in the code.
std::string number_text(double x) {
  std::array<char, 400> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("NaN");
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// name{labels} value, `labels` already written as key="value" pairs.
void sample(std::string& out, std::string_view name, std::string_view labels,
            std::string_view value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

std::string label(std::string_view key, std::string_view value) {
  return std::string(key) + "=\"" + escape_label(value) + "\"";
}

std::string_view method_name(std::size_t m) {
  if (m == 0 || m > static_cast<std::size_t>(http_t::verb::unlink)) return "other";
  return http_t::to_string(static_cast<http_t::verb>(m));
}

// Buckets, sum and count of `h`; `labels` go before le on every line.
void histogram_samples(std::string& out, std::string_view name, const std::string& labels,
                       const histogram& h) {
  const histogram::reading r = h.read();
  const std::string prefix = labels.empty() ? std::string() : labels + ",";
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < h.bounds().size(); ++i) {
    sample(out, bucket, prefix + label("le", number_text(h.bounds()[i])),
           std::to_string(r.cumulative[i]));
  }
  sample(out, bucket, prefix + label("le", "+Inf"), std::to_string(r.count));
  sample(out, std::string(name) + "_sum", labels, number_text(static_cast<double>(r.sum_us) / 1e6));
  sample(out, std::string(name) + "_count", labels, std::to_string(r.count));
}

void request_series(std::string& out, const metrics& m) {
  header(out, "reemu_http_requests_total", "counter",
         "Requests that reached routing, by route family (none: no route matched), method and "
         "status (0: dropped by a fault).");
  for (const auto& c : m.requests()) {
    sample(out, "reemu_http_requests_total",
           label("family", m.family_name(c.family)) + "," + label("method", method_name(c.method)) +
               "," + label("status", std::to_string(c.status)),
           std::to_string(c.count));
  }
  header(out, "reemu_http_request_duration_seconds", "histogram",
         "Time from routing to the answer (fault delays included), by route family.");
  for (std::size_t f = 0; f <= m.families().size(); ++f) {
    const histogram& h = m.latency(f);
    if (h.read().count == 0) continue;
    histogram_samples(out, "reemu_http_request_duration_seconds", label("family", m.family_name(f)),
                      h);
  }
}

// The documented routes not emulated that requests named, by template
// (only those named at least once: the inventory lists about two hundred).
void not_emulated_series(std::string& out, const metrics& m) {
  header(out, "reemu_not_emulated_requests_total", "counter",
         "Requests that named a documented Redis Software route the emulator does not emulate "
         "(docs/coverage.md), by route template, whatever they were answered.");
  for (std::size_t i = 0; i < m.not_emulated().size(); ++i) {
    const std::uint64_t n = m.not_emulated_requests(i);
    if (n == 0) continue;
    const route_label& r = m.not_emulated()[i];
    sample(
        out, "reemu_not_emulated_requests_total",
        label("family", r.family) + "," + label("method", r.method) + "," + label("route", r.path),
        std::to_string(n));
  }
}

// The v1 status `a` shows at `now`, as a label: a word of its kind's
// vocabulary, or "other".
std::string_view status_label(const action& a, double now) {
  std::string status;
  if (const simulate_plan* plan = a.plan()) {
    status = status_name(a.kind, evaluate(*plan, a.started_at, now).phase);
  } else if (const auto* text = a.static_v1()) {
    const json v1 = json::parse(**text, nullptr, false);
    if (v1.is_object() && v1.contains("status") && v1["status"].is_string())
      status = v1["status"].get<std::string>();
  }
  for (const std::string_view w : statuses_of(a.kind))
    if (w == status) return w;
  return other_status;
}

void action_series(std::string& out, const registry_data& data, double now) {
  std::map<std::pair<action_kind, std::string_view>, std::uint64_t> counts;
  for (const auto& a : data.actions)
    if (is_visible(*a, now)) ++counts[{a->kind, status_label(*a, now)}];
  header(out, "reemu_actions", "gauge",
         "Visible actions at the emulator's clock, by kind and v1 status.");
  for (const action_kind kind : {action_kind::task, action_kind::state_machine}) {
    const auto row = [&](std::string_view status) {
      const auto it = counts.find({kind, status});
      const std::uint64_t n = it == counts.end() ? 0 : it->second;
      if (n == 0 && status == other_status) return;
      sample(out, "reemu_actions", label("kind", to_string(kind)) + "," + label("status", status),
             std::to_string(n));
    };
    for (const std::string_view w : statuses_of(kind)) row(w);
    row(other_status);
  }
}

// Visible databases by the status they show at `now` (model/database.hpp):
// every status of the vocabulary gets a row, so a series never vanishes.
constexpr std::array<std::string_view, 6> database_statuses = {
    "active",         "active-change-pending", "creation-failed",
    "delete-pending", "import-pending",        "pending"};

void database_series(std::string& out, const registry_data& data, double now) {
  std::array<std::uint64_t, database_statuses.size()> counts{};
  std::uint64_t visible = 0;
  for (const auto& [uid, db] : data.databases) {
    const bdb_view v = view_of(*db, now);
    if (!v.visible) continue;
    ++visible;
    for (std::size_t i = 0; i < database_statuses.size(); ++i)
      if (v.status == database_statuses[i]) ++counts[i];
  }
  header(out, "reemu_databases", "gauge", "Databases, as GET /v1/bdbs lists them.");
  sample(out, "reemu_databases", {}, std::to_string(visible));
  header(out, "reemu_databases_by_status", "gauge", "Databases by the status they show.");
  for (std::size_t i = 0; i < database_statuses.size(); ++i) {
    sample(out, "reemu_databases_by_status", label("status", database_statuses[i]),
           std::to_string(counts[i]));
  }
}

// Nodes as GET /v1/nodes lists them, by status, and those in maintenance.
void node_series(std::string& out, const registry_data& data, double now) {
  std::uint64_t active = 0;
  std::uint64_t decommissioning = 0;
  std::uint64_t maintenance = 0;
  for (const auto& [uid, n] : data.nodes) {
    const node_view v = view_of(*n, now);
    if (!v.visible) continue;
    if (v.status == "decommissioning") {
      ++decommissioning;
    } else {
      ++active;
    }
    const auto it = n->fields.find("accept_servers");
    const bool stored = it == n->fields.end() || !it->is_boolean() || it->get<bool>();
    if (!v.accept_servers.value_or(stored)) ++maintenance;
  }
  header(out, "reemu_nodes", "gauge", "Nodes, as GET /v1/nodes lists them, by status.");
  sample(out, "reemu_nodes", label("status", "active"), std::to_string(active));
  sample(out, "reemu_nodes", label("status", "decommissioning"), std::to_string(decommissioning));
  header(out, "reemu_nodes_in_maintenance", "gauge",
         "Nodes whose accept_servers is false (maintenance_on completed).");
  sample(out, "reemu_nodes_in_maintenance", {}, std::to_string(maintenance));
}

// CRDB tasks still kept, by status, and the CRDBs listed.
void crdb_series(std::string& out, const registry_data& data, double now) {
  constexpr std::array<std::string_view, 5> statuses = {"queued", "started", "finished", "failed",
                                                        "cancelled"};
  std::array<std::uint64_t, statuses.size()> counts{};
  for (const auto& [id, t] : data.active_active.tasks) {
    if (!crdb_task_visible(t, now)) continue;
    const std::string_view status = crdb_task_status(t, now);
    for (std::size_t i = 0; i < statuses.size(); ++i)
      if (status == statuses[i]) ++counts[i];
  }
  header(out, "reemu_crdb_tasks", "gauge",
         "CRDB tasks GET /v1/crdb_tasks lists at the emulator's clock, by status.");
  for (std::size_t i = 0; i < statuses.size(); ++i)
    sample(out, "reemu_crdb_tasks", label("status", statuses[i]), std::to_string(counts[i]));
  std::uint64_t listed = 0;
  for (const auto& [guid, c] : data.active_active.crdbs) listed += crdb_visible(c, now) ? 1 : 0;
  header(out, "reemu_crdbs", "gauge", "CRDBs, as GET /v1/crdbs lists them.");
  sample(out, "reemu_crdbs", {}, std::to_string(listed));
}

void state_series(std::string& out, const fault_table& faults, const reemu::journal& requests,
                  const registry_data& data, double now) {
  header(out, "reemu_fault_hits_total", "counter",
         "Requests each fault rule of the table has delayed, failed or dropped, by rule id.");
  for (const fault_rule& r : faults.list()) {
    sample(out, "reemu_fault_hits_total", label("rule", std::to_string(r.id)),
           std::to_string(r.hits));
  }
  action_series(out, data, now);
  database_series(out, data, now);
  node_series(out, data, now);
  crdb_series(out, data, now);
  header(out, "reemu_journal_entries", "gauge", "Requests held in the journal.");
  sample(out, "reemu_journal_entries", {}, std::to_string(requests.size()));
  header(out, "reemu_journal_bytes", "gauge",
         "Bytes the journal's entries count against emulator.journal_max_bytes.");
  sample(out, "reemu_journal_bytes", {}, std::to_string(requests.bytes()));
}

void process_series(std::string& out, const metrics& m) {
  header(out, "reemu_open_connections", "gauge", "Client connections open now.");
  sample(out, "reemu_open_connections", {}, std::to_string(m.open_connections()));
  header(out, "reemu_state_saves_total", "counter", "State-file saves, by result.");
  sample(out, "reemu_state_saves_total", label("result", "ok"), std::to_string(m.saves(true)));
  sample(out, "reemu_state_saves_total", label("result", "failed"), std::to_string(m.saves(false)));
  header(out, "reemu_state_save_duration_seconds", "histogram",
         "Time to capture and write the state file, per save.");
  histogram_samples(out, "reemu_state_save_duration_seconds", {}, m.save_latency());
}

}  // namespace

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_metrics(const reemu::metrics& counters, const fault_table& faults,
                           const reemu::journal& requests, const registry_data& data, double now) {
  std::string out;
  out.reserve(8192);
  request_series(out, counters);
  not_emulated_series(out, counters);
  state_series(out, faults, requests, data, now);
  process_series(out, counters);
  return out;
}

reply get_metrics(const request_context& ctx, const reemu::metrics& counters,
                  const fault_table& faults, const reemu::journal& requests) {
  reply r = shared_reply(std::make_shared<const std::string>(
      render_metrics(counters, faults, requests, ctx.state->data(), ctx.now)));
  r.content_type = metrics_content_type;
  return r;
}

std::vector<route> control_metrics_routes() {
  using http_t::verb;
  return {
      {verb::get, "/emulator/v1/metrics", control_api_access, uses<&get_metrics>, false},
  };
}

}  // namespace reemu
