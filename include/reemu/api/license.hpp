// The licence routes of the emulated API: GET /v1/license shows the
// installed licence (the trial on a fresh cluster), PUT /v1/license installs
// one of the keys the config names (model/license.hpp). What the licence
// refuses elsewhere (database creates and updates past its shards or after
// it expired) is checked by those routes.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_license(const request_context& ctx);  // GET /v1/license
reply put_license(const request_context& ctx, registry& reg,
                  const cluster_settings& cluster);  // PUT /v1/license

// The family's route table: view_license and install_new_license.
std::vector<route> license_routes();

}  // namespace reemu
