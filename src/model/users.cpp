// Users: lookups, roles held, the wire object, the password policy, bodies.
#include "reemu/model/users.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "reemu/model/database.hpp"
#include "reemu/model/role_bindings.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/identifiers.hpp"

namespace reemu {

namespace {

constexpr std::size_t max_user_name_length = 255;

bool local_part_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("_.+-").find(c) != std::string_view::npos;
}
bool domain_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

std::string lowercase_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

failure not_complex(const std::string& why) {
  return {api_error::password_not_complex, "The password is not complex enough: " + why};
}

// The role_uids of a body: read_role_uids' shape (model/role_bindings.hpp,
// as an LDAP mapping's), each uid once.
result<std::vector<std::uint64_t>> read_distinct_role_uids(const json& v) {
  auto uids = read_role_uids(v);
  if (!uids) return uids.error();
  std::set<std::uint64_t> seen;
  for (const std::uint64_t uid : *uids) {
    if (!seen.insert(uid).second) {
      return failure{
          api_error::invalid_role_uids_param,
          "Invalid 'role_uids' " + dump(v) + ": role " + std::to_string(uid) + " is given twice"};
    }
  }
  return uids;
}

}  // namespace

user_digest user_digest::deferred(std::function<password_digest()> make) {
  user_digest d;
  d.cell_ = std::make_shared<cell>();
  d.cell_->make = std::move(make);
  return d;
}

const password_digest& user_digest::get() const {
  if (!cell_) return known_;
  // Not std::call_once: whether its flag is reset after a throw depends on
  // the C library's pthread_once (and the thread sanitizer's never resets it).
  if (!cell_->done.load(std::memory_order_acquire)) {
    const std::lock_guard lock(cell_->working);
    if (!cell_->done.load(std::memory_order_relaxed)) {
      cell_->value = cell_->make();
      cell_->make = nullptr;
      cell_->done.store(true, std::memory_order_release);
    }
  }
  return cell_->value;
}

bool user_digest::pending() const { return cell_ && !cell_->done.load(std::memory_order_acquire); }

bool operator==(const user_digest& a, const user_digest& b) {
  return (a.cell_ && a.cell_ == b.cell_) || a.get() == b.get();
}

const user* find_user(const user_map& users, std::uint64_t uid) noexcept {
  for (const auto& entry : users) {
    if (entry.second.uid == uid) return &entry.second;
  }
  return nullptr;
}

role_set management_of(const role_map& roles, const user& u) noexcept {
  role_set out;
  for (const std::uint64_t uid : u.role_uids) {
    if (const auto it = roles.find(uid); it != roles.end()) out.add(it->second.management);
  }
  return out;
}

role role_of(const role_map& roles, const user& u) noexcept {
  return leading_role(management_of(roles, u));
}

std::size_t count_admins(const user_map& users, const role_map& roles) noexcept {
  return static_cast<std::size_t>(std::count_if(users.begin(), users.end(), [&](const auto& e) {
    return management_of(roles, e.second).contains(role::admin);
  }));
}

json render_user(const role_map& roles, const user& u) {
  json out = {{"auth_method", "regular"},
              {"certificate_subject_line", ""},
              {"email", u.email},
              {"email_alerts", u.email_alerts},
              {"name", u.name},
              {"password_issue_date", rfc3339(u.password_issued_at)},
              {"role", to_string(role_of(roles, u))},
              {"role_uids", u.role_uids},
              {"status", "active"},
              {"uid", u.uid}};
  if (u.bdbs_email_alerts) out["bdbs_email_alerts"] = *u.bdbs_email_alerts;
  if (u.cluster_email_alerts) out["cluster_email_alerts"] = *u.cluster_email_alerts;
  return out;
}

result<> check_password(const password_policy& p, std::string_view password,
                        std::string_view email) {
  if (password.size() < p.min_length) {
    return not_complex("it must be at least " + std::to_string(p.min_length) +
                       " characters long (password_min_length)");
  }
  if (!p.complexity) return {};
  const auto has = [&](auto test) {
    return std::any_of(password.begin(), password.end(),
                       [&](char c) { return test(static_cast<unsigned char>(c)) != 0; });
  };
  if (!has([](unsigned char c) { return std::isupper(c); }))
    return not_complex("it must hold an upper-case letter");
  if (!has([](unsigned char c) { return std::islower(c); }))
    return not_complex("it must hold a lower-case letter");
  if (!has([](unsigned char c) { return std::isdigit(c); }))
    return not_complex("it must hold a digit");
  if (!has([](unsigned char c) { return std::isalnum(c) == 0 ? 1 : 0; }))
    return not_complex("it must hold a special character");
  const std::string text = lowercase_copy(password);
  std::string mail = lowercase_copy(email);
  if (!mail.empty() && text.find(mail) != std::string::npos)
    return not_complex("it must not contain the user's email");
  std::reverse(mail.begin(), mail.end());
  if (!mail.empty() && text.find(mail) != std::string::npos)
    return not_complex("it must not contain the user's email reversed");
  std::size_t run = 1;
  for (std::size_t i = 1; i < password.size(); ++i) {
    run = password[i] == password[i - 1] ? run + 1 : 1;
    if (run > 3) return not_complex("no character may repeat more than 3 times in a row");
  }
  return {};
}

std::optional<std::string> user_name_problem(std::string_view name) {
  const bool printable = std::all_of(name.begin(), name.end(), [](char c) {
    return c >= ' ' && c <= '~' && c != '"' && c != '&' && c != '<' && c != '>';
  });
  if (name.empty() || name.size() > max_user_name_length || !printable) {
    return "'name' must be 1 to " + std::to_string(max_user_name_length) +
           " printable ASCII characters without &<>\"";
  }
  return std::nullopt;
}

