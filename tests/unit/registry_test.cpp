// registry::update keeps the rules every published state holds: what is
// invisible is gone before and after a change, and a change of the
// cluster's configuration counts one more cluster_state_id.
#include "reemu/state/registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "reemu/model/wire.hpp"

namespace reemu {
namespace {

std::uint64_t state_id(const registry& reg) { return reg.snapshot()->data().cluster_state_id; }

database stored_database(std::uint64_t uid) {
  database db;
  db.uid = uid;
  return db;
}

// A node whose remove_node ran from 0 for one second: gone from then on.
std::shared_ptr<const node> removed_node(std::uint64_t uid) {
  node n;
  n.uid = uid;
  object_task t;
  t.task_id = "t" + std::to_string(uid);
  t.name = "remove_node";
  t.plan.steps = {"run"};
  t.plan.step_seconds = 1;
  n.actions["remove_node"] = t;
  return std::make_shared<const node>(std::move(n));
}

result<> nothing(registry_data&) { return {}; }

TEST(registry, a_database_change_counts_one_cluster_state_id) {
  registry reg{registry_data{}};
  ASSERT_EQ(state_id(reg), 1U);
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    d.put_database(stored_database(3));
    d.put_database(stored_database(4));
    return {};
  }));
  EXPECT_EQ(state_id(reg), 2U);  // one change, however many databases it touched
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    d.databases.erase(3);
    return {};
  }));
  EXPECT_EQ(state_id(reg), 3U);
}

TEST(registry, node_and_cluster_task_changes_count_too) {
  registry reg{registry_data{}};
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    node n;
    n.uid = 2;
    d.nodes[2] = std::make_shared<const node>(std::move(n));
    return {};
  }));
  EXPECT_EQ(state_id(reg), 2U);
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    d.cluster_tasks["change_master"].task_id = "t1";
    return {};
  }));
  EXPECT_EQ(state_id(reg), 3U);
}

// Users, roles and the password rules are the cluster's configuration too.
TEST(registry, user_role_and_password_rule_changes_count_too) {
  registry reg{registry_data{}};
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    d.roles[1] = builtin_admin_role();
    return {};
  }));
  EXPECT_EQ(state_id(reg), 2U);
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    user u;
    u.uid = 1;
    u.email = "a@example.com";
    u.role_uids = {1};
    d.users[u.email] = u;
    return {};
  }));
  EXPECT_EQ(state_id(reg), 3U);
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    d.users["a@example.com"].name = "A";
    d.passwords.complexity = true;
    return {};
  }));
  EXPECT_EQ(state_id(reg), 4U);
  ASSERT_TRUE(reg.update(0, nothing));
  EXPECT_EQ(state_id(reg), 4U);
}

TEST(registry, other_changes_and_failures_leave_the_cluster_state_id) {
  registry reg{registry_data{}};
  ASSERT_TRUE(reg.update(0, [](registry_data& d) -> result<> {
    d.add(make_static_action("u1", action_kind::task, json::object()));
    ++d.next_plan_rule_id;
    return {};
  }));
  EXPECT_EQ(state_id(reg), 1U);
  const auto f = reg.update(0, [](registry_data& d) -> result<> {
    d.put_database(stored_database(9));
    return failure{api_error::invalid_value, "refused"};
  });
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().description, "refused");
  EXPECT_EQ(state_id(reg), 1U);
  EXPECT_FALSE(reg.snapshot()->data().databases.contains(9));
  ASSERT_TRUE(reg.update(0, &nothing));
  EXPECT_EQ(state_id(reg), 1U);
}

TEST(registry, a_change_sees_and_publishes_only_what_is_visible_at_now) {
  registry_data seed;
  action old = make_static_action("old", action_kind::task, json::object());
  old.gone_at = 10;
  seed.add(std::move(old));
  seed.nodes[1] = std::make_shared<const node>();
  seed.nodes[2] = removed_node(2);
  registry reg{std::move(seed)};

  bool saw_old = true;
  bool saw_removed_node = true;
  ASSERT_TRUE(reg.update(20, [&](registry_data& d) -> result<> {
    saw_old = d.find("old") != nullptr;
    saw_removed_node = d.nodes.contains(2);
    return {};
  }));
  EXPECT_FALSE(saw_old);
  EXPECT_FALSE(saw_removed_node);
  const registry_data& now = reg.snapshot()->data();
  EXPECT_EQ(now.find("old"), nullptr);
  EXPECT_FALSE(now.nodes.contains(2));
  EXPECT_TRUE(now.nodes.contains(1));
  // Dropping what a reader no longer sees is no change of configuration.
  EXPECT_EQ(now.cluster_state_id, 1U);
}

TEST(registry, what_a_change_makes_invisible_is_not_published) {
  registry reg{registry_data{}};
  ASSERT_TRUE(reg.update(5, [](registry_data& d) -> result<> {
    action a = make_static_action("brief", action_kind::task, json::object());
    a.gone_at = 5;  // invisible from the change's own time on
    d.add(std::move(a));
    return {};
  }));
  EXPECT_EQ(reg.snapshot()->data().find("brief"), nullptr);
}

TEST(registry, settled_at_is_what_a_write_would_see) {
  registry_data d;
  action a = make_static_action("a", action_kind::task, json::object());
  a.gone_at = 3;
  d.add(std::move(a));
  EXPECT_NE(d.settled_at(2).find("a"), nullptr);
  EXPECT_EQ(d.settled_at(3).find("a"), nullptr);
  EXPECT_NE(d.find("a"), nullptr);  // the original is untouched
}

TEST(registry, check_state_id_compares_the_header) {
  registry_data d;
  d.cluster_state_id = 7;
  EXPECT_TRUE(d.check_state_id(""));
  EXPECT_TRUE(d.check_state_id("7"));
  const auto wrong = d.check_state_id("6");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().error, api_error::wrong_cluster_state_id);
  const auto junk = d.check_state_id("seven");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().error, api_error::invalid_schema);
}

}  // namespace
}  // namespace reemu
