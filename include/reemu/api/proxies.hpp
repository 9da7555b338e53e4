// The proxies family of the emulated API (/v1/proxies…): one proxy per
// node of the cluster (model/proxies.hpp). Reads answer from the request's
// snapshot; a write checks its body whole, then makes its change in one
// registry::update, so a refused request changes nothing.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_proxies(const request_context& ctx);                    // GET /v1/proxies
reply get_proxy(const request_context& ctx);                      // GET /v1/proxies/{uid}
reply update_proxies(const request_context& ctx, registry& reg);  // PUT /v1/proxies
reply update_proxy(const request_context& ctx, registry& reg);    // PUT /v1/proxies/{uid}

// The family's route table, with the permissions of the Redis Software
// reference (view_all_proxies_info, view_proxy_info, update_proxy).
std::vector<route> proxy_routes();

}  // namespace reemu
