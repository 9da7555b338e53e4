// The certificate routes of the emulated API: GET /v1/cluster/certificates
// shows the certificates (state/certificates.hpp; api_cert is what the HTTPS
// listener serves), POST /v1/cluster/certificates/rotate makes new ones, PUT
// /v1/cluster/update_cert and PUT /v1/cluster/certificates install given
// ones after checking that they parse and that each key matches; DELETE
// /v1/cluster/certificates/{name} refuses the required ones.
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_certificates(const request_context& ctx, certificate_store& certs);
reply rotate_certificates(const request_context& ctx, certificate_store& certs);
reply update_cert(const request_context& ctx, certificate_store& certs);
reply put_certificates(const request_context& ctx, certificate_store& certs);
// DELETE /v1/cluster/certificates/{name}: 403 for a required certificate,
// 404 for an unknown name, 200 for an optional one (none is installed).
reply delete_certificate(const request_context& ctx);

// The family's route table: view_cluster_info to read, update_cluster to change.
std::vector<route> certificate_routes();

}  // namespace reemu
