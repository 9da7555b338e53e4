// Small reads of the emulated API that keep no state of their own:
// GET /v1/suffixes, /v1/suffix/{name} (the cluster's one DNS
// suffix, its name), GET /v1/jsonschema (object=bdb: the schema the bdb
// routes check bodies against, model/bdb_schema.hpp; the documentation's
// other objects 501 not_emulated; anything else 406 invalid_object; no
// object: {"bdb": …}).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

reply get_suffixes(const request_context& ctx,
                   const cluster_settings& cluster);  // GET /v1/suffixes
reply get_suffix(const request_context& ctx,
                 const cluster_settings& cluster);  // GET /v1/suffix/{name}
reply get_jsonschema(const request_context& ctx);   // GET /v1/jsonschema

// The routes, with the reference's permissions (view_ocsp_config; the
// suffixes list none: view_cluster_info, as the other cluster reads).
std::vector<route> small_read_routes();

}  // namespace reemu
