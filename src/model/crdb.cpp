// Active-Active databases and their tasks: status, wire objects, bodies,
// records.
#include "reemu/model/crdb.hpp"

#include <algorithm>
#include <set>

#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

// The clock time the task's walk begins (queued before it).
double started_time(const crdb_task& t) noexcept {
  return t.started_at + t.plan.pending_seconds + t.plan.starting_seconds;
}

failure crdb_schema(std::string description) {
  return failure{api_error::invalid_schema, std::move(description)};
}

// One instance of a create body, checked; its cluster name, URL and the
// wire object (password masked, id given).
result<json> read_instance(const json& in, std::size_t i, std::uint64_t id) {
  const std::string where = "instances[" + std::to_string(i) + "]";
  if (!in.is_object()) return crdb_schema("Field '" + where + "' must be an object");
  object_reader r(in, where);
  r.only({"cluster", "compression", "db_config", "client_cert", "client_key", "server_cert", "id"});
  const json* cluster = r.object("cluster", true);
  const auto compression = r.unsigned_integer("compression", 6);
  const json* db_config = r.object("db_config");
  const auto client_cert = r.string("client_cert");
  const auto client_key = r.string("client_key");
  const auto server_cert = r.string("server_cert");
  const auto given_id = r.unsigned_integer("id", 1000);
  if (r.failed()) return as_schema_violation(r.error());
  if (given_id && *given_id != id) {
    return crdb_schema("Field '" + where + ".id' must be " + std::to_string(id) +
                       " (instances are numbered from 1 in order)");
  }
  object_reader c(*cluster, where + ".cluster");
  c.only({"url", "name", "credentials", "certificate_auth", "replication_endpoint",
          "replication_tls_sni"});
  const auto url = c.string("url", true);
  const auto name = c.string("name", true);
  const json* credentials = c.object("credentials");
  const auto certificate_auth = c.boolean("certificate_auth");
  const auto endpoint = c.string("replication_endpoint");
  const auto sni = c.string("replication_tls_sni");
  if (c.failed()) return as_schema_violation(c.error());
  if (url->empty() || name->empty())
    return crdb_schema("Fields '" + where + ".cluster.url' and '.name' must not be empty");
  if ((credentials != nullptr) == certificate_auth.value_or(false)) {
    return crdb_schema("Field '" + where +
                       ".cluster' needs exactly one of 'credentials' and 'certificate_auth'");
  }
  json out_cluster = {{"name", *name}, {"url", *url}};
  if (credentials) {
    object_reader k(*credentials, where + ".cluster.credentials");
    k.only({"username", "password"});
    const auto username = k.string("username", true);
    k.string("password");
    if (k.failed()) return as_schema_violation(k.error());
    // A cluster shows the user and masks the password.
    out_cluster["credentials"] = {{"password", ""}, {"username", *username}};
  } else {
    out_cluster["certificate_auth"] = true;
  }
  if (endpoint) out_cluster["replication_endpoint"] = *endpoint;
  if (sni) out_cluster["replication_tls_sni"] = *sni;
  json out = {{"client_cert", client_cert.value_or("")},
              {"client_key", client_key.value_or("")},
              {"cluster", std::move(out_cluster)},
              {"compression", compression.value_or(6)},
              {"db_config", db_config ? *db_config : json::object()},
              {"id", id},
              {"server_cert", server_cert.value_or("")}};
  return out;
}

// A default_db_config or db_config: a partial bdb body.
result<> check_db_config(const json& config, const std::string& where) {
  if (auto ok = check_bdb_body(config, bdb_body_kind::update, false); !ok)
    return crdb_schema("Field '" + where + "': " + ok.error().description);
  return {};
}

}  // namespace

std::string_view crdb_task_status(const crdb_task& t, double now) noexcept {
  switch (evaluate(t.plan, t.started_at, now).phase) {
    case phase::waiting:
    case phase::starting:
      return "queued";
    case phase::running:
    case phase::cancelling:
      return "started";
    case phase::completed:
      return "finished";
    case phase::failed:
      return "failed";
    case phase::cancelled:
      return "cancelled";
  }
  return "queued";
}

