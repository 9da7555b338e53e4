// The Active-Active family: /v1/crdbs, /v1/crdb_tasks, and the local
// instance's sync routes (/v1/bdbs/{uid}/sync_source_stats,
// /v1/bdbs/{uid}/syncer_state[/crdt]).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

std::vector<route> crdbs_routes();

}  // namespace reemu
