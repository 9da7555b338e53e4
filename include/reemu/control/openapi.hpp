// The OpenAPI 3.1 description of every route: docs/openapi.json and its YAML
// rendering docs/openapi.yaml (written by scripts/openapi_yaml.py, which the
// test step runs to check that the two agree), both embedded in the binary
// at build time and served under /emulator/v1 without authentication.
#pragma once

#include <string_view>

#include "reemu/http/context.hpp"

namespace reemu {

// docs/openapi.json byte for byte, as it was when CMake last configured the
// build (CMake re-runs when the file changes). Never fails; thread-safe.
std::string_view openapi_json() noexcept;

// docs/openapi.yaml byte for byte, likewise.
std::string_view openapi_yaml() noexcept;

reply get_openapi_json(const request_context& ctx);  // GET /emulator/v1/openapi.json
reply get_openapi_yaml(const request_context& ctx);  // GET /emulator/v1/openapi.yaml

}  // namespace reemu
