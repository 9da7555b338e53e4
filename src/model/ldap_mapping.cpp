// LDAP mappings: the value, its store and its checks
// (model/ldap_mapping.hpp).
#include "reemu/model/ldap_mapping.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "reemu/model/redis_acl.hpp"
#include "reemu/model/registry_data.hpp"
#include "reemu/model/role_bindings.hpp"
#include "reemu/model/users.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

// The OpenAPI document's pattern of an LDAP mapping's email:
// (^$|^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+$).
bool is_mapping_email(std::string_view email) { return email.empty() || email_fits_pattern(email); }

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
  });
}

// The mapping other than `except` named `name`, or nullptr.
const ldap_mapping* mapping_named(const ldap_mapping_map& mappings, std::string_view name,
                                  std::uint64_t except) {
  for (const auto& [uid, m] : mappings)
    if (uid != except && m.name == name) return &m;
  return nullptr;
}

failure mapping_name_taken(const ldap_mapping& other) {
  return failure{api_error::name_already_exists, "An LDAP mapping named " + dump(json(other.name)) +
                                                     " already exists (uid " +
                                                     std::to_string(other.uid) + ")"};
}

// The fields of a body or a record past their JSON types: name, dn, email
// and the alert list, as the API refuses them. `where` prefixes the keys.
result<> check_mapping_fields(const ldap_mapping_request& m, const std::string& where) {
  if (m.name && !is_access_name(*m.name)) {
    return failure{api_error::invalid_name_param,
                   "Invalid '" + where + "name' " + dump(json(*m.name)) +
                       ": 1 to 255 letters, digits, spaces and _ [ ] ( ) @ , . ; # -"};
  }
  if (m.dn && is_blank(*m.dn)) {
    return failure{api_error::invalid_dn_param,
                   "Invalid '" + where + "dn' " + dump(json(*m.dn)) +
                       ": a distinguished name must hold at least one character that is not "
                       "white space"};
  }
  if (m.email && !is_mapping_email(*m.email)) {
    return failure{api_error::invalid_schema, "Invalid '" + where + "email' " +
                                                  dump(json(*m.email)) +
                                                  ": must be empty or an email address"};
  }
  if (m.bdbs_email_alerts) {
    const std::set<std::string> distinct(m.bdbs_email_alerts->begin(), m.bdbs_email_alerts->end());
    if (distinct.size() != m.bdbs_email_alerts->size()) {
      return failure{api_error::invalid_schema,
                     "'" + where + "bdbs_email_alerts' must not repeat a database uid"};
    }
  }
  return {};
}

// The fields of a body or a record, by type; the failure is object_reader's.
result<ldap_mapping_request> read_mapping_fields(const json& body, const std::string& where,
                                                 bool whole) {
  object_reader r(body, where);
  r.only({"bdbs_email_alerts", "cluster_email_alerts", "dn", "email", "email_alerts", "name",
          "role_uids", "uid"});
  ldap_mapping_request m;
  m.uid = r.unsigned_integer("uid", max_bdb_uid, whole);
  m.name = r.string("name", whole);
  m.dn = r.string("dn", whole);
  m.email = r.string("email", whole);
  m.email_alerts = r.boolean("email_alerts", whole);
  m.bdbs_email_alerts = r.string_list("bdbs_email_alerts");
  m.cluster_email_alerts = r.boolean("cluster_email_alerts");
  if (r.failed()) return r.error();
  if (const auto it = body.find("role_uids"); it != body.end()) m.role_uids = *it;
  if (m.uid && *m.uid == 0) {
    return failure{api_error::invalid_schema, "'" + r.name("uid") + "' must be at least 1"};
  }
  return m;
}

}  // namespace

result<ldap_mapping_request> read_ldap_mapping_request(const json& body) {
  auto m = read_mapping_fields(body, "", false);
  if (!m) return as_schema_violation(m.error());
  if (auto ok = check_mapping_fields(*m, ""); !ok) return ok.error();
  return m;
}

