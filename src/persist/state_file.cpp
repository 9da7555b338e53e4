// The state file: capture, validate-then-restore, and the atomic write.
#include "reemu/persist/state_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/model/wire_entry.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/metrics.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/hex.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// Times are read back as any finite number: a pasted capture may carry
// negative or millisecond timestamps, and a manual clock may have been moved
// far ahead. What the emulator saved, it must load.
constexpr double min_time = std::numeric_limits<double>::lowest();
constexpr double max_time = std::numeric_limits<double>::max();
// Fault ids come from a counter starting at 1; far below this, so the
// counter restored after the highest id cannot wrap.
constexpr std::uint64_t max_fault_id = UINT32_MAX;

constexpr std::string_view pbkdf2_scheme = "pbkdf2-sha256";
// Iterations a file may ask for: enough to read any digest this build
// writes, bounded so an edited file cannot make each login take minutes.
constexpr std::uint64_t max_pbkdf2_iterations = 10'000'000;

// "pbkdf2-sha256$ITERATIONS$SALT$HASH", salt and hash in lower-case hex.
std::string password_text(const password_digest& d) {
  std::string s(pbkdf2_scheme);
  s += '$' + std::to_string(d.iterations) + '$';
  append_hex(s, d.salt.data(), d.salt.size());
  s += '$';
  append_hex(s, d.hash.data(), d.hash.size());
  return s;
}

std::optional<password_digest> parse_password_text(std::string_view s) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const auto next = s.find('$', at);
    parts.push_back(s.substr(at, next == std::string_view::npos ? next : next - at));
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  if (parts.size() != 4 || parts[0] != pbkdf2_scheme) return std::nullopt;
  const auto iterations = parse_number<std::uint64_t>(parts[1]);
  if (!iterations || *iterations == 0 || *iterations > max_pbkdf2_iterations) return std::nullopt;
  password_digest d;
  d.iterations = static_cast<std::uint32_t>(*iterations);
  const auto salt = from_hex(parts[2]);
  const auto hash = from_hex(parts[3]);
  if (!salt || salt->size() != d.salt.size() || !hash || hash->size() != d.hash.size())
    return std::nullopt;
  std::copy(salt->begin(), salt->end(), d.salt.begin());
  std::copy(hash->begin(), hash->end(), d.hash.begin());
  return d;
}

// std::strerror may share one buffer between threads; the category does not.
std::string os_error(int err) { return std::system_category().message(err); }

// An object_reader failure, or a message, as the start-up error.
[[noreturn]] void fail(const std::string& source, const std::string& message) {
  throw state_file_error(source + ": " + message);
}

const json& array_at(const json& doc, const char* key, const std::string& source) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_array())
    fail(source, std::string("'") + key + "' must be an array");
  return *it;
}

void read_users(const json& list, registry_data& d, const std::string& source) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "users[" + std::to_string(i) + "]";
    object_reader r(list[i], where);
    r.only({"email", "role", "password"});
    auto email = r.string("email", true);
    auto role_name = r.string("role", true);
    auto digest_text = r.string("password", true);
    if (r.failed()) fail(source, r.error()->description);
    const auto role = parse_role(*role_name);
    if (!role) fail(source, "'" + where + ".role' is not a role: \"" + *role_name + "\"");
    const auto digest = parse_password_text(*digest_text);
    if (!digest) {
      fail(source, "'" + where +
                       ".password' must be \"pbkdf2-sha256$ITERATIONS$SALT$HASH\" (1 to " +
                       std::to_string(max_pbkdf2_iterations) +
                       " iterations, 32 and 64 lower-case hex digits)");
    }
    if (auto problem = email_problem(*email, where + ".email")) fail(source, *problem);
    if (!d.users.emplace(*email, user{*email, *role, *digest}).second)
      fail(source, "'" + where + ".email' repeats \"" + *email + "\"");
  }
}

// Version 3 keeps each database whole (database_record); version 2 kept
// uids only, read back as databases with the template's fields.
void read_databases(const json& list, int version, double now, const cluster_settings& cluster,
                    registry_data& d, const std::string& source) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "databases[" + std::to_string(i) + "]";
    database db;
    if (version == 2) {
      if (!list[i].is_number_unsigned() || list[i].get<std::uint64_t>() == 0 ||
          list[i].get<std::uint64_t>() > UINT32_MAX)
        fail(source, "'" + where + "' must be a database uid (a whole number >= 1)");
      db = database_from_object(json{{"uid", list[i]}}, now, d, cluster);
    } else if (auto f = database_from_record(list[i], where, db)) {
      fail(source, f->description);
    }
    if (d.databases.contains(db.uid))
      fail(source, "'" + where + "' repeats database uid " + std::to_string(db.uid));
    d.put_database(std::move(db));
  }
}

// Nodes (node_record each), from version 3 on; a file without them keeps
// the config's nodes.
void read_nodes(const json& list, registry_data& d, const std::string& source) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "nodes[" + std::to_string(i) + "]";
    node n;
    if (auto f = node_from_record(list[i], where, n)) fail(source, f->description);
    const std::uint64_t uid = n.uid;
    if (!d.nodes.emplace(uid, std::make_shared<const node>(std::move(n))).second)
      fail(source, "'" + where + "' repeats node uid " + std::to_string(uid));
  }
  if (d.nodes.empty()) fail(source, "'nodes' must hold at least one node");
}

