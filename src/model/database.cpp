// Databases: status from the operation's plan, and the wire object from the
// compiled-in template.
#include "reemu/model/database.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "reemu/model/availability.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// src/model/bdb_template.json as a raw string literal (reemu_embed in the
// top-level CMakeLists.txt).
constexpr std::string_view template_text =
#include "bdb_template.inc"
    ;

bool starts(const bdb_operation& op, std::string_view name) { return op.name == name; }

std::string_view running_status(const bdb_operation& op) {
  if (starts(op, "SMCreateBDB")) return "pending";
  if (starts(op, "SMDeleteBDB")) return "delete-pending";
  if (starts(op, "import_bdb")) return "import-pending";
  if (starts(op, "export_bdb")) return "active";  // an export changes nothing of the database
  if (starts(op, "SMRecoverBDB")) return "recovery";
  return "active-change-pending";
}

// The prefix of the fields an export or import reports in ("export",
// "import"); empty for any other operation.
std::string_view transfer_of(const bdb_operation& op) {
  if (starts(op, "export_bdb")) return "export";
  if (starts(op, "import_bdb")) return "import";
  return {};
}

// The <prefix>_status, _progress and _failure_reason of an export or import
// at `now`: initializing while queued, then exporting/importing with its
// progress, succeeded at 100, or failed with the plan's error.
void put_transfer_fields(json& out, const bdb_operation& op, const live_state& live) {
  const std::string prefix(transfer_of(op));
  if (prefix.empty()) return;
  std::string status = prefix + "ing";
  if (live.phase == phase::waiting || live.phase == phase::starting) status = "initializing";
  if (live.phase == phase::completed) status = "succeeded";
  if (live.phase == phase::failed || live.phase == phase::cancelled) status = "failed";
  out[prefix + "_status"] = status;
  out[prefix + "_progress"] = live.phase == phase::completed ? 100.0 : live.progress;
  out[prefix + "_failure_reason"] = live.phase == phase::failed      ? op.plan.error
                                    : live.phase == phase::cancelled ? std::string("cancelled")
                                                                     : std::string();
}

}  // namespace

bool is_live_key(std::string_view key) noexcept {
  return std::find(std::begin(bdb_live_keys), std::end(bdb_live_keys), key) !=
         std::end(bdb_live_keys);
}

bdb_view view_of(const database& db, double now) noexcept {
  bdb_view v;
  if (!db.op) return v;
  const bdb_operation& op = *db.op;
  v.live = evaluate(op.plan, op.started_at, now);
  switch (v.live.phase) {
    case phase::waiting:
    case phase::starting:
    case phase::running:
    case phase::cancelling:
      v.busy = true;
      v.status = running_status(op);
      break;
    case phase::completed:
      v.visible = !starts(op, "SMDeleteBDB");
      break;
    case phase::failed:
    case phase::cancelled:
      // A failed (or cancelled) create leaves a database that never served; any other
      // failed machine leaves the database as it was, active.
      if (starts(op, "SMCreateBDB")) v.status = "creation-failed";
      break;
  }
  return v;
}

const json& bdb_template() {
  // Parsed once; the text is the project's own file, so a parse failure is
  // a build defect the unit tests catch.
  static const json parsed = json::parse(template_text, nullptr, false);
  return parsed;
}

json render_bdb(const database& db, double now) {
  json out = bdb_template();
  for (const auto& [key, value] : db.fields.items()) out[key] = value;
  out["uid"] = db.uid;
  out["created_time"] = rfc3339(db.created_at);
  out["last_changed_time"] = rfc3339(db.changed_at);
  const bdb_view v = view_of(db, now);
  out["status"] = v.status;
  if (db.op) put_transfer_fields(out, *db.op, v.live);
  if (v.busy) {
    out["action_uid"] = db.op->action_uid;
    out["background_op"] =
        json::array({{{"name", db.op->name},
                      {"progress", number_value(v.live.progress)},
                      {"status", status_name(action_kind::state_machine, v.live.phase)}}});
  } else {
    out.erase("action_uid");
    out["background_op"] = json::array({{{"status", "idle"}}});
  }
  return out;
}

namespace {

// Where a stop or resume of traffic stands at `now`: the traffic state it
// leaves once completed, nullopt for any other machine or one that has not
// completed.
std::optional<bool> completed_traffic_change(const database& db, double now) {
  if (!db.op) return std::nullopt;
  const bool stop = starts(*db.op, "SMStopTrafficBDB");
  if (!stop && !starts(*db.op, "SMResumeTrafficBDB")) return std::nullopt;
  if (evaluate(db.op->plan, db.op->started_at, now).phase != phase::completed) return std::nullopt;
  return stop;
}

}  // namespace

