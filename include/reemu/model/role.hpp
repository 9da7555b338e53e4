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

// A set of management roles: what a user holds through its RBAC roles
// (model/roles.hpp), whose permissions are the union of its members'.
class role_set {
 public:
  constexpr role_set() noexcept = default;
  constexpr explicit role_set(role r) noexcept { add(r); }

  constexpr void add(role r) noexcept {
    if (static_cast<unsigned>(r) < 8) bits_ = static_cast<std::uint8_t>(bits_ | bit(r));
  }
  constexpr bool contains(role r) const noexcept {
    return static_cast<unsigned>(r) < 8 && (bits_ & bit(r)) != 0;
  }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  friend constexpr bool operator==(role_set, role_set) noexcept = default;

 private:
  static constexpr unsigned bit(role r) noexcept { return 1U << static_cast<unsigned>(r); }
  std::uint8_t bits_ = 0;
};

// The one role that names a set on the wire (a user's `role`): the first of
// `s` in the order of the enum (admin before the members, viewers and
// user_manager), `none` for an empty set.
role leading_role(role_set s) noexcept;

}  // namespace reemu