// The cluster's actions (task_record each), from version 3 on.
void read_cluster_tasks(const json& list, registry_data& d, const std::string& source) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "cluster_actions[" + std::to_string(i) + "]";
    object_task t;
    if (auto f = task_from_record(list[i], where, t)) fail(source, f->description);
    const std::string name = t.name;
    if (!d.cluster_tasks.emplace(name, std::move(t)).second)
      fail(source, "'" + where + "' repeats action " + name);
  }
}

void read_plans(const json& list, registry_data& d, const std::string& source) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "plans[" + std::to_string(i) + "]";
    object_reader r(list[i], where);
    r.only({"id", "name", "object_name", "simulate", "times", "hits"});
    plan_rule rule;
    const auto id = r.unsigned_integer("id", max_fault_id, true);
    rule.name = r.string("name").value_or("");
    rule.object_name = r.string("object_name").value_or("");
    const json* simulate = r.object("simulate", true);
    rule.times = r.unsigned_integer("times", UINT64_MAX).value_or(0);
    rule.hits = r.unsigned_integer("hits", UINT64_MAX).value_or(0);
    if (r.failed()) fail(source, r.error()->description);
    simulate_plan probe;
    probe.steps = {"a"};  // the block's own checks; its fit to a template is checked on use
    json block = *simulate;
    block.erase("fail_at_step");
    if (auto f = parse_simulate(block, probe, where + ".simulate")) fail(source, f->description);
    const bool repeated = std::any_of(d.plan_rules.begin(), d.plan_rules.end(),
                                      [&](const plan_rule& p) { return p.id == *id; });
    if (*id == 0 || repeated)
      fail(source, "'" + where + ".id' must be unique and >= 1, got " + std::to_string(*id));
    rule.id = *id;
    rule.simulate = *simulate;
    d.next_plan_rule_id = std::max(d.next_plan_rule_id, *id + 1);
    d.plan_rules.push_back(std::move(rule));
  }
}

// The counters of version 3; a version 2 file starts them afresh.
void read_counters(const json& doc, registry_data& d, const std::string& source) {
  object_reader r(doc);
  if (auto v = r.unsigned_integer("cluster_state_id", UINT64_MAX / 2)) d.cluster_state_id = *v;
  if (auto v = r.unsigned_integer("bdb_uid_high", UINT32_MAX))
    d.bdb_uid_high = std::max(d.bdb_uid_high, *v);
  if (r.failed()) fail(source, r.error()->description);
}

void read_actions(const json& list, registry_data& d, const std::string& source) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "actions[" + std::to_string(i) + "]";
    object_reader r(list[i], where);
    r.only({"type", "fields", "simulate", "started_at", "created_at", "gone_at"});
    auto type = r.string("type", true);
    const json* fields = r.object("fields", true);
    const json* simulate = r.object("simulate");
    auto started_at = r.number("started_at", min_time, max_time, true);
    auto created_at = r.number("created_at", min_time, max_time, true);
    auto gone_at = r.number("gone_at", min_time, max_time);
    if (r.failed()) fail(source, r.error()->description);
    if (*type != "task" && *type != "state-machine") {
      fail(source,
           "'" + where + ".type' must be \"task\" or \"state-machine\", got \"" + *type + "\"");
    }
    if (!fields->contains("action_uid")) fail(source, "'" + where + ".fields' has no 'action_uid'");

    json entry = *fields;
    if (simulate) entry["simulate"] = *simulate;
    wire_entry parsed;
    if (auto f = parse_wire_entry(std::move(entry),
                                  *type == "task" ? action_kind::task : action_kind::state_machine,
                                  where + ".fields", parsed))
      fail(source, f->description);
    action a = make_action(std::move(parsed));
    a.started_at = *started_at;
    a.created_at = *created_at;
    a.gone_at = gone_at.value_or(forever);
    const std::string uid = a.uid;
    if (!d.add(std::move(a))) fail(source, "'" + where + "' repeats action_uid \"" + uid + "\"");
  }
}

std::vector<fault_rule> read_faults(const json& list, const std::string& source) {
  std::vector<fault_rule> rules;
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "faults[" + std::to_string(i) + "]";
    if (!list[i].is_object()) fail(source, "'" + where + "' must be an object");
    json body = list[i];
    object_reader r(body, where);
    auto id = r.unsigned_integer("id", max_fault_id, true);
    auto hits = r.unsigned_integer("hits", UINT64_MAX, true);
    if (r.failed()) fail(source, r.error()->description);
    if (*id == 0 || !ids.insert(*id).second)
      fail(source, "'" + where + ".id' must be unique and >= 1, got " + std::to_string(*id));
    body.erase("id");
    body.erase("hits");
    fault_rule rule;
    rule.id = *id;
    rule.hits = *hits;
    if (auto f = parse_fault_rule(body, rule, where)) fail(source, f->description);
    rules.push_back(std::move(rule));
  }
  return rules;
}

