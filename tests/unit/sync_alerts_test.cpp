// Unit tests for the sync-source alerts (src/model/sync_alerts.cpp): the
// sources a database's fields hold and their ids, a CRDT source's
// connection error raised the moment its participant becomes unreachable
// and its lag once the outage outlasts the threshold, both cleared when it
// is reachable again (the outage kept as the participant's last), the
// database's thresholds applying to each source, forced states, Replica Of
// sources staying cleared, and the transitions /v1/logs shows.
#include "reemu/model/sync_alerts.hpp"

#include <gtest/gtest.h>

#include "model_fixtures.hpp"
#include "reemu/model/crdb.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/registry_data.hpp"

using namespace reemu;

namespace {

using test::t0;

const std::string rc2 = "https://rc2.example.com:9443";
const std::string rc3 = "https://rc3.example.com:9443";

// Database 1, created at t0: the local instance of a CRDB with two other
// participants (instances 2 and 3), and two Replica Of sources, the first
// without a uid.
registry_data synced_cluster() {
  const json db = {
      {"uid", 1},
      {"name", "aa"},
      {"memory_size", 1e9},
      {"crdt", true},
      {"crdt_sources", {{{"uid", 2}, {"uri", rc2}}, {{"uid", 3}, {"uri", rc3}}}},
      {"replica_sources",
       {{{"uri", "redis://:pw@10.0.0.1:12000"}}, {{"uid", 7}, {"uri", "redis://10.0.0.2:12001"}}}}};
  return test::cluster_of({db});
}

const alert_def& sync_def(sync_source_kind k, std::string_view name) {
  const alert_def* def = find_sync_alert(k, name);
  EXPECT_NE(def, nullptr) << name;
  return *def;
}

const auto crdt_kind = sync_source_kind::crdt;
const auto replica_kind = sync_source_kind::replica;
const sync_source source_2{2, "https://rc2.example.com:9443"};

alert_value crdt_alert(const registry_data& d, std::string_view name, double now,
                       const sync_source& s = source_2) {
  return sync_alert_evaluator(d, now).evaluate(crdt_kind, sync_def(crdt_kind, name), 1, s);
}

}  // namespace

TEST(sync_alerts, each_kind_has_its_three_database_alerts) {
  std::vector<std::string_view> names;
  for (const alert_def* def : sync_alert_catalog(crdt_kind)) names.push_back(def->name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"bdb_crdt_src_high_syncer_lag",
                                                  "bdb_crdt_src_syncer_connection_error",
                                                  "bdb_crdt_src_syncer_general_error"}));
  ASSERT_EQ(sync_alert_catalog(replica_kind).size(), 3u);
  EXPECT_EQ(sync_alert_catalog(replica_kind)[0]->name, "bdb_replica_src_high_syncer_lag");
  for (const auto k : {crdt_kind, replica_kind}) {
    for (const alert_def* def : sync_alert_catalog(k)) {
      EXPECT_EQ(def, find_alert(alert_scope::bdb, def->name));  // the database's entries
      EXPECT_TRUE(def->has_threshold);
    }
    EXPECT_EQ(parse_sync_sources(sources_field(k)), k);
  }
  EXPECT_EQ(find_sync_alert(crdt_kind, "bdb_replica_src_high_syncer_lag"), nullptr);
  EXPECT_EQ(find_sync_alert(crdt_kind, "bdb_size"), nullptr);
  EXPECT_FALSE(parse_sync_sources("sync_sources"));
  EXPECT_EQ(sync_alert_key(crdt_kind, 1, 2, "bdb_crdt_src_high_syncer_lag"),
            "bdb:1/crdt_src:2/bdb_crdt_src_high_syncer_lag");
  EXPECT_EQ(sync_source_object(replica_kind, 4, 1), "bdb:4/replica_src:1");
}