bool crdb_task_runs(const crdb_task& t, double now) noexcept {
  return is_running(evaluate(t.plan, t.started_at, now).phase);
}

bool crdb_task_visible(const crdb_task& t, double now) noexcept {
  return evaluate(t.plan, t.started_at, now).visible;
}

double crdb_task_end(const crdb_task& t) noexcept {
  const live_state s = evaluate(t.plan, t.started_at, forever);
  if (s.phase != phase::completed && s.phase != phase::failed) return forever;
  return s.ended_at;
}

bool crdb_task_completes(const crdb_task& t) noexcept {
  return evaluate(t.plan, t.started_at, forever).phase == phase::completed;
}

json render_crdb_task(const crdb_task& t, const crdb* c, double now) {
  const live_state s = evaluate(t.plan, t.started_at, now);
  const std::string_view status = crdb_task_status(t, now);
  const bool queued = status == "queued";
  // A create's guid is assigned when it starts (crdb-cli prints it then).
  const bool guid_shown = !(queued && t.operation == "create_crdb");
  json out = {{"crdb_guid", guid_shown ? t.crdb_guid : std::string()},
              {"id", t.id},
              {"operation", t.operation},
              {"status", status},
              {"worker_name", "crdb_worker:1:0"}};
  if (!queued) out["started"] = rfc3339(started_time(t));
  if (!is_running(s.phase)) out["ended"] = rfc3339(s.ended_at);
  if (status == "started") {
    const std::string& step = t.plan.steps[std::min(s.step, t.plan.steps.size() - 1)];
    json clusters = json::array();
    if (c) {
      for (const auto& in : crdb_fields_at(*c, now).value("instances", json::array()))
        clusters.push_back({{"name", in["cluster"]["name"]}, {"progress", step}});
    }
    out["progress"] = {{"clusters", std::move(clusters)}, {"worker", step}};
  }
  if (s.phase == phase::failed) {
    out["errors"] = json::array({{{"cluster_name", t.error_cluster},
                                  {"description", t.plan.error},
                                  {"error_code", t.plan.error_code}}});
  }
  return out;
}

bool crdb_visible(const crdb& c, double now) noexcept {
  return now >= c.visible_from && now < c.gone_at;
}

const json& crdb_fields_at(const crdb& c, double now) noexcept {
  const crdb_change* shown = nullptr;
  for (const auto& change : c.changes) {
    if (change.at <= now && (!shown || change.at >= shown->at)) shown = &change;
  }
  return shown ? shown->fields : c.fields;
}

const json& crdb_latest_fields(const crdb& c) noexcept {
  return c.changes.empty() ? c.fields : c.changes.back().fields;
}

crdb crdb_at(const crdb& c, double now) {
  crdb out = c;
  out.fields = crdb_fields_at(c, now);
  out.changes.clear();
  return out;
}

void fold_crdb_changes(crdb& c, double now) {
  if (c.changes.empty()) return;
  c.fields = crdb_fields_at(c, now);
  std::erase_if(c.changes, [&](const crdb_change& change) { return change.at <= now; });
}

std::vector<crdb_participant> remote_participants(const crdb& c) {
  std::vector<crdb_participant> out;
  for (const auto& in : c.fields.value("instances", json::array())) {
    const std::uint64_t id = in.value("id", std::uint64_t{0});
    if (id == c.local_instance) continue;
    out.push_back({id, in["cluster"].value("name", ""), in["cluster"].value("url", "")});
  }
  return out;
}