// dump(number_value(x)), without building a JSON value for the common case.
void append_number(std::string& out, double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, static_cast<long long>(x));
    out.append(digits, end);
  } else {
    out += dump(number_value(x));
  }
}

json databases_json(const registry_data& d, double now) {
  json out = json::array();
  for (const auto& [uid, db] : d.databases)
    if (view_of(*db, now).visible) out.push_back(database_record(*db));  // a deleted one is gone
  return out;
}

json nodes_json(const registry_data& d, double now) {
  json out = json::array();
  for (const auto& [uid, n] : d.nodes)
    if (view_of(*n, now).visible) out.push_back(node_record(*n));  // a removed one is gone
  return out;
}

json cluster_tasks_json(const registry_data& d) {
  json out = json::array();
  for (const auto& [name, t] : d.cluster_tasks) out.push_back(task_record(t));
  return out;
}

json plans_json(const registry_data& d) {
  json out = json::array();
  for (const auto& p : d.plan_rules) out.push_back(to_json(p));
  return out;
}

json users_json(const registry_data& d) {
  json users = json::array();
  for (const auto& [email, u] : d.users) {
    users.push_back(
        {{"email", email}, {"role", to_string(u.role)}, {"password", password_text(u.digest)}});
  }
  return users;
}

// One action as the document keeps it. Written as text: a static action's
// fields are already serialised (static_v1), and copying those bytes keeps
// a save of 100k actions to a few milliseconds. Keys in sorted order, as
// dump() writes them, so the document reads the same as one built as a
// JSON tree.
void append_action_record(std::string& out, const action& a) {
  out += "{\"created_at\":";
  append_number(out, a.created_at);
  out += ",\"fields\":";
  const simulated_body* sim = a.simulated();
  out += sim ? dump(sim->fields) : **a.static_v1();
  if (a.gone_at != forever) {
    out += ",\"gone_at\":";
    append_number(out, a.gone_at);
  }
  if (sim) {
    out += ",\"simulate\":";
    out += dump(to_simulate_block(sim->plan));
  }
  out += ",\"started_at\":";
  append_number(out, a.started_at);
  out += ",\"type\":\"";
  out += to_string(a.kind);
  out += "\"}";
}

// The parts of the state kept whole (in the document and, when they
// changed, in a log record), as JSON text, in the document's key order.
enum section : std::uint8_t {
  bdb_uid_high,
  clock_section,
  cluster_actions,
  cluster_state_id,
  faults_section,
  nodes_section,
  plans,
  users,
  section_count
};
constexpr std::array<std::string_view, section_count> section_names = {
    "bdb_uid_high", "clock", "cluster_actions", "cluster_state_id",
    "faults",       "nodes", "plans",           "users"};

}  // namespace

struct state_file::sections {
  std::array<std::string, section_count> text;
  bool manual_clock = false;
};

