// RBAC roles: body checks, the wire object, the state-file record.
#include "reemu/model/roles.hpp"

#include <algorithm>
#include <utility>

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/identifiers.hpp"

namespace reemu {

namespace {

// The reference's pattern for a role name: ^[a-zA-Z0-9_ \[\]()@,.;#-]+$.
bool role_name_char(char c) noexcept {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || std::string_view("_ []()@,.;#-").find(c) != std::string_view::npos;
}

// The resources of a body or record: [{"type":"db","uids":["1"]}, …].
result<std::vector<role_resource>> read_resources(const json& list, const std::string& where) {
  if (!list.is_array())
    return failure{api_error::invalid_schema, "'" + where + "' must be an array of objects"};
  std::vector<role_resource> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    object_reader r(list[i], where + "[" + std::to_string(i) + "]");
    r.only({"type", "uids"});
    auto type = r.string("type", true);
    auto uids = r.string_list("uids");
    if (r.failed()) return as_schema_violation(r.error());
    if (*type != "db") {
      return failure{
          api_error::unsupported_resource,
          "'" + where + "[" + std::to_string(i) + "].type' must be \"db\", got \"" + *type + "\""};
    }
    out.push_back({std::move(*type), uids ? std::move(*uids) : std::vector<std::string>{}});
  }
  return out;
}

}  // namespace

role_entry builtin_admin_role() { return {admin_role_uid, "Admin", role::admin, std::nullopt}; }

std::string_view default_role_name(role r) noexcept {
  switch (r) {
    case role::admin:
      return "Admin";
    case role::cluster_member:
      return "Cluster Member";
    case role::cluster_viewer:
      return "Cluster Viewer";
    case role::db_member:
      return "DB Member";
    case role::db_viewer:
      return "DB Viewer";
    case role::user_manager:
      return "User Manager";
    case role::none:
      return "None";
  }
  return "None";
}

const role_entry* find_role_for(const role_map& roles, role r) noexcept {
  for (const auto& entry : roles) {
    if (entry.second.management == r) return &entry.second;
  }
  return nullptr;
}

std::uint64_t ensure_role_for(role_map& roles, std::uint64_t& uid_high, role r) {
  if (const role_entry* found = find_role_for(roles, r)) return found->uid;
  std::uint64_t uid = std::max(uid_high, roles.empty() ? 0 : roles.rbegin()->first) + 1;
  std::string name(default_role_name(r));
  // A client may have taken the name for a role of another management.
  for (int n = 2; find_role_named(roles, name) != nullptr; ++n)
    name = std::string(default_role_name(r)) + " " + std::to_string(n);
  roles[uid] = role_entry{uid, std::move(name), r, std::nullopt};
  uid_high = uid;
  return uid;
}

json render_role(const role_entry& r) {
  json out = {{"management", to_string(r.management)}, {"name", r.name}, {"uid", r.uid}};
  if (r.resources) {
    json list = json::array();
    for (const auto& res : *r.resources) list.push_back({{"type", res.type}, {"uids", res.uids}});
    out["resources"] = std::move(list);
  }
  return out;
}

result<role_fields> read_role_fields(const json& body, bool create) {
  object_reader r(body);
  r.only({"uid", "name", "management", "resources"});
  role_fields f;
  f.uid = r.unsigned_integer("uid", max_role_uid);
  f.name = r.string("name", create);
  const auto management = r.string("management", create);
  if (r.failed()) return as_schema_violation(r.error());
  if (f.uid && *f.uid == 0) return failure{api_error::invalid_schema, "'uid' must be at least 1"};
  if (f.name) {
    if (f.name->empty() || f.name->size() > max_identifier_length ||
        !std::all_of(f.name->begin(), f.name->end(), role_name_char)) {
      return failure{api_error::invalid_schema,
                     "'name' must be 1 to " + std::to_string(max_identifier_length) +
                         " letters, digits, spaces or _[]()@,.;#- characters"};
    }
  }
  if (management) {
    f.management = parse_role(*management);
    if (!f.management) {
      return failure{api_error::invalid_schema,
                     "'management' must be one of admin, cluster_member, cluster_viewer, "
                     "db_member, db_viewer, user_manager, none; got \"" +
                         *management + "\""};
    }
  }
  if (const auto it = body.find("resources"); it != body.end()) {
    auto resources = read_resources(*it, "resources");
    if (!resources) return resources.error();
    f.resources = std::move(*resources);
  }
  return f;
}

role_entry with_fields(role_entry r, const role_fields& f) {
  if (f.name) r.name = *f.name;
  if (f.management) r.management = *f.management;
  if (f.resources) r.resources = *f.resources;
  return r;
}

const role_entry* find_role_named(const role_map& roles, std::string_view name,
                                  std::uint64_t except) noexcept {
  for (const auto& entry : roles) {
    if (entry.first != except && entry.second.name == name) return &entry.second;
  }
  return nullptr;
}

json role_record(const role_entry& r) { return render_role(r); }

result<role_entry> role_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"uid", "name", "management", "resources"});
  const auto uid = r.unsigned_integer("uid", max_role_uid, true);
  auto name = r.string("name", true);
  const auto management = r.string("management", true);
  if (r.failed()) return r.error();
  const auto m = parse_role(*management);
  if (*uid == 0 || !m) {
    return failure{
        api_error::invalid_value,
        "'" + where + "' must have a uid >= 1 and a management role, got " + dump(record)};
  }
  role_entry out{*uid, std::move(*name), *m, std::nullopt};
  if (const auto it = record.find("resources"); it != record.end()) {
    auto resources = read_resources(*it, where + ".resources");
    if (!resources) return failure{api_error::invalid_value, resources.error().description};
    out.resources = std::move(*resources);
  }
  return out;
}

}  // namespace reemu
