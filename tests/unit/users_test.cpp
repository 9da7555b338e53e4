// Unit tests of the identity store's values (model/users.hpp,
// model/roles.hpp): the body checks of /v1/users and /v1/roles, the wire
// objects against the real capture, the password rules, the roles a user
// holds and the permissions they add up to, and the state-file records
// (also those of a file from before roles).
#include "reemu/model/users.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "captures.hpp"
#include "reemu/auth/access.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/auth/permissions.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/roles.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {
namespace {

// The roles of the default config's seed, and one of each other management.
role_map sample_roles() {
  role_map roles;
  roles[1] = builtin_admin_role();
  roles[2] = {2, "Cluster Viewer", role::cluster_viewer, std::nullopt};
  roles[3] = {3, "DB Viewer", role::db_viewer, std::nullopt};
  roles[4] = {4, "None", role::none, std::nullopt};
  roles[6] = {6, "Members", role::db_member, std::vector<role_resource>{{"db", {"1"}}}};
  roles[7] = {7, "Managers", role::user_manager, std::nullopt};
  return roles;
}

// ---- The wire objects -----------------------------------------------------------

TEST(users_model, the_capture_is_what_the_seeded_admin_renders) {
  const json capture = json::parse(test::capture("user_single.json"));
  user u;
  u.uid = 1;
  u.email = "admin@redis.local";
  u.name = "Administrator";
  u.role_uids = {1};
  u.password_issued_at = *parse_rfc3339("2025-10-14T00:01:06Z");
  EXPECT_EQ(dump(render_user(sample_roles(), u)), test::capture("user_single.json"));
  EXPECT_EQ(json::array({render_user(sample_roles(), u)}).dump(), test::capture("users_list.json"));
  EXPECT_EQ(render_user(sample_roles(), u), capture);
}

TEST(users_model, optional_alerts_appear_once_set_and_role_follows_the_roles) {
  user u;
  u.uid = 9;
  u.email = "ops@example.com";
  u.name = "Ops";
  u.role_uids = {3, 6};  // db_viewer and db_member: db_member leads
  u.bdbs_email_alerts = std::vector<std::string>{"all"};
  u.cluster_email_alerts = false;
  u.email_alerts = false;
  const json wire = render_user(sample_roles(), u);
  EXPECT_EQ(
      dump(wire),
      R"({"auth_method":"regular","bdbs_email_alerts":["all"],"certificate_subject_line":"","cluster_email_alerts":false,"email":"ops@example.com","email_alerts":false,"name":"Ops","password_issue_date":"1970-01-01T00:00:00Z","role":"db_member","role_uids":[3,6],"status":"active","uid":9})");
  EXPECT_FALSE(wire.contains("password"));
}

TEST(users_model, roles_render_as_the_reference_shows_them) {
  EXPECT_EQ(dump(render_role(builtin_admin_role())),
            R"({"management":"admin","name":"Admin","uid":1})");
  EXPECT_EQ(
      dump(render_role(sample_roles().at(6))),
      R"({"management":"db_member","name":"Members","resources":[{"type":"db","uids":["1"]}],"uid":6})");
}

// ---- Roles held, permissions added up ---------------------------------------------

TEST(users_model, a_users_permissions_are_the_union_of_its_roles) {
  const role_map roles = sample_roles();
  user u;
  u.role_uids = {2, 7};  // cluster_viewer + user_manager
  const role_set held = management_of(roles, u);
  EXPECT_TRUE(held.contains(role::cluster_viewer));
  EXPECT_TRUE(held.contains(role::user_manager));
  EXPECT_FALSE(held.contains(role::admin));
  EXPECT_EQ(role_of(roles, u), role::cluster_viewer);
  struct row {
    std::string_view permission;
    bool granted;
  };
  for (const row r : {row{"view_all_metrics", true},   // cluster_viewer's
                      row{"create_new_user", true},    // user_manager's
                      row{"view_cluster_info", true},  // both
                      row{"create_bdb", false},        // neither
                      row{"update_cluster", false}}) {
    SCOPED_TRACE(r.permission);
    EXPECT_EQ(has_permission(held, r.permission), r.granted);
    EXPECT_EQ(may_call(held, access::needs(r.permission)), r.granted);
  }
  EXPECT_FALSE(may_call(held, access::admin()));
  EXPECT_TRUE(may_call(held, access::any_user()));

  // An unknown role uid adds nothing; no role at all is `none`.
  u.role_uids = {99};
  EXPECT_TRUE(management_of(roles, u).empty());
  EXPECT_EQ(role_of(roles, u), role::none);
  EXPECT_FALSE(may_call(management_of(roles, u), access::needs("view_cluster_info")));
  u.role_uids = {1, 4};
  EXPECT_TRUE(may_call(management_of(roles, u), access::admin()));
  EXPECT_EQ(role_of(roles, u), role::admin);
}

TEST(users_model, every_role_lists_the_permissions_the_table_grants_it) {
  EXPECT_TRUE(permissions_of(role::none).empty());
  EXPECT_EQ(permissions_of(role::admin).size(), all_permissions().size());
  for (const role r : all_roles()) {
    for (const std::string_view p : all_permissions())
      EXPECT_EQ(has_permission(r, p), has_permission(role_set(r), p)) << to_string(r) << " " << p;
  }
}

TEST(users_model, count_admins_and_ensure_role_for) {
  role_map roles = sample_roles();
  user_map users;
  const auto make = [&](std::uint64_t uid, const std::string& email,
                        std::vector<std::uint64_t> role_uids) {
    user u;
    u.uid = uid;
    u.email = email;
    u.name = email;
    u.role_uids = std::move(role_uids);
    users[email] = u;
  };
  make(1, "a@x.io", {1});
  make(2, "b@x.io", {2, 1});
  make(3, "c@x.io", {3});
  EXPECT_EQ(count_admins(users, roles), 2u);
  EXPECT_EQ(find_user(users, 3)->email, "c@x.io");
  EXPECT_EQ(find_user(users, 4), nullptr);
  std::uint64_t high = 7;
  EXPECT_EQ(ensure_role_for(roles, high, role::db_viewer), 3u);  // there already
  EXPECT_EQ(ensure_role_for(roles, high, role::cluster_member), 8u);
  EXPECT_EQ(high, 8u);
  EXPECT_EQ(roles.at(8).name, "Cluster Member");
  // A client took the name for another management role.
  roles[9] = {9, "User Manager", role::db_member, std::nullopt};
  roles.erase(7);
  high = 9;
  EXPECT_EQ(ensure_role_for(roles, high, role::user_manager), 10u);
  EXPECT_EQ(roles.at(10).name, "User Manager 2");
}

// ---- Bodies ---------------------------------------------------------------------

struct body_case {
  std::string_view body;
  bool create;
  std::optional<std::string_view> code;  // nullopt: accepted
};

TEST(users_model, user_bodies_are_checked_field_by_field) {
  const body_case cases[] = {
      {R"({"email":"a@b.io","password":"x","role_uids":[1]})", true, std::nullopt},
      {R"({"email":"a.b+c@b-c.co.uk","password":"x","role":"db_viewer","name":"A B",
           "email_alerts":false,"bdbs_email_alerts":["1","2"],"cluster_email_alerts":true,
           "auth_method":"regular","certificate_subject_line":"","uid":7})",
       true, std::nullopt},
      {R"({"name":"Just a name"})", false, std::nullopt},
      {R"({})", false, std::nullopt},
      {R"({"email":"a@b.io","password":"x"})", true, "missing_field"},
      {R"({"email":"a@b.io","role_uids":[1]})", true, "missing_field"},
      {R"({"password":"x","role_uids":[1]})", true, "missing_field"},
      {R"({"email":"a@b.io","password":"x","role_uids":[1],"admin":true})", true, "invalid_schema"},
      {R"({"email":"a@b","password":"x","role_uids":[1]})", true, "invalid_schema"},
      {R"({"email":"@b.io","password":"x","role_uids":[1]})", true, "invalid_schema"},
      {R"({"email":"a b@b.io","password":"x","role_uids":[1]})", true, "invalid_schema"},
      {R"({"email":"a@b.io","password":1,"role_uids":[1]})", true, "invalid_schema"},
      {R"({"email":"a@b.io","password":"x","role_uids":[]})", true, "invalid_role_uids_param"},
      {R"({"email":"a@b.io","password":"x","role_uids":[1,1]})", true, "invalid_role_uids_param"},
      {R"({"email":"a@b.io","password":"x","role_uids":[0]})", true, "invalid_role_uids_param"},
      {R"({"email":"a@b.io","password":"x","role_uids":["1"]})", true, "invalid_role_uids_param"},
      {R"({"email":"a@b.io","password":"x","role":"boss"})", true, "invalid_schema"},
      {R"({"name":"<script>"})", false, "invalid_schema"},
      {R"({"name":""})", false, "invalid_schema"},
      {R"({"auth_method":"certificate"})", false, "invalid_schema"},
      {R"({"certificate_subject_line":"CN=x"})", false, "invalid_schema"},
      {R"({"password_hash_method":1})", false, "invalid_schema"},
      {R"({"uid":0})", false, "invalid_schema"},
      {R"({"email_alerts":"yes"})", false, "invalid_schema"},
      {R"([])", false, "invalid_schema"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const auto f = read_user_fields(json::parse(c.body), c.create);
    if (!c.code) {
      EXPECT_TRUE(f) << f.error().description;
    } else {
      ASSERT_FALSE(f);
      EXPECT_EQ(code_of(f.error().error), *c.code) << f.error().description;
    }
  }
  const auto full = read_user_fields(
      json::parse(R"({"email":"a@b.io","password":"x","role":"db_viewer","name":"A",
                      "bdbs_email_alerts":["all"]})"),
      true);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->legacy_role, role::db_viewer);
  EXPECT_TRUE(full->touches_access());
  EXPECT_FALSE(
      read_user_fields(json::parse(R"({"name":"n","password":"p"})"), false)->touches_access());
  const user shown = with_profile(user{}, *full);
  EXPECT_EQ(shown.name, "A");
  EXPECT_EQ(shown.bdbs_email_alerts, std::vector<std::string>{"all"});
}