TEST(sync_alerts, sources_are_the_fields_entries_by_uid_or_position) {
  const registry_data d = synced_cluster();
  const sync_alert_evaluator ev(d, t0 + 10);
  EXPECT_EQ(ev.sources(crdt_kind, 1),
            (std::vector<sync_source>{{2, rc2}, {3, "https://rc3.example.com:9443"}}));
  EXPECT_EQ(
      ev.sources(replica_kind, 1),
      (std::vector<sync_source>{{1, "redis://:pw@10.0.0.1:12000"}, {7, "redis://10.0.0.2:12001"}}));
  EXPECT_FALSE(ev.sources(crdt_kind, 9));  // no such database

  // A numeric string uid counts; entries that are no objects, and CRDT
  // entries without a uid, do not.
  const json fields = {{"crdt_sources", {{{"uid", "5"}}, 4, {{"uri", "x"}}}},
                       {"replica_sources", {"x", {{"uri", "y"}}}}};
  EXPECT_EQ(sync_sources_of(fields, crdt_kind), (std::vector<sync_source>{{5, ""}}));
  EXPECT_EQ(sync_sources_of(fields, replica_kind), (std::vector<sync_source>{{2, "y"}}));
  EXPECT_TRUE(sync_sources_of(json::object(), crdt_kind).empty());
}

TEST(sync_alerts, a_reachable_source_has_every_alert_cleared_since_the_creation) {
  const registry_data d = synced_cluster();
  const sync_alert_evaluator ev(d, t0 + 500);
  const json all = ev.render_source(crdt_kind, 1, source_2);
  ASSERT_EQ(all.size(), 3u);
  for (const auto& [name, alert] : all.items()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(alert["state"], false);
    EXPECT_EQ(alert["enabled"], false);
    EXPECT_EQ(alert["severity"], "INFO");
    EXPECT_EQ(alert["change_time"], rfc3339(t0));
  }
  EXPECT_EQ(all["bdb_crdt_src_high_syncer_lag"]["threshold"], "600");
  EXPECT_EQ(all["bdb_crdt_src_syncer_connection_error"]["change_value"],
            (json{{"state", false}, {"threshold", "0"}}));
  const json db = ev.render_database(crdt_kind, 1);
  EXPECT_EQ(db.size(), 2u);
  EXPECT_EQ(db["2"], all);
  EXPECT_EQ(ev.render_database(crdt_kind, 9), json::object());
}

TEST(sync_alerts, an_unreachable_participant_raises_the_connection_error_then_the_lag) {
  registry_data d = synced_cluster();
  set_participant_reachable(d.active_active, rc2, false, t0 + 100);

  // At once: the connection error (threshold 0), not the lag.
  const alert_value connection = crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 100);
  EXPECT_TRUE(connection.state);
  EXPECT_EQ(connection.change_time, t0 + 100);
  EXPECT_EQ(connection.severity, "WARNING");
  EXPECT_EQ(connection.change_value, (json{{"state", true}, {"threshold", "0"}}));
  EXPECT_FALSE(crdt_alert(d, "bdb_crdt_src_high_syncer_lag", t0 + 100).state);

  // The lag once the outage is longer than its 600 s.
  EXPECT_FALSE(crdt_alert(d, "bdb_crdt_src_high_syncer_lag", t0 + 700).state);
  const alert_value lag = crdt_alert(d, "bdb_crdt_src_high_syncer_lag", t0 + 701);
  EXPECT_TRUE(lag.state);
  EXPECT_EQ(lag.change_time, t0 + 700);
  EXPECT_FALSE(crdt_alert(d, "bdb_crdt_src_syncer_general_error", t0 + 5000).state);

  // The other participant's source syncs on.
  const sync_source source_3{3, rc3};
  EXPECT_FALSE(crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 701, source_3).state);

  // Reachable again: both cleared at that moment, and kept so.
  set_participant_reachable(d.active_active, rc2, true, t0 + 1000);
  EXPECT_TRUE(d.active_active.unreachable.empty());
  EXPECT_EQ(d.active_active.recovered.at(rc2), (participant_outage{t0 + 100, t0 + 1000}));
  for (const char* name :
       {"bdb_crdt_src_syncer_connection_error", "bdb_crdt_src_high_syncer_lag"}) {
    const alert_value v = crdt_alert(d, name, t0 + 2000);
    EXPECT_FALSE(v.state) << name;
    EXPECT_EQ(v.change_time, t0 + 1000) << name;
    EXPECT_EQ(v.severity, "INFO") << name;
  }
  const sync_alert_evaluator ev(d, t0 + 2000);
  const alert_def& lag_def = sync_def(crdt_kind, "bdb_crdt_src_high_syncer_lag");
  EXPECT_EQ(ev.transitions(crdt_kind, lag_def, 1, source_2),
            (std::vector<std::pair<double, bool>>{{t0 + 700, true}, {t0 + 1000, false}}));

  // A second, short outage raises the connection error again but not the
  // lag, which keeps the first outage's clear.
  set_participant_reachable(d.active_active, rc2, false, t0 + 3000);
  set_participant_reachable(d.active_active, rc2, false, t0 + 3005);  // keeps the first mark
  EXPECT_EQ(crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 3010).change_time,
            t0 + 3000);
  EXPECT_EQ(crdt_alert(d, "bdb_crdt_src_high_syncer_lag", t0 + 3010).change_time, t0 + 1000);
  set_participant_reachable(d.active_active, rc2, true, t0 + 3020);
  const alert_value short_lag = crdt_alert(d, "bdb_crdt_src_high_syncer_lag", t0 + 3030);
  EXPECT_FALSE(short_lag.state);
  EXPECT_EQ(short_lag.change_time, t0);  // that outage never raised it
  EXPECT_TRUE(
      sync_alert_evaluator(d, t0 + 3030).transitions(crdt_kind, lag_def, 1, source_2).empty());
  EXPECT_EQ(crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 3030).change_time,
            t0 + 3020);
}

