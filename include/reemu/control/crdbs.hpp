// The control API's Active-Active room (/emulator/v1/participants): the
// other clusters of the CRDBs, virtual, named by their URL. A participant
// made unreachable fails the next CRDB task that touches it with the
// cluster's error, and the local instance's sync from it stops
// (sync_source_stats, syncer_state) until it is made reachable again.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

// GET /emulator/v1/participants: {"participants":[{"crdbs":[guid…],"name",
// "reachable","url"} plus "unreachable_since" when it is not]}: every
// participant of a listed CRDB, and every URL marked unreachable.
reply get_participants(const request_context& ctx);

// PUT /emulator/v1/participants: {"url","reachable"}; 200 and the
// participant. A URL no CRDB names yet may be marked (before its create).
reply set_participant(const request_context& ctx, registry& reg);

// GET /emulator/v1/crdb_tasks: the CRDB tasks still readable, grouped by
// the CRDB they work on, for the dashboard: {"crdbs":[{"guid","name",
// "status" (creating, active, deleting, deleted, failed),"tasks":[task…]}],
// "total"}, CRDBs by their newest task first, a CRDB's tasks newest first;
// a task is the wire object GET /v1/crdb_tasks/{id} shows. Sent with
// X-Emulator-Journal: off, a poll stays out of the journal.
reply get_crdb_task_groups(const request_context& ctx);

// The room's route table: every route is control_api_access.
std::vector<route> control_crdb_routes();

}  // namespace reemu
