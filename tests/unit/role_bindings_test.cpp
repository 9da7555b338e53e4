// Unit tests of what binds roles to databases and LDAP groups
// (model/role_bindings.hpp): a bdb body's roles_permissions checked against
// the ACL store, an LDAP mapping's role_uids, and an ACL a database binds
// that therefore cannot go.
#include "reemu/model/role_bindings.hpp"

#include <gtest/gtest.h>

#include <string>

namespace reemu {
namespace {

constexpr double bindings_now = 1'700'000'000;

// Full Access and ACL 5, roles 1 and 2; database 3 binds role 2 to ACL 5.
registry_data bound() {
  registry_data d;
  d.roles[1] = builtin_admin_role();
  d.roles[2] = role_entry{2, "DB Viewer", role::db_viewer, std::nullopt};
  d.redis_acls.emplace(5, redis_acl{5, "Readers", "+@read ~*"});
  d.redis_acls.emplace(6, redis_acl{6, "Unused", "+get ~*"});
  database db;
  db.uid = 3;
  db.fields = json::parse(
      R"({"name": "three", "roles_permissions": [{"redis_acl_uid": 5, "role_uid": 2}]})");
  db.created_at = bindings_now - 10;
  db.changed_at = bindings_now - 10;
  d.put_database(db);
  return d;
}

TEST(role_bindings, roles_permissions_that_name_existing_acls_pass) {
  const registry_data d = bound();
  for (const char* value :
       {"[]", R"([{"role_uid": 1, "redis_acl_uid": 1}])",
        R"([{"role_uid": 1, "redis_acl_uid": 5}, {"role_uid": 2, "redis_acl_uid": 1}])"}) {
    const auto ok = check_roles_permissions(d, json::parse(value));
    EXPECT_TRUE(ok) << value << ": " << ok.error().description;
  }
}

TEST(role_bindings, a_bad_shape_is_a_schema_violation_naming_the_entry) {
  const registry_data d = bound();
  struct bad {
    const char* value;
    const char* names;
  };
  const bad cases[] = {
      {R"({"role_uid": 1, "redis_acl_uid": 1})", "'roles_permissions'"},
      {R"([1])", "'roles_permissions[0]'"},
      {R"([{"role_uid": 1}])", "'roles_permissions[0].redis_acl_uid' is required"},
      {R"([{"redis_acl_uid": 1}])", "'roles_permissions[0].role_uid' is required"},
      {R"([{"role_uid": 0, "redis_acl_uid": 1}])", "'roles_permissions[0].role_uid'"},
      {R"([{"role_uid": "1", "redis_acl_uid": 1}])", "'roles_permissions[0].role_uid'"},
      {R"([{"role_uid": 1, "redis_acl_uid": 1.0}])", "'roles_permissions[0].redis_acl_uid'"},
      {R"([{"role_uid": 1, "redis_acl_uid": 1, "extra": true}])", "'roles_permissions[0].extra'"},
      {R"([{"role_uid": 1, "redis_acl_uid": 1}, {"role_uid": 1, "redis_acl_uid": 5}])",
       "'roles_permissions[1].role_uid' repeats role 1"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    const auto ok = check_roles_permissions(d, json::parse(c.value));
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().error, api_error::invalid_schema);
    EXPECT_NE(ok.error().description.find(c.names), std::string::npos) << ok.error().description;
  }
}

TEST(role_bindings, an_unknown_acl_is_not_found) {
  const auto ok = check_roles_permissions(
      bound(),
      json::parse(R"([{"role_uid": 1, "redis_acl_uid": 1}, {"role_uid": 2, "redis_acl_uid": 9}])"));
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().error, api_error::redis_acl_not_exist);
  EXPECT_EQ(ok.error().description,
            "Redis ACL 9 does not exist (roles_permissions[1].redis_acl_uid)");
}

// An unknown role in roles_permissions is not found, as an unknown ACL is.
TEST(role_bindings, an_unknown_role_is_not_found) {
  const auto ok = check_roles_permissions(
      bound(),
      json::parse(R"([{"role_uid": 1, "redis_acl_uid": 1}, {"role_uid": 7, "redis_acl_uid": 5}])"));
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().error, api_error::role_not_exist);
  EXPECT_EQ(ok.error().description, "Role 7 does not exist (roles_permissions[1].role_uid)");
}

TEST(role_bindings, role_uids_are_read_by_shape_then_checked_against_the_roles) {
  const auto read = read_role_uids(json::parse("[1, 2, 4294967295]"));
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, (std::vector<std::uint64_t>{1, 2, 4294967295}));
  EXPECT_TRUE(check_role_uids(bound(), json::parse("[2, 1]")));
  const auto unknown = check_role_uids(bound(), json::parse("[1, 7]"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().error, api_error::invalid_role_uids_param);
  EXPECT_NE(unknown.error().description.find("role 7"), std::string::npos);
  const auto bad = check_role_uids(bound(), json::parse("[1, 0]"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().error, api_error::invalid_role_uids_param);
  EXPECT_NE(bad.error().description.find("'role_uids[1]'"), std::string::npos);
}

TEST(role_bindings, an_acl_a_database_binds_cannot_be_deleted) {
  const registry_data d = bound();
  const database* db = database_binding_acl(d, 5, bindings_now);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->uid, 3u);
  EXPECT_EQ(database_binding_acl(d, 6, bindings_now), nullptr);
  const auto refused = check_redis_acl_deletion(d, 5, bindings_now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().error, api_error::redis_acl_in_use);
  EXPECT_EQ(status_code_of(api_error::redis_acl_in_use), 406u);
  EXPECT_NE(refused.error().description.find("database 3"), std::string::npos);
  EXPECT_TRUE(check_redis_acl_deletion(d, 6, bindings_now));
  EXPECT_EQ(check_redis_acl_deletion(d, 1, bindings_now).error().error,
            api_error::read_only_object);
  EXPECT_EQ(check_redis_acl_deletion(d, 8, bindings_now).error().error,
            api_error::redis_acl_not_exist);
}

}  // namespace
}  // namespace reemu