bool traffic_stopped_at(const database& db, double now) noexcept {
  return completed_traffic_change(db, now).value_or(db.traffic_stopped);
}

void settle_traffic(database& db, double now) {
  if (const auto stopped = completed_traffic_change(db, now)) db.traffic_stopped = *stopped;
}

void settle_transfer(database& db, double now) {
  if (!db.op || transfer_of(*db.op).empty()) return;
  put_transfer_fields(db.fields, *db.op, evaluate(db.op->plan, db.op->started_at, now));
}

std::string rfc3339(double t) {
  using namespace std::chrono;
  // Clamped to years 1970..9999: the wire has four year digits.
  constexpr double max_seconds = 253402300799.0;
  const double whole = std::isfinite(t) ? std::floor(std::clamp(t, 0.0, max_seconds)) : 0.0;
  const sys_seconds at{seconds{static_cast<long long>(whole)}};
  const auto day = floor<days>(at);
  const year_month_day ymd{day};
  const hh_mm_ss hms{at - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<double> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SSZ, exactly as the captures write it.
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  const auto y = parse_number<int>(s.substr(0, 4));
  const auto mo = parse_number<unsigned>(s.substr(5, 2));
  const auto d = parse_number<unsigned>(s.substr(8, 2));
  const auto h = parse_number<int>(s.substr(11, 2));
  const auto mi = parse_number<int>(s.substr(14, 2));
  const auto sec = parse_number<int>(s.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !sec || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  const year_month_day ymd{year{*y}, month{*mo}, day{*d}};
  if (!ymd.ok()) return std::nullopt;
  const auto at = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*sec};
  return static_cast<double>(at.time_since_epoch().count());
}

void ports_of(const database& db, std::vector<std::uint64_t>& out) {
  const json& f = db.fields;
  if (auto it = f.find("port"); it != f.end() && it->is_number_unsigned() && *it != 0)
    out.push_back(it->get<std::uint64_t>());
  const auto eps = f.find("endpoints");
  if (eps == f.end() || !eps->is_array()) return;
  for (const auto& e : *eps) {
    if (!e.is_object()) continue;
    if (auto it = e.find("port"); it != e.end() && it->is_number_unsigned())
      out.push_back(it->get<std::uint64_t>());
  }
}

json make_endpoint(std::uint64_t uid, std::uint64_t port, const json& fields,
                   const cluster_settings& cluster) {
  json e = bdb_template()["endpoints"][0];
  e["port"] = port;
  e["dns_name"] = "redis-" + std::to_string(port) + "." + cluster.name;
  e["uid"] = std::to_string(uid) + ":1";
  for (const char* key : {"proxy_policy", "oss_cluster_api_preferred_endpoint_type",
                          "oss_cluster_api_preferred_ip_type"}) {
    if (auto it = fields.find(key); it != fields.end() && it->is_string()) e[key] = *it;
  }
  return e;
}

json to_json(const plan_rule& rule) {
  json out = {{"id", rule.id}, {"simulate", rule.simulate}, {"hits", rule.hits}};
  if (!rule.name.empty()) out["name"] = rule.name;
  if (!rule.object_name.empty()) out["object_name"] = rule.object_name;
  if (rule.times != 0) out["times"] = rule.times;
  return out;
}

result<plan_rule> plan_rule_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"id", "name", "object_name", "simulate", "times", "hits"});
  plan_rule rule;
  const auto id = r.unsigned_integer("id", UINT32_MAX, true);
  rule.name = r.string("name").value_or("");
  rule.object_name = r.string("object_name").value_or("");
  const json* simulate = r.object("simulate", true);
  rule.times = r.unsigned_integer("times", UINT64_MAX).value_or(0);
  rule.hits = r.unsigned_integer("hits", UINT64_MAX).value_or(0);
  if (r.failed()) return r.error();
  simulate_plan probe;
  probe.steps = {"a"};  // the block's own checks; its fit to a template is checked on use
  json block = *simulate;
  block.erase("fail_at_step");
  if (auto plan = parse_simulate(block, probe, where + ".simulate"); !plan) return plan.error();
  if (*id == 0)
    return failure{api_error::invalid_value, "'" + where + ".id' must be unique and >= 1, got 0"};
  rule.id = *id;
  rule.simulate = *simulate;
  return rule;
}

