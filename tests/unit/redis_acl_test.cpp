// Unit tests of Redis ACLs (model/redis_acl.hpp): the fresh store, bodies
// read into requests, creates and updates against a store, the wire object
// and the state-file record.
#include "reemu/model/redis_acl.hpp"

#include <gtest/gtest.h>

#include <string>

#include "reemu/model/wire.hpp"

namespace reemu {
namespace {

redis_acl_request acl_request_of(const char* text) {
  const auto r = read_redis_acl_request(json::parse(text));
  EXPECT_TRUE(r) << text << ": " << r.error().description;
  return r ? *r : redis_acl_request{};
}

// The store after two creates: Full Access, then 2 and 3.
redis_acl_map two_made() {
  redis_acl_map acls = fresh_redis_acls();
  acls.emplace(2, redis_acl{2, "Geo", "~* +@geo"});
  acls.emplace(3, redis_acl{3, "Cache", "~cache:* +@read"});
  return acls;
}

TEST(redis_acl, a_fresh_cluster_has_full_access_alone_read_only) {
  const redis_acl_map acls = fresh_redis_acls();
  ASSERT_EQ(acls.size(), 1u);
  EXPECT_EQ(redis_acl_object(acls.at(1)),
            json::parse(R"({"acl":"+@all ~*","name":"Full Access","uid":1})"));
  EXPECT_TRUE(is_read_only_acl(1));
  EXPECT_FALSE(is_read_only_acl(2));
}

TEST(redis_acl, the_wire_object_is_compact_and_sorted) {
  EXPECT_EQ(dump(redis_acl_object(redis_acl{11, "Test_ACL_1", "+@read +FT.INFO +FT.SEARCH"})),
            R"({"acl":"+@read +FT.INFO +FT.SEARCH","name":"Test_ACL_1","uid":11})");
}

TEST(redis_acl, a_body_is_read_into_a_request) {
  const auto r = acl_request_of(R"({"name": "Geo", "acl": "~* +@geo", "uid": 17})");
  EXPECT_EQ(r.name, "Geo");
  EXPECT_EQ(r.acl, "~* +@geo");
  EXPECT_EQ(r.uid, 17u);
  const auto partial = acl_request_of(R"({"acl": "+@read ~*"})");
  EXPECT_FALSE(partial.name);
  EXPECT_FALSE(partial.uid);
}

TEST(redis_acl, bad_bodies_are_refused_with_the_references_codes) {
  struct bad {
    const char* body;
    api_error code;
    const char* names;  // a part of the message
  };
  const bad cases[] = {
      {R"([])", api_error::invalid_schema, "JSON object"},
      {R"({"name": "x", "acl": "~*", "min_version": "6.2"})", api_error::invalid_schema,
       "min_version"},
      {R"({"name": 5, "acl": "~*"})", api_error::invalid_schema, "'name'"},
      {R"({"name": "x", "acl": ["~*"]})", api_error::invalid_schema, "'acl'"},
      {R"({"name": "x", "acl": "~*", "uid": 0})", api_error::invalid_schema, "'uid'"},
      {R"({"name": "x", "acl": "~*", "uid": -3})", api_error::invalid_schema, "'uid'"},
      {R"({"name": "x", "acl": "~*", "uid": "3"})", api_error::invalid_schema, "'uid'"},
      {R"({"name": "bad<name>", "acl": "~*"})", api_error::invalid_param, "'name'"},
      {R"({"name": "", "acl": "~*"})", api_error::invalid_param, "'name'"},
      {R"({"name": "x", "acl": "+@read +gett"})", api_error::invalid_param, "'+gett'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const auto r = read_redis_acl_request(json::parse(c.body));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error, c.code) << r.error().description;
    EXPECT_NE(r.error().description.find(c.names), std::string::npos) << r.error().description;
  }
  const std::string long_name(256, 'n');
  EXPECT_FALSE(read_redis_acl_request(json{{"name", long_name}, {"acl", "~*"}}));
  EXPECT_TRUE(read_redis_acl_request(json{{"name", long_name.substr(1)}, {"acl", "~*"}}));
}

TEST(redis_acl, names_follow_the_pattern_of_access_objects) {
  for (const char* name : {"Full Access", "Test_ACL_1", "a[b](c)@d,e.f;g#h-i", "9"})
    EXPECT_TRUE(is_access_name(name)) << name;
  for (const char* name : {"", "tab\there", "a/b", "quote\"", "amp&", "é", "a:b"})
    EXPECT_FALSE(is_access_name(name)) << name;
}

TEST(redis_acl, a_create_takes_the_uid_after_the_highest) {
  const auto made =
      new_redis_acl(two_made(), acl_request_of(R"({"name": "Geo2", "acl": "~* +@geo"})"));
  ASSERT_TRUE(made) << made.error().description;
  EXPECT_EQ(*made, (redis_acl{4, "Geo2", "~* +@geo"}));
  const auto asked =
      new_redis_acl(two_made(), acl_request_of(R"({"name": "N", "acl": "", "uid": 40})"));
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->uid, 40u);
}

TEST(redis_acl, a_create_is_refused_when_it_clashes_or_lacks_a_field) {
  const auto acls = two_made();
  struct bad {
    const char* body;
    api_error code;
  };
  for (const auto& c :
       {bad{R"({"acl": "~*"})", api_error::missing_field},
        bad{R"({"name": "x"})", api_error::missing_field},
        bad{R"({"name": "Geo", "acl": "~*"})", api_error::name_already_exists},
        bad{R"({"name": "Full Access", "acl": "~*"})", api_error::name_already_exists},
        bad{R"({"name": "x", "acl": "~*", "uid": 3})", api_error::uid_exists}}) {
    SCOPED_TRACE(c.body);
    const auto made = new_redis_acl(acls, acl_request_of(c.body));
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().error, c.code);
  }
}

TEST(redis_acl, an_update_changes_what_the_body_gives) {
  const auto acls = two_made();
  const auto next =
      updated_redis_acl(acls, 2, acl_request_of(R"({"acl": "~* +@geo -@dangerous"})"));
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, (redis_acl{2, "Geo", "~* +@geo -@dangerous"}));
  // Its own name and uid, sent back unchanged, are fine.
  EXPECT_TRUE(updated_redis_acl(acls, 2, acl_request_of(R"({"name": "Geo", "uid": 2})")));
}

