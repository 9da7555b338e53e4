// LDAP mappings (/v1/ldap_mappings): an LDAP group (its distinguished name)
// given cluster roles, and where its members' alerts go. A value, its store,
// the checks of a create or an update, its wire object and its state-file
// record. A fresh cluster has none. Plain values; no locking.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct registry_data;

struct ldap_mapping {
  std::uint64_t uid = 0;
  std::string name;
  std::string dn;
  std::string email;  // "" when the group has none
  std::vector<std::uint64_t> role_uids;
  bool email_alerts = true;
  // Sent only once given (like a user's, absent from a real user capture).
  std::optional<std::vector<std::string>> bdbs_email_alerts;
  std::optional<bool> cluster_email_alerts;

  bool operator==(const ldap_mapping&) const = default;
};

// The mappings by uid.
using ldap_mapping_map = std::map<std::uint64_t, ldap_mapping>;

// What a POST or PUT body gives, each field when present. role_uids stays
// JSON until check_role_uids (model/role_bindings.hpp) has read it against
// the registry.
struct ldap_mapping_request {
  std::optional<std::uint64_t> uid;
  std::optional<std::string> name;
  std::optional<std::string> dn;
  std::optional<std::string> email;
  std::optional<json> role_uids;
  std::optional<bool> email_alerts;
  std::optional<std::vector<std::string>> bdbs_email_alerts;
  std::optional<bool> cluster_email_alerts;
};

// Reads a body: invalid_schema for a key the object does not take or a
// value of the wrong type (email not empty and not an address,
// bdbs_email_alerts not distinct strings); invalid_name_param for a name
// outside the pattern (model/redis_acl.hpp, is_access_name);
// invalid_dn_param for a blank dn.
result<ldap_mapping_request> read_ldap_mapping_request(const json& body);

// The mapping a create makes of `request` in `d`: name, dn and role_uids
// required (missing_field), role_uids as check_role_uids reads them, a name
// no other mapping has (name_already_exists, 409), the uid asked for when
// it is free (uid_exists, 409) or the one after the highest.
result<ldap_mapping> new_ldap_mapping(const registry_data& d, const ldap_mapping_request& request);

// The mapping `uid` with `request` on top: ldap_mapping_not_exist (404)
// when there is none, invalid_schema for a uid in the body that is not
// `uid`, name_already_exists for another mapping's name.
result<ldap_mapping> updated_ldap_mapping(const registry_data& d, std::uint64_t uid,
                                          const ldap_mapping_request& request);

// 404 ldap_mapping_not_exist for the uid `uid` (as the path gave it).
failure no_such_ldap_mapping(std::string_view uid);

// The wire object, keys sorted: bdbs_email_alerts and
// cluster_email_alerts only when given.
json ldap_mapping_object(const ldap_mapping& m);

// The state file's record (the wire object); ldap_mapping_from_record reads
// it back with the checks of a body, naming `where` ("ldap_mappings[0]").
json ldap_mapping_record(const ldap_mapping& m);
result<ldap_mapping> ldap_mapping_from_record(const json& record, const std::string& where);

}  // namespace reemu
