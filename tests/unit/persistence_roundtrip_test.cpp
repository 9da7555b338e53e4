// The round trip of everything the state file keeps: a state saved
// (capture_state) and loaded into a fresh app (restore_state) is the state
// that was saved.
//
// The fields of registry_data are not listed here: Boost.PFR walks them by
// index, and each is given a value of its own (sample_of<T>, keyed on the
// field's type) in a state that is otherwise the seed. A new field of a type
// seen before is covered as it is; a field of a new type does not compile
// until sample_of has a generator for that type. The services' parts (fault
// rules, a manual clock) are checked the same way by hand, as they are few.
#include <gtest/gtest.h>

#include <boost/core/demangle.hpp>
#include <boost/pfr.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/wire_entry.hpp"
#include "reemu/persist/parts.hpp"
#include "reemu/persist/state_file.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/registry.hpp"

using namespace reemu;

namespace {

constexpr double persisted_t0 = 1'700'000'000;

// The seed every state starts from: a manual clock, one user, one
// database, the captured node, one static and one simulated action.
config seed_config() {
  return parse_config(json::parse(R"({
    "emulator": {"clock": "manual", "clock_start": 1700000000, "seed": 7, "ids": "seeded"},
    "users": [{"email": "admin@redis.local", "password": "Redis123!", "role": "admin"}],
    "databases": [1],
    "actions": [{"action_uid": "seed-task", "name": "retry_bdb", "status": "completed"}],
    "state-machines": [{"action_uid": "seed-sm", "name": "SMCreateBDB", "object_name": "bdb:1",
                        "simulate": {}}]
  })"),
                      "persistence_roundtrip_test");
}

// ---- Deep comparison -------------------------------------------------------
//
// Field by field, through pointers (a registry shares its values), naming
// the first place two values differ: "[1].second.fields".

template <class T>
bool same(const T& a, const T& b, std::string& where);

template <class T>
constexpr bool is_range = requires(const T& t) {
  t.begin();
  t.end();
};

template <class T>
struct is_shared_ptr : std::false_type {};
template <class T>
struct is_shared_ptr<std::shared_ptr<T>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_variant : std::false_type {};
template <class... T>
struct is_variant<std::variant<T...>> : std::true_type {};
template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

template <class T, std::size_t... I>
bool same_fields(const T& a, const T& b, std::string& where, std::index_sequence<I...>) {
  bool equal = true;
  // Stops at the first field that differs, so `where` names it.
  ((equal = equal &&
            [&] {
              std::string inner;
              if (same(boost::pfr::get<I>(a), boost::pfr::get<I>(b), inner)) return true;
              where = ".{field " + std::to_string(I) + "}" + inner;
              return false;
            }()),
   ...);
  return equal;
}

// A value for a message, cut short.
template <class T>
std::string shown(const T& v) {
  std::string s;
  if constexpr (std::is_arithmetic_v<T>) {
    s = std::to_string(v);
  } else if constexpr (std::is_enum_v<T>) {
    s = std::to_string(static_cast<long long>(v));
  } else if constexpr (std::is_same_v<T, json>) {
    s = v.dump();
  } else {
    s = '"' + v + '"';
  }
  return s.size() > 200 ? s.substr(0, 197) + "..." : s;
}

template <class T>
bool same(const T& a, const T& b, std::string& where) {
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, std::string> ||
                std::is_same_v<T, json>) {
    if (a == b) return true;
    where = " is " + shown(a) + ", saved " + shown(b);
    return false;
  } else if constexpr (std::is_same_v<T, user_digest>) {
    // A seeded user's digest may still be pending: compare the digests.
    return same(a.get(), b.get(), where);
  } else if constexpr (is_shared_ptr<T>::value || is_optional<T>::value) {
    if (a && b) return same(*a, *b, where);
    if (!a && !b) return true;
    where = a ? " is set, saved empty" : " is empty, saved set";
    return false;
  } else if constexpr (is_variant<T>::value) {
    if (a.index() != b.index()) {
      where = " holds another alternative than the saved one";
      return false;
    }
    return std::visit(
        [&](const auto& x) {
          using X = std::remove_cvref_t<decltype(x)>;
          return same(x, std::get<X>(b), where);
        },
        a);
  } else if constexpr (is_pair<T>::value) {
    std::string inner;
    if (!same(a.first, b.first, inner)) {
      where = ".first" + inner;
      return false;
    }
    if (!same(a.second, b.second, inner)) {
      where = ".second" + inner;
      return false;
    }
    return true;
  } else if constexpr (is_range<T>) {
    const auto count = [](const T& r) {
      std::size_t n = 0;
      for (auto it = r.begin(); it != r.end(); ++it) ++n;
      return n;
    };
    if (count(a) != count(b)) {
      where = " has " + std::to_string(count(a)) + " entries, saved " + std::to_string(count(b));
      return false;
    }
    std::size_t n = 0;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j, ++n) {
      std::string inner;
      if (!same(*i, *j, inner)) {
        where = "[" + std::to_string(n) + "]" + inner;
        return false;
      }
    }
    return true;
  } else {
    static_assert(std::is_aggregate_v<T>, "same(): no comparison for this type");
    return same_fields(a, b, where, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
  }
}