namespace {

state_file::sections sections_of(const registry_data& d, const services& svc, double now) {
  state_file::sections s;
  s.manual_clock = svc.clock.mode() == clock_mode::manual;
  json faults = json::array();
  for (const auto& r : svc.faults.list()) faults.push_back(to_json(r));
  s.text[bdb_uid_high] = std::to_string(d.bdb_uid_high);
  s.text[clock_section] =
      dump(json{{"mode", to_string(svc.clock.mode())}, {"now", number_value(now)}});
  s.text[cluster_actions] = dump(cluster_tasks_json(d));
  s.text[cluster_state_id] = std::to_string(d.cluster_state_id);
  s.text[faults_section] = dump(faults);
  s.text[nodes_section] = dump(nodes_json(d, now));
  s.text[plans] = dump(plans_json(d));
  s.text[users] = dump(users_json(d));
  return s;
}

// The whole document: the actions and databases visible at `now`, and the
// sections. Compact, keys sorted: the text dump() gives the same document.
void capture_document(const registry_data& d, const state_file::sections& s, double now,
                      std::string& out) {
  out += "{\"actions\":[";
  bool first = true;
  for (const auto& a : d.actions) {
    if (!is_visible(*a, now)) continue;  // gone for good: the registry drops it lazily
    if (!first) out.push_back(',');
    first = false;
    append_action_record(out, *a);
  }
  out += "]";
  const auto put = [&](std::string_view key, std::string_view text) {
    out += ",\"";
    out += key;
    out += "\":";
    out += text;
  };
  put("bdb_uid_high", s.text[bdb_uid_high]);
  put("clock", s.text[clock_section]);
  put("cluster_actions", s.text[cluster_actions]);
  put("cluster_state_id", s.text[cluster_state_id]);
  put("databases", dump(databases_json(d, now)));
  put("faults", s.text[faults_section]);
  put("format", dump(json(state_format)));
  put("nodes", s.text[nodes_section]);
  put("plans", s.text[plans]);
  put("users", s.text[users]);
  put("version", std::to_string(state_version));
  out += "}";
}

// One log record: what changed from (`before`, `was`) to (`after`, `is`),
// as one line of JSON without the newline; empty when nothing a restart
// keeps changed. Actions and databases by entry (erased by uid, put whole;
// a put replaces the entry with its uid or comes last), the sections whole
// when their text changed. A real clock's time is not a change: only a
// manual clock resumes where it stood.
std::string record_text(const registry_data& before, const state_file::sections& was,
                        const registry_data& after, const state_file::sections& is) {
  std::string erased;
  std::string put;
  after.actions.diff(
      before.actions,
      [&](const action& a) {
        erased += erased.empty() ? "[" : ",";
        erased += dump(json(a.uid));
      },
      [&](const action& a) {
        put += put.empty() ? "[" : ",";
        append_action_record(put, a);
      });
  std::string out;
  const auto begin_key = [&](std::string_view key) {
    out += out.empty() ? "{\"" : ",\"";
    out += key;
    out += "\":";
  };
  const auto entries = [&](std::string_view key) {
    if (erased.empty() && put.empty()) return;
    begin_key(key);
    out += '{';
    if (!erased.empty()) out += "\"erase\":" + erased + "]";
    if (!put.empty()) out += std::string(erased.empty() ? "" : ",") + "\"put\":" + put + "]";
    out += '}';
  };
  entries("actions");
  const auto section_changed = [&](section k) {
    if (k == clock_section)
      return is.manual_clock != was.manual_clock || (is.manual_clock && is.text[k] != was.text[k]);
    return is.text[k] != was.text[k];
  };
  for (const section k : {bdb_uid_high, clock_section, cluster_actions, cluster_state_id}) {
    if (!section_changed(k)) continue;
    begin_key(section_names[k]);
    out += is.text[k];
  }
  erased.clear();
  put.clear();
  // Groups of databases both states share are skipped unread.
  database_map::diff(
      before.databases, after.databases,
      [&](std::uint64_t uid) {
        erased += erased.empty() ? "[" : ",";
        erased += std::to_string(uid);
      },
      [&](std::uint64_t, const std::shared_ptr<const database>& db) {
        put += put.empty() ? "[" : ",";
        put += dump(database_record(*db));
      });
  entries("databases");
  for (const section k : {faults_section, nodes_section, plans, users}) {
    if (!section_changed(k)) continue;
    begin_key(section_names[k]);
    out += is.text[k];
  }
  if (!out.empty()) out += '}';
  return out;
}

}  // namespace

void capture_state(const services& svc, std::string& out) {
  const double now = svc.clock.now();
  const auto snap = svc.registry.snapshot();
  capture_document(snap->data(), sections_of(snap->data(), svc, now), now, out);
}

std::string capture_state(const services& svc) {
  std::string out;
  capture_state(svc, out);
  return out;
}

void restore_state(const json& doc, services& svc, const std::string& source) {
  if (!doc.is_object()) fail(source, "not a state file (the document is not a JSON object)");
  const auto format = doc.find("format");
  if (format == doc.end() || *format != state_format)
    fail(source, "not a state file ('format' is not \"" + std::string(state_format) + "\")");
  const auto version = doc.find("version");
  if (version != doc.end() && *version == 1) {
    fail(source,
         "state file version 1 holds unsalted SHA-256 password digests, which this build no "
         "longer reads; move the file away to start from the config's seed (users come back "
         "from the config, with salted hashes)");
  }
  if (version == doc.end() || !version->is_number_unsigned() || *version < 2 ||
      *version > state_version) {
    fail(source, "state file version " + (version == doc.end() ? "missing" : dump(*version)) +
                     ", this build reads versions 2 to " + std::to_string(state_version));
  }
  const int v = version->get<int>();
  object_reader top(doc);
  if (v == 2) {
    top.only({"format", "version", "clock", "users", "databases", "actions", "faults"});
  } else {
    top.only({"format", "version", "clock", "users", "databases", "actions", "faults", "plans",
              "cluster_state_id", "bdb_uid_high", "nodes", "cluster_actions"});
  }
  const json* clock_block = top.object("clock", true);
  if (top.failed()) fail(source, top.error()->description);
  object_reader clock_reader(*clock_block, "clock");
  clock_reader.only({"mode", "now"});
  const auto mode = clock_reader.string("mode", true);
  const auto now = clock_reader.number("now", min_time, max_time, true);
  if (clock_reader.failed()) fail(source, clock_reader.error()->description);
  if (!parse_clock_mode(*mode)) fail(source, "'clock.mode' must be \"real\" or \"manual\"");

  // Everything is read and checked before anything is installed.
  registry_data d;
  read_users(array_at(doc, "users", source), d, source);
  read_databases(array_at(doc, "databases", source), v, *now, svc.cluster, d, source);
  if (v != 2) {
    read_plans(array_at(doc, "plans", source), d, source);
    read_counters(doc, d, source);
  }
  if (v != 2 && doc.contains("nodes")) {
    read_nodes(array_at(doc, "nodes", source), d, source);
  } else {
    d.nodes = svc.registry.snapshot()->data().nodes;  // an older file: the config's nodes
  }
  if (v != 2 && doc.contains("cluster_actions")) {
    read_cluster_tasks(array_at(doc, "cluster_actions", source), d, source);
  }
  read_actions(array_at(doc, "actions", source), d, source);
  auto rules = read_faults(array_at(doc, "faults", source), source);
  // The rules the writes keep (model/invariants.hpp): what they accept loads.
  if (auto f = check_state(d, *now)) fail(source, f->description);

  // A manual clock resumes where it stood, so the saved lifecycles continue
  // from the same instant. Saved under a real clock, or restored into one,
  // the timeline is the wall clock's and needs nothing.
  if (*mode == "manual") svc.clock.set(*now);
  svc.registry.replace_all(std::move(d));
  svc.faults.restore(std::move(rules));
}

