// The small stored cluster settings (api/cluster_options.hpp).
#include "reemu/api/cluster_options.hpp"

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/cluster_options.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

using http_t::status;

// The body of a write as a JSON object, or the failure.
result<json> option_body(const request_context& ctx) { return read_bdb_body(ctx); }

// The OCSP status of a cluster whose proxy certificate names no responder:
// nothing was ever asked, so nothing is known (docs/compatibility.md).
json unknown_ocsp_status() {
  return json{{"cert_status", "UNKNOWN"}, {"next_update", ""},     {"produced_at", ""},
              {"responder_url", ""},      {"revocation_time", ""}, {"this_update", ""}};
}

}  // namespace

reply get_cluster_policy(const request_context& ctx) {
  return json_reply(status::ok, cluster_policy_object(ctx.state->data().options));
}

reply update_cluster_policy(const request_context& ctx, registry& reg) {
  const auto body = option_body(ctx);
  if (!body) return error_reply(body.error());
  const auto change = read_policy_update(*body);
  if (!change) return error_reply(change.error());
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    d.options.policy.update(*change);
    return {};
  });
  return written ? status_only() : error_reply(written.error());
}

reply restore_cluster_policy(const request_context& ctx, registry& reg) {
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    d.options.policy = json::object();
    return {};
  });
  return written ? status_only() : error_reply(written.error());
}

reply get_services_config(const request_context& ctx) {
  return json_reply(status::ok, services_config_object(ctx.state->data().options));
}

reply update_services_config(const request_context& ctx, registry& reg) {
  const auto body = option_body(ctx);
  if (!body) return error_reply(body.error());
  const auto change = read_services_config_update(*body);
  if (!change) return error_reply(change.error());
  json out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    d.options.services_config.update(*change);
    out = services_config_object(d.options);
    return {};
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply get_local_services(const request_context& ctx, clock& clk) {
  return json_reply(status::ok,
                    local_services_object(ctx.state->data().options, clk.started_at(), ctx.now));
}

reply operate_services(const request_context& ctx, registry& reg) {
  const auto body = option_body(ctx);
  if (!body) return error_reply(body.error());
  const auto op = read_service_operation(*body);
  if (!op) return error_reply(op.error());
  json out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    out = apply_service_operation(d.options, *op, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply get_ocsp(const request_context& ctx) {
  return json_reply(status::ok, ocsp_object(ctx.state->data().options));
}

reply update_ocsp(const request_context& ctx, registry& reg) {
  const auto body = option_body(ctx);
  if (!body) return error_reply(body.error());
  const auto change = read_ocsp_update(*body);
  if (!change) return error_reply(change.error());
  // The responder URL comes from the proxy certificate, and the emulator's
  // certificates name none: OCSP cannot be switched on.
  if (change->value("ocsp_functionality", false)) {
    return error_reply(status::bad_request, "no_responder_url",
                       "OCSP cannot be enabled: the proxy certificate names no OCSP responder");
  }
  json out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    d.options.ocsp.update(*change);
    out = ocsp_object(d.options);
    return {};
  });
  return written ? json_reply(status::ok, out) : error_reply(written.error());
}

reply get_ocsp_status(const request_context&) {
  return json_reply(status::ok, unknown_ocsp_status());
}

reply test_ocsp(const request_context&) {
  return error_reply(status::internal_server_error, "no_responder_url",
                     "The proxy certificate names no OCSP responder to query");
}

std::vector<route> cluster_option_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/cluster/policy", access::needs("view_cluster_info"),
       uses<&get_cluster_policy>},
      {verb::put, "/v1/cluster/policy", access::needs("update_cluster"),
       uses<&update_cluster_policy>},
      {verb::put, "/v1/cluster/policy/restore_default", access::needs("update_cluster"),
       uses<&restore_cluster_policy>},
      {verb::get, "/v1/cluster/services_configuration", access::needs("view_cluster_info"),
       uses<&get_services_config>},
      {verb::put, "/v1/cluster/services_configuration", access::needs("update_cluster"),
       uses<&update_services_config>},
      // The reference lists no permission: any user reads, an admin operates.
      {verb::get, "/v1/local/services", access::any_user(), uses<&get_local_services>},
      {verb::post, "/v1/local/services", access::admin(), uses<&operate_services>},
      {verb::post, "/v1/services", access::admin(), uses<&operate_services>},
      {verb::get, "/v1/ocsp", access::needs("view_ocsp_config"), uses<&get_ocsp>},
      {verb::put, "/v1/ocsp", access::needs("config_ocsp"), uses<&update_ocsp>},
      {verb::get, "/v1/ocsp/status", access::needs("view_ocsp_status"), uses<&get_ocsp_status>},
      {verb::post, "/v1/ocsp/test", access::needs("test_ocsp_status"), uses<&test_ocsp>},
  };
}

}  // namespace reemu
