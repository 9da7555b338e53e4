// The bodies that follow from a registry snapshot alone, with no clock in
// them: the lists of users, roles, Redis ACLs and LDAP mappings. Each is
// rendered once per snapshot and shared by every request that reads the
// same snapshot, so a tool that polls GET /v1/users renders nothing while
// nothing is written.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "reemu/state/registry.hpp"

namespace reemu {

enum class stored_list : std::uint8_t { users, roles, redis_acls, ldap_mappings };
inline constexpr std::size_t stored_list_count = 4;

class stored_bodies {
 public:
  // Renders a list from the stored data; must depend on nothing else.
  using render_fn = std::string (*)(const registry_data&);

  // render(snap->data()), reused while the snapshot is the same. Thread-safe;
  // the lock is held for pointer copies only, never while rendering.
  std::shared_ptr<const std::string> get(stored_list which, const snapshot_ptr& snap,
                                         render_fn render);

 private:
  struct slot {
    std::weak_ptr<const registry_state> of;  // weak: a cache never keeps a snapshot alive
    std::shared_ptr<const std::string> body;
  };
  std::mutex mutex_;
  std::array<slot, stored_list_count> slots_;
};

}  // namespace reemu
