// The control API's clock room (/emulator/v1/clock, /reset): the manual
// clock, and going back to the seed.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_clock(const request_context&, reemu::clock& clk);  // GET    /emulator/v1/clock
reply advance_clock(const request_context& ctx,
                    reemu::clock& clk);                      // POST   /emulator/v1/clock/advance
reply reset_all(const request_context& ctx, services& all);  // POST   /emulator/v1/reset

// The room's route table: every route is control_api_access.
std::vector<route> control_clock_routes();

}  // namespace reemu