TEST(redis_acl, an_update_is_refused_for_full_access_an_unknown_uid_or_a_clash) {
  const auto acls = two_made();
  const auto check = [&](std::uint64_t uid, const char* body, api_error code) {
    SCOPED_TRACE(body);
    const auto next = updated_redis_acl(acls, uid, acl_request_of(body));
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().error, code) << next.error().description;
  };
  check(1, R"({"acl": "+@read ~*"})", api_error::read_only_object);
  check(9, R"({"acl": "+@read ~*"})", api_error::redis_acl_not_exist);
  check(2, R"({"name": "Cache"})", api_error::name_already_exists);
  check(2, R"({"uid": 3})", api_error::invalid_schema);
  EXPECT_EQ(status_code_of(api_error::read_only_object), 409u);
  const auto refused = updated_redis_acl(acls, 1, acl_request_of(R"({"acl": "~*"})"));
  EXPECT_EQ(refused.error().description,
            "Cannot change a read-only object: Redis ACL 1 (Full Access)");
}

TEST(redis_acl, full_access_and_unknown_uids_are_not_removable) {
  const auto acls = two_made();
  EXPECT_TRUE(check_redis_acl_removable(acls, 2));
  EXPECT_EQ(check_redis_acl_removable(acls, 1).error().error, api_error::read_only_object);
  EXPECT_EQ(check_redis_acl_removable(acls, 1).error().description,
            "Cannot delete a read-only object: Redis ACL 1 (Full Access)");
  EXPECT_EQ(check_redis_acl_removable(acls, 5).error().error, api_error::redis_acl_not_exist);
  EXPECT_EQ(status_code_of(api_error::redis_acl_not_exist), 404u);
}

TEST(redis_acl, a_record_round_trips_and_is_checked_like_a_body) {
  const redis_acl a{7, "Cache (app)", "~cache:* (+set ~tmp:*)"};
  const auto back = redis_acl_from_record(redis_acl_record(a), "redis_acls[0]");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);
  for (const char* bad :
       {R"({"acl":"~*","name":"x"})", R"({"acl":"~*","name":"x","uid":0})",
        R"({"acl":"+gett","name":"x","uid":2})", R"({"acl":"~*","name":"x<","uid":2})",
        R"({"acl":"~*","name":"x","uid":2,"more":1})"}) {
    const auto r = redis_acl_from_record(json::parse(bad), "redis_acls[3]");
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().description.find("redis_acls[3]"), std::string::npos)
        << r.error().description;
  }
}

}  // namespace
}  // namespace reemu
