// The databases family of the emulated Redis Software API (/v1/bdbs): the
// routes real tools call to create, change and delete databases, each write
// starting a state machine on the database (model/operations.hpp) that the
// tool then polls at /v1/actions/{action_uid}.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_bdbs(const request_context& ctx, bdb_cache& bdbs);  // GET    /v1/bdbs
reply get_bdb(const request_context& ctx, bdb_cache& bdbs);   // GET    /v1/bdbs/{uid}
reply create_bdb(const request_context& ctx, registry& reg,
                 const cluster_settings& cluster);  // POST   /v1/bdbs
reply update_bdb(const request_context& ctx, registry& reg,
                 const cluster_settings& cluster);            // PUT    /v1/bdbs/{uid}
reply delete_bdb(const request_context& ctx, registry& reg);  // DELETE /v1/bdbs/{uid}
reply flush_bdb(const request_context& ctx, registry& reg);   // PUT    /v1/bdbs/{uid}/flush

// The family's route table, with the permissions of the Redis Software
// reference (view_all_bdbs_info, view_bdb_info, create_bdb, update_bdb,
// delete_bdb, update_bdb_with_action).
std::vector<route> bdbs_routes();

}  // namespace reemu
