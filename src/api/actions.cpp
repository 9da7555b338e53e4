// The emulated actions API.
#include "reemu/api/actions.hpp"

#include <charconv>

#include "reemu/control/openapi.hpp"
#include "reemu/model/registry.hpp"
#include "reemu/model/wire.hpp"

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

reply get_actions(const request_context& ctx) {
  return shared_reply(ctx.state->v1_list_body(ctx.now));
}

reply get_action(const request_context& ctx) {
  const action* a = visible_action(ctx);
  if (!a) return not_found_action(ctx);
  if (a->static_v1) return shared_reply(a->static_v1);
  return json_reply(http_t::status::ok, render_v1(*a, ctx.now));
}

reply get_bdb_actions(const request_context& ctx) {
  const std::string& text = ctx.param("bdb_uid");
  std::uint64_t uid = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), uid);
  const bool numeric = ec == std::errc{} && p == text.data() + text.size();
  if (!numeric || !ctx.state->data().databases.contains(uid))
    return error_reply(api_error::db_not_exist, "Database " + text + " does not exist");
  const std::string object_name = "bdb:" + std::to_string(uid);
  json out = json::array();
  for (const auto& a : ctx.state->data().actions) {
    if (a->kind != action_kind::state_machine || !is_visible(*a, ctx.now)) continue;
    if (a->object_name != object_name) continue;
    out.push_back(render_v1(*a, ctx.now));
  }
  return json_reply(http_t::status::ok, out);
}

reply get_v2_actions(const request_context& ctx) {
  return shared_reply(ctx.state->v2_list_body(ctx.now));
}

reply get_v2_action(const request_context& ctx) {
  const action* a = visible_action(ctx);
  if (!a) return not_found_action(ctx);
  return json_reply(http_t::status::ok, render_v2(*a, ctx.now));
}

reply get_health(const request_context&) {
  static const auto body = std::make_shared<const std::string>(dump(json{{"status", "ok"}}));
  return shared_reply(body);
}

std::vector<route> api_routes() {
  using http_t::verb;
  constexpr auto perm = view_status_of_cluster_action;
  return {
      {verb::get, "/v1/actions", perm, false, &get_actions},
      {verb::get, "/v1/actions/bdb/{bdb_uid}", perm, false, &get_bdb_actions},
      {verb::get, "/v1/actions/{uid}", perm, false, &get_action},
      {verb::get, "/v2/actions", perm, false, &get_v2_actions},
      {verb::get, "/v2/actions/{uid}", perm, false, &get_v2_action},
      {verb::get, "/emulator/v1/health", "", false, &get_health},
      {verb::get, "/emulator/v1/openapi.json", "", false, &get_openapi_json},
      {verb::get, "/emulator/v1/openapi.yaml", "", false, &get_openapi_yaml},
  };
}

}  // namespace reemu
