// Unit tests for the role -> permission table and the access predicate
// (src/auth/permissions.cpp).
#include "reemu/auth/permissions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "reemu/app/families.hpp"
#include "reemu/auth/access.hpp"

namespace reemu {
namespace {

struct grant_case {
  role r;
  std::string_view permission;
  bool granted;
};

std::string describe(const grant_case& c) {
  return std::string(to_string(c.r)) + " / " + std::string(c.permission);
}

TEST(permissions, view_status_of_cluster_action_is_granted_to_every_role_but_none) {
  constexpr std::array cases = {
      grant_case{role::admin, view_status_of_cluster_action, true},
      grant_case{role::cluster_member, view_status_of_cluster_action, true},
      grant_case{role::cluster_viewer, view_status_of_cluster_action, true},
      grant_case{role::db_member, view_status_of_cluster_action, true},
      grant_case{role::db_viewer, view_status_of_cluster_action, true},
      grant_case{role::user_manager, view_status_of_cluster_action, true},
      grant_case{role::none, view_status_of_cluster_action, false},
  };
  static_assert(cases.size() == 7);
  for (const grant_case& c : cases) {
    SCOPED_TRACE(describe(c));
    EXPECT_EQ(has_permission(c.r, c.permission), c.granted);
  }
}

TEST(permissions, known_rows_match_the_docs) {
  constexpr std::array cases = {
      grant_case{role::admin, "add_cluster_module", true},
      grant_case{role::admin, "config_sso", true},
      grant_case{role::admin, "start_cluster_action", true},

      grant_case{role::cluster_member, "create_bdb", true},
      grant_case{role::cluster_member, "view_all_metrics", true},
      grant_case{role::cluster_member, "view_cluster_keys", true},
      grant_case{role::cluster_member, "start_cluster_action", false},
      grant_case{role::cluster_member, "update_cluster", false},
      grant_case{role::cluster_member, "create_new_user", false},

      grant_case{role::cluster_viewer, "view_all_metrics", true},
      grant_case{role::cluster_viewer, "view_logged_events", true},
      grant_case{role::cluster_viewer, "create_bdb", false},
      grant_case{role::cluster_viewer, "view_redis_pass", false},
      grant_case{role::cluster_viewer, "view_debugging_info", false},

      grant_case{role::db_member, "create_bdb", true},
      grant_case{role::db_member, "failover_shard", true},
      grant_case{role::db_member, "view_redis_pass", true},
      grant_case{role::db_member, "view_all_metrics", false},
      grant_case{role::db_member, "view_cluster_keys", false},
      grant_case{role::db_member, "cancel_cluster_action", false},

      grant_case{role::db_viewer, "view_bdb_info", true},
      grant_case{role::db_viewer, "view_status_of_node_action", true},
      grant_case{role::db_viewer, "create_bdb", false},
      grant_case{role::db_viewer, "update_bdb", false},
      grant_case{role::db_viewer, "view_logged_events", false},
      grant_case{role::db_viewer, "view_redis_pass", false},

      grant_case{role::user_manager, "create_new_user", true},
      grant_case{role::user_manager, "delete_user", true},
      grant_case{role::user_manager, "install_new_license", true},
      grant_case{role::user_manager, "update_proxy", true},
      grant_case{role::user_manager, "view_all_users_info", true},
      grant_case{role::user_manager, "view_cluster_keys", true},
      grant_case{role::user_manager, "create_bdb", false},
      grant_case{role::user_manager, "update_cluster", false},
      grant_case{role::user_manager, "view_all_metrics", false},
      // The docs disagree on these two; permissions.cpp takes the narrower reading.
      grant_case{role::user_manager, "view_bdb_recovery_plan", false},
      grant_case{role::user_manager, "view_debugging_info", false},
  };
  for (const grant_case& c : cases) {
    SCOPED_TRACE(describe(c));
    ASSERT_TRUE(is_permission(c.permission));
    EXPECT_EQ(has_permission(c.r, c.permission), c.granted);
  }
}

TEST(permissions, admin_has_every_permission) {
  for (const std::string_view permission : all_permissions()) {
    SCOPED_TRACE(std::string(permission));
    EXPECT_TRUE(has_permission(role::admin, permission));
  }
}

TEST(permissions, none_has_no_permission) {
  for (const std::string_view permission : all_permissions()) {
    SCOPED_TRACE(std::string(permission));
    EXPECT_FALSE(has_permission(role::none, permission));
  }
}

TEST(permissions, narrower_roles_are_subsets_of_wider_ones) {
  struct subset_case {
    role narrower;
    role wider;
  };
  constexpr std::array cases = {
      subset_case{role::db_viewer, role::db_member},
      subset_case{role::db_viewer, role::cluster_viewer},
      subset_case{role::cluster_viewer, role::cluster_member},
      subset_case{role::db_member, role::cluster_member},
  };
  for (const subset_case& c : cases) {
    for (const std::string_view permission : all_permissions()) {
      if (has_permission(c.narrower, permission)) {
        SCOPED_TRACE(std::string(permission));
        EXPECT_TRUE(has_permission(c.wider, permission))
            << to_string(c.narrower) << " has it but " << to_string(c.wider) << " does not";
      }
    }
  }
}

TEST(permissions, all_permissions_is_sorted_and_unique) {
  const auto permissions = all_permissions();
  EXPECT_EQ(permissions.size(), 96U);  // upgrade_crdb: cluster-api-2.md 7
  EXPECT_TRUE(std::ranges::is_sorted(permissions));
  EXPECT_EQ(std::ranges::adjacent_find(permissions), permissions.end());
  EXPECT_TRUE(std::ranges::binary_search(permissions, view_status_of_cluster_action));
}

TEST(permissions, is_permission_accepts_known_names_only) {
  struct name_case {
    std::string_view name;
    bool known;
  };
  constexpr std::array cases = {
      name_case{"add_cluster_module", true},
      name_case{"view_user_info", true},
      name_case{"view_status_of_cluster_action", true},
      name_case{"start_cluster_action", true},
      name_case{"", false},
      name_case{"VIEW_USER_INFO", false},
      name_case{"view_user_info ", false},
      name_case{"view_status_of_cluster_actions", false},
      name_case{"view_status_of_cluster", false},
      name_case{"aaa", false},
      name_case{"zzz", false},
  };
  for (const name_case& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(is_permission(c.name), c.known);
  }
}

TEST(permissions, unknown_permission_is_granted_to_nobody) {
  constexpr std::array<std::string_view, 4> unknown = {"", "root", "View_Bdb_Info",
                                                       "view_status_of_cluster_actions"};
  for (const role r : all_roles()) {
    for (const std::string_view permission : unknown) {
      SCOPED_TRACE(std::string(to_string(r)) + " / " + std::string(permission));
      EXPECT_FALSE(has_permission(r, permission));
    }
  }
}

TEST(roles, all_roles_follow_the_enum) {
  constexpr std::array expected = {
      role::admin,     role::cluster_member, role::cluster_viewer, role::db_member,
      role::db_viewer, role::user_manager,   role::none,
  };
  EXPECT_TRUE(std::ranges::equal(all_roles(), expected));
}

TEST(roles, to_string_and_parse_role_round_trip) {
  struct name_case {
    role r;
    std::string_view name;
  };
  constexpr std::array cases = {
      name_case{role::admin, "admin"},
      name_case{role::cluster_member, "cluster_member"},
      name_case{role::cluster_viewer, "cluster_viewer"},
      name_case{role::db_member, "db_member"},
      name_case{role::db_viewer, "db_viewer"},
      name_case{role::user_manager, "user_manager"},
      name_case{role::none, "none"},
  };
  ASSERT_EQ(cases.size(), all_roles().size());
  for (const name_case& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(to_string(c.r), c.name);
    EXPECT_EQ(parse_role(c.name), c.r);
  }
}

TEST(roles, parse_role_rejects_other_names) {
  constexpr std::array<std::string_view, 8> rejected = {
      "", "Admin", "root", "ADMIN", "admin ", "db-viewer", "None", "user_managers"};
  for (const std::string_view name : rejected) {
    SCOPED_TRACE(std::string(name));
    EXPECT_EQ(parse_role(name), std::nullopt);
  }
}

// may_call for every role and every kind of access: one row per role, with
// what each of a public route, a permission route and an admin route admits.
TEST(access, may_call_table_for_every_role) {
  struct row {
    role r;
    bool public_route;
    bool view_status;  // access::needs(view_status_of_cluster_action)
    bool update_node;  // access::needs("update_node"), admin-only in the table
    bool create_user;  // access::needs("create_new_user"), admin and user_manager
    bool control_api;  // control_api_access
  };
  constexpr std::array rows = {
      row{role::admin, true, true, true, true, true},
      row{role::cluster_member, true, true, false, false, false},
      row{role::cluster_viewer, true, true, false, false, false},
      row{role::db_member, true, true, false, false, false},
      row{role::db_viewer, true, true, false, false, false},
      row{role::user_manager, true, true, false, true, false},
      row{role::none, true, false, false, false, false},
  };
  static_assert(rows.size() == 7);
  ASSERT_EQ(all_roles().size(), rows.size());
  for (const row& c : rows) {
    SCOPED_TRACE(to_string(c.r));
    EXPECT_EQ(may_call(c.r, access::public_route()), c.public_route);
    EXPECT_EQ(may_call(c.r, access::needs(view_status_of_cluster_action)), c.view_status);
    EXPECT_EQ(may_call(c.r, access::needs("update_node")), c.update_node);
    EXPECT_EQ(may_call(c.r, access::needs("create_new_user")), c.create_user);
    EXPECT_EQ(may_call(c.r, control_api_access), c.control_api);
  }
}

// A permission route decides exactly as the table does, for every row.
TEST(access, permission_access_is_the_table) {
  for (const role r : all_roles())
    for (const std::string_view p : all_permissions()) {
      SCOPED_TRACE(std::string(to_string(r)) + " / " + std::string(p));
      EXPECT_EQ(may_call(r, access::needs(p)), has_permission(r, p));
    }
}

TEST(access, unknown_permission_and_out_of_range_role_admit_nobody) {
  for (const role r : all_roles()) EXPECT_FALSE(may_call(r, access::needs("view_everything")));
  const auto bogus = static_cast<role>(200);
  EXPECT_FALSE(may_call(bogus, control_api_access));
  EXPECT_FALSE(may_call(bogus, access::needs(view_status_of_cluster_action)));
  EXPECT_FALSE(may_call(bogus, access{static_cast<access_kind>(9), {}}));
}

TEST(access, default_access_is_the_strictest) {
  EXPECT_EQ(access{}, access::admin());
  EXPECT_EQ(control_api_access, access::admin());
}

TEST(access, requirement_names_what_a_403_lacks) {
  EXPECT_EQ(requirement(access::needs("update_bdb")), "update_bdb");
  EXPECT_EQ(requirement(control_api_access), "admin (control API)");
  EXPECT_EQ(requirement(access::public_route()), "");
  EXPECT_EQ(requirement(access::any_user()), "any authenticated user");
}

// The JWT routes admit every role, `none` included: the reference gives them
// no permission.
TEST(access, any_user_admits_every_role) {
  for (const role r : all_roles()) EXPECT_TRUE(may_call(r, access::any_user())) << to_string(r);
}

// Every permission a route names is a row of the table: a typo would
// otherwise lock the route for every role, silently.
TEST(access, every_route_permission_is_in_the_table) {
  config cfg;
  cfg.emulator.control_api = true;
  std::size_t checked = 0;
  for (const route& r : all_routes(cfg)) {
    SCOPED_TRACE(r.pattern);
    if (r.access.kind != access_kind::permission) {
      EXPECT_TRUE(r.access.permission.empty()) << "a permission only a permission route reads";
      continue;
    }
    EXPECT_TRUE(is_permission(r.access.permission)) << r.access.permission;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace
}  // namespace reemu
