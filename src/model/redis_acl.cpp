// Redis ACLs: the value, its store and its checks (model/redis_acl.hpp).
#include "reemu/model/redis_acl.hpp"

#include <algorithm>
#include <utility>

#include "reemu/model/acl_rules.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

constexpr std::size_t max_access_name_length = 255;

// The ACL other than `except` named `name`, or nullptr.
const redis_acl* acl_named(const redis_acl_map& acls, std::string_view name, std::uint64_t except) {
  for (const auto& [uid, a] : acls)
    if (uid != except && a.name == name) return &a;
  return nullptr;
}

failure acl_name_taken(const redis_acl& other) {
  return failure{api_error::name_already_exists, "A Redis ACL named " + dump(json(other.name)) +
                                                     " already exists (uid " +
                                                     std::to_string(other.uid) + ")"};
}

failure invalid_access_name(std::string_view field, const std::string& name,
                            api_error code = api_error::invalid_param) {
  return failure{code, "Invalid '" + std::string(field) + "' " + dump(json(name)) +
                           ": 1 to 255 letters, digits, spaces and _ [ ] ( ) @ , . ; # -"};
}

}  // namespace

redis_acl_map fresh_redis_acls() {
  return {{full_access_acl_uid, redis_acl{full_access_acl_uid, std::string(full_access_acl_name),
                                          std::string(full_access_acl_rules)}}};
}

bool is_read_only_acl(std::uint64_t uid) noexcept { return uid == full_access_acl_uid; }

bool is_access_name(std::string_view name) noexcept {
  constexpr std::string_view punctuation = "_ []()@,.;#-";
  return !name.empty() && name.size() <= max_access_name_length &&
         std::all_of(name.begin(), name.end(), [&](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  punctuation.find(c) != std::string_view::npos;
         });
}

result<redis_acl_request> read_redis_acl_request(const json& body) {
  object_reader r(body);
  r.only({"acl", "name", "uid"});
  auto uid = r.unsigned_integer("uid", max_bdb_uid);
  auto name = r.string("name");
  auto acl = r.string("acl");
  if (r.failed()) return as_schema_violation(r.error());
  if (uid && *uid == 0) return failure{api_error::invalid_schema, "'uid' must be at least 1"};
  if (name && !is_access_name(*name)) return invalid_access_name("name", *name);
  if (acl) {
    if (auto ok = check_acl_rules(*acl); !ok) return ok.error();
  }
  return redis_acl_request{uid, std::move(name), std::move(acl)};
}

result<redis_acl> new_redis_acl(const redis_acl_map& acls, const redis_acl_request& request) {
  if (!request.name) return failure{api_error::missing_field, "Field 'name' is required"};
  if (!request.acl) return failure{api_error::missing_field, "Field 'acl' is required"};
  if (const redis_acl* other = acl_named(acls, *request.name, 0)) return acl_name_taken(*other);
  std::uint64_t uid = 0;
  if (request.uid) {
    uid = *request.uid;
    if (acls.contains(uid)) {
      return failure{api_error::uid_exists,
                     "A Redis ACL with uid " + std::to_string(uid) + " already exists"};
    }
  } else {
    uid = acls.empty() ? 1 : acls.rbegin()->first + 1;
    if (uid > max_bdb_uid) {
      return failure{api_error::invalid_schema, "No Redis ACL uid is left after " +
                                                    std::to_string(uid - 1) +
                                                    "; name a free one in 'uid'"};
    }
  }
  return redis_acl{uid, *request.name, *request.acl};
}

result<redis_acl> updated_redis_acl(const redis_acl_map& acls, std::uint64_t uid,
                                    const redis_acl_request& request) {
  const auto it = acls.find(uid);
  if (it == acls.end()) return no_such_redis_acl(std::to_string(uid));
  if (is_read_only_acl(uid)) {
    return failure{api_error::read_only_object, "Cannot change a read-only object: Redis ACL " +
                                                    std::to_string(uid) + " (" + it->second.name +
                                                    ")"};
  }
  if (request.uid && *request.uid != uid) {
    return failure{api_error::invalid_schema,
                   "Field 'uid' is read-only (it is " + std::to_string(uid) + ")"};
  }
  if (request.name) {
    if (const redis_acl* other = acl_named(acls, *request.name, uid)) return acl_name_taken(*other);
  }
  redis_acl next = it->second;
  if (request.name) next.name = *request.name;
  if (request.acl) next.acl = *request.acl;
  return next;
}

result<> check_redis_acl_removable(const redis_acl_map& acls, std::uint64_t uid) {
  const auto it = acls.find(uid);
  if (it == acls.end()) return no_such_redis_acl(std::to_string(uid));
  if (is_read_only_acl(uid)) {
    return failure{api_error::read_only_object, "Cannot delete a read-only object: Redis ACL " +
                                                    std::to_string(uid) + " (" + it->second.name +
                                                    ")"};
  }
  return {};
}

failure no_such_redis_acl(std::string_view uid) {
  return failure{api_error::redis_acl_not_exist,
                 "Redis ACL " + std::string(uid) + " does not exist"};
}

json redis_acl_object(const redis_acl& a) {
  json out = json::object();
  out["acl"] = a.acl;
  out["name"] = a.name;
  out["uid"] = a.uid;
  return out;
}

json redis_acl_record(const redis_acl& a) { return redis_acl_object(a); }

result<redis_acl> redis_acl_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"acl", "name", "uid"});
  const auto uid = r.unsigned_integer("uid", max_bdb_uid, true);
  const auto name = r.string("name", true);
  const auto acl = r.string("acl", true);
  if (r.failed()) return r.error();
  if (*uid == 0) return failure{api_error::invalid_value, "'" + where + ".uid' must be >= 1"};
  if (!is_access_name(*name))
    return invalid_access_name(where + ".name", *name, api_error::invalid_value);
  if (auto ok = check_acl_rules(*acl); !ok) {
    return failure{api_error::invalid_value, "'" + where + ".acl': " + ok.error().description};
  }
  return redis_acl{*uid, *name, *acl};
}

}  // namespace reemu