template <class T>
std::string type_name() {
  return boost::core::demangle(typeid(T).name());
}

// ---- Samples ---------------------------------------------------------------
//
// sample_of<T>::make(seed, now): a value of T unlike the seed's, that a
// running server could hold, with every optional part set. No generic case:
// a registry_data field of a new type needs its generator here.

template <class T>
struct sample_of;

// JSON as a server holds it: parsed from text (a literal built in C++
// would hold 12004 as a signed number, which no request gives).
json parsed(std::string_view text) { return json::parse(text); }

// Through the wire parser, as the control API makes them.
action sample_action(json entry, action_kind kind, double started, double created,
                     double gone = forever) {
  auto parsed = parse_wire_entry(std::move(entry), kind, "sample");
  if (!parsed) {
    ADD_FAILURE() << parsed.error().description;
    parsed = wire_entry{};
  }
  action a = make_action(std::move(*parsed));
  a.started_at = started;
  a.created_at = created;
  a.gone_at = gone;
  return a;
}

template <>
struct sample_of<action_store> {
  static action_store make(const registry_data&, double now) {
    registry_data d;
    d.add(sample_action(parsed(R"({"action_uid": "s-static", "name": "retry_bdb",
                                   "status": "running", "progress": "40",
                                   "custom": {"kept": [1, 2.5]}})"),
                        action_kind::task, now - 50, now - 60, now + 100));
    d.add(sample_action(parsed(R"({"action_uid": "s-machine", "name": "SMUpdateBDB",
                                   "object_name": "bdb:1",
                                   "simulate": {"step_seconds": 7, "pending_seconds": 1.5,
                                                "outcome": "failed", "fail_at_step": 1,
                                                "error": "stopped", "retain_seconds": 30,
                                                "shard_ops": [{"shard_uid": "2",
                                                               "op_name": "migrate_shard"}]}})"),
                        action_kind::state_machine, now - 3, now - 4));
    d.add(sample_action(parsed(R"({"action_uid": "s-task", "name": "custom_task",
                                   "simulate": {"steps": ["a", "b"], "starting_seconds": 2.25,
                                                "cancel_after_seconds": 9}})"),
                        action_kind::task, now + 5, now));
    return d.actions;
  }
};

// Users holding the seed's Admin role (1) and the sample roles' 5 and 7,
// with every optional part set on one of them.
template <>
struct sample_of<user_map> {
  static user_map make(const registry_data&, double now) {
    user_map users;
    user ops;
    ops.uid = 7;
    ops.email = "ops@redis.local";
    ops.name = "Ops";
    ops.role_uids = {1};
    ops.digest = digest_password("Ops123!");
    ops.password_issued_at = now - 86400.5;
    ops.email_alerts = false;
    ops.bdbs_email_alerts = std::vector<std::string>{"1", "2"};
    ops.cluster_email_alerts = true;
    users.emplace(ops.email, ops);
    user seeded;
    seeded.uid = 3;
    seeded.email = "seeded@redis.local";
    seeded.name = "seeded@redis.local";
    seeded.role_uids = {1};
    seeded.digest = seed_digest("seeded@redis.local", "Pw123!");
    seeded.password_issued_at = now;
    users.emplace(seeded.email, seeded);
    return users;
  }
};

