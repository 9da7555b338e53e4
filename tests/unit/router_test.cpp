// Unit tests for route matching and path splitting (src/router.cpp) over the real route table
// (app.hpp).
#include "reemu/http/router.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/app/app.hpp"
#include "reemu/auth/permissions.hpp"
#include "reemu/config/config.hpp"

using namespace reemu;
using http_t::verb;

namespace {

using kind = route_match::kind;

struct match_case {
  verb method;
  std::string_view path;
  kind result;
  std::string_view pattern_or_allow;  // the pattern when found, the Allow header for 405
};

route_match match_path(const router& r, verb method, std::string_view path) {
  const auto segments = path_segments(path);
  EXPECT_TRUE(segments.has_value()) << path;
  return r.match(method, segments.value_or(std::vector<std::string>{}));
}

std::string describe(const match_case& c) {
  return std::string(http_t::to_string(c.method)) + " " + std::string(c.path);
}

}  // namespace

TEST(router, table_of_routes) {
  const config cfg;
  const router r(all_routes(cfg));
  constexpr std::array cases = {
      // The emulated API.
      match_case{verb::get, "/v1/actions", kind::found, "/v1/actions"},
      match_case{verb::head, "/v1/actions", kind::found, "/v1/actions"},
      match_case{verb::get, "/v1/actions/", kind::found, "/v1/actions"},
      match_case{verb::get, "/v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763", kind::found,
                 "/v1/actions/{uid}"},
      match_case{verb::head, "/v1/actions/x", kind::found, "/v1/actions/{uid}"},
      match_case{verb::get, "/v1/actions/bdb/1", kind::found, "/v1/actions/bdb/{bdb_uid}"},
      match_case{verb::get, "/v1/actions/bdb/abc", kind::found, "/v1/actions/bdb/{bdb_uid}"},
      match_case{verb::get, "/v2/actions", kind::found, "/v2/actions"},
      match_case{verb::get, "/v2/actions/x", kind::found, "/v2/actions/{uid}"},
      match_case{verb::get, "/emulator/v1/health", kind::found, "/emulator/v1/health"},
      match_case{verb::head, "/emulator/v1/health", kind::found, "/emulator/v1/health"},
      match_case{verb::post, "/v1/actions", kind::method_not_allowed, "GET, HEAD"},
      match_case{verb::delete_, "/v1/actions/x", kind::method_not_allowed, "GET, HEAD"},
      match_case{verb::put, "/v2/actions", kind::method_not_allowed, "GET, HEAD"},
      match_case{verb::options, "/v1/actions/bdb/1", kind::method_not_allowed, "GET, HEAD"},
      match_case{verb::post, "/emulator/v1/health", kind::method_not_allowed, "GET, HEAD"},
      match_case{verb::get, "/", kind::not_found, ""},
      match_case{verb::get, "/v1", kind::not_found, ""},
      match_case{verb::get, "/v3/actions", kind::not_found, ""},
      match_case{verb::get, "/v1/Actions", kind::not_found, ""},
      match_case{verb::get, "/v1/actions/a/b", kind::not_found, ""},
      match_case{verb::get, "/v1/actions/bdb/1/2", kind::not_found, ""},
      match_case{verb::post, "/nothing/here", kind::not_found, ""},
      // The control API.
      match_case{verb::post, "/emulator/v1/actions", kind::found, "/emulator/v1/actions"},
      match_case{verb::get, "/emulator/v1/actions", kind::found, "/emulator/v1/actions"},
      match_case{verb::put, "/emulator/v1/actions", kind::method_not_allowed, "GET, HEAD, POST"},
      match_case{verb::patch, "/emulator/v1/actions/x", kind::found, "/emulator/v1/actions/{uid}"},
      match_case{verb::delete_, "/emulator/v1/actions/x", kind::found,
                 "/emulator/v1/actions/{uid}"},
      match_case{verb::get, "/emulator/v1/actions/x", kind::method_not_allowed, "PATCH, DELETE"},
      match_case{verb::get, "/emulator/v1/templates", kind::found, "/emulator/v1/templates"},
      match_case{verb::get, "/emulator/v1/clock", kind::found, "/emulator/v1/clock"},
      match_case{verb::post, "/emulator/v1/clock/advance", kind::found,
                 "/emulator/v1/clock/advance"},
      match_case{verb::get, "/emulator/v1/clock/advance", kind::method_not_allowed, "POST"},
      match_case{verb::post, "/emulator/v1/reset", kind::found, "/emulator/v1/reset"},
      match_case{verb::get, "/emulator/v1/users", kind::found, "/emulator/v1/users"},
      match_case{verb::post, "/emulator/v1/users", kind::found, "/emulator/v1/users"},
      match_case{verb::delete_, "/emulator/v1/users", kind::method_not_allowed, "GET, HEAD, POST"},
      match_case{verb::patch, "/emulator/v1/users/a@b.c", kind::found,
                 "/emulator/v1/users/{email}"},
      match_case{verb::delete_, "/emulator/v1/databases/3", kind::found,
                 "/emulator/v1/databases/{uid}"},
      match_case{verb::post, "/emulator/v1/databases", kind::found, "/emulator/v1/databases"},
      match_case{verb::get, "/emulator/v1/requests", kind::found, "/emulator/v1/requests"},
      match_case{verb::delete_, "/emulator/v1/requests", kind::found, "/emulator/v1/requests"},
      match_case{verb::post, "/emulator/v1/requests", kind::method_not_allowed,
                 "GET, HEAD, DELETE"},
      match_case{verb::put, "/emulator/v1/faults", kind::method_not_allowed,
                 "GET, HEAD, POST, DELETE"},
      match_case{verb::delete_, "/emulator/v1/faults/7", kind::found, "/emulator/v1/faults/{id}"},
      match_case{verb::get, "/emulator/v1/metrics", kind::found, "/emulator/v1/metrics"},
      match_case{verb::get, "/v1/license", kind::found, "/v1/license"},
      match_case{verb::post, "/v1/license", kind::method_not_allowed, "GET, HEAD, PUT"},
      match_case{verb::get, "/v1/license/usage", kind::not_found, ""},
      match_case{verb::get, "/v1/bdbs/1/availability", kind::found, "/v1/bdbs/{uid}/availability"},
      match_case{verb::get, "/v1/local/bdbs/1/endpoint/availability", kind::found,
                 "/v1/local/bdbs/{uid}/endpoint/availability"},
      match_case{verb::put, "/emulator/v1/databases/1/availability", kind::found,
                 "/emulator/v1/databases/{uid}/availability"},
      match_case{verb::put, "/emulator/v1/license", kind::found, "/emulator/v1/license"},
      match_case{verb::post, "/emulator/v1/metrics", kind::method_not_allowed, "GET, HEAD"},
      match_case{verb::get, "/emulator/ui", kind::found, "/emulator/ui"},
      match_case{verb::get, "/emulator/ui/", kind::found, "/emulator/ui"},
      match_case{verb::get, "/emulator/ui/x", kind::not_found, ""},
      match_case{verb::get, "/emulator/v1/nope", kind::not_found, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(describe(c));
    const route_match m = match_path(r, c.method, c.path);
    EXPECT_EQ(m.result, c.result);
    switch (c.result) {
      case kind::found:
        ASSERT_NE(m.route, nullptr);
        EXPECT_EQ(m.route->pattern, c.pattern_or_allow);
        EXPECT_TRUE(m.allow.empty());
        break;
      case kind::method_not_allowed:
        EXPECT_EQ(m.route, nullptr);
        EXPECT_EQ(m.allow, c.pattern_or_allow);
        break;
      case kind::not_found:
        EXPECT_EQ(m.route, nullptr);
        EXPECT_TRUE(m.allow.empty());
        break;
    }
  }
}

TEST(router, head_matches_the_get_route_and_handler) {
  const config cfg;
  const router r(all_routes(cfg));
  const route_match get = match_path(r, verb::get, "/v2/actions/abc");
  const route_match head = match_path(r, verb::head, "/v2/actions/abc");
  ASSERT_EQ(get.result, kind::found);
  ASSERT_EQ(head.result, kind::found);
  EXPECT_EQ(get.route, head.route);
  EXPECT_EQ(head.route->method, verb::get);
}

TEST(router, captures_are_decoded_parameters) {
  const config cfg;
  const router r(all_routes(cfg));
  struct row {
    std::string_view path;
    std::string_view name;
    std::string_view value;
  };
  constexpr std::array rows = {
      row{"/v1/actions/8fc32a11-4688-4057-9237-cd77fccd726f", "uid",
          "8fc32a11-4688-4057-9237-cd77fccd726f"},
      row{"/v1/actions/a%20b", "uid", "a b"},
      row{"/v1/actions/a%2Fb", "uid", "a/b"},
      row{"/v1/actions/bdb/12", "bdb_uid", "12"},
      row{"/v2/actions/%41", "uid", "A"},
      row{"/v1/actions/x?y=1", "uid", "x"},
  };
  for (const auto& c : rows) {
    SCOPED_TRACE(c.path);
    const route_match m = match_path(r, verb::get, c.path);
    ASSERT_EQ(m.result, kind::found);
    ASSERT_EQ(m.params.size(), 1u);
    EXPECT_EQ(m.params[0].first, c.name);
    EXPECT_EQ(m.params[0].second, c.value);
  }
  const route_match email = match_path(r, verb::patch, "/emulator/v1/users/a%40b.c");
  ASSERT_EQ(email.result, kind::found);
  ASSERT_EQ(email.params.size(), 1u);
  EXPECT_EQ(email.params[0].second, "a@b.c");
}

// Public, read-only emulator routes: no authentication, kept when the
// control API is off (container health checks, the API description).
bool is_public(std::string_view p) {
  return p == "/emulator/v1/health" || p == "/emulator/v1/openapi.json" ||
         p == "/emulator/v1/openapi.yaml" || p == "/v1/bootstrap";
}

TEST(router, route_permissions) {
  const config cfg;
  for (const route& r : all_routes(cfg)) {
    SCOPED_TRACE(r.pattern);
    ASSERT_NE(r.handler, nullptr);
    const std::string_view p = r.pattern;
    if (is_public(p)) {
      EXPECT_EQ(r.access, access::public_route());  // no authentication
    } else if (p == "/v1/local/services" || p == "/v1/services") {
      // No permission listed: reading the local services is any user's,
      // operating them the admin's (the reference's reading).
      EXPECT_EQ(r.access, r.method == http_t::verb::get ? access::any_user() : access::admin());
    } else if (p.starts_with("/emulator/")) {
      EXPECT_EQ(r.access, control_api_access);
      EXPECT_EQ(r.access.kind, access_kind::admin);
    } else if (p.starts_with("/v1/bdbs") || p.starts_with("/v1/shards") ||
               p.starts_with("/v1/modules")) {
      // The Redis Software reference's permission for each database, shard
      // and module route.
      const std::string key = std::string(http_t::to_string(r.method)) + " " + std::string(p);
      const std::map<std::string, std::string_view> expected = {
          {"GET /v1/bdbs", "view_all_bdbs_info"},
          {"POST /v1/bdbs", "create_bdb"},
          {"GET /v1/bdbs/{uid}", "view_bdb_info"},
          {"PUT /v1/bdbs/{uid}", "update_bdb"},
          {"DELETE /v1/bdbs/{uid}", "delete_bdb"},
          {"PUT /v1/bdbs/{uid}/flush", "update_bdb_with_action"},
          {"PUT /v1/bdbs/{uid}/actions/rebalance", "update_bdb_with_action"},
          {"PUT /v1/bdbs/{uid}/actions/revamp", "update_bdb_with_action"},
          {"GET /v1/bdbs/{uid}/actions/optimize_shards_placement", "view_bdb_info"},
          {"POST /v1/bdbs/{uid}/upgrade", "update_bdb_with_action"},
          {"POST /v1/bdbs/{uid}/actions/stop_traffic", "update_bdb_with_action"},
          {"POST /v1/bdbs/{uid}/actions/resume_traffic", "update_bdb_with_action"},
          {"GET /v1/bdbs/{uid}/actions/recover", "view_bdb_recovery_plan"},
          {"POST /v1/bdbs/{uid}/actions/recover", "start_bdb_recovery"},
          {"POST /v1/bdbs/{uid}/actions/export", "start_bdb_export"},
          {"POST /v1/bdbs/{uid}/actions/import", "start_bdb_import"},
          {"POST /v1/bdbs/{uid}/command", "update_bdb_with_action"},
          {"GET /v1/bdbs/{uid}/availability", "view_bdb_info"},
          {"GET /v1/bdbs/{uid}/sync_source_stats", "view_bdb_stats"},
          {"GET /v1/bdbs/{uid}/syncer_state", "view_bdb_info"},
          {"GET /v1/bdbs/{uid}/syncer_state/crdt", "view_bdb_info"},
          {"GET /v1/shards", "view_all_shard_stats"},
          {"GET /v1/shards/{uid}", "view_shard_stats"},
          {"POST /v1/shards/actions/migrate", "migrate_shard"},
          {"POST /v1/shards/actions/failover", "failover_shard"},
          {"POST /v1/shards/{uid}/actions/migrate", "migrate_shard"},
          {"POST /v1/shards/{uid}/actions/failover", "failover_shard"},
          {"GET /v1/modules", "view_cluster_modules"},
          {"GET /v1/modules/{uid}", "view_cluster_modules"},
          {"GET /v1/bdbs/stats", "view_all_bdb_stats"},
          {"GET /v1/bdbs/stats/last", "view_all_bdb_stats"},
          {"GET /v1/bdbs/stats/{uid}", "view_bdb_stats"},
          {"GET /v1/bdbs/stats/last/{uid}", "view_bdb_stats"},
          {"GET /v1/bdbs/alerts", "view_all_bdbs_alerts"},
          {"GET /v1/bdbs/alerts/{uid}", "view_bdb_alerts"},
          {"POST /v1/bdbs/alerts/{uid}", "update_bdb_alerts"},
          {"GET /v1/bdbs/alerts/{uid}/{alert}", "view_bdb_alerts"},
          {"GET /v1/bdbs/crdt_sources/alerts", "view_all_bdbs_alerts"},
          {"GET /v1/bdbs/crdt_sources/alerts/{uid}", "view_bdb_alerts"},
          {"GET /v1/bdbs/crdt_sources/alerts/{uid}/{crdt_src_id}", "view_bdb_alerts"},
          {"GET /v1/bdbs/crdt_sources/alerts/{uid}/{crdt_src_id}/{alert}", "view_bdb_alerts"},
          {"GET /v1/bdbs/replica_sources/alerts", "view_all_bdbs_alerts"},
          {"GET /v1/bdbs/replica_sources/alerts/{uid}", "view_bdb_alerts"},
          {"GET /v1/bdbs/replica_sources/alerts/{uid}/{replica_src_id}", "view_bdb_alerts"},
          {"GET /v1/bdbs/replica_sources/alerts/{uid}/{replica_src_id}/{alert}", "view_bdb_alerts"},
          {"GET /v1/shards/stats", "view_all_shard_stats"},
          {"GET /v1/shards/stats/last", "view_all_shard_stats"},
          {"GET /v1/shards/stats/{uid}", "view_shard_stats"},
          {"GET /v1/shards/stats/last/{uid}", "view_shard_stats"},
      };
      ASSERT_TRUE(expected.contains(key)) << key;
      EXPECT_EQ(r.access, access::needs(expected.at(key))) << key;
    } else if (p.starts_with("/v1/nodes") || p.starts_with("/v1/cluster")) {
      // The reference's permission for each node and cluster route.
      const std::string key = std::string(http_t::to_string(r.method)) + " " + std::string(p);
      const std::map<std::string, std::string_view> expected = {
          {"GET /v1/nodes", "view_all_nodes_info"},
          {"GET /v1/nodes/actions", "view_status_of_all_node_actions"},
          {"GET /v1/nodes/{uid}", "view_node_info"},
          {"GET /v1/nodes/{uid}/actions", "view_status_of_node_action"},
          {"GET /v1/nodes/{uid}/actions/{action}", "view_status_of_node_action"},
          {"POST /v1/nodes/{uid}/actions/{action}", "start_node_action"},
          {"DELETE /v1/nodes/{uid}/actions/{action}", "cancel_node_action"},
          {"GET /v1/cluster", "view_cluster_info"},
          {"PUT /v1/cluster", "update_cluster"},
          {"GET /v1/cluster/actions", "view_status_of_cluster_action"},
          {"GET /v1/cluster/actions/{action}", "view_status_of_cluster_action"},
          {"POST /v1/cluster/actions/{action}", "start_cluster_action"},
          {"DELETE /v1/cluster/actions/{action}", "cancel_cluster_action"},
          {"GET /v1/cluster/certificates", "view_cluster_info"},
          {"PUT /v1/cluster/certificates", "update_cluster"},
          {"POST /v1/cluster/certificates/rotate", "update_cluster"},
          {"DELETE /v1/cluster/certificates/{name}", "update_cluster"},
          {"GET /v1/cluster/policy", "view_cluster_info"},
          {"PUT /v1/cluster/policy", "update_cluster"},
          {"PUT /v1/cluster/policy/restore_default", "update_cluster"},
          {"GET /v1/cluster/services_configuration", "view_cluster_info"},
          {"PUT /v1/cluster/services_configuration", "update_cluster"},
          {"PUT /v1/cluster/update_cert", "update_cluster"},
          {"GET /v1/nodes/stats", "view_all_nodes_stats"},
          {"GET /v1/nodes/stats/last", "view_all_nodes_stats"},
          {"GET /v1/nodes/stats/{uid}", "view_node_stats"},
          {"GET /v1/nodes/stats/last/{uid}", "view_node_stats"},
          {"GET /v1/cluster/stats", "view_cluster_stats"},
          {"GET /v1/cluster/stats/last", "view_cluster_stats"},
          {"GET /v1/nodes/alerts", "view_all_nodes_alerts"},
          {"GET /v1/nodes/alerts/{uid}", "view_node_alerts"},
          {"GET /v1/nodes/alerts/{uid}/{alert}", "view_node_alerts"},
          {"GET /v1/cluster/alerts", "view_cluster_alerts"},
          {"GET /v1/cluster/alerts/{alert}", "view_cluster_alerts"},
      };
      ASSERT_TRUE(expected.contains(key)) << key;
      EXPECT_EQ(r.access, access::needs(expected.at(key))) << key;
    } else if (p.starts_with("/v1/users") || p.starts_with("/v1/roles")) {
      // The reference's permission for each user and role route; "" for the
      // routes any authenticated user may call (the JWT routes, the
      // caller's own role and permissions, passwords, and a user's own
      // record, whose handler checks view_user_info and update_user for
      // another's).
      const std::string key = std::string(http_t::to_string(r.method)) + " " + std::string(p);
      const std::map<std::string, std::string_view> expected = {
          {"POST /v1/users/authorize", ""},
          {"POST /v1/users/refresh_jwt", ""},
          {"GET /v1/users/role", ""},
          {"GET /v1/users/permissions", ""},
          {"GET /v1/users/permissions/{role}", ""},
          {"PUT /v1/users/password", ""},
          {"POST /v1/users/password", ""},
          {"DELETE /v1/users/password", ""},
          {"GET /v1/users", "view_all_users_info"},
          {"POST /v1/users", "create_new_user"},
          {"GET /v1/users/{uid}", ""},
          {"PUT /v1/users/{uid}", ""},
          {"DELETE /v1/users/{uid}", "delete_user"},
          {"GET /v1/roles", "view_all_roles_info"},
          {"POST /v1/roles", "create_role"},
          {"GET /v1/roles/{uid}", "view_role_info"},
          {"PUT /v1/roles/{uid}", "update_role"},
          {"DELETE /v1/roles/{uid}", "delete_role"},
      };
      ASSERT_TRUE(expected.contains(key)) << key;
      const std::string_view permission = expected.at(key);
      EXPECT_EQ(r.access, permission.empty() ? access::any_user() : access::needs(permission))
          << key;
    } else if (p == "/v1/jsonschema") {
      EXPECT_EQ(r.access, access::any_user());  // the reference lists no permission
    } else if (p.starts_with("/v1/license") || p.starts_with("/v1/local/") ||
               p.starts_with("/v1/redis_acls") || p.starts_with("/v1/ldap_mappings") ||
               p.starts_with("/v1/proxies") || p.starts_with("/v1/ocsp") ||
               p.starts_with("/v1/suffix") || p.starts_with("/v1/logs")) {
      // The licence routes, the local endpoint's availability, and the
      // reference's permission for each Redis ACL and LDAP mapping route
      // (validate: create_redis_acl, as the OpenAPI document says).
      const std::string key = std::string(http_t::to_string(r.method)) + " " + std::string(p);
      const std::map<std::string, std::string_view> expected = {
          {"GET /v1/license", "view_license"},
          {"PUT /v1/license", "install_new_license"},
          {"GET /v1/local/bdbs/{uid}/endpoint/availability", "view_bdb_info"},
          {"GET /v1/redis_acls", "view_all_redis_acls_info"},
          {"POST /v1/redis_acls", "create_redis_acl"},
          {"POST /v1/redis_acls/validate", "create_redis_acl"},
          {"GET /v1/redis_acls/{uid}", "view_redis_acl_info"},
          {"PUT /v1/redis_acls/{uid}", "update_redis_acl"},
          {"DELETE /v1/redis_acls/{uid}", "delete_redis_acl"},
          {"GET /v1/ldap_mappings", "view_all_ldap_mappings_info"},
          {"POST /v1/ldap_mappings", "create_ldap_mapping"},
          {"GET /v1/ldap_mappings/{uid}", "view_ldap_mapping_info"},
          {"PUT /v1/ldap_mappings/{uid}", "update_ldap_mapping"},
          {"DELETE /v1/ldap_mappings/{uid}", "delete_ldap_mapping"},
          {"GET /v1/proxies", "view_all_proxies_info"},
          {"PUT /v1/proxies", "update_proxy"},
          {"GET /v1/proxies/{uid}", "view_proxy_info"},
          {"PUT /v1/proxies/{uid}", "update_proxy"},
          {"GET /v1/ocsp", "view_ocsp_config"},
          {"PUT /v1/ocsp", "config_ocsp"},
          {"GET /v1/ocsp/status", "view_ocsp_status"},
          {"POST /v1/ocsp/test", "test_ocsp_status"},
          {"GET /v1/suffixes", "view_cluster_info"},
          {"GET /v1/suffix/{name}", "view_cluster_info"},
          {"GET /v1/logs", "view_logged_events"},
      };
      ASSERT_TRUE(expected.contains(key)) << key;
      EXPECT_EQ(r.access, access::needs(expected.at(key))) << key;
    } else if (p.starts_with("/v1/crdb")) {
      // The reference's permission for each Active-Active route (cancel:
      // none listed, update_crdb's).
      const std::string key = std::string(http_t::to_string(r.method)) + " " + std::string(p);
      const std::map<std::string, std::string_view> expected = {
          {"GET /v1/crdbs", "view_crdb_list"},
          {"POST /v1/crdbs", "create_crdb"},
          {"GET /v1/crdbs/{crdb_guid}", "view_crdb"},
          {"PATCH /v1/crdbs/{crdb_guid}", "update_crdb"},
          {"DELETE /v1/crdbs/{crdb_guid}", "delete_crdb"},
          {"POST /v1/crdbs/{crdb_guid}/updates", "update_crdb"},
          {"PUT /v1/crdbs/{crdb_guid}/flush", "flush_crdb"},
          {"PUT /v1/crdbs/{crdb_guid}/purge", "purge_instance"},
          {"POST /v1/crdbs/{crdb_guid}/upgrade", "upgrade_crdb"},
          {"GET /v1/crdbs/{crdb_guid}/health_report", "view_crdb"},
          {"GET /v1/crdb_tasks", "view_crdb_task_list"},
          {"GET /v1/crdb_tasks/{task_id}", "view_crdb_task"},
          {"POST /v1/crdb_tasks/{task_id}/actions/cancel", "update_crdb"},
      };
      ASSERT_TRUE(expected.contains(key)) << key;
      EXPECT_EQ(r.access, access::needs(expected.at(key))) << key;
    } else if (p == "/v1/endpoints/stats") {
      EXPECT_EQ(r.access, access::needs("view_endpoint_stats"));
    } else {
      EXPECT_EQ(r.access, access::needs(view_status_of_cluster_action));
      EXPECT_EQ(r.method, verb::get);
    }
  }
}

TEST(router, control_routes_absent_when_disabled) {
  config cfg;
  cfg.emulator.control_api = false;
  const auto routes = all_routes(cfg);
  for (const route& r : routes)
    EXPECT_TRUE(!std::string_view(r.pattern).starts_with("/emulator/") || is_public(r.pattern))
        << r.pattern;
  const router r(routes);
  EXPECT_EQ(match_path(r, verb::post, "/emulator/v1/actions").result, kind::not_found);
  EXPECT_EQ(match_path(r, verb::get, "/emulator/v1/clock").result, kind::not_found);
  EXPECT_EQ(match_path(r, verb::post, "/emulator/v1/reset").result, kind::not_found);
  EXPECT_EQ(match_path(r, verb::get, "/emulator/v1/health").result, kind::found);
  EXPECT_EQ(match_path(r, verb::get, "/v1/actions").result, kind::found);

  cfg.emulator.control_api = true;
  EXPECT_GT(all_routes(cfg).size(), routes.size());
}

TEST(router, path_segments_table) {
  using segs = std::vector<std::string>;
  struct row {
    std::string_view target;
    std::optional<segs> expected;
  };
  const std::array rows = {
      row{"/", segs{}},
      row{"/v1/actions", segs{"v1", "actions"}},
      row{"/v1/actions/", segs{"v1", "actions"}},
      row{"/v1/actions?x=1&y=2", segs{"v1", "actions"}},
      row{"/v1/actions/?x=1", segs{"v1", "actions"}},
      row{"/v1/actions/a%20b", segs{"v1", "actions", "a b"}},
      row{"/v1/actions/a%2Fb", segs{"v1", "actions", "a/b"}},
      row{"/v1/actions/%7Bx%7D", segs{"v1", "actions", "{x}"}},
      row{"/a+b", segs{"a+b"}},  // '+' is literal in a path
      row{"//", std::nullopt},
      row{"/v1//actions", std::nullopt},
      row{"/v1/actions//", std::nullopt},
      row{"", std::nullopt},
      row{"v1/actions", std::nullopt},
      row{"*", std::nullopt},
      // Absolute form (RFC 9112 3.2.2): the path counts, scheme and host do not.
      row{"http://host:8080/v1/actions?x=1", segs{"v1", "actions"}},
      row{"https://host/v1/actions/a%2Fb", segs{"v1", "actions", "a/b"}},
      row{"http://host", std::nullopt},
      row{"mailto:a@b", std::nullopt},
      row{"/v1/act ions", std::nullopt},
      row{"/v1/actions ", std::nullopt},
      row{"/v1/actions#frag", std::nullopt},
      row{"/v1/%zz", std::nullopt},
      row{"/v1/%4", std::nullopt},
      row{"/v1/a%00b", std::nullopt},
      row{"/v1/\x01", std::nullopt},
  };
  for (const auto& c : rows) {
    SCOPED_TRACE(std::string("target: '") + std::string(c.target) + "'");
    const auto got = path_segments(c.target);
    ASSERT_EQ(got.has_value(), c.expected.has_value());
    if (got) {
      EXPECT_EQ(*got, *c.expected);
    }
  }
}

TEST(router, custom_table_first_match_and_allow_without_duplicates) {
  const auto h = [](const request_context&, services&) { return no_content(); };
  const std::vector<route> routes = {
      {verb::get, "/a/{x}", access::needs("p"), +h},
      {verb::get, "/a/literal", access::needs("p"), +h},
      {verb::put, "/a/{x}", access::needs("p"), +h},
      {verb::put, "/a/{y}", access::needs("p"), +h},
  };
  const router r(routes);
  const route_match first = r.match(verb::get, {"a", "literal"});
  ASSERT_EQ(first.result, kind::found);
  EXPECT_EQ(first.route->pattern, "/a/{x}");  // table order decides
  const route_match bad = r.match(verb::post, {"a", "z"});
  EXPECT_EQ(bad.result, kind::method_not_allowed);
  EXPECT_EQ(bad.allow, "GET, HEAD, PUT");
  EXPECT_EQ(r.match(verb::get, {"a"}).result, kind::not_found);
  EXPECT_EQ(r.match(verb::get, {}).result, kind::not_found);
}

// The families make up the table, in their order, and no family shadows
// another's route: a repeated (method, pattern) would never be reached.
TEST(router, all_routes_is_the_families_in_order_without_repeats) {
  config cfg;
  cfg.emulator.control_api = true;
  std::vector<route> expected;
  for (const route_family& f : route_families()) {
    SCOPED_TRACE(f.name);
    ASSERT_TRUE(f.enabled(cfg));
    const auto table = f.routes();
    EXPECT_FALSE(table.empty());
    expected.insert(expected.end(), table.begin(), table.end());
  }
  const auto routes = all_routes(cfg);
  ASSERT_EQ(routes.size(), expected.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    SCOPED_TRACE(routes[i].pattern);
    EXPECT_EQ(routes[i].pattern, expected[i].pattern);
    EXPECT_EQ(routes[i].method, expected[i].method);
    const std::string key =
        std::string(http_t::to_string(routes[i].method)) + " " + std::string(routes[i].pattern);
    EXPECT_TRUE(seen.insert(key).second) << "route repeated: " << key;
  }
}
