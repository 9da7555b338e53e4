// The licence routes: the licence rendered at the request's `now`, and the
// install of a key the config offers.
#include "reemu/api/license.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

using http_t::status;

// The licence text of a PUT body: exactly {"license": "<text>"}.
result<std::string> read_license_text(const request_context& ctx) {
  auto body = read_bdb_body(ctx);
  if (!body) return body.error();
  if (auto ok = check_body_fields(*body, {{"license", body_type::string}}); !ok) return ok.error();
  const auto it = body->find("license");
  if (it == body->end()) return failure{api_error::invalid_schema, "Field 'license' is required"};
  return it->get<std::string>();
}

}  // namespace

reply get_license(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  return json_reply(status::ok, render_license(d.license, ctx.now, shards_in_use(d, ctx.now)));
}

reply put_license(const request_context& ctx, registry& reg, const cluster_settings& cluster) {
  const auto text = read_license_text(ctx);
  if (!text) return error_reply(text.error());
  const license_offer* offer = find_offer(cluster.licenses, *text);
  if (!offer) {
    // A real cluster verifies the key's signature; the emulator knows only
    // the keys its config names.
    return error_reply(api_error::invalid_license,
                       "The license is not valid: it is corrupted or not a Redis Software license "
                       "key (the emulator accepts the keys of its config's \"licenses\")");
  }
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    license next = install(*offer, ctx.now);
    if (auto ok = check_installable(next, cluster.name, shards_in_use(d, ctx.now), ctx.now); !ok)
      return ok.error();
    d.license = std::move(next);
    record_event(d.events, ctx.now, "cluster_license_updated", json::object());
    return {};
  });
  if (!written) return error_reply(written.error());
  // 200 with no body, as a real cluster answers (redisctl #895).
  reply r;
  r.status = status::ok;
  return r;
}

std::vector<route> license_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/license", access::needs("view_license"), uses<&get_license>},
      {verb::put, "/v1/license", access::needs("install_new_license"), uses<&put_license>},
  };
}

}  // namespace reemu
