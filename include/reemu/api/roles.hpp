// The roles family of the emulated API: /v1/roles, the RBAC roles users
// hold (model/roles.hpp). A role's management role is what its users may
// do: a change of it applies from their next request on.
#pragma once

#include <vector>

#include "reemu/http/context.hpp"
#include "reemu/http/router.hpp"

namespace reemu {

// GET /v1/roles: every role, by uid.
reply list_roles(const request_context& ctx, stored_bodies& stored);

// GET /v1/roles/{uid}: one role; 404 role_not_exist.
reply get_role(const request_context& ctx);

// POST /v1/roles (?dry_run): {name, management, resources?, uid?}; 200 and
// the role. 400 missing_field / invalid_schema / unsupported_resource, 409
// name_already_exists / uid_exists.
reply post_role(const request_context& ctx, registry& reg);

// PUT /v1/roles/{uid} (?dry_run): changes the fields given; 200 and the
// role. 404 role_not_exist, 409 name_already_exists, 406
// change_last_admin_role_not_allowed when no user would keep the admin role.
reply put_role(const request_context& ctx, registry& reg);

// DELETE /v1/roles/{uid} (?dry_run): 200 {"action_uid"}. 404
// role_not_exist, 406 role_in_use while a user or a database's
// roles_permissions holds it.
reply remove_role(const request_context& ctx, registry& reg);

// The family's route table.
std::vector<route> roles_routes();

}  // namespace reemu