result<crdb_request> read_crdb_create(const json& body, std::string_view cluster_name,
                                      std::string guid) {
  object_reader r(body);
  r.only({"name", "default_db_config", "instances", "encryption", "causal_consistency",
          "featureset_version", "modules", "guid", "protocol_version", "volatile_config_fields"});
  const auto name = r.string("name", true);
  const json* config = r.object("default_db_config", true);
  const auto encryption = r.boolean("encryption");
  const auto causal = r.boolean("causal_consistency");
  const auto featureset = r.unsigned_integer("featureset_version", 1000);
  const auto given_guid = r.string("guid");
  const auto protocol = r.unsigned_integer("protocol_version", 1000);
  if (r.failed()) return as_schema_violation(r.error());
  if (name->empty()) return crdb_schema("Field 'name' must not be empty");
  const auto instances = body.find("instances");
  if (instances == body.end() || !instances->is_array() || instances->empty())
    return crdb_schema("Field 'instances' must be a non-empty array");
  if (auto modules = body.find("modules"); modules != body.end() && !modules->is_array())
    return crdb_schema("Field 'modules' must be an array");
  if (auto v = body.find("volatile_config_fields"); v != body.end() && !v->is_array())
    return crdb_schema("Field 'volatile_config_fields' must be an array");
  if (auto ok = check_db_config(*config, "default_db_config"); !ok) return ok.error();
  if (given_guid) {
    if (given_guid->empty() || given_guid->size() > 64)
      return crdb_schema("Field 'guid' must be 1 to 64 characters");
    guid = *given_guid;
  }

  crdb_request out;
  json list = json::array();
  std::set<std::string> urls;
  for (std::size_t i = 0; i < instances->size(); ++i) {
    auto in = read_instance((*instances)[i], i, i + 1);
    if (!in) return in.error();
    const json& cluster = (*in)["cluster"];
    if (!urls.insert(cluster["url"].get<std::string>()).second) {
      return crdb_schema("Field 'instances[" + std::to_string(i) + "].cluster.url' repeats " +
                         cluster["url"].get<std::string>());
    }
    if (auto ok =
            check_db_config((*in)["db_config"], "instances[" + std::to_string(i) + "].db_config");
        !ok)
      return ok.error();
    if (cluster["name"] == cluster_name && out.local_instance == 0) out.local_instance = i + 1;
    list.push_back(std::move(*in));
  }
  if (out.local_instance == 0) {
    return failure{api_error::crdb_not_accepted,
                   "The request cannot be accepted: no instance is this cluster (an instance's "
                   "cluster.name must be \"" +
                       std::string(cluster_name) + "\")"};
  }
  json db_config = *config;
  if (!db_config.contains("name")) db_config["name"] = *name;
  if (encryption.value_or(false) && !db_config.contains("tls_mode"))
    db_config["tls_mode"] = "replica_ssl";
  out.local_db = db_config;
  for (const auto& [key, value] : list[out.local_instance - 1]["db_config"].items())
    out.local_db[key] = value;
  out.object = {{"causal_consistency", causal.value_or(false)},
                {"default_db_config", std::move(db_config)},
                {"encryption", encryption.value_or(false)},
                {"featureset_version", featureset.value_or(8)},
                {"ghost_instance_ids", json::array()},
                {"guid", guid},
                {"instances", std::move(list)},
                {"local_databases", json::array()},
                {"managed_by", ""},
                {"modules", body.value("modules", json::array())},
                {"name", *name},
                {"protocol_version", protocol.value_or(1)}};
  return out;
}

result<json> read_crdb_patch(const json& body) {
  object_reader r(body);
  r.only({"name", "default_db_config", "encryption"});
  const auto name = r.string("name");
  const json* config = r.object("default_db_config");
  r.boolean("encryption");
  if (r.failed()) return as_schema_violation(r.error());
  if (name && name->empty()) return crdb_schema("Field 'name' must not be empty");
  if (config) {
    if (auto ok = check_db_config(*config, "default_db_config"); !ok) return ok.error();
  }
  if (body.empty())
    return crdb_schema("The body changes nothing: give name, default_db_config or encryption");
  return body;
}

json patched_crdb_fields(const json& fields, const json& patch) {
  json out = fields;
  if (auto it = patch.find("name"); it != patch.end()) out["name"] = *it;
  if (auto it = patch.find("encryption"); it != patch.end()) out["encryption"] = *it;
  if (auto it = patch.find("default_db_config"); it != patch.end()) {
    for (const auto& [key, value] : it->items()) out["default_db_config"][key] = value;
  }
  return out;
}

