// The small stored cluster settings of the emulated API
// (model/cluster_options.hpp): the cluster policy, the services
// configuration, the OCSP settings and the local services. Reads answer
// from the request's snapshot; a write checks its body whole, then makes its
// change in one registry::update, so a refused request changes nothing.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_cluster_policy(const request_context& ctx);                     // GET /v1/cluster/policy
reply update_cluster_policy(const request_context& ctx, registry& reg);   // PUT /v1/cluster/policy
reply restore_cluster_policy(const request_context& ctx, registry& reg);  // …/restore_default
reply get_services_config(const request_context& ctx);  // GET /v1/cluster/services_configuration
reply update_services_config(const request_context& ctx, registry& reg);  // PUT, the same
reply get_local_services(const request_context& ctx, clock& clk);         // GET /v1/local/services
reply operate_services(const request_context& ctx, registry& reg);  // POST /v1/[local/]services
reply get_ocsp(const request_context& ctx);                         // GET /v1/ocsp
reply update_ocsp(const request_context& ctx, registry& reg);       // PUT /v1/ocsp
reply get_ocsp_status(const request_context& ctx);                  // GET /v1/ocsp/status
reply test_ocsp(const request_context& ctx);                        // POST /v1/ocsp/test

// The family's route table, with the permissions of the Redis Software
// reference (view_cluster_info, update_cluster, config_ocsp, view_ocsp_*,
// test_ocsp_status; any user for GET /v1/local/services, admin for the
// service operations).
std::vector<route> cluster_option_routes();

}  // namespace reemu