namespace {

// Applies log records to a state document, at the level of its JSON: an
// entry erased or put by uid, a section replaced whole. restore_state then
// checks the result as it checks any document.
class replay {
 public:
  explicit replay(json& doc) : doc_(doc) {
    index(doc_["actions"], actions_, action_uid_of_json);
    index(doc_["databases"], databases_, database_key);
  }

  // Throws state_file_error (prefixed with `where`) for a record of the wrong shape.
  void apply(const json& record, const std::string& where) {
    if (!record.is_object()) fail(where, "a log record must be a JSON object");
    for (const auto& [key, value] : record.items()) {
      if (key == "actions") {
        entries(value, where + ".actions", doc_["actions"], actions_, action_uid_of_json,
                [](const json& uid) -> std::optional<std::string> {
                  if (!uid.is_string()) return std::nullopt;
                  return uid.get<std::string>();
                });
      } else if (key == "databases") {
        entries(value, where + ".databases", doc_["databases"], databases_, database_key,
                database_key);
      } else if (std::find(section_names.begin(), section_names.end(), key) !=
                 section_names.end()) {
        doc_[key] = value;
      } else {
        fail(where, "'" + key + "' is not a part of the state");
      }
    }
  }

  // Closes the gaps erased entries left. Once, after the last record.
  void finish() {
    for (const char* key : {"actions", "databases"}) {
      json& list = doc_[key];
      json kept = json::array();
      kept.get_ref<json::array_t&>().reserve(list.size());
      for (json& e : list)
        if (!e.is_null()) kept.push_back(std::move(e));
      list = std::move(kept);
    }
  }

 private:
  using positions = std::unordered_map<std::string, std::size_t>;
  using key_fn = std::optional<std::string> (*)(const json&);

  static std::optional<std::string> action_uid_of_json(const json& a) {
    if (!a.is_object()) return std::nullopt;
    const auto f = a.find("fields");
    if (f == a.end() || !f->is_object()) return std::nullopt;
    const auto uid = f->find("action_uid");
    if (uid == f->end() || !uid->is_string()) return std::nullopt;
    return uid->get<std::string>();
  }
  // A database record's uid, or a bare uid (an erase, a version 2 entry).
  static std::optional<std::string> database_key(const json& d) {
    const json& uid = d.is_object() && d.contains("uid") ? d["uid"] : d;
    if (!uid.is_number_unsigned()) return std::nullopt;
    return std::to_string(uid.get<std::uint64_t>());
  }

  template <class Key>
  static void index(const json& list, positions& out, Key key) {
    if (!list.is_array()) return;  // restore_state names the problem
    for (std::size_t i = 0; i < list.size(); ++i)
      if (auto k = key(list[i])) out.emplace(std::move(*k), i);
  }

  static void entries(const json& change, const std::string& where, json& list, positions& at,
                      key_fn put_key, key_fn erase_key) {
    if (!list.is_array()) fail(where, "the document has no list to change");
    object_reader r(change, where);
    r.only({"erase", "put"});
    if (r.failed()) fail(where, r.error()->description);
    if (const auto e = change.find("erase"); e != change.end()) {
      if (!e->is_array()) fail(where, "'erase' must be an array");
      for (const json& uid : *e) {
        const auto k = erase_key(uid);
        if (!k) fail(where, "'erase' holds " + dump(uid) + ", not a uid");
        // Absent: an entry the document left out because it was no longer visible.
        if (const auto it = at.find(*k); it != at.end()) {
          list[it->second] = nullptr;
          at.erase(it);
        }
      }
    }
    if (const auto p = change.find("put"); p != change.end()) {
      if (!p->is_array()) fail(where, "'put' must be an array");
      for (const json& entry : *p) {
        auto k = put_key(entry);
        if (!k) fail(where, "'put' holds an entry without its uid");
        if (const auto it = at.find(*k); it != at.end()) {
          list[it->second] = entry;
        } else {
          at.emplace(std::move(*k), list.size());
          list.push_back(entry);
        }
      }
    }
  }

  json& doc_;
  positions actions_;
  positions databases_;
};

}  // namespace

// A record at least this large (and half the document) is written as a
// whole document instead.
constexpr std::size_t whole_write_floor = std::size_t{64} << 10;

