// The embedded OpenAPI document in JSON and YAML, and the two routes that
// serve them.
#include "reemu/control/openapi.hpp"

#include <memory>
#include <string>

namespace reemu {

namespace {

// docs/openapi.json, pasted by CMake as a raw string literal (reemu_embed in
// the top-level CMakeLists.txt). An array, measured by sizeof: a
// string_view built from the literal would count its length in a constant
// expression, a loop GCC stops at 262144 steps.
constexpr char embedded_document_text[] =
#include "openapi_document.inc"
    ;
constexpr std::string_view embedded_document(embedded_document_text,
                                             sizeof(embedded_document_text) - 1);

// docs/openapi.yaml, pasted the same way.
constexpr char embedded_yaml_text[] =
#include "openapi_yaml_document.inc"
    ;
constexpr std::string_view embedded_yaml(embedded_yaml_text, sizeof(embedded_yaml_text) - 1);

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
