// The Redis ACLs family of the emulated API (/v1/redis_acls…): the named
// ACL rules databases bind to roles (model/redis_acl.hpp). Reads answer
// from the request's snapshot; a write checks its body whole, then makes
// its change in one registry::update, so a refused request changes
// nothing. ?dry_run (POST, PUT) and the deprecated POST
// /v1/redis_acls/validate answer what the write would give and change
// nothing.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_redis_acls(const request_context& ctx, stored_bodies& stored);  // GET    /v1/redis_acls
reply get_redis_acl(const request_context& ctx);                    // GET    /v1/redis_acls/{uid}
reply create_redis_acl(const request_context& ctx, registry& reg);  // POST   /v1/redis_acls
reply update_redis_acl(const request_context& ctx, registry& reg);  // PUT    /v1/redis_acls/{uid}
reply delete_redis_acl(const request_context& ctx, registry& reg);  // DELETE /v1/redis_acls/{uid}
reply validate_redis_acl(const request_context& ctx);               // POST /v1/redis_acls/validate

// The family's route table, with the permissions of the Redis Software
// reference (view_all_redis_acls_info, view_redis_acl_info,
// create_redis_acl, update_redis_acl, delete_redis_acl; validate needs
// create_redis_acl).
std::vector<route> redis_acl_routes();

}  // namespace reemu