namespace {

json placement_record(const std::vector<shard_spot>& spots) {
  json out = json::array();
  for (const shard_spot& s : spots)
    out.push_back({{"node_uid", s.node_uid}, {"role", s.master ? "master" : "slave"}});
  return out;
}

result<std::vector<shard_spot>> placement_from_record(const json& list, const std::string& where) {
  if (!list.is_array()) return failure{api_error::invalid_type, "'" + where + "' must be an array"};
  std::vector<shard_spot> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    object_reader r(list[i], at);
    r.only({"node_uid", "role"});
    const auto node_uid = r.unsigned_integer("node_uid", UINT32_MAX, true);
    const auto role = r.string("role", true);
    if (r.failed()) return r.error();
    if (*role != "master" && *role != "slave")
      return failure{api_error::invalid_value, "'" + at + ".role' must be master or slave"};
    out.push_back({*node_uid, *role == "master"});
  }
  return out;
}

}  // namespace

json database_record(const database& db) {
  json r = {{"uid", db.uid},
            {"fields", db.fields},
            {"created_at", number_value(db.created_at)},
            {"changed_at", number_value(db.changed_at)}};
  if (db.op) {
    r["operation"] = {{"action_uid", db.op->action_uid},
                      {"name", db.op->name},
                      {"started_at", number_value(db.op->started_at)},
                      {"simulate", to_simulate_block(db.op->plan)}};
    if (!db.op->placement.empty()) r["operation"]["placement"] = placement_record(db.op->placement);
  }
  if (!db.placement.empty()) r["placement"] = placement_record(db.placement);
  if (db.traffic_stopped) r["traffic_stopped"] = true;
  if (db.health != bdb_health{}) {
    r["health"] = {{"replica_lag_ms", number_value(db.health.replica_lag_ms)},
                   {"unavailable_from", number_value(db.health.unavailable_from)},
                   {"unavailable_until", number_value(db.health.unavailable_until)},
                   {"unavailable_code", db.health.unavailable_code}};
  }
  return r;
}

result<database> database_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"uid", "fields", "created_at", "changed_at", "operation", "placement", "traffic_stopped",
          "health"});
  const auto uid = r.unsigned_integer("uid", max_bdb_uid, true);
  const json* fields = r.object("fields", true);
  const auto created = r.time("created_at", true);
  const auto changed = r.time("changed_at", true);
  const json* op = r.object("operation");
  const bool traffic_stopped = r.boolean("traffic_stopped").value_or(false);
  const json* health = r.object("health");
  if (r.failed()) return r.error();
  if (*uid == 0) return failure{api_error::invalid_value, "'" + where + ".uid' must be >= 1"};
  database db{*uid, *fields, *created, *changed, std::nullopt, {}, {}, {}, traffic_stopped, {}};
  if (health) {
    object_reader h(*health, where + ".health");
    h.only({"replica_lag_ms", "unavailable_from", "unavailable_until", "unavailable_code"});
    const auto lag = h.number("replica_lag_ms", 0, max_replica_lag_ms, true);
    const auto from = h.time("unavailable_from", true);
    const auto until = h.time("unavailable_until", true);
    auto code = h.string("unavailable_code", true);
    if (h.failed()) return h.error();
    if (!code->empty() && !is_unavailable_code(*code)) {
      return failure{api_error::invalid_value,
                     "'" + where + ".health.unavailable_code' is not a bdb_unavailable code"};
    }
    db.health = bdb_health{*lag, *from, *until, std::move(*code)};
  }
  if (auto p = record.find("placement"); p != record.end()) {
    auto placement = placement_from_record(*p, where + ".placement");
    if (!placement) return placement.error();
    db.placement = std::move(*placement);
  }
  if (op) {
    object_reader o(*op, where + ".operation");
    o.only({"action_uid", "name", "started_at", "simulate", "placement"});
    auto action_uid = o.string("action_uid", true);
    auto name = o.string("name", true);
    const auto started = o.time("started_at", true);
    const json* simulate = o.object("simulate", true);
    if (o.failed()) return o.error();
    auto plan = parse_simulate(*simulate, simulate_plan{}, where + ".operation.simulate");
    if (!plan) return plan.error();
    db.op = bdb_operation{std::move(*action_uid), std::move(*name), std::move(*plan), *started, {}};
    if (auto p = op->find("placement"); p != op->end()) {
      auto placement = placement_from_record(*p, where + ".operation.placement");
      if (!placement) return placement.error();
      db.op->placement = std::move(*placement);
    }
  }
  for (auto key : bdb_live_keys) db.fields.erase(std::string(key));
  return db;
}

}  // namespace reemu