result<crdb_update> read_crdb_updates(const json& body, const crdb& c) {
  object_reader r(body);
  r.only({"add_instances", "remove_instances", "crdb", "force_update"});
  const json* partial = r.object("crdb");
  r.boolean("force_update");
  if (r.failed()) return as_schema_violation(r.error());
  crdb_update out;
  out.fields = c.fields;
  if (partial) {
    auto checked = read_crdb_patch(*partial);
    if (!checked) {
      return crdb_schema("Field 'crdb': " + checked.error().description);
    }
    out.fields = patched_crdb_fields(out.fields, *partial);
    if (auto it = partial->find("default_db_config"); it != partial->end()) out.local_db = *it;
  }
  json& instances = out.fields["instances"];
  if (auto it = body.find("remove_instances"); it != body.end()) {
    if (!it->is_array()) return crdb_schema("Field 'remove_instances' must be an array of ids");
    for (const auto& id : *it) {
      if (!id.is_number_unsigned())
        return crdb_schema("Field 'remove_instances' must be an array of ids");
      const auto n = id.get<std::uint64_t>();
      if (n == c.local_instance) {
        return failure{api_error::crdb_not_accepted, "The request cannot be accepted: instance " +
                                                         std::to_string(n) + " is this cluster's"};
      }
      const auto before = instances.size();
      instances.erase(std::remove_if(instances.begin(), instances.end(),
                                     [&](const json& in) { return in.value("id", 0ULL) == n; }),
                      instances.end());
      if (instances.size() == before)
        return crdb_schema("Field 'remove_instances': no instance " + std::to_string(n));
    }
  }
  if (auto it = body.find("add_instances"); it != body.end()) {
    if (!it->is_array()) return crdb_schema("Field 'add_instances' must be an array");
    std::uint64_t next = 0;
    for (const auto& in : c.fields.value("instances", json::array()))
      next = std::max(next, in.value("id", std::uint64_t{0}));
    for (std::size_t i = 0; i < it->size(); ++i) {
      json entry = (*it)[i];
      if (entry.is_object()) entry.erase("id");
      auto in = read_instance(entry, i, ++next);
      if (!in) return crdb_schema("Field 'add_instances': " + in.error().description);
      for (const auto& have : instances) {
        if (have["cluster"]["url"] == (*in)["cluster"]["url"]) {
          return crdb_schema("Field 'add_instances[" + std::to_string(i) +
                             "].cluster.url' is already an instance");
        }
      }
      instances.push_back(std::move(*in));
    }
  }
  return out;
}

json crdb_record(const crdb& c) {
  json out = {{"guid", c.guid},
              {"fields", c.fields},
              {"local_instance", c.local_instance},
              {"local_bdb", c.local_bdb}};
  if (c.visible_from != forever) out["visible_from"] = number_value(c.visible_from);
  if (c.gone_at != forever) out["gone_at"] = number_value(c.gone_at);
  if (!c.changes.empty()) {
    json changes = json::array();
    for (const auto& change : c.changes) {
      changes.push_back({{"task_id", change.task_id},
                         {"at", number_value(change.at)},
                         {"fields", change.fields}});
    }
    out["changes"] = std::move(changes);
  }
  return out;
}

result<crdb> crdb_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"guid", "fields", "local_instance", "local_bdb", "visible_from", "gone_at", "changes"});
  auto guid = r.string("guid", true);
  const json* fields = r.object("fields", true);
  const auto local_instance = r.unsigned_integer("local_instance", 1000, true);
  const auto local_bdb = r.unsigned_integer("local_bdb", max_bdb_uid, true);
  const auto visible_from = r.time("visible_from");
  const auto gone_at = r.time("gone_at");
  if (r.failed()) return r.error();
  crdb c;
  c.guid = std::move(*guid);
  c.fields = *fields;
  c.local_instance = *local_instance;
  c.local_bdb = *local_bdb;
  c.visible_from = visible_from.value_or(forever);
  c.gone_at = gone_at.value_or(forever);
  if (const auto it = record.find("changes"); it != record.end()) {
    if (!it->is_array())
      return failure{api_error::invalid_type, "'" + where + ".changes' must be an array"};
    for (std::size_t i = 0; i < it->size(); ++i) {
      object_reader k((*it)[i], where + ".changes[" + std::to_string(i) + "]");
      k.only({"task_id", "at", "fields"});
      auto task_id = k.string("task_id", true);
      const auto at = k.time("at", true);
      const json* changed = k.object("fields", true);
      if (k.failed()) return k.error();
      c.changes.push_back({std::move(*task_id), *at, *changed});
    }
  }
  return c;
}

