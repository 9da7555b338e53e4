// The cluster's modules: the real GET /v1/modules capture
// (src/model/modules_template.json) compiled into the binary. The default
// database's module_list names four of them by module_id. Thread-safe.
#pragma once

#include <string_view>

#include "reemu/model/model.hpp"

namespace reemu {

// Every module, as GET /v1/modules answers (parsed once).
const json& modules_list();

// The module with `uid`, or nullptr.
const json* find_module(std::string_view uid);

}  // namespace reemu
