// The modules family of the emulated API (/v1/modules…): the compiled-in
// list of the cluster's modules (model/modules.hpp). Read-only.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_modules(const request_context& ctx);  // GET /v1/modules
reply get_module(const request_context& ctx);   // GET /v1/modules/{uid}

// The family's route table.
std::vector<route> modules_routes();

}  // namespace reemu
