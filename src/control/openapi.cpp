// The embedded OpenAPI document in JSON and YAML, and the two routes that
// serve them.
#include "reemu/control/openapi.hpp"

#include <memory>
#include <string>

namespace reemu {

namespace {

// docs/openapi.json, pasted by CMake as a raw string literal (reemu_embed in
// the top-level CMakeLists.txt).
constexpr std::string_view embedded_document =
#include "openapi_document.inc"
    ;

// docs/openapi.yaml, pasted the same way.
constexpr std::string_view embedded_yaml =
#include "openapi_yaml_document.inc"
    ;

}  // namespace

std::string_view openapi_json() noexcept { return embedded_document; }

std::string_view openapi_yaml() noexcept { return embedded_yaml; }

reply get_openapi_json(const request_context&) {
  static const auto body = std::make_shared<const std::string>(embedded_document);
  return shared_reply(body);
}

reply get_openapi_yaml(const request_context&) {
  static const auto body = std::make_shared<const std::string>(embedded_yaml);
  reply r = shared_reply(body);
  r.content_type = "application/yaml";
  return r;
}

}  // namespace reemu
