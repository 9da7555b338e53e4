// The emulated proxies API: a proxy per node in the cluster at the
// request's clock time, the capture's object with the stored settings on
// top (model/proxies.hpp).
#include "reemu/api/proxies.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/proxies.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

using http_t::status;

// The stored settings of the proxy `uid` (none when never changed).
const proxy_settings& settings_of(const registry_data& d, std::uint64_t uid) {
  static const proxy_settings none;
  const auto it = d.proxies.find(uid);
  return it == d.proxies.end() ? none : it->second;
}

// The update a PUT body asks for, or its failure.
result<proxy_settings> update_request(const request_context& ctx) {
  const auto body = read_bdb_body(ctx);
  if (!body) return body.error();
  return read_proxy_update(*body);
}

// Stores `change` on the proxy of node `uid` of `d`.
result<> change_proxy(registry_data& d, std::uint64_t uid, const proxy_settings& change) {
  auto next = apply_proxy_update(settings_of(d, uid), change);
  if (!next) return next.error();
  d.proxies[uid] = std::move(*next);
  return {};
}

// 200 with no body: a real cluster answers a proxy update with its status
// only (the reference's "200, status only").
}  // namespace

reply get_proxies(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  json out = json::array();
  for (const auto& entry : nodes_at(d.nodes, ctx.now))
    out.push_back(proxy_object(entry.first, settings_of(d, entry.first)));
  return json_reply(status::ok, out);
}

reply get_proxy(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const auto uid = path_uid(ctx);
  const node_map nodes = nodes_at(d.nodes, ctx.now);
  if (!uid || !nodes.contains(*uid)) return error_reply(no_such_proxy(ctx.param("uid")));
  return json_reply(status::ok, proxy_object(*uid, settings_of(d, *uid)));
}

reply update_proxies(const request_context& ctx, registry& reg) {
  const auto change = update_request(ctx);
  if (!change) return error_reply(change.error());
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    for (const auto& entry : nodes_at(d.nodes, ctx.now))
      if (auto ok = change_proxy(d, entry.first, *change); !ok) return ok.error();
    return {};
  });
  return written ? status_only() : error_reply(written.error());
}

reply update_proxy(const request_context& ctx, registry& reg) {
  const auto uid = path_uid(ctx);
  if (!uid) return error_reply(no_such_proxy(ctx.param("uid")));
  const auto change = update_request(ctx);
  if (!change) return error_reply(change.error());
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    if (!nodes_at(d.nodes, ctx.now).contains(*uid)) return no_such_proxy(ctx.param("uid"));
    return change_proxy(d, *uid, *change);
  });
  return written ? status_only() : error_reply(written.error());
}

std::vector<route> proxy_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/proxies", access::needs("view_all_proxies_info"), uses<&get_proxies>},
      {verb::put, "/v1/proxies", access::needs("update_proxy"), uses<&update_proxies>},
      {verb::get, "/v1/proxies/{uid}", access::needs("view_proxy_info"), uses<&get_proxy>},
      {verb::put, "/v1/proxies/{uid}", access::needs("update_proxy"), uses<&update_proxy>},
  };
}

}  // namespace reemu