// The seed's Admin role kept (its users hold it), two more with and
// without resources.
template <>
struct sample_of<role_map> {
  static role_map make(const registry_data& seed, double) {
    role_map roles = seed.roles;
    roles[5] = role_entry{5, "DB Viewer", role::db_viewer,
                          std::vector<role_resource>{{"db", {"1", "2"}}, {"db", {}}}};
    roles[7] = role_entry{7, "Ops [team]", role::cluster_member, std::nullopt};
    return roles;
  }
};

template <>
struct sample_of<password_policy> {
  static password_policy make(const registry_data&, double) { return {12, true}; }
};

template <>
struct sample_of<database_map> {
  static database_map make(const registry_data&, double now) {
    registry_data d;
    database plain;
    plain.uid = 4;
    plain.fields = parsed(R"({"name": "four", "memory_size": 1048576, "port": 12004})");
    plain.created_at = now - 100;
    plain.changed_at = now - 10.5;
    plain.placement = {{2, true}, {1, false}};
    d.put_database(plain);
    database updating;
    updating.uid = 9;
    updating.fields = parsed(R"({"name": "nine", "shards_count": 2})");
    updating.created_at = now - 200;
    updating.changed_at = now - 1;
    simulate_plan plan = find_template("SMUpdateBDB")->plan;
    plan.step_seconds = 11;
    plan.shard_ops = {{"3", "migrate_shard"}, {"4", "failover_shard"}};
    updating.op = bdb_operation{"op-9", "SMUpdateBDB", plan, now - 1, {{1, true}, {2, true}}};
    updating.traffic_stopped = true;
    updating.health = bdb_health{250.5, now - 5, now + 60, "bdb_unavailable_port_unbound"};
    d.put_database(updating);
    return d.databases;
  }
};

object_task sample_task(std::string name, std::string id, double started) {
  object_task t;
  t.name = std::move(name);
  t.task_id = std::move(id);
  t.plan = find_template(t.name)->plan;
  t.plan.step_seconds = 13;
  t.started_at = started;
  return t;
}

template <>
struct sample_of<task_slots> {
  static task_slots make(const registry_data&, double now) {
    return {{"change_master", sample_task("change_master", "task-c", now - 2)}};
  }
};

template <>
struct sample_of<node_map> {
  static node_map make(const registry_data&, double now) {
    node one;
    one.uid = 1;
    one.fields = parsed(R"({"addr": "10.1.1.1", "accept_servers": false})");
    one.started_at = now - 300;
    one.actions = {{"maintenance_on", sample_task("maintenance_on", "task-m", now - 1)}};
    one.settled_at = now - 20;
    node four;
    four.uid = 4;
    four.fields = parsed(R"({"addr": "10.1.1.4"})");
    four.started_at = now - 30;
    return {{1, std::make_shared<const node>(one)}, {4, std::make_shared<const node>(four)}};
  }
};

template <>
struct sample_of<std::vector<plan_rule>> {
  static std::vector<plan_rule> make(const registry_data&, double) {
    return {plan_rule{4, "SMUpdateBDB", "bdb:1", parsed(R"({"step_seconds": 3})"), 2, 1},
            plan_rule{9, "", "", parsed(R"({"outcome": "failed", "fail_at_step": 0})"), 0, 5}};
  }
};

// A paid licence with every optional term, unlike the seed's trial.
template <>
struct sample_of<license> {
  static license make(const registry_data&, double now) {
    license l = trial_license(now - 86400.5, 400);
    l.text = l.key = "----- LICENSE START -----\nsample\n----- LICENSE END -----\n";
    l.features = {"bigstore"};
    l.ram_shards_limit = 300;
    l.flash_shards_limit = 100;
    l.owner = "Redis";
    l.cluster_name = "docker-cluster";
    return l;
  }
};

// Full Access as a fresh cluster has it, and two made by the routes.
template <>
struct sample_of<redis_acl_map> {
  static redis_acl_map make(const registry_data&, double) {
    redis_acl_map acls = fresh_redis_acls();
    acls.emplace(2, redis_acl{2, "Read Only", "+@read ~*"});
    acls.emplace(7, redis_acl{7, "Cache (app)", "~cache:* %R~app:* +get -flushdb (+set ~tmp:*)"});
    return acls;
  }
};

