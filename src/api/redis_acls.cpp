// The emulated Redis ACLs API. Every write reads its body whole first
// (read_redis_acl_request), then checks it against the store and changes it
// in one registry::update; a dry run makes the same checks on the request's
// snapshot.
#include "reemu/api/redis_acls.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/redis_acl.hpp"
#include "reemu/model/role_bindings.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/state/stored_bodies.hpp"
#include "reemu/util/uuid.hpp"

namespace reemu {

namespace {

using http_t::status;

reply acl_reply(const redis_acl& a) { return json_reply(status::ok, redis_acl_object(a)); }

// The body of a POST or PUT, read and checked on its own.
result<redis_acl_request> acl_request(const request_context& ctx) {
  const auto body = read_bdb_body(ctx);
  if (!body) return body.error();
  return read_redis_acl_request(*body);
}

// POST /v1/redis_acls?dry_run and POST /v1/redis_acls/validate: the ACL a
// create would make, made of nothing.
reply acl_made_on_snapshot(const request_context& ctx) {
  const auto request = acl_request(ctx);
  if (!request) return error_reply(request.error());
  const auto made = new_redis_acl(ctx.state->data().redis_acls, *request);
  if (!made) return error_reply(made.error());
  return acl_reply(*made);
}

}  // namespace

namespace {

// [redis_acl…] by uid.
std::string redis_acls_list(const registry_data& d) {
  json out = json::array();
  for (const auto& entry : d.redis_acls) out.push_back(redis_acl_object(entry.second));
  return dump(out);
}

}  // namespace

reply get_redis_acls(const request_context& ctx, stored_bodies& stored) {
  return shared_reply(stored.get(stored_list::redis_acls, ctx.state, redis_acls_list));
}

reply get_redis_acl(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const auto& acls = ctx.state->data().redis_acls;
  const auto it = uid ? acls.find(*uid) : acls.end();
  if (it == acls.end()) return error_reply(no_such_redis_acl(ctx.param("uid")));
  return acl_reply(it->second);
}

reply create_redis_acl(const request_context& ctx, registry& reg) {
  if (dry_run(ctx)) return acl_made_on_snapshot(ctx);
  const auto request = acl_request(ctx);
  if (!request) return error_reply(request.error());
  redis_acl made;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto acl = new_redis_acl(d.redis_acls, *request);
    if (!acl) return acl.error();
    made = *acl;
    d.redis_acls.emplace(made.uid, made);
    return {};
  });
  return written ? acl_reply(made) : error_reply(written.error());
}

reply update_redis_acl(const request_context& ctx, registry& reg) {
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_redis_acl(ctx.param("uid")));
  const auto request = acl_request(ctx);
  if (!request) return error_reply(request.error());
  if (dry_run(ctx)) {
    const auto next = updated_redis_acl(ctx.state->data().redis_acls, *uid, *request);
    return next ? acl_reply(*next) : error_reply(next.error());
  }
  redis_acl changed;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto next = updated_redis_acl(d.redis_acls, *uid, *request);
    if (!next) return next.error();
    changed = *next;
    d.redis_acls[*uid] = changed;
    return {};
  });
  return written ? acl_reply(changed) : error_reply(written.error());
}

reply delete_redis_acl(const request_context& ctx, registry& reg) {
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_redis_acl(ctx.param("uid")));
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (auto ok = check_redis_acl_deletion(d, *uid, ctx.now); !ok) return ok;
    d.redis_acls.erase(*uid);
    return {};
  });
  if (!written) return error_reply(written.error());
  // The reference's answer: an action_uid, here a new uuid of no action (the
  // delete is done when it answers).
  return action_uid_reply(make_uuid_v4());
}

reply validate_redis_acl(const request_context& ctx) { return acl_made_on_snapshot(ctx); }

std::vector<route> redis_acl_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/redis_acls", access::needs("view_all_redis_acls_info"),
       uses<&get_redis_acls>},
      {verb::post, "/v1/redis_acls", access::needs("create_redis_acl"), uses<&create_redis_acl>},
      {verb::post, "/v1/redis_acls/validate", access::needs("create_redis_acl"),
       uses<&validate_redis_acl>},
      {verb::get, "/v1/redis_acls/{uid}", access::needs("view_redis_acl_info"),
       uses<&get_redis_acl>},
      {verb::put, "/v1/redis_acls/{uid}", access::needs("update_redis_acl"),
       uses<&update_redis_acl>},
      {verb::delete_, "/v1/redis_acls/{uid}", access::needs("delete_redis_acl"),
       uses<&delete_redis_acl>},
  };
}

}  // namespace reemu