result<ldap_mapping> new_ldap_mapping(const registry_data& d, const ldap_mapping_request& request) {
  for (const auto& [key, present] :
       {std::pair{"name", request.name.has_value()}, std::pair{"dn", request.dn.has_value()},
        std::pair{"role_uids", request.role_uids.has_value()}}) {
    if (!present)
      return failure{api_error::missing_field, "Field '" + std::string(key) + "' is required"};
  }
  if (auto ok = check_role_uids(d, *request.role_uids); !ok) return ok.error();
  const auto& mappings = d.ldap_mappings;
  if (const ldap_mapping* other = mapping_named(mappings, *request.name, 0))
    return mapping_name_taken(*other);
  ldap_mapping m;
  if (request.uid) {
    m.uid = *request.uid;
    if (mappings.contains(m.uid)) {
      return failure{api_error::uid_exists,
                     "An LDAP mapping with uid " + std::to_string(m.uid) + " already exists"};
    }
  } else {
    m.uid = mappings.empty() ? 1 : mappings.rbegin()->first + 1;
    if (m.uid > max_bdb_uid) {
      return failure{api_error::invalid_schema, "No LDAP mapping uid is left after " +
                                                    std::to_string(m.uid - 1) +
                                                    "; name a free one in 'uid'"};
    }
  }
  m.name = *request.name;
  m.dn = *request.dn;
  m.email = request.email.value_or("");
  m.role_uids = *read_role_uids(*request.role_uids);
  m.email_alerts = request.email_alerts.value_or(true);
  m.bdbs_email_alerts = request.bdbs_email_alerts;
  m.cluster_email_alerts = request.cluster_email_alerts;
  return m;
}

result<ldap_mapping> updated_ldap_mapping(const registry_data& d, std::uint64_t uid,
                                          const ldap_mapping_request& request) {
  const auto it = d.ldap_mappings.find(uid);
  if (it == d.ldap_mappings.end()) return no_such_ldap_mapping(std::to_string(uid));
  if (request.uid && *request.uid != uid) {
    return failure{api_error::invalid_schema,
                   "Field 'uid' is read-only (it is " + std::to_string(uid) + ")"};
  }
  if (request.role_uids) {
    if (auto ok = check_role_uids(d, *request.role_uids); !ok) return ok.error();
  }
  if (request.name) {
    if (const ldap_mapping* other = mapping_named(d.ldap_mappings, *request.name, uid))
      return mapping_name_taken(*other);
  }
  ldap_mapping m = it->second;
  if (request.name) m.name = *request.name;
  if (request.dn) m.dn = *request.dn;
  if (request.email) m.email = *request.email;
  if (request.role_uids) m.role_uids = *read_role_uids(*request.role_uids);
  if (request.email_alerts) m.email_alerts = *request.email_alerts;
  if (request.bdbs_email_alerts) m.bdbs_email_alerts = request.bdbs_email_alerts;
  if (request.cluster_email_alerts) m.cluster_email_alerts = request.cluster_email_alerts;
  return m;
}

failure no_such_ldap_mapping(std::string_view uid) {
  return failure{api_error::ldap_mapping_not_exist,
                 "LDAP mapping " + std::string(uid) + " does not exist"};
}

json ldap_mapping_object(const ldap_mapping& m) {
  json out = json::object();
  if (m.bdbs_email_alerts) out["bdbs_email_alerts"] = *m.bdbs_email_alerts;
  if (m.cluster_email_alerts) out["cluster_email_alerts"] = *m.cluster_email_alerts;
  out["dn"] = m.dn;
  out["email"] = m.email;
  out["email_alerts"] = m.email_alerts;
  out["name"] = m.name;
  out["role_uids"] = m.role_uids;
  out["uid"] = m.uid;
  return out;
}

json ldap_mapping_record(const ldap_mapping& m) { return ldap_mapping_object(m); }

result<ldap_mapping> ldap_mapping_from_record(const json& record, const std::string& where) {
  auto m = read_mapping_fields(record, where, true);
  if (!m) return m.error();
  if (!m->role_uids)
    return failure{api_error::missing_field, "missing required field '" + where + ".role_uids'"};
  if (auto ok = check_mapping_fields(*m, where + "."); !ok)
    return failure{api_error::invalid_value, ok.error().description};
  auto roles = read_role_uids(*m->role_uids);
  if (!roles) {
    return failure{api_error::invalid_value,
                   "'" + where + ".role_uids': " + roles.error().description};
  }
  return ldap_mapping{*m->uid,
                      *m->name,
                      *m->dn,
                      *m->email,
                      std::move(*roles),
                      *m->email_alerts,
                      m->bdbs_email_alerts,
                      m->cluster_email_alerts};
}

}  // namespace reemu
