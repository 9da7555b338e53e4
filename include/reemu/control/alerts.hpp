// The control API's alerts room (/emulator/v1/alerts/{scope}/{uid}/{alert},
// /emulator/v1/alerts/bdb/{uid}/{sources}/{src}/{alert}):
// raise or clear an alert directly, whatever the statistics model says,
// and hand it back to the model. A forced state is kept in the registry
// (registry_data::alerts), saved by the state file, cleared by reset; a
// raise or clear records the alert's event in /v1/logs.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_control_alert(const request_context& ctx);  // GET …/alerts/{scope}/{uid}/{alert}
reply put_control_alert(const request_context& ctx, registry& reg);  // PUT …: {"state": bool}
reply delete_control_alert(const request_context& ctx,
                           registry& reg);  // DELETE …: back to the model

// The room's route table: every route is control_api_access. The cluster's
// alerts take uid 0 (/emulator/v1/alerts/cluster/0/cluster_even_node_count);
// a database's sync source's alerts are
// /emulator/v1/alerts/bdb/{uid}/{crdt_sources|replica_sources}/{src}/{alert}.
std::vector<route> control_alert_routes();

}  // namespace reemu