json crdb_task_record(const crdb_task& t) {
  return {{"id", t.id},
          {"crdb_guid", t.crdb_guid},
          {"operation", t.operation},
          {"started_at", number_value(t.started_at)},
          {"error_cluster", t.error_cluster},
          {"simulate", to_simulate_block(t.plan)}};
}

result<crdb_task> crdb_task_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"id", "crdb_guid", "operation", "started_at", "error_cluster", "simulate"});
  auto id = r.string("id", true);
  auto guid = r.string("crdb_guid", true);
  auto operation = r.string("operation", true);
  const auto started = r.time("started_at", true);
  auto error_cluster = r.string("error_cluster");
  const json* simulate = r.object("simulate", true);
  if (r.failed()) return r.error();
  crdb_task t;
  auto plan = parse_simulate(*simulate, t.plan, where + ".simulate");
  if (!plan) return plan.error();
  t.plan = std::move(*plan);
  t.id = std::move(*id);
  t.crdb_guid = std::move(*guid);
  t.operation = std::move(*operation);
  t.started_at = *started;
  t.error_cluster = error_cluster.value_or("");
  return t;
}

json crdb_store_record(const crdb_store& s) {
  json crdbs = json::array();
  for (const auto& [guid, c] : s.crdbs) crdbs.push_back(crdb_record(c));
  json tasks = json::array();
  for (const auto& [id, t] : s.tasks) tasks.push_back(crdb_task_record(t));
  json unreachable = json::array();
  for (const auto& [url, since] : s.unreachable)
    unreachable.push_back({{"url", url}, {"since", number_value(since)}});
  json recovered = json::array();
  for (const auto& [url, o] : s.recovered) {
    recovered.push_back({{"url", url}, {"from", number_value(o.from)}, {"to", number_value(o.to)}});
  }
  return {{"crdbs", std::move(crdbs)},
          {"tasks", std::move(tasks)},
          {"unreachable", std::move(unreachable)},
          {"recovered", std::move(recovered)}};
}

result<crdb_store> crdb_store_from_record(const json& record, const std::string& where) {
  if (!record.is_object())
    return failure{api_error::invalid_type, "'" + where + "' must be an object"};
  object_reader r(record, where);
  r.only({"crdbs", "tasks", "unreachable", "recovered"});
  if (r.failed()) return r.error();
  const auto list = [&](const char* key) -> result<json> {
    const auto it = record.find(key);
    if (it == record.end()) return json::array();
    if (!it->is_array())
      return failure{api_error::invalid_type, "'" + where + "." + key + "' must be an array"};
    return *it;
  };
  crdb_store out;
  const auto crdbs = list("crdbs");
  if (!crdbs) return crdbs.error();
  for (std::size_t i = 0; i < crdbs->size(); ++i) {
    auto c = crdb_from_record((*crdbs)[i], where + ".crdbs[" + std::to_string(i) + "]");
    if (!c) return c.error();
    const std::string guid = c->guid;
    if (!out.crdbs.emplace(guid, std::move(*c)).second)
      return failure{api_error::invalid_value, "'" + where + ".crdbs' repeats guid " + guid};
  }
  const auto tasks = list("tasks");
  if (!tasks) return tasks.error();
  for (std::size_t i = 0; i < tasks->size(); ++i) {
    auto t = crdb_task_from_record((*tasks)[i], where + ".tasks[" + std::to_string(i) + "]");
    if (!t) return t.error();
    const std::string id = t->id;
    if (!out.tasks.emplace(id, std::move(*t)).second)
      return failure{api_error::invalid_value, "'" + where + ".tasks' repeats id " + id};
  }
  const auto unreachable = list("unreachable");
  if (!unreachable) return unreachable.error();
  for (std::size_t i = 0; i < unreachable->size(); ++i) {
    object_reader u((*unreachable)[i], where + ".unreachable[" + std::to_string(i) + "]");
    u.only({"url", "since"});
    auto url = u.string("url", true);
    const auto since = u.time("since", true);
    if (u.failed()) return u.error();
    out.unreachable[*url] = *since;
  }
  const auto recovered = list("recovered");
  if (!recovered) return recovered.error();
  for (std::size_t i = 0; i < recovered->size(); ++i) {
    const std::string at = where + ".recovered[" + std::to_string(i) + "]";
    object_reader o((*recovered)[i], at);
    o.only({"url", "from", "to"});
    auto url = o.string("url", true);
    const auto from = o.time("from", true);
    const auto to = o.time("to", true);
    if (o.failed()) return o.error();
    if (*to < *from)
      return failure{api_error::invalid_value, "'" + at + ".to' must not be before 'from'"};
    out.recovered[*url] = participant_outage{*from, *to};
  }
  return out;
}