state_text read_state_text(const std::string& text, const std::string& source) {
  // The document is the first line (as this build writes it), or the whole
  // text (a file written by hand, or by a build before the log).
  state_text out;
  failure f;
  const std::size_t first_end = text.find('\n');
  std::optional<json> doc;
  if (first_end != std::string::npos)
    doc = parse_untrusted_json(std::string_view(text).substr(0, first_end), f);
  out.one_line = doc.has_value();
  out.document_bytes = doc ? first_end + 1 : text.size();
  if (!doc) {
    doc = parse_untrusted_json(text, f);
    if (!doc) {
      try {
        const json strict = json::parse(text);
      } catch (const json::parse_error& e) {
        fail(source, std::string("not valid JSON: ") + e.what());
      }
      fail(source, f.description);
    }
  }
  out.document = std::move(*doc);
  // The records: one per line. A last line without its newline is a record
  // torn by a kill: it was never acknowledged, and is left out.
  out.valid_bytes = out.document_bytes;
  if (out.document_bytes == text.size()) return out;
  const auto version = out.document.is_object() ? out.document.find("version") : out.document.end();
  if (version == out.document.end() || *version != state_version) {
    fail(source, "only a version " + std::to_string(state_version) +
                     " document is followed by log records");
  }
  replay log(out.document);
  std::size_t line = 2;
  for (std::size_t at = out.document_bytes; at < text.size(); ++line) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) break;  // torn
    const std::string_view record(text.data() + at, end - at);
    at = end + 1;
    if (!record.empty()) {
      const std::string where = source + " line " + std::to_string(line);
      auto parsed = parse_untrusted_json(record, f);
      if (!parsed) throw state_file_error(where + ": " + f.description);
      log.apply(*parsed, where);
      ++out.records;
    }
    out.valid_bytes = at;
  }
  log.finish();
  return out;
}

namespace {

// The file `path` names, its symlinks resolved (a path that does not exist
// yet keeps its last components as written). Two names of one file, a
// symlink and its target, give one lock and one log; the server writes
// through to the target instead of replacing the link with a file of its own.
std::string resolved_path(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec || p.empty() ? path : p.string();
}

}  // namespace

state_file::state_file(std::string path, services& svc, std::size_t compact_after)
    : path_(resolved_path(path)), svc_(svc), compact_after_(compact_after) {
  if (path_ != path) spdlog::info("state file '{}' is '{}'", path, path_);
  // A save past `ulimit -f` would otherwise kill the server with SIGXFSZ;
  // ignored, the write fails with EFBIG and the request answers 500 like a
  // full disk (PostgreSQL does the same).
  (void)::signal(SIGXFSZ, SIG_IGN);
  // Two servers on one file would each save their own state over the
  // other's, silently losing acknowledged writes. The lock is on a separate
  // file, named after the resolved path (so a symlink to the file finds the
  // same lock), because every compaction replaces the state file's inode.
  // A second hard link is refused at load(). flock (not fcntl) locks
  // conflict within one process too, and the kernel drops the lock when the
  // process dies, so a kill -9 leaves nothing to clean.
  const std::string lock_path = path_ + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    throw state_file_error("cannot open lock file '" + lock_path + "': " + os_error(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd_);
    throw state_file_error(
        err == EWOULDBLOCK ? "state file '" + path_ + "' is in use by another server (it holds '" +
                                 lock_path + "'); give each server its own --state-file"
                           : "cannot lock '" + lock_path + "': " + os_error(err));
  }
}

bool state_file::load() {
  std::lock_guard lock(mutex_);
  // Temporaries a killed writer left: ours alone now that we hold the lock.
  for (const char* suffix : {".tmp", ".compact"}) {
    const std::string temp = path_ + suffix;
    if (::unlink(temp.c_str()) != 0 && errno != ENOENT && errno != EISDIR)
      spdlog::warn("cannot remove leftover '{}': {}", temp, os_error(errno));
  }
  std::error_code ec;
  const auto st = std::filesystem::status(path_, ec);
  if (st.type() == std::filesystem::file_type::not_found) return false;
  const std::string source = "state file '" + path_ + "'";
  const std::string keep =
      " (left as it is: repair it, or move it away to start from the config's seed)";
  if (ec) throw state_file_error("cannot read " + source + ": " + ec.message());
  if (st.type() != std::filesystem::file_type::regular)
    throw state_file_error(source + " is not a regular file");
  // Another name of the same file would let a second server append to it
  // under another lock: refused (a server replaces the file at its first
  // whole write anyway, which would cut a hard link off).
  if (const auto links = std::filesystem::hard_link_count(path_, ec); !ec && links > 1) {
    throw state_file_error(source + " has " + std::to_string(links) +
                           " hard links; give the server a file of its own (a copy)");
  }
  // Read at its size in one piece (no stream buffer doubling its way up to
  // a file of tens of MB, and no copy out of one).
  std::string text;
  {
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
    if (size < 0) throw state_file_error("cannot read " + source);
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!in.read(text.data(), size)) throw state_file_error("cannot read " + source);
  }
  if (text.empty()) throw state_file_error(source + " is empty" + keep);

  state_text state;
  try {
    state = read_state_text(text, source);
    restore_state(state.document, svc_, source);
  } catch (const state_file_error& e) {
    throw state_file_error(e.what() + keep);
  }
  version_ = state.document.value("version", 0);
  snapshot_bytes_ = state.document_bytes;
  log_bytes_ = state.valid_bytes - state.document_bytes;
  if (state.valid_bytes < text.size()) {
    // Appending after the torn bytes would glue the next record to them.
    spdlog::warn("{}: dropped a torn last log record ({} bytes, never acknowledged)", source,
                 text.size() - state.valid_bytes);
    if (::truncate(path_.c_str(), static_cast<off_t>(state.valid_bytes)) != 0)
      throw state_file_error("cannot truncate " + source + ": " + os_error(errno));
  }
  const std::size_t records = state.records;
  one_line_ = state.one_line;
  if (records > 0) spdlog::info("{}: replayed {} log records", source, records);
  start_log();
  return true;
}

