// Roles and the Redis Software role -> permission table.
//
// The table is data (src/auth/permissions.cpp), not logic spread over
// handlers, so every route names what it needs (auth/access.hpp) and one
// predicate, may_call(), decides.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "reemu/model/role.hpp"

namespace reemu {

// The permission every actions route needs.
inline constexpr std::string_view view_status_of_cluster_action = "view_status_of_cluster_action";

// Every permission name Redis Software defines, sorted, without duplicates.
std::span<const std::string_view> all_permissions() noexcept;

// True when `permission` is one of all_permissions().
bool is_permission(std::string_view permission) noexcept;

// True when `r` is granted `permission`. Unknown permissions are granted to
// nobody. Pure and thread-safe.
bool has_permission(role r, std::string_view permission) noexcept;

// True when a member of `s` is granted `permission`: a user's permissions
// are the union of its roles' management roles'. Pure and thread-safe.
bool has_permission(role_set s, std::string_view permission) noexcept;

// The permissions `r` is granted, sorted (GET /v1/users/permissions).
std::vector<std::string_view> permissions_of(role r);

}  // namespace reemu
