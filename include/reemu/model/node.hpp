// Nodes: what the registry keeps of each, and how its wire object is
// rendered at a clock time. Plain values; no locking, no clock reads.
//
// A node stores only what the config (or a state file) gave of it: the
// fields that differ from the template, the real GET /v1/nodes/1 capture
// compiled into the binary, and the latest node action of each name (a task,
// model/object_task.hpp). Its uid and uptime are computed when rendered, and
// its status and accept_servers follow its actions at the clock's now, as a
// database's status follows its state machine.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/object_task.hpp"
#include "reemu/model/version_profile.hpp"

namespace reemu {

struct node {
  std::uint64_t uid = 0;
  // The node fields the config gave, without the keys computed at render
  // time (node_live_keys). Always an object.
  json fields = json::object();
  double started_at = 0;  // clock time the node came up: its uptime counts from it
  // The latest node action of each name: maintenance_on, maintenance_off,
  // remove_node, enslave_node.
  task_slots actions;
  // The effects of the actions that ended before this clock time are in
  // `fields` (settle_node); later ones are applied when rendered.
  double settled_at = -forever;
};

// Where a node stands at `now`, from its actions:
//   remove_node runs -> decommissioning; completed -> gone (failed, cancelled: as it was)
//   maintenance_on completed -> accept_servers false; maintenance_off completed -> true
// (the later to complete wins); nothing else changes the node.
struct node_view {
  bool visible = true;                 // false once its remove_node completed
  std::string_view status = "active";  // decommissioning while remove_node runs
  std::optional<bool> accept_servers;  // set by a maintenance action ended after settled_at
};
node_view view_of(const node& n, double now);

// Writes the effects `n` shows at `now` into its fields (accept_servers) and
// moves settled_at to `now`: called before an action replaces another, so
// the replaced one's effect outlives it.
void settle_node(node& n, double now);

// Nodes by uid. Values are shared and immutable, as databases are.
using node_map = std::map<std::uint64_t, std::shared_ptr<const node>>;

// The nodes of `nodes` in the cluster at `now`: a node whose removal
// completed is gone, even before a write drops it from the stored map.
// Shares the node values.
node_map nodes_at(const node_map& nodes, double now);

// The keys render_node computes; never stored in `fields`.
inline constexpr std::string_view node_live_keys[] = {"uid", "uptime"};

// The template every node is rendered from: the real GET /v1/nodes/1 capture
// (src/model/node_template.json), parsed once. Thread-safe.
const json& node_template();

// The wire object at `now`: the template, the stored fields on top, then uid,
// uptime (whole seconds since started_at), status and accept_servers
// (view_of). shard_list and shard_count are the template's or the fields'.
json render_node(const node& n, double now);

// The same with the node's shards given: shard_list is `shard_uids` (sorted
// as given), shard_count and ram_shard_count its size, flash_shard_count 0.
json render_node(const node& n, double now, const std::vector<std::uint64_t>& shard_uids);

struct registry_data;

// The node as the cluster `d` runs it at `now`, presenting the release
// `version`: its shard_list, shard_count and ram_shard_count are the shards
// the databases of `d` place on it (shard_uids_on_node, model/shards.hpp),
// and its software_version is the profile's unless the node's own fields
// (its config entry) set one.
json render_node(const node& n, const registry_data& d, double now, const version_profile& version);

// A node from a config entry (an object with a uid, template keys only, each
// of the template's JSON type; "uptime", the template's when absent, sets
// started_at to now - uptime).
// The failure names `where` ("nodes[1]").
result<node> node_from_object(const json& obj, double now, const std::string& where);

// The node of a config without "nodes": uid 1, the capture as it is.
node default_node(double now);

// The node as the state file keeps it: {"uid","fields","started_at"} plus
// "actions" (task_record each) and "settled_at" when it has them.
// Round-trips through node_from_record.
json node_record(const node& n);

// Reads a record back; the failure names `where` ("nodes[2]").
result<node> node_from_record(const json& record, const std::string& where);

}  // namespace reemu