TEST(users_model, role_uids_and_the_legacy_role_resolve_against_the_roles) {
  const role_map roles = sample_roles();
  const auto resolve = [&](std::string_view body) {
    return resolve_role_uids(roles, *read_user_fields(json::parse(body), false));
  };
  EXPECT_EQ(**resolve(R"({"role_uids":[6,2]})"), (std::vector<std::uint64_t>{6, 2}));
  EXPECT_EQ(**resolve(R"({"role":"db_viewer"})"), std::vector<std::uint64_t>{3});
  EXPECT_EQ(**resolve(R"({"role":"admin","role_uids":[1,3]})"), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_FALSE(*resolve(R"({"name":"x"})"));
  struct refused {
    std::string_view body;
    api_error error;
  };
  for (const auto& r :
       {refused{R"({"role_uids":[5]})", api_error::invalid_role_uids_param},
        refused{R"({"role":"cluster_member"})", api_error::request_role_not_exist},
        refused{R"({"role":"db_viewer","role_uids":[1]})", api_error::invalid_schema}}) {
    SCOPED_TRACE(r.body);
    const auto got = resolve(r.body);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().error, r.error);
  }
  EXPECT_EQ(code_of(api_error::request_role_not_exist), "role_not_exist");
  EXPECT_EQ(status_code_of(api_error::request_role_not_exist), 400u);
  EXPECT_EQ(status_code_of(api_error::role_not_exist), 404u);
}

