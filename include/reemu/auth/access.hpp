// Who may call a route: one value per route, one pure predicate that
// decides, next to the permission table (src/auth/permissions.cpp).
//
// A route is public (no authentication: health checks, the API
// description), gated by a permission of the Redis Software table (the
// emulated API, and every family added to it), or for the admin role only
// (the emulator's control API, SPEC.md section 3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reemu/auth/permissions.hpp"

namespace reemu {

enum class access_kind : std::uint8_t { public_route, permission, any_user, admin };

struct access {
  access_kind kind = access_kind::admin;  // the default locks a route down, never opens it
  std::string_view permission;            // the permission's name; kind == permission only

  // No authentication at all (and no journal entry, no faults).
  static constexpr access public_route() noexcept { return {access_kind::public_route, {}}; }
  // An authenticated user whose role is granted `name` in the permission table.
  static constexpr access needs(std::string_view name) noexcept {
    return {access_kind::permission, name};
  }
  // Any authenticated user, whatever its role (`none` included).
  static constexpr access any_user() noexcept { return {access_kind::any_user, {}}; }
  // An authenticated user with the admin role, whatever the table grants.
  static constexpr access admin() noexcept { return {access_kind::admin, {}}; }

  friend constexpr bool operator==(const access&, const access&) noexcept = default;
};

// The control API's rule, stated once: the admin role only. The permission
// table has no permission for the emulator's own routes, and a viewer that
// could move the clock or inject faults would break every other client's test.
inline constexpr access control_api_access = access::admin();

// True when a user of role `r` may call a route with rule `a`. Public and
// any_user routes admit every role; a permission absent from the table admits none. Pure and
// thread-safe.
bool may_call(role r, const access& a) noexcept;

// The same for a user holding the roles `s` (model/users.hpp:
// management_of): a permission granted to any member admits it, and the
// control API admits a set holding admin.
bool may_call(role_set s, const access& a) noexcept;

// What `a` requires, for a 403's description: the permission's name, or
// "admin (control API)". Empty for a public route.
std::string_view requirement(const access& a) noexcept;

}  // namespace reemu
