// The availability routes of the emulated API: GET /v1/bdbs/{uid}/availability
// (is the database serving?) and GET /v1/local/bdbs/{uid}/endpoint/availability
// (is its endpoint bound on the node that answers?). 200 with an empty body
// when available, else the error body; the decision is
// model/availability.hpp's. Health checkers (redis-py, jedis, Lettuce, load
// balancers) poll these every second: they read the stored database, never
// render it.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_bdb_availability(const request_context& ctx);  // GET /v1/bdbs/{uid}/availability
reply get_endpoint_availability(
    const request_context& ctx);  // GET /v1/local/bdbs/{uid}/endpoint/availability

// The family's route table: view_bdb_info, as the reference gives.
std::vector<route> availability_routes();

}  // namespace reemu
