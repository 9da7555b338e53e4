// The OpenAPI 3.1 description of every route: docs/openapi.json, embedded in
// the binary at build time, and its YAML rendering (docs/openapi.yaml is
// generated from the JSON by to_yaml and committed), both served under
// /emulator/v1 without authentication.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reemu/http/context.hpp"

namespace reemu {

// docs/openapi.json byte for byte, as it was when CMake last configured the
// build (CMake re-runs when the file changes). Never fails; thread-safe.
std::string_view openapi_json() noexcept;

// The document as YAML: a header comment, then to_yaml() of openapi_json()
// with the keys in the file's order. This is what docs/openapi.yaml must hold.
// Built on first use (thread-safe), then shared.
const std::string& openapi_yaml();

// Block-style YAML 1.2 (and 1.1) of `j`, ending with a newline: objects as
// `key: value` lines, arrays as `- item` lines, each nesting level indented by
// two spaces. Strings are always double-quoted with JSON's escapes (plus
// \uXXXX for characters YAML may not hold raw; invalid UTF-8 becomes U+FFFD),
// so no value can be read back as another type. Keys are written plain when
// that is unambiguous, else quoted the same way. Numbers, booleans and null are
// written as JSON writes them (a float always has a '.', so YAML 1.1 reads it
// as a float too; NaN and infinities become .nan, .inf, -.inf). Empty objects
// and arrays are `{}` and `[]`. Binary values become arrays of byte values.
// Never throws (but std::bad_alloc).
std::string to_yaml(const nlohmann::json& j);
// The same, keeping the keys in insertion order.
std::string to_yaml(const nlohmann::ordered_json& j);

reply get_openapi_json(const request_context& ctx);  // GET /emulator/v1/openapi.json
reply get_openapi_yaml(const request_context& ctx);  // GET /emulator/v1/openapi.yaml

}  // namespace reemu
