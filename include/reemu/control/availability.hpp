// The control API's availability room
// (/emulator/v1/databases/{uid}/availability): what the availability routes
// see of a database's health, read and set directly. A test sets an
// Active-Active member's replica lag to walk the lag check under and over
// its tolerance, or takes a database's endpoint down for a window of clock
// time, without a real cluster to break.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_control_availability(const request_context& ctx);  // GET …/databases/{uid}/availability
reply put_control_availability(const request_context& ctx,
                               registry& reg);  // PUT …/databases/{uid}/availability

// The room's route table: every route is control_api_access.
std::vector<route> control_availability_routes();

}  // namespace reemu