TEST(sync_alerts, the_database_thresholds_apply_to_each_source) {
  registry_data d = synced_cluster();
  d.alerts.bdb_settings[1]["bdb_crdt_src_syncer_connection_error"] = {true, "30"};
  d.alerts.bdb_settings[1]["bdb_crdt_src_high_syncer_lag"] = {true, "60"};
  set_participant_reachable(d.active_active, rc2, false, t0 + 100);
  set_participant_reachable(d.active_active, rc3, false, t0 + 200);

  EXPECT_FALSE(crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 129).state);
  const alert_value connection = crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 130);
  EXPECT_TRUE(connection.state);
  EXPECT_TRUE(connection.enabled);
  EXPECT_EQ(connection.change_time, t0 + 130);
  EXPECT_EQ(connection.threshold, "30");
  const sync_alert_evaluator ev(d, t0 + 261);
  const json db = ev.render_database(crdt_kind, 1);
  EXPECT_EQ(db["2"]["bdb_crdt_src_high_syncer_lag"]["change_time"], rfc3339(t0 + 160));
  EXPECT_EQ(db["3"]["bdb_crdt_src_high_syncer_lag"]["change_time"], rfc3339(t0 + 260));
  EXPECT_EQ(db["3"]["bdb_crdt_src_high_syncer_lag"]["threshold"], "60");

  // An outage that began before the database: raised from its creation.
  registry_data early = synced_cluster();
  set_participant_reachable(early.active_active, rc2, false, t0 - 50);
  EXPECT_EQ(crdt_alert(early, "bdb_crdt_src_syncer_connection_error", t0 + 10).change_time, t0);
}

TEST(sync_alerts, a_forced_state_wins_and_replica_sources_follow_only_it) {
  registry_data d = synced_cluster();
  const sync_source first_replica{1, "redis://:pw@10.0.0.1:12000"};
  const alert_def& general = sync_def(replica_kind, "bdb_replica_src_syncer_general_error");
  EXPECT_FALSE(
      sync_alert_evaluator(d, t0 + 50).evaluate(replica_kind, general, 1, first_replica).state);
  // Replica Of syncing is not modelled: the participants' reachability
  // does not reach it.
  set_participant_reachable(d.active_active, first_replica.uri, false, t0 + 10);
  EXPECT_FALSE(sync_alert_evaluator(d, t0 + 5000)
                   .evaluate(replica_kind,
                             sync_def(replica_kind, "bdb_replica_src_syncer_connection_error"), 1,
                             first_replica)
                   .state);

  d.alerts.forced[sync_alert_key(replica_kind, 1, 1, general.name)] = {true, t0 + 30};
  EXPECT_FALSE(
      sync_alert_evaluator(d, t0 + 20).evaluate(replica_kind, general, 1, first_replica).state);
  const alert_value v =
      sync_alert_evaluator(d, t0 + 50).evaluate(replica_kind, general, 1, first_replica);
  EXPECT_TRUE(v.state);
  EXPECT_TRUE(v.forced);
  EXPECT_EQ(v.change_time, t0 + 30);
  // Only that source's.
  EXPECT_FALSE(sync_alert_evaluator(d, t0 + 50)
                   .evaluate(replica_kind, general, 1, sync_source{7, "redis://10.0.0.2:12001"})
                   .state);

  // A forced clear holds a CRDT source's alert down through an outage.
  set_participant_reachable(d.active_active, rc2, false, t0 + 100);
  d.alerts.forced[sync_alert_key(crdt_kind, 1, 2, "bdb_crdt_src_syncer_connection_error")] = {
      false, t0 + 150};
  EXPECT_TRUE(crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 120).state);
  EXPECT_FALSE(crdt_alert(d, "bdb_crdt_src_syncer_connection_error", t0 + 160).state);
}