// One mapping with every optional field, one with none.
template <>
struct sample_of<ldap_mapping_map> {
  static ldap_mapping_map make(const registry_data&, double) {
    ldap_mapping full{3,      "Admins", "OU=ops,DC=redislabs,DC=com",       "ops@redislabs.com",
                      {1, 4}, false,    std::vector<std::string>{"1", "2"}, true};
    ldap_mapping bare{9, "Viewers", "CN=viewers", "", {2}, true, std::nullopt, std::nullopt};
    return {{3, full}, {9, bare}};
  }
};

// Two changed proxies: one with several settings, one with a single one.
template <>
struct sample_of<proxy_map> {
  static proxy_map make(const registry_data&, double) {
    proxy_settings many{json{{"threads", 6}, {"max_threads", 12}, {"log_level", "debug"}}};
    proxy_settings one{json{{"corefile", true}}};
    return {{1, many}, {3, one}};
  }
};

// Steering of two objects: a ramp then a level on one metric, a ratio.
template <>
struct sample_of<stats_steering> {
  static stats_steering make(const registry_data&, double now) {
    stats_steering s;
    add_stats_step(s, "bdb:1", "instantaneous_ops_per_sec", {now - 60, 50000, 30, false});
    add_stats_step(s, "bdb:1", "instantaneous_ops_per_sec", {now, 100, 0, false});
    add_stats_step(s, "bdb:1", "used_memory", {now, 0.95, 0, true});
    add_stats_step(s, "node:2", "cpu_user", {now - 1.5, 0.5, 0, false});
    return s;
  }
};

// Cluster alert settings over the template's, a database's thresholds and
// forced states of each scope.
template <>
struct sample_of<alert_store> {
  static alert_store make(const registry_data&, double now) {
    alert_store a;
    a.cluster_settings = {{"node_memory", {{"enabled", true}, {"threshold", "75"}}},
                          {"node_failed", true}};
    a.bdb_settings[1]["bdb_size"] = {true, "90"};
    a.bdb_settings[1]["bdb_high_latency"] = {false, "2500.5"};
    a.forced["bdb:1/bdb_high_latency"] = {true, now - 2.5};
    a.forced["cluster/cluster_ocsp_query_failed"] = {false, now};
    return a;
  }
};

// A changed policy, services configuration and OCSP setting; a service
// restarted and one stopped.
template <>
struct sample_of<cluster_options> {
  static cluster_options make(const registry_data&, double now) {
    cluster_options o;
    o.policy = {{"default_shards_placement", "sparse"}, {"login_lockout_threshold", 7}};
    o.services_config = {{"cm_server", {{"operating_mode", "disabled"}}}};
    o.ocsp = {{"query_frequency", 7200}};
    o.service_started["alert_mgr"] = now - 1.5;
    o.services_stopped.insert("mdns_server");
    return o;
  }
};

// A CRDB listed, one whose create failed, a task of each ending, an
// unreachable participant and one reachable again.
template <>
struct sample_of<crdb_store> {
  static crdb_store make(const registry_data&, double now) {
    crdb_store s;
    s.crdbs["g-1"] = crdb{
        "g-1", parsed(R"({"guid": "g-1", "name": "aa", "instances": []})"), 1, 3, now - 10, forever,
        {}};
    s.crdbs["g-2"] =
        crdb{"g-2", parsed(R"({"guid": "g-2", "name": "bb"})"), 2, 4, forever, now + 7.5, {}};
    crdb_task done{"t-1", "g-1", "create_crdb", find_template("create_crdb")->plan, now - 30, ""};
    crdb_task failing{"t-2",         "g-2",
                      "update_crdb", find_template("update_crdb")->plan,
                      now - 1,       "rc2.example.com"};
    failing.plan.fails = true;
    failing.plan.error = "unreachable";
    s.crdbs["g-1"].changes.push_back(
        {"t-3", now + 3.5, parsed(R"({"guid": "g-1", "name": "cc"})")});
    s.tasks = {{"t-1", done}, {"t-2", failing}};
    s.unreachable = {{"https://rc2.example.com:9443", now - 2.25}};
    s.recovered = {{"https://rc3.example.com:9443", participant_outage{now - 40, now - 5.5}}};
    return s;
  }
};