void set_participant_reachable(crdb_store& s, const std::string& url, bool reachable, double now) {
  if (!reachable) {
    s.unreachable.try_emplace(url, now);  // keeps the first time
    return;
  }
  const auto down = s.unreachable.find(url);
  if (down == s.unreachable.end()) return;
  s.recovered[url] = participant_outage{down->second, std::max(now, down->second)};
  s.unreachable.erase(down);
}

namespace {

bool is_crdt_instance(const json& fields) {
  const auto crdt = fields.find("crdt");
  return crdt != fields.end() && crdt->is_boolean() && crdt->get<bool>();
}

// The fields a CRDB sets on its instance and keeps (crdt_sync aside).
constexpr std::string_view owned_crdt_fields[] = {"crdt",
                                                  "crdt_guid",
                                                  "crdt_replica_id",
                                                  "crdt_replicas",
                                                  "crdt_sources",
                                                  "crdt_config_version",
                                                  "crdt_featureset_version",
                                                  "crdt_protocol_version",
                                                  "crdt_ghost_replica_ids",
                                                  "crdt_causal_consistency",
                                                  "crdt_modules"};

}  // namespace

result<> check_crdt_update(const json& fields, const json& body) {
  if (!is_crdt_instance(fields)) {
    const auto guid = body.find("crdt_guid");
    const auto sources = body.find("crdt_sources");
    if (is_crdt_instance(body) || (guid != body.end() && *guid != "") ||
        (sources != body.end() && sources->is_array() && !sources->empty())) {
      return failure{api_error::not_supported_action_on_crdt,
                     "A database becomes an Active-Active instance only through POST /v1/crdbs"};
    }
    return {};
  }
  for (const std::string_view key : owned_crdt_fields) {
    const auto asked = body.find(key);
    if (asked == body.end()) continue;
    if (const auto now = fields.find(key); now != fields.end() && *now == *asked) continue;
    return failure{api_error::not_supported_action_on_crdt,
                   "'" + std::string(key) +
                       "' of an Active-Active instance is set by its CRDB (change it through "
                       "/v1/crdbs)"};
  }
  if (const auto sources = body.find("replica_sources");
      sources != body.end() && sources->is_array() && !sources->empty()) {
    return failure{api_error::not_supported_action_on_crdt,
                   "An Active-Active instance cannot be the target of Replica Of "
                   "('replica_sources')"};
  }
  if (const auto sharding = body.find("sharding");
      sharding != body.end() && *sharding != fields.value("sharding", json(false))) {
    return failure{api_error::crdt_sharding_violation,
                   "Sharding of an Active-Active instance cannot be switched on or off"};
  }
  return {};
}

result<> check_crdt_delete(const json& fields) {
  if (!is_crdt_instance(fields)) return {};
  return failure{api_error::not_supported_action_on_crdt,
                 "Database " + dump(fields.value("uid", json())) +
                     " is an Active-Active instance of CRDB " + fields.value("crdt_guid", "") +
                     ": delete the CRDB (DELETE /v1/crdbs/{guid}) or remove the instance "
                     "(POST /v1/crdbs/{guid}/updates)"};
}

}  // namespace reemu
