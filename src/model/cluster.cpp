// The cluster object and the bootstrap status from their captures.
#include "reemu/model/cluster.hpp"

#include <string_view>

namespace reemu {

namespace {

// The captures as raw string literals (reemu_embed in the top-level
// CMakeLists.txt).
constexpr std::string_view cluster_text =
#include "cluster_template.inc"
    ;
constexpr std::string_view bootstrap_text =
#include "bootstrap_template.inc"
    ;

}  // namespace

const json& cluster_template() {
  // The project's own file: a parse failure is a build defect the unit tests catch.
  static const json parsed = json::parse(cluster_text, nullptr, false);
  return parsed;
}

const json& bootstrap_template() {
  static const json parsed = json::parse(bootstrap_text, nullptr, false);
  return parsed;
}

json render_cluster(const cluster_settings& cluster) {
  json out = cluster_template();
  out["name"] = cluster.name;
  if (cluster.http_port != 0) out["cnm_http_port"] = cluster.http_port;
  if (cluster.https_port != 0) out["cnm_https_port"] = cluster.https_port;
  return out;
}

json render_bootstrap(const json& node_wire) {
  json out = bootstrap_template();
  json& info = out["local_node_info"];
  for (auto field = info.begin(); field != info.end(); ++field) {
    if (field.key() == "uid") continue;
    if (auto it = node_wire.find(field.key()); it != node_wire.end()) *field = *it;
  }
  if (auto it = node_wire.find("uid"); it != node_wire.end() && it->is_number())
    info["uid"] = std::to_string(it->get<std::uint64_t>());
  json& addresses = info["available_addresses"];
  if (auto it = node_wire.find("addr");
      it != node_wire.end() && it->is_string() && addresses.is_array() && !addresses.empty())
    addresses[0]["address"] = *it;
  return out;
}

json render_bootstrap(const version_profile& version) {
  json out = bootstrap_template();
  out["local_node_info"]["software_version"] = version.software_version;
  return out;
}

}  // namespace reemu
