// The roles routes. A write checks its body first, then makes its change in
// one registry::update (a dry run: on a copy of the request's snapshot), so
// a refused request changes nothing.
#include "reemu/api/roles.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/roles.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/stored_bodies.hpp"

namespace reemu {

namespace {

using http_t::status;

failure no_such_role(const request_context& ctx) {
  return {api_error::role_not_exist, "Role " + ctx.param("uid") + " does not exist"};
}

failure name_taken(const std::string& name) {
  return {api_error::name_already_exists, "A role with the same name already exists: " + name};
}

// The role whose uid is the path's {uid}, in `roles`; nullptr when none.
role_entry* role_of_path(const request_context& ctx, role_map& roles) {
  const auto uid = path_uid(ctx);
  if (!uid) return nullptr;
  const auto it = roles.find(*uid);
  return it == roles.end() ? nullptr : &it->second;
}

// The body of a /v1/roles write: an object, its fields read.
result<role_fields> read_role_body(const request_context& ctx, bool create) {
  auto body = read_bdb_body(ctx);
  if (!body) return body.error();
  return read_role_fields(*body, create);
}

}  // namespace

namespace {

// [role…] by uid.
std::string roles_list(const registry_data& d) {
  json out = json::array();
  for (const auto& entry : d.roles) out.push_back(render_role(entry.second));
  return dump(out);
}

}  // namespace

reply list_roles(const request_context& ctx, stored_bodies& stored) {
  return shared_reply(stored.get(stored_list::roles, ctx.state, roles_list));
}

reply get_role(const request_context& ctx) {
  const auto uid = path_uid(ctx);
  const role_map& roles = ctx.state->data().roles;
  const auto it = uid ? roles.find(*uid) : roles.end();
  if (it == roles.end()) return error_reply(no_such_role(ctx));
  return json_reply(status::ok, render_role(it->second));
}

reply post_role(const request_context& ctx, registry& reg) {
  const auto f = read_role_body(ctx, true);
  if (!f) return error_reply(f.error());
  json out;
  const auto written = write_or_dry_run(ctx, reg, dry_run(ctx), [&](registry_data& d) -> result<> {
    if (find_role_named(d.roles, *f->name)) return name_taken(*f->name);
    std::uint64_t uid = 0;
    if (f->uid) {
      if (d.roles.contains(*f->uid)) {
        return failure{api_error::uid_exists,
                       "A role with uid " + std::to_string(*f->uid) + " already exists"};
      }
      uid = *f->uid;
    } else {
      const auto next = next_role_uid(d);
      if (!next) return next.error();
      uid = *next;
    }
    d.role_uid_high = std::max(d.role_uid_high, uid);
    role_entry r = with_fields(role_entry{uid, {}, role::none, std::nullopt}, *f);
    out = render_role(r);
    record_event(d.events, ctx.now, "cluster_role_created",
                 {{"role_uid", uid}, {"role_name", r.name}});
    d.roles.emplace(uid, std::move(r));
    return {};
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply put_role(const request_context& ctx, registry& reg) {
  const auto f = read_role_body(ctx, false);
  if (!f) return error_reply(f.error());
  if (f->uid && f->uid != path_uid(ctx)) {
    return error_reply(api_error::invalid_schema,
                       "'uid' must be the uid of the path, " + ctx.param("uid"));
  }
  json out;
  const auto written = write_or_dry_run(ctx, reg, dry_run(ctx), [&](registry_data& d) -> result<> {
    const registry_data before = d;
    role_entry* found = role_of_path(ctx, d.roles);
    if (!found) return no_such_role(ctx);
    if (f->name && find_role_named(d.roles, *f->name, found->uid)) return name_taken(*f->name);
    *found = with_fields(*found, *f);
    out = render_role(*found);
    record_event(d.events, ctx.now, "cluster_role_updated",
                 {{"role_uid", found->uid}, {"role_name", found->name}});
    // Demoting the role of the last admins leaves the cluster without one.
    return check_admin_kept(before, d);
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply remove_role(const request_context& ctx, registry& reg) {
  std::string action_uid;  // of no action: the delete is done when it answers
  const auto written = write_or_dry_run(ctx, reg, dry_run(ctx), [&](registry_data& d) -> result<> {
    const role_entry* found = role_of_path(ctx, d.roles);
    if (!found) return no_such_role(ctx);
    const std::uint64_t uid = found->uid;
    if (auto ok = check_role_unused(d, uid); !ok) return ok.error();
    record_event(d.events, ctx.now, "cluster_role_deleted",
                 {{"role_uid", uid}, {"role_name", found->name}});
    d.roles.erase(uid);
    action_uid = d.ids.next();
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, json{{"action_uid", action_uid}});
}

std::vector<route> roles_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/roles", access::needs("view_all_roles_info"), uses<&list_roles>},
      {verb::post, "/v1/roles", access::needs("create_role"), uses<&post_role>},
      {verb::get, "/v1/roles/{uid}", access::needs("view_role_info"), uses<&get_role>},
      {verb::put, "/v1/roles/{uid}", access::needs("update_role"), uses<&put_role>},
      {verb::delete_, "/v1/roles/{uid}", access::needs("delete_role"), uses<&remove_role>},
  };
}

}  // namespace reemu
