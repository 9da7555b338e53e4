// Unit tests for the cluster options (src/model/cluster_options.cpp): the
// policy's defaults and checks, the uptime text, the services' operations
// and the state file's record.
#include "reemu/model/cluster_options.hpp"

#include <gtest/gtest.h>

using namespace reemu;

namespace {

TEST(cluster_options, uptime_reads_like_a_python_timedelta) {
  EXPECT_EQ(service_uptime(0), "0:00:00");
  EXPECT_EQ(service_uptime(59.9), "0:00:59");
  EXPECT_EQ(service_uptime(3600 + 62), "1:01:02");
  EXPECT_EQ(service_uptime(86400), "1 day, 0:00:00");
  EXPECT_EQ(service_uptime(3 * 86400 + 3539), "3 days, 0:58:59");
  EXPECT_EQ(service_uptime(-5), "0:00:00");
}

TEST(cluster_options, the_policy_checks_every_key) {
  const json& fresh = default_cluster_policy();
  EXPECT_EQ(fresh["default_shards_placement"], "dense");
  EXPECT_EQ(fresh["login_lockout_threshold"], 5);
  EXPECT_TRUE(read_policy_update(json{{"default_shards_placement", "sparse"}}));
  EXPECT_TRUE(read_policy_update(json::object()));
  for (const json& bad :
       {json::array(), json{{"nope", 1}}, json{{"rack_aware", 1}},
        json{{"max_simultaneous_backups", -1}}, json{{"redis_upgrade_policy", "newest"}},
        json{{"default_provisioned_redis_version", "9.9"}}}) {
    const auto r = read_policy_update(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().error, api_error::invalid_schema) << bad;
  }
  cluster_options o;
  o.policy = *read_policy_update(json{{"rack_aware", true}});
  const json p = cluster_policy_object(o);
  EXPECT_EQ(p["rack_aware"], true);
  EXPECT_EQ(p.size(), fresh.size());
}

TEST(cluster_options, services_stop_and_start_on_the_clock) {
  cluster_options o;
  const auto op =
      read_service_operation(json{{"operation_type", "stop"}, {"services", {"alert_mgr", "ccs"}}});
  ASSERT_TRUE(op);
  EXPECT_EQ(apply_service_operation(o, *op, 100), json({{"alert_mgr", true}, {"ccs", true}}));
  json listed = local_services_object(o, 0, 200);
  EXPECT_EQ(listed["alert_mgr"], json({{"status", "STOPPED"}}));
  EXPECT_EQ(listed["cm_server"]["uptime"], "0:03:20");
  const auto start = read_service_operation(
      json{{"operation_type", "start"}, {"services", {"alert_mgr", "cm_server"}}});
  ASSERT_TRUE(start);
  apply_service_operation(o, *start, 300);
  listed = local_services_object(o, 0, 310);
  EXPECT_EQ(listed["alert_mgr"]["uptime"], "0:00:10");  // started at 300
  EXPECT_EQ(listed["cm_server"]["uptime"], "0:05:10");  // was running: untouched
  EXPECT_FALSE(read_service_operation(json{{"operation_type", "stop"}, {"services", {"x"}}}));
  EXPECT_FALSE(
      read_service_operation(json{{"operation_type", "stop"}, {"services", json::array()}}));
  const auto kill = read_service_operation(json{{"operation_type", "kill"}, {"services", {"ccs"}}});
  ASSERT_FALSE(kill);
  EXPECT_EQ(kill.error().description,
            "Field 'operation_type' must be one of start, stop, restart, got \"kill\"");
  const auto none = read_service_operation(json{{"services", {"ccs"}}});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().description,
            "Field 'operation_type' is required: one of start, stop, restart");
}

TEST(cluster_options, the_record_reads_back) {
  cluster_options o;
  o.policy = json{{"auto_recovery", true}};
  o.services_config = json{{"mdns_server", {{"operating_mode", "disabled"}}}};
  o.ocsp = json{{"query_frequency", 120}};
  o.service_started["ccs"] = 12.5;
  o.services_stopped.insert("alert_mgr");
  const auto back = cluster_options_from_record(cluster_options_record(o), "cluster_options");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(*back, o);
  EXPECT_FALSE(cluster_options_from_record(json{{"policy", {{"nope", 1}}}}, "cluster_options"));
  EXPECT_FALSE(
      cluster_options_from_record(json{{"services_stopped", {"nope"}}}, "cluster_options"));
  EXPECT_FALSE(cluster_options_from_record(json{{"ocsp", {{"responder_url", "x"}}}}, "c"));
}

}  // namespace
