// Nodes: the wire object from the compiled-in template, and the records the
// config and the state file hold.
#include "reemu/model/node.hpp"

#include <algorithm>
#include <cmath>

#include "reemu/model/shards.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// src/model/node_template.json as a raw string literal (reemu_embed in the
// top-level CMakeLists.txt).
constexpr std::string_view node_template_text =
#include "node_template.inc"
    ;

bool is_node_live_key(std::string_view key) {
  return std::find(std::begin(node_live_keys), std::end(node_live_keys), key) !=
         std::end(node_live_keys);
}

// A JSON type name for messages.
std::string_view type_word(const json& v) {
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

bool same_type(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return true;
  return a.type() == b.type();
}

}  // namespace

const json& node_template() {
  // Parsed once; the text is the project's own file, so a parse failure is
  // a build defect the unit tests catch.
  static const json parsed = json::parse(node_template_text, nullptr, false);
  return parsed;
}

node_view view_of(const node& n, double now) {
  node_view v;
  double latest = n.settled_at;  // the maintenance effect that ended last wins
  for (const auto& [name, t] : n.actions) {
    const live_state s = task_state(t, now);
    if (name == "remove_node") {
      if (is_running(s.phase)) v.status = "decommissioning";
      if (s.phase == phase::completed) v.visible = false;
    }
    const bool maintenance = name == "maintenance_on" || name == "maintenance_off";
    if (maintenance && s.phase == phase::completed && s.ended_at > latest) {
      latest = s.ended_at;
      v.accept_servers = name == "maintenance_off";
    }
  }
  return v;
}

node_map nodes_at(const node_map& nodes, double now) {
  node_map out;
  for (const auto& [uid, n] : nodes)
    if (view_of(*n, now).visible) out.emplace_hint(out.end(), uid, n);
  return out;
}

void settle_node(node& n, double now) {
  if (const auto accept = view_of(n, now).accept_servers) n.fields["accept_servers"] = *accept;
  n.settled_at = now;
}

json render_node(const node& n, double now) {
  json out = node_template();
  for (const auto& [key, value] : n.fields.items()) out[key] = value;
  out["uid"] = n.uid;
  const node_view v = view_of(n, now);
  out["status"] = v.status;
  if (v.accept_servers) out["accept_servers"] = *v.accept_servers;
  const double up = std::isfinite(now - n.started_at) ? std::max(0.0, now - n.started_at) : 0.0;
  out["uptime"] = static_cast<std::uint64_t>(std::min(std::floor(up), 9e15));
  return out;
}

json render_node(const node& n, double now, const std::vector<std::uint64_t>& shard_uids) {
  json out = render_node(n, now);
  out["shard_list"] = shard_uids;
  out["shard_count"] = shard_uids.size();
  out["ram_shard_count"] = shard_uids.size();
  out["flash_shard_count"] = 0;
  return out;
}

json render_node(const node& n, const registry_data& d, double now,
                 const version_profile& version) {
  json out = render_node(n, now, shard_uids_on_node(d, n.uid, now));
  if (!n.fields.contains("software_version")) out["software_version"] = version.software_version;
  return out;
}

result<node> node_from_object(const json& obj, double now, const std::string& where) {
  if (!obj.is_object())
    return failure{api_error::invalid_schema, "'" + where + "' must be a node object or a uid"};
  object_reader r(obj, where);
  const auto uid = r.unsigned_integer("uid", UINT32_MAX, true);
  const auto uptime = r.number("uptime", 0, 1e11);
  if (r.failed()) return r.error();
  if (*uid == 0) return failure{api_error::invalid_value, "'" + where + ".uid' must be >= 1"};
  node n;
  n.uid = *uid;
  n.started_at = now - uptime.value_or(node_template().value("uptime", 0.0));
  const json& tpl = node_template();
  for (const auto& [key, value] : obj.items()) {
    if (is_node_live_key(key)) continue;
    const auto it = tpl.find(key);
    if (it == tpl.end())
      return failure{api_error::invalid_schema, "'" + where + "." + key + "' is not a node field"};
    if (!same_type(*it, value)) {
      return failure{api_error::invalid_value, "'" + where + "." + key + "' must be " +
                                                   std::string(type_word(*it)) + ", got " +
                                                   dump(value)};
    }
    if (*it != value) n.fields[key] = value;  // only what differs from the template
  }
  return n;
}

node default_node(double now) {
  node n;
  n.uid = 1;
  n.started_at = now - node_template().value("uptime", 0.0);
  return n;
}

json node_record(const node& n) {
  json r = {{"uid", n.uid}, {"fields", n.fields}, {"started_at", number_value(n.started_at)}};
  if (!n.actions.empty()) {
    json actions = json::array();
    for (const auto& [name, t] : n.actions) actions.push_back(task_record(t));
    r["actions"] = std::move(actions);
  }
  if (std::isfinite(n.settled_at)) r["settled_at"] = number_value(n.settled_at);
  return r;
}

result<node> node_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"uid", "fields", "started_at", "actions", "settled_at"});
  const auto uid = r.unsigned_integer("uid", UINT32_MAX, true);
  const json* fields = r.object("fields", true);
  const auto started = r.time("started_at", true);
  const auto settled = r.time("settled_at");
  const auto actions = record.find("actions");
  if (r.failed()) return r.error();
  if (*uid == 0) return failure{api_error::invalid_value, "'" + where + ".uid' must be >= 1"};
  node n{*uid, *fields, *started, {}, settled.value_or(-forever)};
  if (actions != record.end()) {
    if (!actions->is_array())
      return failure{api_error::invalid_type, "'" + where + ".actions' must be an array"};
    for (std::size_t i = 0; i < actions->size(); ++i) {
      const std::string at = where + ".actions[" + std::to_string(i) + "]";
      auto t = task_from_record((*actions)[i], at);
      if (!t) return t.error();
      const std::string name = t->name;
      if (!n.actions.emplace(name, std::move(*t)).second)
        return failure{api_error::invalid_value, "'" + at + "' repeats action " + name};
    }
  }
  for (auto key : node_live_keys) n.fields.erase(std::string(key));
  return n;
}

}  // namespace reemu