TEST(users_model, role_bodies_are_checked_field_by_field) {
  const body_case cases[] = {
      {R"({"name":"DBA","management":"admin"})", true, std::nullopt},
      {R"({"name":"Db viewer [eu-1] (ro); #2, a@b.c","management":"db_viewer",
           "resources":[{"type":"db","uids":["1","2"]}],"uid":12})",
       true, std::nullopt},
      {R"({"management":"cluster_member"})", false, std::nullopt},
      {R"({"name":"DBA"})", true, "missing_field"},
      {R"({"management":"admin"})", true, "missing_field"},
      {R"({"name":"DBA","management":"root"})", true, "invalid_schema"},
      {R"({"name":"D/B","management":"admin"})", false, "invalid_schema"},
      {R"({"name":"","management":"admin"})", false, "invalid_schema"},
      {R"({"name":"DBA","management":"admin","account_id":1})", true, "invalid_schema"},
      {R"({"resources":{}})", false, "invalid_schema"},
      {R"({"resources":[{"type":"db","uids":[1]}]})", false, "invalid_schema"},
      {R"({"resources":[{"type":"db","extra":1}]})", false, "invalid_schema"},
      {R"({"resources":[{"type":"node","uids":["1"]}]})", false, "unsupported_resource"},
      {R"({"uid":0})", false, "invalid_schema"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const auto f = read_role_fields(json::parse(c.body), c.create);
    if (!c.code) {
      EXPECT_TRUE(f) << f.error().description;
    } else {
      ASSERT_FALSE(f);
      EXPECT_EQ(code_of(f.error().error), *c.code) << f.error().description;
    }
  }
  const auto f =
      read_role_fields(json::parse(R"({"management":"db_member","resources":[]})"), false);
  ASSERT_TRUE(f);
  const role_entry changed = with_fields(builtin_admin_role(), *f);
  EXPECT_EQ(dump(render_role(changed)),
            R"({"management":"db_member","name":"Admin","resources":[],"uid":1})");
}