TEST(sync_alerts, the_log_shows_the_transitions_of_enabled_source_alerts) {
  registry_data d = synced_cluster();
  event_log log;
  add_sync_alert_transitions(log, d, t0 + 2000);
  EXPECT_TRUE(log.empty());  // no outage

  set_participant_reachable(d.active_active, rc2, false, t0 + 100);
  set_participant_reachable(d.active_active, rc2, true, t0 + 1000);
  add_sync_alert_transitions(log, d, t0 + 2000);
  EXPECT_TRUE(log.empty());  // not enabled

  d.alerts.bdb_settings[1]["bdb_crdt_src_syncer_connection_error"] = {true, "0"};
  add_sync_alert_transitions(log, d, t0 + 2000);
  ASSERT_EQ(log.size(), 2u);
  auto it = log.begin();
  EXPECT_EQ(it->time, t0 + 100);
  EXPECT_EQ(it->fields, (json{{"bdb_uid", "1"},
                              {"crdt_src_id", "2"},
                              {"severity", "WARNING"},
                              {"state", true},
                              {"threshold", "0"},
                              {"type", "bdb_crdt_src_syncer_connection_error"}}));
  ++it;
  EXPECT_EQ(it->time, t0 + 1000);
  EXPECT_EQ(it->fields["state"], false);
  EXPECT_EQ(it->fields["severity"], "INFO");

  // A forced alert is the control API's: its events are recorded there.
  d.alerts.forced[sync_alert_key(crdt_kind, 1, 2, "bdb_crdt_src_syncer_connection_error")] = {
      false, t0 + 50};
  event_log none;
  add_sync_alert_transitions(none, d, t0 + 2000);
  EXPECT_TRUE(none.empty());

  event_log control;
  record_sync_alert_event(control, replica_kind,
                          sync_def(replica_kind, "bdb_replica_src_syncer_general_error"), 1, 7,
                          true, "0", t0 + 5);
  ASSERT_EQ(control.size(), 1u);
  EXPECT_EQ(control.begin()->fields, (json{{"bdb_uid", "1"},
                                           {"replica_src_id", "7"},
                                           {"severity", "WARNING"},
                                           {"state", true},
                                           {"threshold", "0"},
                                           {"type", "bdb_replica_src_syncer_general_error"}}));
}

TEST(sync_alerts, the_last_outage_round_trips_through_the_store_record) {
  crdb_store s;
  set_participant_reachable(s, rc2, true, t0);  // never down: nothing kept
  EXPECT_TRUE(s.recovered.empty());
  set_participant_reachable(s, rc2, false, t0 + 1.5);
  set_participant_reachable(s, rc2, true, t0 + 9.25);
  set_participant_reachable(s, rc3, false, t0 + 4);
  const auto back = crdb_store_from_record(crdb_store_record(s), "active_active");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(*back, s);
  for (const char* bad :
       {R"({"recovered":[{"url":"u","from":5}]})", R"({"recovered":[{"url":"u","from":5,"to":4}]})",
        R"({"recovered":{}})"}) {
    EXPECT_FALSE(crdb_store_from_record(json::parse(bad), "active_active")) << bad;
  }
}
