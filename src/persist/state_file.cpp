// The state file: capture, validate-then-restore, and the atomic write.
#include "reemu/persist/state_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/model/clock.hpp"
#include "reemu/model/faults.hpp"
#include "reemu/model/metrics.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/registry.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/model/wire_entry.hpp"
#include "reemu/util/hex.hpp"

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
  std::uint64_t iterations = 0;
  const auto [end, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc{} || end != parts[1].data() + parts[1].size() || iterations == 0 ||
      iterations > max_pbkdf2_iterations)
    return std::nullopt;
  password_digest d;
  d.iterations = static_cast<std::uint32_t>(iterations);
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

}  // namespace

void capture_state(const services& svc, std::string& out) {
  const double now = svc.clock.now();
  const auto snap = svc.registry.snapshot();
  const registry_data& d = snap->data();

  // The actions are written as text: a static action's fields are already
  // serialised (static_v1), and copying those bytes keeps a save of 100k
  // actions to a few milliseconds. Keys in sorted order, as dump() writes
  // them, so the document reads the same as one built as a JSON tree.
  out += "{\"actions\":[";
  bool first = true;
  for (const auto& a : d.actions) {
    if (!is_visible(*a, now)) continue;  // gone for good: the registry drops it lazily
    if (!first) out.push_back(',');
    first = false;
    out += "{\"created_at\":";
    append_number(out, a->created_at);
    out += ",\"fields\":";
    const auto* sim = std::get_if<simulated_body>(&a->body);
    out += sim ? dump(sim->fields) : **a->static_v1();
    if (a->gone_at != forever) {
      out += ",\"gone_at\":";
      append_number(out, a->gone_at);
    }
    if (sim) {
      out += ",\"simulate\":";
      out += dump(to_simulate_block(sim->plan));
    }
    out += ",\"started_at\":";
    append_number(out, a->started_at);
    out += ",\"type\":\"";
    out += to_string(a->kind);
    out += "\"}";
  }
  out += "],";

  json users = json::array();
  for (const auto& [email, u] : d.users) {
    users.push_back(
        {{"email", email}, {"role", to_string(u.role)}, {"password", password_text(u.digest)}});
  }
  json faults = json::array();
  for (const auto& r : svc.faults.list()) faults.push_back(to_json(r));
  json databases = databases_json(d, now);
  json plans = plans_json(d);
  const json rest = {{"format", state_format},
                     {"version", state_version},
                     {"clock", {{"mode", to_string(svc.clock.mode())}, {"now", number_value(now)}}},
                     {"users", std::move(users)},
                     {"databases", std::move(databases)},
                     {"nodes", nodes_json(d, now)},
                     {"cluster_actions", cluster_tasks_json(d)},
                     {"plans", std::move(plans)},
                     {"cluster_state_id", d.cluster_state_id},
                     {"bdb_uid_high", d.bdb_uid_high},
                     {"faults", std::move(faults)}};
  out += std::string_view(dump(rest)).substr(1);  // "{" dropped: it continues the object
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
  if (version == doc.end() || (*version != state_version && *version != 2)) {
    fail(source, "state file version " + (version == doc.end() ? "missing" : dump(*version)) +
                     ", this build reads versions 2 and " + std::to_string(state_version));
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

  // A manual clock resumes where it stood, so the saved lifecycles continue
  // from the same instant. Saved under a real clock, or restored into one,
  // the timeline is the wall clock's and needs nothing.
  if (*mode == "manual") svc.clock.set(*now);
  svc.registry.replace_all(std::move(d));
  svc.faults.restore(std::move(rules));
}

state_file::state_file(std::string path, services& svc) : path_(std::move(path)), svc_(svc) {
  // Two servers on one file would each save their own state over the
  // other's, silently losing acknowledged writes. The lock is on a separate
  // file because every save replaces the state file's inode. flock (not
  // fcntl) locks conflict within one process too, and the kernel drops
  // the lock when the process dies, so a kill -9 leaves nothing to clean.
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
  services& svc = svc_;
  std::lock_guard lock(mutex_);
  std::error_code ec;
  const auto st = std::filesystem::status(path_, ec);
  if (st.type() == std::filesystem::file_type::not_found) return false;
  const std::string source = "state file '" + path_ + "'";
  const std::string keep =
      " (left as it is: repair it, or move it away to start from the config's seed)";
  if (ec) throw state_file_error("cannot read " + source + ": " + ec.message());
  if (st.type() != std::filesystem::file_type::regular)
    throw state_file_error(source + " is not a regular file");
  if (std::filesystem::file_size(path_, ec) == 0 && !ec)
    throw state_file_error(source + " is empty" + keep);
  std::string error;
  auto doc = read_json_file(path_, "state file", error);
  if (!doc) throw state_file_error(error + keep);
  try {
    restore_state(*doc, svc, source);
  } catch (const state_file_error& e) {
    throw state_file_error(e.what() + keep);
  }
  return true;
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
  struct saved_notice {
    state_file& s;
    ~saved_notice() {
      {
        std::lock_guard wake_lock(s.wake_mutex_);
        s.saving_ = false;
      }
      s.saved_.notify_all();
    }
  } notice{*this};
  // One buffer for every save: a large state is not reallocated (and the
  // heap not fragmented) on each control-API write.
  const auto started = std::chrono::steady_clock::now();
  buffer_.clear();
  buffer_.reserve(last_size_ + last_size_ / 8);
  capture_state(svc_, buffer_);
  buffer_.push_back('\n');
  last_size_ = buffer_.size();
  auto err = write_file_atomically(path_, buffer_);
  svc_.metrics.count_save(
      !err, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
  if (err) return "cannot save state file '" + path_ + "': " + *err;
  return std::nullopt;
}

bool state_file::wait_saved(std::chrono::milliseconds timeout) {
  std::unique_lock wake_lock(wake_mutex_);
  return saved_.wait_for(wake_lock, timeout, [&] { return !pending_ && !saving_; });
}

void state_file::save_soon() {
  std::lock_guard wake_lock(wake_mutex_);  // never mutex_: a save may be running
  if (pending_) return;                    // the saver is already on its way
  pending_ = true;
  if (!saver_.joinable())
    saver_ = std::jthread([this](const std::stop_token& stop) { run_saver(stop); });
  wake_.notify_one();
}

void state_file::run_saver(const std::stop_token& stop) {
  std::unique_lock wake_lock(wake_mutex_);
  while (!stop.stop_requested()) {
    wake_.wait(wake_lock, stop, [&] { return pending_; });
    if (stop.stop_requested()) return;  // the destructor saves what waits
    // Let the burst of changes that woke us gather into one save.
    wake_.wait_for(wake_lock, stop, coalesce, [] { return false; });
    if (!pending_) continue;  // a synchronous save came first
    wake_lock.unlock();       // save_soon() must not wait for the save
    {
      std::lock_guard lock(mutex_);
      if (auto err = save_locked()) spdlog::error("{}", *err);
    }
    wake_lock.lock();
  }
}

state_file::~state_file() {
  if (saver_.joinable()) {
    saver_.request_stop();
    saver_.join();
  }
  std::lock_guard lock(mutex_);
  bool waiting = false;
  {
    std::lock_guard wake_lock(wake_mutex_);
    waiting = pending_;
  }
  if (waiting)
    if (auto err = save_locked()) spdlog::error("{}", *err);
  ::close(lock_fd_);  // releases the flock
}

}  // namespace reemu
