// The control API's faults room (/emulator/v1/faults).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_faults(const request_context&, fault_table& faults);        // GET    /emulator/v1/faults
reply create_fault(const request_context& ctx, fault_table& faults);  // POST   /emulator/v1/faults
reply clear_faults(const request_context&, fault_table& faults);      // DELETE /emulator/v1/faults
reply delete_fault(const request_context& ctx,
                   fault_table& faults);  // DELETE /emulator/v1/faults/{id}

// The room's route table: every route is control_api_access.
std::vector<route> control_fault_routes();

}  // namespace reemu