// A write's event, the events a plan scheduled (some not yet due), and a
// gap in the seqs (a cancel dropped events).
template <>
struct sample_of<event_log> {
  static event_log make(const registry_data& seed, double now) {
    event_log log(seed.events.capacity());
    record_event(log, now - 30, "cluster_user_created", {{"user_uid", 2}, {"user_name", "x"}});
    record_event(log, now - 20, "dropped", json::object());
    started_action a{"a-1", "SMCreateBDB", "bdb:1", {{"bdb_uid", "1"}}, "db", ""};
    schedule_action_events(log, a, find_template("SMCreateBDB")->plan, now - 5);
    log.drop_pending("", now - 25);
    return log;
  }
};

// The id source: the seed's mode and seed (the config's, not state), far
// along its sequence.
template <>
struct sample_of<id_sequence> {
  static id_sequence make(const registry_data& seed, double) {
    id_sequence ids = seed.ids;
    ids.drawn = 1000;
    return ids;
  }
};

// Counters: one past anything the seed holds.
template <>
struct sample_of<std::uint64_t> {
  static std::uint64_t make(const registry_data&, double) { return 1000; }
};

template <>
struct sample_of<double> {
  static double make(const registry_data&, double now) { return now + 1234.5; }
};

// ---- Fields a load derives -------------------------------------------------
//
// Caches of registry_data that are not saved: a load recomputes them from
// the parts they summarise, so a state that differs only there is not one a
// save can tell apart. Each is checked where it comes from
// (derived_caches_are_recomputed) instead.
struct derived_field {
  double registry_data::*member;
  std::string_view name;
  std::string_view reason;
};
const derived_field derived_fields[] = {
    {&registry_data::actions_expire_at, "actions_expire_at",
     "the earliest expiry of the actions, lowered by registry_data::add"},
    {&registry_data::databases_expire_at, "databases_expire_at",
     "when the first SMDeleteBDB completes, lowered by registry_data::put_database"},
};

// The entry of derived_fields that field I of registry_data is, or nullptr.
template <std::size_t I>
const derived_field* derived_entry(registry_data& d) {
  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(boost::pfr::get<I>(d))>, double>) {
    for (const auto& f : derived_fields)
      if (&(d.*f.member) == &boost::pfr::get<I>(d)) return &f;
  }
  return nullptr;
}

// ---- The round trip --------------------------------------------------------

class persistence_roundtrip : public ::testing::Test {
 protected:
  // Saves `state` with `prepare`'s services and loads the text into a fresh
  // app; the loaded app.
  template <class Prepare>
  std::unique_ptr<app> round_trip(const registry_data& state, Prepare prepare) {
    app saved(seed_config());
    saved.svc().registry.replace_all(state);
    prepare(saved.svc());
    text_ = capture_state(saved.svc());
    auto loaded = std::make_unique<app>(seed_config());
    try {
      restore_state(json::parse(text_), loaded->svc(), "round trip");
    } catch (const state_file_error& e) {
      ADD_FAILURE() << "the saved state does not load: " << e.what();
    }
    return loaded;
  }
  std::unique_ptr<app> round_trip(const registry_data& state) {
    return round_trip(state, [](services&) {});
  }

  registry_data seed() const {
    app a(seed_config());
    return a.svc().registry.snapshot()->data();
  }

  template <std::size_t I>
  void check_field(const registry_data& seed_data) {
    using T = std::remove_cvref_t<decltype(boost::pfr::get<I>(seed_data))>;
    SCOPED_TRACE("registry_data field " + std::to_string(I) + " (" + type_name<T>() + ")");
    registry_data state = seed_data;
    if (derived_entry<I>(state)) return;
    T& field = boost::pfr::get<I>(state);
    field = sample_of<T>::make(seed_data, persisted_t0);
    std::string where;
    ASSERT_FALSE(same(field, boost::pfr::get<I>(seed_data), where))
        << "the sample of registry_data field " << I << " (" << type_name<T>()
        << ") is the seed's own value: it proves nothing";
    const auto loaded = round_trip(state);
    const registry_data& back = loaded->svc().registry.snapshot()->data();
    EXPECT_TRUE(same(boost::pfr::get<I>(back), field, where))
        << "registry_data field " << I << " (" << type_name<T>()
        << ") did not come back from the state file: the loaded value" << where
        << "\nthe saved document: " << text_.substr(0, 400) << "...";
  }

  template <std::size_t... I>
  void check_fields(std::index_sequence<I...>) {
    const registry_data seed_data = seed();
    (check_field<I>(seed_data), ...);
  }

