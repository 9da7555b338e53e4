// The control API's state room (/emulator/v1/state): the whole emulated
// state as one document, to take and to put back. A suite builds an
// expensive scenario once, takes it, and puts it back before each test.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_state(const request_context& ctx, services& all);  // GET /emulator/v1/state
reply put_state(const request_context& ctx, services& all);  // PUT /emulator/v1/state

// The room's route table: every route is control_api_access.
std::vector<route> control_state_routes();

}  // namespace reemu
