// The management roles of Redis Software (a user's `role`): a value. What
// each may do is auth/permissions.hpp's table.
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

// Returns the role named `name` ("admin", "db_viewer", ...), or nullopt.
std::optional<role> parse_role(std::string_view name) noexcept;

// Returns the wire name of `r`. Never empty.
std::string_view to_string(role r) noexcept;

// Every role, in the order of the enum.
std::span<const role> all_roles() noexcept;

}  // namespace reemu
