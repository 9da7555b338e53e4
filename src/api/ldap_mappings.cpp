// The emulated LDAP mappings API. Every write reads its body whole first
// (read_ldap_mapping_request), then checks it against the registry and
// changes it in one registry::update.
#include "reemu/api/ldap_mappings.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/ldap_mapping.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/state/stored_bodies.hpp"
#include "reemu/util/uuid.hpp"

namespace reemu {

namespace {

using http_t::status;

reply mapping_reply(const ldap_mapping& m) {
  return json_reply(status::ok, ldap_mapping_object(m));
}

result<ldap_mapping_request> mapping_request(const request_context& ctx) {
  const auto body = read_bdb_body(ctx);
  if (!body) return body.error();
  return read_ldap_mapping_request(*body);
}

}  // namespace

namespace {

// [ldap_mapping…] by uid.
std::string ldap_mappings_list(const registry_data& d) {
  json out = json::array();
  for (const auto& entry : d.ldap_mappings) out.push_back(ldap_mapping_object(entry.second));
  return dump(out);
}

}  // namespace

reply get_ldap_mappings(const request_context& ctx, stored_bodies& stored) {
  return shared_reply(stored.get(stored_list::ldap_mappings, ctx.state, ldap_mappings_list));
}

reply get_ldap_mapping(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const auto& mappings = ctx.state->data().ldap_mappings;
  const auto it = uid ? mappings.find(*uid) : mappings.end();
  if (it == mappings.end()) return error_reply(no_such_ldap_mapping(ctx.param("uid")));
  return mapping_reply(it->second);
}

reply create_ldap_mapping(const request_context& ctx, registry& reg) {
  const auto request = mapping_request(ctx);
  if (!request) return error_reply(request.error());
  ldap_mapping made;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto m = new_ldap_mapping(d, *request);
    if (!m) return m.error();
    made = *m;
    d.ldap_mappings.emplace(made.uid, made);
    return {};
  });
  return written ? mapping_reply(made) : error_reply(written.error());
}

reply update_ldap_mapping(const request_context& ctx, registry& reg) {
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_ldap_mapping(ctx.param("uid")));
  const auto request = mapping_request(ctx);
  if (!request) return error_reply(request.error());
  ldap_mapping changed;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto m = updated_ldap_mapping(d, *uid, *request);
    if (!m) return m.error();
    changed = *m;
    d.ldap_mappings[*uid] = changed;
    return {};
  });
  return written ? mapping_reply(changed) : error_reply(written.error());
}

reply delete_ldap_mapping(const request_context& ctx, registry& reg) {
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_ldap_mapping(ctx.param("uid")));
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (d.ldap_mappings.erase(*uid) == 0) return no_such_ldap_mapping(ctx.param("uid"));
    return {};
  });
  if (!written) return error_reply(written.error());
  // As for a Redis ACL: a new uuid of no action.
  return action_uid_reply(make_uuid_v4());
}

std::vector<route> ldap_mapping_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/ldap_mappings", access::needs("view_all_ldap_mappings_info"),
       uses<&get_ldap_mappings>},
      {verb::post, "/v1/ldap_mappings", access::needs("create_ldap_mapping"),
       uses<&create_ldap_mapping>},
      {verb::get, "/v1/ldap_mappings/{uid}", access::needs("view_ldap_mapping_info"),
       uses<&get_ldap_mapping>},
      {verb::put, "/v1/ldap_mappings/{uid}", access::needs("update_ldap_mapping"),
       uses<&update_ldap_mapping>},
      {verb::delete_, "/v1/ldap_mappings/{uid}", access::needs("delete_ldap_mapping"),
       uses<&delete_ldap_mapping>},
  };
}

}  // namespace reemu
