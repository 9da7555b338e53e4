// The certificate routes: bodies read field by field, then one call to the
// certificate store, which checks every certificate before it installs any.
#include "reemu/api/certificates.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "reemu/api/bdb_request.hpp"
#include "reemu/state/certificates.hpp"

namespace reemu {

namespace {

using http_t::status;

// A certificate's name as a body gives it: "api_cert" (update_cert, vrl) or
// "api" (PUT /v1/cluster/certificates' example), both naming "api".
std::string store_name(std::string name) {
  constexpr std::string_view suffix = "_cert";
  if (name.size() > suffix.size() && name.ends_with(suffix))
    name.resize(name.size() - suffix.size());
  return name;
}

// {"name","certificate","key"}, all strings, all required; `where` names it.
result<std::array<std::string, 3>> read_named_pem(const json& item, const std::string& where) {
  if (!item.is_object())
    return failure{api_error::invalid_schema, "'" + where + "' must be an object"};
  if (auto ok = check_body_fields(item, {{"name", body_type::string},
                                         {"certificate", body_type::string},
                                         {"key", body_type::string}});
      !ok) {
    return ok.error();
  }
  for (const char* key : {"name", "certificate", "key"}) {
    if (!item.contains(key)) {
      return failure{api_error::invalid_schema,
                     "Field '" + std::string(key) + "' of '" + where + "' is required"};
    }
  }
  return std::array<std::string, 3>{store_name(item["name"].get<std::string>()),
                                    item["certificate"].get<std::string>(),
                                    item["key"].get<std::string>()};
}

// The optional certificates a cluster may hold besides the required ones
// (certificate_store::names()); the emulator installs none of them.
constexpr std::string_view optional_certificates[] = {"ldap_client", "mtls_trusted_ca",
                                                      "sso_issuer", "sso_service"};

}  // namespace

reply delete_certificate(const request_context& ctx) {
  const std::string name = store_name(ctx.param("name"));
  const auto& required = certificate_store::names();
  if (std::find(required.begin(), required.end(), name) != required.end()) {
    return error_reply(
        status::forbidden, "certificate_required",
        "Certificate '" + ctx.param("name") + "' is required by the cluster and cannot be deleted");
  }
  if (std::find(std::begin(optional_certificates), std::end(optional_certificates), name) ==
      std::end(optional_certificates)) {
    return error_reply(status::not_found, "certificate_not_found",
                       "Unknown certificate '" + ctx.param("name") + "'");
  }
  // An optional certificate the emulator never installs: already absent.
  return status_only();
}

reply get_certificates(const request_context&, certificate_store& certs) {
  json out = json::object();
  for (const auto& entry : certs.all()) {
    out[entry.first + "_cert"] = entry.second->cert_pem;
    out[entry.first + "_key"] = entry.second->key_pem;
  }
  return json_reply(status::ok, out);
}

reply rotate_certificates(const request_context& ctx, certificate_store& certs) {
  auto body = read_bdb_body(ctx, true);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, {{"name", body_type::string}}); !ok)
    return error_reply(ok.error());
  const std::string name =
      body->contains("name") ? store_name(body->at("name").get<std::string>()) : std::string();
  if (auto ok = certs.rotate(name); !ok) return error_reply(ok.error());
  return status_only();
}

reply update_cert(const request_context& ctx, certificate_store& certs) {
  auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  const auto item = read_named_pem(*body, "body");
  if (!item) return error_reply(item.error());
  if (auto ok = certs.install_all({*item}); !ok) return error_reply(ok.error());
  return status_only();
}

reply put_certificates(const request_context& ctx, certificate_store& certs) {
  auto body = read_bdb_body(ctx);
  if (!body) return error_reply(body.error());
  if (auto ok = check_body_fields(*body, {{"certificates", body_type::array}}); !ok)
    return error_reply(ok.error());
  const auto list = body->find("certificates");
  if (list == body->end() || list->empty()) {
    return error_reply(api_error::invalid_schema,
                       "Field 'certificates' is required: a non-empty array");
  }
  std::vector<std::array<std::string, 3>> items;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto item = read_named_pem((*list)[i], "certificates[" + std::to_string(i) + "]");
    if (!item) return error_reply(item.error());
    items.push_back(std::move(*item));
  }
  if (auto ok = certs.install_all(items); !ok) return error_reply(ok.error());
  return status_only();
}

std::vector<route> certificate_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/cluster/certificates", access::needs("view_cluster_info"),
       uses<&get_certificates>},
      {verb::put, "/v1/cluster/certificates", access::needs("update_cluster"),
       uses<&put_certificates>},
      {verb::post, "/v1/cluster/certificates/rotate", access::needs("update_cluster"),
       uses<&rotate_certificates>},
      {verb::delete_, "/v1/cluster/certificates/{name}", access::needs("update_cluster"),
       uses<&delete_certificate>},
      {verb::put, "/v1/cluster/update_cert", access::needs("update_cluster"), uses<&update_cert>},
  };
}

}  // namespace reemu
