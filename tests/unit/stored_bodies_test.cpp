// The snapshot-keyed bodies: rendered once per snapshot, again after a write.
#include "reemu/state/stored_bodies.hpp"

#include <gtest/gtest.h>

#include <string>

namespace reemu {
namespace {

int renders = 0;

std::string user_count(const registry_data& d) {
  ++renders;
  return std::to_string(d.users.size());
}

TEST(stored_bodies, one_render_per_snapshot_and_a_new_one_after_a_write) {
  renders = 0;
  registry reg{registry_data{}};
  stored_bodies stored;
  const auto first = stored.get(stored_list::users, reg.snapshot(), user_count);
  const auto again = stored.get(stored_list::users, reg.snapshot(), user_count);
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(first.get(), again.get());  // the same bytes, shared
  EXPECT_EQ(*first, "0");

  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    user u;
    u.uid = 7;
    u.email = "seven@redis.local";
    d.users.emplace(u.email, u);
    return {};
  }));
  const auto after = stored.get(stored_list::users, reg.snapshot(), user_count);
  EXPECT_EQ(renders, 2);
  EXPECT_EQ(*after, "1");
  EXPECT_EQ(*first, "0");  // a body already handed out never changes
}

TEST(stored_bodies, each_list_has_its_own_slot) {
  renders = 0;
  registry reg{registry_data{}};
  stored_bodies stored;
  const auto snap = reg.snapshot();
  (void)stored.get(stored_list::users, snap, user_count);
  (void)stored.get(stored_list::roles, snap, user_count);
  (void)stored.get(stored_list::users, snap, user_count);
  (void)stored.get(stored_list::roles, snap, user_count);
  EXPECT_EQ(renders, 2);
}

}  // namespace
}  // namespace reemu