  std::string text_;  // the last document saved
};

TEST_F(persistence_roundtrip, every_field_of_the_registry_comes_back) {
  check_fields(std::make_index_sequence<boost::pfr::tuple_size_v<registry_data>>{});
}

// The exempted caches are recomputed by the load: a state whose actions
// expire and whose database is being deleted comes back with the same
// expiry times as the state that was saved.
TEST_F(persistence_roundtrip, derived_caches_are_recomputed) {
  registry_data state = seed();
  state.actions = sample_of<action_store>::make(state, persisted_t0);
  state.actions_expire_at = forever;
  for (const auto& a : state.actions) state.replace(*a);  // recomputes the expiry
  database deleting;
  deleting.uid = 3;
  deleting.created_at = persisted_t0 - 5;
  deleting.changed_at = persisted_t0 - 1;
  deleting.op = bdb_operation{
      "op-3", "SMDeleteBDB", find_template("SMDeleteBDB")->plan, persisted_t0 - 1, {}};
  state.put_database(deleting);
  const auto loaded = round_trip(state);
  const registry_data& back = loaded->svc().registry.snapshot()->data();
  for (const auto& f : derived_fields) {
    EXPECT_NE(state.*f.member, forever) << f.name << ": the state must give it a value";
    EXPECT_EQ(back.*f.member, state.*f.member) << f.name << " (" << f.reason << ")";
  }
}

// The services' parts: fault rules with every field set and their counts,
// the id the next rule gets, and a manual clock's time.
TEST_F(persistence_roundtrip, fault_rules_and_a_manual_clock_come_back) {
  fault_rule full;
  full.method = "GET";
  full.path = "/v1/bdbs/*";
  full.user = "admin@redis.local";
  full.status = 503;
  full.error_code = "busy";
  full.description = "try later";
  full.delay_ms = 25;
  full.times = 3;
  full.probability = 0.5;
  fault_rule counted;
  counted.path = "/v1/cluster";
  counted.status = 500;
  counted.times = 4;
  fault_rule drop;
  drop.path = "/v1/nodes";
  drop.drop = true;
  std::vector<fault_rule> rules;
  std::uint64_t next_id = 0;
  const auto loaded = round_trip(seed(), [&](services& svc) {
    svc.faults.add(full);
    svc.faults.add(counted);
    svc.faults.match("GET", "/v1/cluster", "someone");  // hits 2, times 2
    svc.faults.match("GET", "/v1/cluster", "someone");
    svc.faults.add(drop);
    const std::uint64_t last = svc.faults.add(drop);
    svc.faults.remove(last);  // the next rule still counts on from it
    next_id = last + 1;
    svc.clock.set(persisted_t0 + 123.25);
    rules = svc.faults.list();
  });
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[1].hits, 2u);
  std::string where;
  EXPECT_TRUE(same(loaded->svc().faults.list(), rules, where))
      << "the fault rules did not come back: the loaded list" << where;
  EXPECT_EQ(loaded->svc().faults.add(drop), next_id) << "the id of the next fault rule";
  EXPECT_EQ(loaded->svc().clock.now(), persisted_t0 + 123.25);
}

// The table itself: one row per key, in key order (the document's keys are
// sorted, so that the same state gives the same text), and a document
// holds exactly the table's keys besides its format and version.
TEST_F(persistence_roundtrip, the_document_holds_exactly_the_tables_keys) {
  std::set<std::string> keys;
  std::string previous;
  for (const persisted_part& part : persisted_parts()) {
    const std::string key(part.key);
    EXPECT_TRUE(keys.insert(key).second) << "two rows for '" << key << "'";
    EXPECT_LT(previous, key) << "the rows are not in key order";
    previous = key;
    EXPECT_TRUE(part.write && part.read) << key;
    if (part.logging == part_logging::by_entry) {
      EXPECT_TRUE(part.diff && part.put_key && part.erase_key) << key;
    }
  }
  app a(seed_config());
  std::set<std::string> document;
  const json saved = json::parse(capture_state(a.svc()));
  for (const auto& [key, value] : saved.items()) document.insert(key);
  EXPECT_EQ(document.erase("format"), 1u);
  EXPECT_EQ(document.erase("version"), 1u);
  EXPECT_EQ(document, keys);
}

}  // namespace
