// The emulated actions API.
#include "reemu/api/actions.hpp"

#include "reemu/model/wire.hpp"
#include "reemu/state/list_bodies.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// The visible action with the uid in the path, or nullptr.
const action* visible_action(const request_context& ctx) {
  auto a = ctx.state->data().find(ctx.param("uid"));
  if (!a || !is_visible(*a, ctx.now)) return nullptr;
  return a.get();
}

reply not_found_action(const request_context& ctx) {
  return error_reply(api_error::action_not_found, "Action " + ctx.param("uid") + " does not exist");
}

}  // namespace

reply get_actions(const request_context& ctx, list_cache& lists) {
  return shared_reply(lists.v1(ctx.state, ctx.now));
}

reply get_action(const request_context& ctx) {
  const action* a = visible_action(ctx);
  if (!a) return not_found_action(ctx);
  if (const auto* text = a->static_v1()) return shared_reply(*text);
  return json_reply(http_t::status::ok, render_v1(*a, ctx.now));
}

reply get_bdb_actions(const request_context& ctx) {
  const std::string& text = ctx.param("bdb_uid");
  const auto uid = parse_number<std::uint64_t>(text);
  if (!uid || !ctx.state->data().find_database(*uid, ctx.now))
    return error_reply(api_error::db_not_exist, "Database " + text + " does not exist");
  const std::string object_name = "bdb:" + std::to_string(*uid);
  json out = json::array();
  for (const auto& a : ctx.state->data().actions) {
    if (a->kind != action_kind::state_machine || !is_visible(*a, ctx.now)) continue;
    if (a->object_name != object_name) continue;
    out.push_back(render_v1(*a, ctx.now));
  }
  return json_reply(http_t::status::ok, out);
}

reply get_v2_actions(const request_context& ctx, list_cache& lists) {
  return shared_reply(lists.v2(ctx.state, ctx.now));
}

reply get_v2_action(const request_context& ctx) {
  const action* a = visible_action(ctx);
  if (!a) return not_found_action(ctx);
  return json_reply(http_t::status::ok, render_v2(*a, ctx.now));
}

std::vector<route> actions_routes() {
  using http_t::verb;
  constexpr auto view = access::needs(view_status_of_cluster_action);
  return {
      {verb::get, "/v1/actions", view, uses<&get_actions>},
      {verb::get, "/v1/actions/bdb/{bdb_uid}", view, uses<&get_bdb_actions>},
      {verb::get, "/v1/actions/{uid}", view, uses<&get_action>},
      {verb::get, "/v2/actions", view, uses<&get_v2_actions>},
      {verb::get, "/v2/actions/{uid}", view, uses<&get_v2_action>},
  };
}

}  // namespace reemu
