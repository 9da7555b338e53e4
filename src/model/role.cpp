// Role names.
#include "reemu/model/role.hpp"

#include <array>
#include <cstddef>

namespace reemu {
namespace {

constexpr std::array<role, 7> role_list = {
    role::admin,     role::cluster_member, role::cluster_viewer, role::db_member,
    role::db_viewer, role::user_manager,   role::none,
};

// Indexed by the enum value.
constexpr std::array<std::string_view, role_list.size()> role_names = {
    "admin", "cluster_member", "cluster_viewer", "db_member", "db_viewer", "user_manager", "none",
};

constexpr std::size_t position(role r) noexcept { return static_cast<std::size_t>(r); }

static_assert(role_list.size() == position(role::none) + 1);

}  // namespace

std::optional<role> parse_role(std::string_view name) noexcept {
  for (const role r : role_list) {
    if (role_names[position(r)] == name) return r;
  }
  return std::nullopt;
}

std::string_view to_string(role r) noexcept {
  // A value outside the enum is granted nothing, so it reads as "none".
  if (position(r) >= role_names.size()) return role_names[position(role::none)];
  return role_names[position(r)];
}

std::span<const role> all_roles() noexcept { return role_list; }

role leading_role(role_set s) noexcept {
  for (const role r : role_list) {
    if (s.contains(r)) return r;
  }
  return role::none;
}

}  // namespace reemu
