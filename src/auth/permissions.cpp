// Role names and the Redis Software role -> REST API permission table.
// Source: https://redis.io/docs/latest/operate/rs/references/rest-api/permissions/
#include "reemu/auth/permissions.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "reemu/auth/access.hpp"

namespace reemu {
namespace {

constexpr std::size_t index_of(role r) noexcept { return static_cast<std::size_t>(r); }

template <typename... roles_t>
constexpr std::uint8_t of(roles_t... rs) noexcept {
  return static_cast<std::uint8_t>((0U | ... | (1U << index_of(rs))));
}

constexpr std::uint8_t admin_only = of(role::admin);
constexpr std::uint8_t user_admins = of(role::admin, role::user_manager);
constexpr std::uint8_t database_admins = of(role::admin, role::cluster_member, role::db_member);
constexpr std::uint8_t any_manager = of(role::admin, role::cluster_member, role::cluster_viewer,
                                        role::db_member, role::db_viewer, role::user_manager);

struct permission_row {
  std::string_view name;
  std::uint8_t role_mask;
};

// One row per permission, sorted by name so lookups can binary search.
constexpr auto permission_table = std::to_array<permission_row>({
    {"add_cluster_module", admin_only},
    {"cancel_cluster_action", admin_only},
    {"cancel_node_action", admin_only},
    {"config_ldap", user_admins},
    {"config_ocsp", admin_only},
    {"config_sso", admin_only},
    {"create_bdb", database_admins},
    {"create_crdb", database_admins},
    {"create_ldap_mapping", user_admins},
    {"create_new_user", user_admins},
    {"create_redis_acl", user_admins},
    {"create_role", user_admins},
    {"delete_bdb", database_admins},
    {"delete_cluster_module", admin_only},
    {"delete_crdb", database_admins},
    {"delete_ldap_mapping", user_admins},
    {"delete_redis_acl", user_admins},
    {"delete_role", user_admins},
    {"delete_user", user_admins},
    {"edit_bdb_module", database_admins},
    {"failover_shard", database_admins},
    {"flush_crdb", database_admins},
    {"install_new_license", user_admins},
    {"manage_cluster_modules", admin_only},
    {"migrate_shard", database_admins},
    {"purge_instance", database_admins},
    {"reset_bdb_current_backup_status", database_admins},
    {"reset_bdb_current_export_status", database_admins},
    {"reset_bdb_current_import_status", database_admins},
    {"start_bdb_export", database_admins},
    {"start_bdb_import", database_admins},
    {"start_bdb_recovery", database_admins},
    {"start_cluster_action", admin_only},
    {"start_node_action", admin_only},
    {"test_ocsp_status", admin_only},
    {"update_bdb", database_admins},
    {"update_bdb_alerts", database_admins},
    {"update_bdb_with_action", database_admins},
    {"update_cluster", admin_only},
    {"update_crdb", database_admins},
    {"update_ldap_mapping", user_admins},
    {"update_node", admin_only},
    {"update_proxy", user_admins},
    {"update_redis_acl", user_admins},
    {"update_role", user_admins},
    {"update_user", user_admins},
    {"upgrade_crdb", database_admins},  // cluster-api-2.md 7 (A, CM, DM)
    {"view_all_bdb_stats", any_manager},
    {"view_all_bdbs_alerts", any_manager},
    {"view_all_bdbs_info", any_manager},
    {"view_all_ldap_mappings_info", user_admins},
    {"view_all_metrics", of(role::admin, role::cluster_member, role::cluster_viewer)},
    {"view_all_nodes_alerts", any_manager},
    {"view_all_nodes_checks", any_manager},
    {"view_all_nodes_info", any_manager},
    {"view_all_nodes_stats", any_manager},
    {"view_all_proxies_info", any_manager},
    {"view_all_redis_acls_info", any_manager},
    {"view_all_roles_info", any_manager},
    {"view_all_shard_stats", any_manager},
    {"view_all_users_info", user_admins},
    {"view_bdb_alerts", any_manager},
    {"view_bdb_info", any_manager},
    // The per-permission list adds user_manager; the user_manager role list and the
    // GET /v1/bdbs/{uid}/actions/recover page do not, so the narrower reading wins.
    {"view_bdb_recovery_plan",
     of(role::admin, role::cluster_member, role::cluster_viewer, role::db_member, role::db_viewer)},
    {"view_bdb_stats", any_manager},
    {"view_cluster_alerts", any_manager},
    {"view_cluster_info", any_manager},
    {"view_cluster_keys", of(role::admin, role::cluster_member, role::user_manager)},
    {"view_cluster_modules", any_manager},
    {"view_cluster_stats", any_manager},
    {"view_crdb", any_manager},
    {"view_crdb_list", any_manager},
    {"view_crdb_task", any_manager},
    {"view_crdb_task_list", any_manager},
    // The per-permission list adds user_manager; the user_manager role list and the
    // UI table (no support package for User Manager) do not, and the role only manages users.
    {"view_debugging_info", database_admins},
    {"view_endpoint_stats", any_manager},
    {"view_ldap_config", user_admins},
    {"view_ldap_mapping_info", user_admins},
    {"view_license", any_manager},
    {"view_logged_events", of(role::admin, role::cluster_member, role::cluster_viewer,
                              role::db_member, role::user_manager)},
    {"view_node_alerts", any_manager},
    {"view_node_check", any_manager},
    {"view_node_info", any_manager},
    {"view_node_stats", any_manager},
    {"view_ocsp_config", admin_only},
    {"view_ocsp_status", admin_only},
    {"view_proxy_info", any_manager},
    {"view_redis_acl_info", any_manager},
    {"view_redis_pass", of(role::admin, role::cluster_member, role::db_member, role::user_manager)},
    {"view_role_info", any_manager},
    {"view_shard_stats", any_manager},
    {"view_sso", any_manager},
    {"view_status_of_all_node_actions", any_manager},
    {"view_status_of_cluster_action", any_manager},
    {"view_status_of_node_action", any_manager},
    {"view_user_info", user_admins},
});

constexpr auto permission_names = [] {
  std::array<std::string_view, permission_table.size()> names{};
  for (std::size_t i = 0; i < permission_table.size(); ++i) {
    names[i] = permission_table[i].name;
  }
  return names;
}();

constexpr bool strictly_sorted() noexcept {
  return std::ranges::adjacent_find(permission_names, std::greater_equal<>{}) ==
         permission_names.end();
}

constexpr const permission_row* find_row(std::string_view permission) noexcept {
  const auto* it =
      std::ranges::lower_bound(permission_table, permission, {}, &permission_row::name);
  if (it == permission_table.end() || it->name != permission) {
    return nullptr;
  }
  return it;
}

constexpr bool grants_none() noexcept {
  return std::ranges::any_of(permission_table, [](const permission_row& row) {
    return (row.role_mask & of(role::none)) != 0;
  });
}

static_assert(strictly_sorted());
static_assert(!grants_none());
static_assert(find_row(view_status_of_cluster_action) != nullptr &&
              find_row(view_status_of_cluster_action)->role_mask == any_manager);

}  // namespace

std::span<const std::string_view> all_permissions() noexcept { return permission_names; }

bool is_permission(std::string_view permission) noexcept { return find_row(permission) != nullptr; }

bool has_permission(role r, std::string_view permission) noexcept {
  const permission_row* row = find_row(permission);
  if (row == nullptr || index_of(r) >= all_roles().size()) {
    return false;
  }
  return ((row->role_mask >> index_of(r)) & 1U) != 0;
}

bool has_permission(role_set s, std::string_view permission) noexcept {
  return std::ranges::any_of(
      all_roles(), [&](role r) { return s.contains(r) && has_permission(r, permission); });
}

std::vector<std::string_view> permissions_of(role r) {
  std::vector<std::string_view> out;
  for (const permission_row& row : permission_table) {
    if (has_permission(r, row.name)) out.push_back(row.name);
  }
  return out;
}

bool may_call(role r, const access& a) noexcept { return may_call(role_set(r), a); }

bool may_call(role_set s, const access& a) noexcept {
  switch (a.kind) {
    case access_kind::public_route:
    case access_kind::any_user:
      return true;
    case access_kind::permission:
      return has_permission(s, a.permission);
    case access_kind::admin:
      return s.contains(role::admin);
  }
  return false;  // a value outside the enum grants nothing
}

std::string_view requirement(const access& a) noexcept {
  switch (a.kind) {
    case access_kind::public_route:
      return {};
    case access_kind::permission:
      return a.permission;
    case access_kind::any_user:
      return "any authenticated user";
    case access_kind::admin:
      return "admin (control API)";
  }
  return {};
}

}  // namespace reemu