void state_file::start_log() {
  const double now = svc_.clock.now();
  base_ = svc_.registry.snapshot();
  base_sections_ = std::make_unique<sections>(sections_of(base_->data(), svc_, now));
  // An older version, or a document on several lines or without its
  // newline (written by hand), is rewritten whole before anything is
  // appended to it.
  if (version_ == state_version && one_line_)
    log_fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  rewrite_ = log_fd_ < 0;
}

std::optional<std::string> state_file::save() {
  std::lock_guard lock(mutex_);
  return save_locked();
}

std::optional<std::string> state_file::save_locked() {
  {
    // This save holds every change made before it: nothing waits any more.
    std::lock_guard wake_lock(wake_mutex_);
    pending_ = false;
    saving_ = true;
  }
  // Whatever the outcome, waiters learn that this save is over.
  const saved_notice notice{*this};
  const auto started = std::chrono::steady_clock::now();
  auto err = rewrite_ ? write_whole_locked() : append_locked();
  svc_.metrics.count_save(
      !err, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
  if (err) return "cannot save state file '" + path_ + "': " + *err;
  return std::nullopt;
}

state_file::saved_notice::~saved_notice() {
  {
    std::lock_guard wake_lock(s.wake_mutex_);
    s.saving_ = false;
  }
  s.saved_.notify_all();
}

std::optional<std::string> state_file::append_locked() {
  const double now = svc_.clock.now();
  const snapshot_ptr snap = svc_.registry.snapshot();
  auto now_sections = std::make_unique<sections>(sections_of(snap->data(), svc_, now));
  std::string record = record_text(base_->data(), *base_sections_, snap->data(), *now_sections);
  if (record.empty()) {
    // Nothing a restart keeps (or another save wrote it already).
    base_ = snap;
    base_sections_ = std::move(now_sections);
    return std::nullopt;
  }
  // A change of most of the state: a new document is as cheap.
  if (record.size() > std::max(snapshot_bytes_ / 2, whole_write_floor)) return write_whole_locked();
  record.push_back('\n');
  const auto size_before = static_cast<off_t>(snapshot_bytes_ + log_bytes_);
  int err = std::exchange(injected_error_, 0);
  if (err == 0) err = write_fully(log_fd_, record);
  if (err == 0 && ::fdatasync(log_fd_) != 0) err = errno;
  if (err != 0) {
    // Take back what part of the record got in; whatever happened, the
    // next save writes the whole document.
    (void)::ftruncate(log_fd_, size_before);
    rewrite_ = true;
    return step_failed("append to " + path_, err);
  }
  if (auto moved = moved_away_locked()) {
    // The record went into a file nobody will read again: write the whole
    // state where the path says, so what this save acknowledges is found
    // at the next start.
    spdlog::warn("{}; writing the whole state to '{}' again", *moved, path_);
    return write_whole_locked();
  }
  log_bytes_ += record.size();
  if (compacting_) compaction_tail_ += record;
  base_ = snap;
  base_sections_ = std::move(now_sections);
  if (!compacting_ && log_bytes_ > std::max(snapshot_bytes_, compact_after_) &&
      log_bytes_ >= compact_retry_at_) {
    std::lock_guard wake_lock(wake_mutex_);
    compaction_wanted_ = true;
    start_saver_locked();
    wake_.notify_one();
  }
  return std::nullopt;
}

std::optional<std::string> state_file::moved_away_locked() const {
  struct stat open {};
  struct stat named {};
  if (::fstat(log_fd_, &open) != 0) return step_failed("fstat " + path_, errno);
  if (::stat(path_.c_str(), &named) != 0) {
    return errno == ENOENT ? "state file '" + path_ + "' was removed or renamed while in use"
                           : step_failed("stat " + path_, errno);
  }
  if (open.st_dev != named.st_dev || open.st_ino != named.st_ino || open.st_nlink == 0)
    return "state file '" + path_ + "' was replaced while in use";
  return std::nullopt;
}

std::optional<std::string> state_file::write_whole_locked() {
  const double now = svc_.clock.now();
  const snapshot_ptr snap = svc_.registry.snapshot();
  auto now_sections = std::make_unique<sections>(sections_of(snap->data(), svc_, now));
  // One buffer for every whole write: a large state is not reallocated
  // (and the heap not fragmented) each time.
  buffer_.clear();
  buffer_.reserve(snapshot_bytes_ + snapshot_bytes_ / 8);
  capture_document(snap->data(), *now_sections, now, buffer_);
  buffer_.push_back('\n');
  pending_file file;
  auto err = file.open(path_, ".tmp");
  if (!err && injected_error_ != 0) err = step_failed("write " + path_ + ".tmp", injected_error_);
  injected_error_ = 0;
  if (!err) err = file.append(buffer_);
  if (!err) err = file.commit();
  if (err) return err;
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = file.release_fd();
  version_ = state_version;
  one_line_ = true;
  snapshot_bytes_ = buffer_.size();
  log_bytes_ = 0;
  compact_retry_at_ = 0;
  rewrite_ = false;
  ++generation_;  // a compaction under way is of an older file
  base_ = snap;
  base_sections_ = std::move(now_sections);
  return std::nullopt;
}

std::optional<std::string> state_file::compact() {
  snapshot_ptr snap;
  std::unique_ptr<sections> secs;
  std::uint64_t generation = 0;
  std::size_t expected_size = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto err = save_locked()) return err;  // what waits is in the file first
    if (compacting_) return std::nullopt;
    expected_size = snapshot_bytes_ + snapshot_bytes_ / 8;
    snap = base_;
    secs = std::make_unique<sections>(*base_sections_);
    generation = generation_;
    compacting_ = true;
    compaction_tail_.clear();
  }
  // The bulk is written without the lock: saves go on appending to the
  // current file meanwhile, and are copied into the new one below.
  std::string doc;
  doc.reserve(expected_size);
  capture_document(snap->data(), *secs, svc_.clock.now(), doc);
  doc.push_back('\n');
  pending_file file;
  auto err = file.open(path_, ".compact");
  if (!err) err = file.append(doc);
  std::lock_guard lock(mutex_);
  compacting_ = false;
  if (generation != generation_) return std::nullopt;  // the file was rewritten whole meanwhile
  if (!err) err = file.append(compaction_tail_);
  if (!err) err = file.commit();
  if (err) {
    compact_retry_at_ = log_bytes_ + std::max(snapshot_bytes_, compact_after_);
    return "cannot compact state file '" + path_ + "': " + *err;
  }
  ::close(log_fd_);
  log_fd_ = file.release_fd();
  snapshot_bytes_ = doc.size();
  log_bytes_ = compaction_tail_.size();
  compaction_tail_.clear();
  compact_retry_at_ = 0;
  ++generation_;
  return std::nullopt;
}