bool email_fits_pattern(std::string_view email) noexcept {
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  const std::string_view tail = domain.substr(dot + 1);
  return std::all_of(local.begin(), local.end(), local_part_char) &&
         std::all_of(domain.begin(), domain.begin() + static_cast<std::ptrdiff_t>(dot),
                     domain_char) &&
         std::all_of(tail.begin(), tail.end(), [](char c) { return domain_char(c) || c == '.'; });
}

result<user_fields> read_user_fields(const json& body, bool create) {
  object_reader r(body);
  r.only({"uid", "email", "name", "password", "role", "role_uids", "email_alerts",
          "bdbs_email_alerts", "cluster_email_alerts", "auth_method", "certificate_subject_line",
          "password_hash_method"});
  user_fields f;
  f.uid = r.unsigned_integer("uid", max_user_uid);
  f.email = r.string("email", create);
  f.password = r.string("password", create);
  f.name = r.string("name");
  const auto role_name = r.string("role");
  f.email_alerts = r.boolean("email_alerts");
  f.cluster_email_alerts = r.boolean("cluster_email_alerts");
  f.bdbs_email_alerts = r.string_list("bdbs_email_alerts");
  const auto auth_method = r.string("auth_method");
  const auto subject = r.string("certificate_subject_line");
  if (r.failed()) return as_schema_violation(r.error());
  if (create && !role_name && !body.contains("role_uids")) {
    return failure{api_error::missing_field,
                   "missing required field: a role, in 'role_uids' (or the legacy 'role')"};
  }
  if (f.uid && *f.uid == 0) return failure{api_error::invalid_schema, "'uid' must be at least 1"};
  if (f.email) {
    if (f.email->size() > max_identifier_length || !email_fits_pattern(*f.email)) {
      return failure{api_error::invalid_schema,
                     "'email' must be an email address (name@domain.tld, at most " +
                         std::to_string(max_identifier_length) + " bytes), got \"" + *f.email +
                         "\""};
    }
  }
  if (f.name) {
    if (auto problem = user_name_problem(*f.name))
      return failure{api_error::invalid_schema, *problem};
  }
  if (f.password && f.password->find('\0') != std::string::npos)
    return failure{api_error::invalid_schema, "'password' must not contain NUL bytes"};
  if (role_name) {
    f.legacy_role = parse_role(*role_name);
    if (!f.legacy_role) {
      return failure{api_error::invalid_schema,
                     "'role' must be one of admin, cluster_member, cluster_viewer, db_member, "
                     "db_viewer, user_manager, none; got \"" +
                         *role_name + "\""};
    }
  }
  if (const auto it = body.find("role_uids"); it != body.end()) {
    auto uids = read_distinct_role_uids(*it);
    if (!uids) return uids.error();
    f.role_uids = std::move(*uids);
  }
  if (auth_method && *auth_method != "regular") {
    return failure{api_error::invalid_schema,
                   "'auth_method' \"" + *auth_method +
                       "\" is not emulated: users sign in with a password (\"regular\")"};
  }
  if (subject && !subject->empty()) {
    return failure{api_error::invalid_schema,
                   "'certificate_subject_line' must be \"\": certificate sign-in is not emulated"};
  }
  if (body.contains("password_hash_method")) {
    return failure{api_error::invalid_schema,
                   "'password_hash_method' is not emulated: send the password in clear"};
  }
  return f;
}

result<std::optional<std::vector<std::uint64_t>>> resolve_role_uids(const role_map& roles,
                                                                    const user_fields& f) {
  if (f.role_uids) {
    role_set held;
    for (const std::uint64_t uid : *f.role_uids) {
      const auto it = roles.find(uid);
      if (it == roles.end()) {
        return failure{api_error::invalid_role_uids_param,
                       "Invalid 'role_uids': role " + std::to_string(uid) + " does not exist"};
      }
      held.add(it->second.management);
    }
    if (f.legacy_role && leading_role(held) != *f.legacy_role) {
      return failure{api_error::invalid_schema,
                     "'role' is \"" + std::string(to_string(*f.legacy_role)) +
                         "\" but the roles of 'role_uids' make the user \"" +
                         std::string(to_string(leading_role(held))) + "\""};
    }
    return std::optional(*f.role_uids);
  }
  if (f.legacy_role) {
    const role_entry* r = find_role_for(roles, *f.legacy_role);
    if (!r) {
      return failure{api_error::request_role_not_exist,
                     "No role has the management role \"" + std::string(to_string(*f.legacy_role)) +
                         "\": create one with POST /v1/roles, or give 'role_uids'"};
    }
    return std::optional(std::vector<std::uint64_t>{r->uid});
  }
  return std::optional<std::vector<std::uint64_t>>();
}

user with_profile(user u, const user_fields& f) {
  if (f.name) u.name = *f.name;
  if (f.email_alerts) u.email_alerts = *f.email_alerts;
  if (f.bdbs_email_alerts) u.bdbs_email_alerts = *f.bdbs_email_alerts;
  if (f.cluster_email_alerts) u.cluster_email_alerts = *f.cluster_email_alerts;
  return u;
}

const user* find_user_named(const user_map& users, std::string_view name,
                            std::uint64_t except_uid) noexcept {
  for (const auto& entry : users) {
    if (entry.second.uid != except_uid && entry.second.name == name) return &entry.second;
  }
  return nullptr;
}

}  // namespace reemu
