// The cluster object and the bootstrap status: rendered from the real
// captures compiled into the binary (src/model/cluster_template.json,
// bootstrap_template.json), with what the emulator knows on top.
#pragma once

#include "reemu/model/database.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/version_profile.hpp"

namespace reemu {

// The real GET /v1/cluster answer, parsed once. Thread-safe.
const json& cluster_template();

// The real GET /v1/bootstrap answer of a bootstrapped node, parsed once.
const json& bootstrap_template();

// GET /v1/cluster: the template with `name` the cluster's, and
// cnm_http_port and cnm_https_port the server's when they are set (not 0).
json render_cluster(const cluster_settings& cluster);

// GET /v1/bootstrap: the template (state completed), its local_node_info
// taking from `node_wire` (a rendered node) every key the two share, uid as
// a string, and the node's addr as the first available address.
json render_bootstrap(const json& node_wire);

// GET /v1/bootstrap of a cluster with no node left: the template, its
// local_node_info.software_version the release `version`'s.
json render_bootstrap(const version_profile& version);

}  // namespace reemu
