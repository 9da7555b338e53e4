// The actions family of the emulated Redis Software API (SPEC.md section 1):
// pure functions of the request and a registry snapshot, and their routes.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_actions(const request_context& ctx, list_cache& lists);  // GET /v1/actions
reply get_action(const request_context& ctx);                      // GET /v1/actions/{uid}
reply get_bdb_actions(const request_context& ctx);                 // GET /v1/actions/bdb/{bdb_uid}
reply get_v2_actions(const request_context& ctx, list_cache& lists);  // GET /v2/actions
reply get_v2_action(const request_context& ctx);                      // GET /v2/actions/{uid}

// The family's route table: every route needs view_status_of_cluster_action.
std::vector<route> actions_routes();

}  // namespace reemu
