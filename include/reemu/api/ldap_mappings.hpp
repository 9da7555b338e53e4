// The LDAP mappings family of the emulated API (/v1/ldap_mappings…): LDAP
// groups given cluster roles (model/ldap_mapping.hpp). Reads answer from
// the request's snapshot; a write checks its body whole, then makes its
// change in one registry::update, so a refused request changes nothing.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_ldap_mappings(const request_context& ctx,
                        stored_bodies& stored);      // GET  /v1/ldap_mappings
reply get_ldap_mapping(const request_context& ctx);  // GET  /v1/ldap_mappings/{uid}
reply create_ldap_mapping(const request_context& ctx, registry& reg);  // POST /v1/ldap_mappings
reply update_ldap_mapping(const request_context& ctx,
                          registry& reg);  // PUT  /v1/ldap_mappings/{uid}
reply delete_ldap_mapping(const request_context& ctx, registry& reg);  // DELETE …/{uid}

// The family's route table, with the permissions of the Redis Software
// reference (view_all_ldap_mappings_info, view_ldap_mapping_info,
// create_ldap_mapping, update_ldap_mapping, delete_ldap_mapping).
std::vector<route> ldap_mapping_routes();

}  // namespace reemu
