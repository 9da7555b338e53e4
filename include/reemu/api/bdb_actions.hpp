// The per-database action routes of the emulated API (/v1/bdbs/{uid}/…):
// shard placement (rebalance, revamp, optimize_shards_placement), upgrade,
// traffic, recovery, export and import, and the undocumented `command`
// probe. Each write starts an operation on the database
// (model/operations.hpp) that the tool polls at /v1/actions/{action_uid};
// like the other database writes they answer 409 busy while one runs.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply rebalance_bdb(const request_context& ctx, registry& reg);  // PUT  …/actions/rebalance
reply revamp_bdb(const request_context& ctx, registry& reg);     // PUT  …/actions/revamp
reply optimize_placement(const request_context& ctx);  // GET  …/actions/optimize_shards_placement
reply upgrade_bdb(const request_context& ctx, registry& reg);     // POST …/upgrade
reply stop_traffic(const request_context& ctx, registry& reg);    // POST …/actions/stop_traffic
reply resume_traffic(const request_context& ctx, registry& reg);  // POST …/actions/resume_traffic
reply get_recovery_plan(const request_context& ctx);              // GET  …/actions/recover
reply recover_bdb(const request_context& ctx, registry& reg);     // POST …/actions/recover
reply export_bdb(const request_context& ctx, registry& reg);      // POST …/actions/export
reply import_bdb(const request_context& ctx, registry& reg);      // POST …/actions/import
reply bdb_command(const request_context& ctx);                    // POST …/command

// The family's route table, with the permissions of the Redis Software
// reference (docs/compatibility.md says where it is uncertain).
std::vector<route> bdb_action_routes();

}  // namespace reemu