// ---- Passwords --------------------------------------------------------------------

TEST(users_model, the_password_rules) {
  struct row {
    password_policy policy;
    std::string_view password;
    bool accepted;
  };
  const password_policy plain{8, false};
  const password_policy strict{10, true};
  const row rows[] = {
      {plain, "12345678", true},
      {plain, "1234567", false},
      {plain, "aaaaaaaa", true},  // no complexity: length only
      {password_policy{12, false}, "Elevenchar1", false},
      {strict, "Good-Pass-1", true},
      {strict, "Go-Pass-1", false},           // 9 < 10
      {strict, "good-pass-1", false},         // no upper-case letter
      {strict, "GOOD-PASS-1", false},         // no lower-case letter
      {strict, "Good-Pass-x", false},         // no digit
      {strict, "GoodPass12", false},          // no special character
      {strict, "Goood-Pass-1", true},         // 3 in a row is fine
      {strict, "Gooood-Pass-1", false},       // 4 is not
      {strict, "X1-Ops@Example.com", false},  // the email, in any case
      {strict, "X1-moc.elpmaxe@spo", false},  // the email reversed
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(r.password) + (r.policy.complexity ? " complex" : ""));
    const auto ok = check_password(r.policy, r.password, "ops@example.com");
    EXPECT_EQ(static_cast<bool>(ok), r.accepted);
    if (!ok) {
      EXPECT_EQ(ok.error().error, api_error::password_not_complex);
    }
  }
}

TEST(users_model, email_and_name_patterns) {
  for (const std::string_view good : {"a@b.io", "a.b_c+d-e@x-y.z.w", "A1@B2.C3"})
    EXPECT_TRUE(email_fits_pattern(good)) << good;
  for (const std::string_view bad : {"", "a", "a@", "@b.io", "a@b", "a@.io", "a@b.", "a b@c.io",
                                     "a@b@c.io", "a@b_c.io", "a@b.c/d"})
    EXPECT_FALSE(email_fits_pattern(bad)) << bad;
  EXPECT_FALSE(user_name_problem("Administrator"));
  EXPECT_FALSE(user_name_problem("O'Brien, J. (ops) #1 @ eu; 50% = ok?"));
  for (const std::string_view bad : {"", "a&b", "a<b", "a>b", "a\"b", "tab\there", "caf\xc3\xa9"})
    EXPECT_TRUE(user_name_problem(bad)) << bad;
  EXPECT_TRUE(user_name_problem(std::string(256, 'x')));
  EXPECT_FALSE(user_name_problem(std::string(255, 'x')));
}

// ---- Records ----------------------------------------------------------------------

TEST(users_model, a_user_record_round_trips) {
  user u;
  u.uid = 5;
  u.email = "ops@example.com";
  u.name = "Ops";
  u.role_uids = {3, 6};
  u.digest = seed_digest("ops@example.com", "Ops12345!");
  u.password_issued_at = 1760000000.5;
  u.email_alerts = false;
  u.bdbs_email_alerts = std::vector<std::string>{"1"};
  u.cluster_email_alerts = true;
  const auto back = user_from_record(user_record(u), "users[0]");
  ASSERT_TRUE(back) << back.error().description;
  EXPECT_EQ(back->user, u);
  EXPECT_FALSE(back->legacy_role);
  EXPECT_TRUE(back->issued_at_known);
  const auto role_back = role_from_record(role_record(sample_roles().at(6)), "roles[0]");
  ASSERT_TRUE(role_back);
  EXPECT_EQ(*role_back, sample_roles().at(6));
}