bool state_file::wait_saved(std::chrono::milliseconds timeout) {
  std::unique_lock wake_lock(wake_mutex_);
  return saved_.wait_for(wake_lock, timeout,
                         [&] { return !pending_ && !saving_ && !compaction_wanted_; });
}

void state_file::save_soon() {
  std::lock_guard wake_lock(wake_mutex_);  // never mutex_: a save may be running
  if (pending_) return;                    // the saver is already on its way
  pending_ = true;
  start_saver_locked();
  wake_.notify_one();
}

void state_file::start_saver_locked() {
  if (!saver_.joinable())
    saver_ = std::jthread([this](const std::stop_token& stop) { run_saver(stop); });
}

void state_file::inject_write_error(int err) {
  std::lock_guard lock(mutex_);
  injected_error_ = err;
}

std::size_t state_file::log_bytes() {
  std::lock_guard lock(mutex_);
  return log_bytes_;
}

void state_file::run_saver(const std::stop_token& stop) {
  std::unique_lock wake_lock(wake_mutex_);
  while (!stop.stop_requested()) {
    wake_.wait(wake_lock, stop, [&] { return pending_ || compaction_wanted_; });
    if (stop.stop_requested()) return;  // the destructor saves what waits
    if (pending_) {
      // Let the burst of changes that woke us gather into one save.
      wake_.wait_for(wake_lock, stop, coalesce, [] { return false; });
      if (pending_) {
        wake_lock.unlock();  // save_soon() must not wait for the save
        {
          std::lock_guard lock(mutex_);
          if (auto err = save_locked()) spdlog::error("{}", *err);
        }
        wake_lock.lock();
      }
    }
    if (compaction_wanted_ && !stop.stop_requested()) {
      saving_ = true;
      wake_lock.unlock();
      const auto started = std::chrono::steady_clock::now();
      if (auto err = compact()) {
        spdlog::error("{}", *err);
      } else {
        spdlog::info("state file {} compacted in {} ms", path_,
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count());
      }
      wake_lock.lock();
      compaction_wanted_ = false;
      saving_ = false;
      saved_.notify_all();
    }
  }
}

state_file::~state_file() {
  if (saver_.joinable()) {
    saver_.request_stop();
    saver_.join();
  }
  {
    std::lock_guard lock(mutex_);
    bool waiting = false;
    {
      std::lock_guard wake_lock(wake_mutex_);
      waiting = pending_;
    }
    if (waiting)
      if (auto err = save_locked()) spdlog::error("{}", *err);
    if (log_fd_ >= 0) ::close(log_fd_);
  }
  ::close(lock_fd_);  // releases the flock
}

}  // namespace reemu
