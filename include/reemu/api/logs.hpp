// The cluster event log route of the emulated API: GET /v1/logs lists the
// events of the registry's event log (model/event_log.hpp) due at the
// request's `now`, kept in the app's answer_cache (state/answer_cache.hpp)
// until a write or the next event due changes it.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

class answer_cache;

reply get_logs(const request_context& ctx, answer_cache& answers);  // GET /v1/logs

// The family's route table: view_logged_events (not db_viewer).
std::vector<route> logs_routes();

}  // namespace reemu