// A record of a version 4 file from before roles: no uid, its role by name.
TEST(users_model, a_record_from_before_roles_reads_with_its_role_by_name) {
  const std::string digest = password_text(seed_digest("old@x", "Old12345!"));
  const auto old = user_from_record(
      json{{"email", "old@x"}, {"role", "db_member"}, {"password", digest}}, "users[1]");
  ASSERT_TRUE(old) << old.error().description;
  EXPECT_EQ(old->user.uid, 0u);
  EXPECT_EQ(old->legacy_role, role::db_member);
  EXPECT_FALSE(old->issued_at_known);
  EXPECT_EQ(old->user.name, "old@x");
  EXPECT_TRUE(verify_password(old->user.digest, "Old12345!"));
  for (const json& bad :
       {json{{"email", "old@x"}, {"role", "boss"}, {"password", digest}},
        json{{"email", "old@x"}, {"password", digest}},
        json{{"email", "old@x"}, {"role_uids", json::array()}, {"password", digest}},
        json{{"uid", 0}, {"email", "old@x"}, {"role_uids", {1}}, {"password", digest}}}) {
    SCOPED_TRACE(bad.dump());
    EXPECT_FALSE(user_from_record(bad, "users[1]"));
  }
}

// A token's tag covers the uid: the same digest under another uid (a user
// created again, whose seeded digest comes out the same) is another tag.
TEST(users_model, the_credential_tag_covers_the_uid) {
  user a;
  a.uid = 2;
  a.digest = seed_digest("a@x.io", "Pw-12345");
  user b = a;
  b.uid = 5;
  EXPECT_NE(credential_tag(a), credential_tag(b));
  EXPECT_EQ(credential_tag(a), credential_tag(user(a)));
  EXPECT_EQ(credential_tag(a).size(), 16u);
}

// ---- Deferred digests --------------------------------------------------------------

// A seeded user's digest is worked out at its first read, once for every
// copy of the user, and is then the digest seed_digest gives.
TEST(users_model, a_deferred_digest_is_worked_out_once_at_the_first_read) {
  int made = 0;
  user a;
  a.digest = user_digest::deferred([&made] {
    ++made;
    return seed_digest("a@x.io", "Pw-12345");
  });
  const user copy = a;  // as a snapshot copies it
  EXPECT_TRUE(a.digest.pending());
  EXPECT_EQ(made, 0);
  EXPECT_EQ(copy, a);  // two copies of one cell: equal without working it out
  EXPECT_EQ(made, 0);
  EXPECT_TRUE(verify_password(copy.digest, "Pw-12345"));
  EXPECT_FALSE(verify_password(a.digest, "Pw-12346"));
  EXPECT_EQ(made, 1);
  EXPECT_FALSE(a.digest.pending());
  EXPECT_EQ(a.digest.get(), seed_digest("a@x.io", "Pw-12345"));

  user known = a;
  known.digest = seed_digest("a@x.io", "Pw-12345");  // a known value, equal
  EXPECT_FALSE(known.digest.pending());
  EXPECT_EQ(known, a);
  known.digest = seed_digest("a@x.io", "other-123");
  EXPECT_NE(known, a);
  EXPECT_EQ(made, 1);
}

// A recipe that throws (OpenSSL failing) leaves the digest pending: the
// next read tries again.
TEST(users_model, a_deferred_digest_that_throws_is_tried_again) {
  int calls = 0;
  const user_digest d = user_digest::deferred([&calls] {
    if (++calls == 1) throw std::runtime_error("PBKDF2 failed (OpenSSL)");
    return seed_digest("b@x.io", "Pw-12345");
  });
  EXPECT_THROW(d.get(), std::runtime_error);
  EXPECT_TRUE(d.pending());
  EXPECT_TRUE(verify_password(d, "Pw-12345"));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(d.pending());
}

// Threads reading one pending cell at once (requests authenticating as a
// seeded user just after start): the recipe runs once, all read its value.
TEST(users_model, a_deferred_digest_read_from_many_threads_is_worked_out_once) {
  std::atomic<int> made{0};
  const user_digest d = user_digest::deferred([&made] {
    made.fetch_add(1);
    return seed_digest("c@x.io", "Pw-12345");
  });
  const password_digest want = seed_digest("c@x.io", "Pw-12345");
  std::atomic<int> same{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&, copy = d] {
      if (copy.get() == want) same.fetch_add(1);
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(same.load(), 8);
}

}  // namespace
}  // namespace reemu
