// Users (/v1/users): who may call the API, with the RBAC roles they hold
// (model/roles.hpp). The one store Basic and JWT authenticate against, the
// config seeds, the control API steers and the state file keeps. Plain
// values and pure functions: the body checks, the password policy, the
// wire object.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/role.hpp"
#include "reemu/model/roles.hpp"

namespace reemu {

// A user's password digest, known or still to be worked out. A seeded
// user's digest is a pure function of the config (auth::seed_digest, 1 000
// PBKDF2 rounds, about a quarter of a millisecond each), so it is worked out
// when first read (a login, a token's credential tag, the state document)
// rather than at every start for users nobody may log in as. Copies share
// the pending cell, so all the snapshots a user is copied into work it out
// once between them; reads from any thread are safe (the first under the
// cell's mutex), and a recipe that throws is tried again at the next read.
// The recipe (which holds the config's clear password, as the config does)
// is dropped once used.
class user_digest {
 public:
  user_digest() = default;
  user_digest(const password_digest& known) : known_(known) {}  // NOLINT(*-explicit-*)
  // The digest `make` returns, worked out at the first read.
  static user_digest deferred(std::function<password_digest()> make);

  // The digest (works it out first if pending; rethrows what `make` threw).
  const password_digest& get() const;
  operator const password_digest&() const { return get(); }  // NOLINT(*-explicit-*)
  // Whether it is still to be worked out (for tests).
  bool pending() const;

  // Equal digests; two copies of one pending cell are equal unread.
  friend bool operator==(const user_digest& a, const user_digest& b);
  friend bool operator==(const user_digest& a, const password_digest& b) { return a.get() == b; }

 private:
  struct cell {
    std::mutex working;
    std::function<password_digest()> make;
    password_digest value;
    std::atomic<bool> done{false};
  };
  password_digest known_{};
  std::shared_ptr<cell> cell_;  // set while (or once) deferred
};

struct user {
  std::uint64_t uid = 0;  // from 1, in creation order, not reused
  std::string email;      // the login name
  std::string name;
  std::vector<std::uint64_t> role_uids;  // at least one, each a role of the registry
  user_digest digest{};
  double password_issued_at = 0;  // clock time of the creation or the last new password
  bool email_alerts = true;
  std::optional<std::vector<std::string>> bdbs_email_alerts;  // absent: not shown
  std::optional<bool> cluster_email_alerts;                   // absent: not shown
  bool operator==(const user&) const = default;
};

// Users keyed by email, the login name; std::less<> allows lookups by
// string_view. Lookups by uid scan (users are few).
using user_map = std::map<std::string, user, std::less<>>;

// User uids, like role uids, fit the u32 clients decode them into.
inline constexpr std::uint64_t max_user_uid = 4294967295;

// The user with `uid`, or nullptr. Linear in the users.
const user* find_user(const user_map& users, std::uint64_t uid) noexcept;

// The management roles `u` holds through its roles (unknown uids add
// nothing): what it may do is their permissions together.
role_set management_of(const role_map& roles, const user& u) noexcept;

// The user's `role` on the wire and in messages: leading_role of its set.
role role_of(const role_map& roles, const user& u) noexcept;

// How many users hold the admin management role.
std::size_t count_admins(const user_map& users, const role_map& roles) noexcept;

// The wire object, as the capture (tests/data/user_single.json): keys
// sorted, `role` from its roles, `status` "active", `auth_method` "regular",
// the optional alert keys only when set; never a password.
json render_user(const role_map& roles, const user& u);

// ---- Password policy ---------------------------------------------------------

// The cluster's password rules (GET /v1/cluster's password_min_length and
// password_complexity, changed by PUT /v1/cluster).
struct password_policy {
  std::uint64_t min_length = 8;  // 8 to 256
  bool complexity = false;
  bool operator==(const password_policy&) const = default;
};
inline constexpr std::uint64_t min_password_length_floor = 8;
inline constexpr std::uint64_t min_password_length_ceiling = 256;

// Whether `password` may be the password of the user `email` under `p`:
// at least min_length characters; with complexity, also an upper-case
// letter, a lower-case letter, a digit and a character that is none of
// these, not the email nor the email reversed inside it (any case), and no
// character more than 3 times in a row. Fails with password_not_complex
// naming the rule.
result<> check_password(const password_policy& p, std::string_view password,
                        std::string_view email);

// ---- Bodies ------------------------------------------------------------------

// What a POST or PUT /v1/users body asks for: each key it holds.
struct user_fields {
  std::optional<std::uint64_t> uid;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<std::vector<std::uint64_t>> role_uids;
  std::optional<role> legacy_role;  // the deprecated `role`
  std::optional<bool> email_alerts;
  std::optional<std::vector<std::string>> bdbs_email_alerts;
  std::optional<bool> cluster_email_alerts;

  // True when it asks for something only an admin or user manager may
  // change on another's record or their own: the email or the roles.
  bool touches_access() const noexcept { return email || role_uids || legacy_role; }
};

// Reads a /v1/users body. `create`: email, password and a role (role_uids
// or role) are required (missing_field). invalid_role_uids_param for
// role_uids that are not a non-empty array of distinct role uids (as an
// LDAP mapping's). invalid_schema for anything else that does not fit: a
// key the reference does not list, a wrong type, an email outside the
// reference's pattern, a name that is not 1 to 255 printable ASCII
// characters without &<>", a role that is no management role, an
// auth_method other than
// "regular", a certificate_subject_line other than "", any
// password_hash_method (pre-hashed passwords are not emulated), a password
// holding a NUL byte.
result<user_fields> read_user_fields(const json& body, bool create);

// The role uids the fields ask for, checked against `roles`: role_uids
// (each must exist: invalid_role_uids_param), else the role with the
// legacy `role` as management (request_role_not_exist, 400 role_not_exist,
// when no role has it); nullopt when they name none. invalid_schema when
// role and role_uids are both given and disagree.
result<std::optional<std::vector<std::uint64_t>>> resolve_role_uids(const role_map& roles,
                                                                    const user_fields& f);

// `u` with the fields' name and alert preferences applied (the email, the
// roles and the password are the caller's to set).
user with_profile(user u, const user_fields& f);

// Why `name` cannot be a user's name (the reference's pattern: 1 to 255
// printable ASCII characters without &<>"), or nullopt.
std::optional<std::string> user_name_problem(std::string_view name);

// True when `email` fits the reference's pattern
// (^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+$).
bool email_fits_pattern(std::string_view email) noexcept;

// The user named `name` other than the one with `except_uid`, or nullptr.
const user* find_user_named(const user_map& users, std::string_view name,
                            std::uint64_t except_uid = 0) noexcept;

}  // namespace reemu
