// Roles and the Redis Software role -> permission table.
//
// The table is data (src/auth/permissions.cpp), not logic spread over
// handlers, so every route names what it needs (auth/access.hpp) and one
// predicate, may_call(), decides.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace reemu {

// The management roles of Redis Software (the `role` field of a user).
enum class role : std::uint8_t {
  admin,
  cluster_member,
  cluster_viewer,
  db_member,
  db_viewer,
  user_manager,
  none,
};

// The permission every actions route needs.
inline constexpr std::string_view view_status_of_cluster_action = "view_status_of_cluster_action";

// Returns the role named `name` ("admin", "db_viewer", ...), or nullopt.
std::optional<role> parse_role(std::string_view name) noexcept;

// Returns the wire name of `r`. Never empty.
std::string_view to_string(role r) noexcept;

// Every role, in the order of the enum.
std::span<const role> all_roles() noexcept;

// Every permission name Redis Software defines, sorted, without duplicates.
std::span<const std::string_view> all_permissions() noexcept;

// True when `permission` is one of all_permissions().
bool is_permission(std::string_view permission) noexcept;

// True when `r` is granted `permission`. Unknown permissions are granted to
// nobody. Pure and thread-safe.
bool has_permission(role r, std::string_view permission) noexcept;

}  // namespace reemu
