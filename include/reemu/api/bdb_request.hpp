// What the database routes (api/bdbs, api/bdb_actions) share: reading the
// database uid in the path, the dry_run flag and a JSON body, and starting
// an operation on a database in one registry::update, so a refused request
// changes nothing and a reader sees the database and its action change
// together.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/http/context.hpp"
#include "reemu/model/database.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

// The {uid} of the path when it is a whole number >= 1.
std::optional<std::uint64_t> path_uid(const request_context& ctx);

// 404 db_not_exist for the {uid} of the path.
failure no_such_bdb(const request_context& ctx);

// 404 node_not_found / shard_not_exist naming `uid` (the node, shard and
// stats routes).
failure no_such_node(std::string_view uid);
failure no_such_shard(std::string_view uid);

// `?dry_run`, `?dry_run=true` and `?dry_run=1` ask for a dry run; `=false`
// and `=0` do not.
bool dry_run(const request_context& ctx);

// The body as a JSON object; invalid_schema otherwise (a real cluster
// answers malformed JSON as a schema violation). With `empty_is_object` an
// empty body reads as {} (clients send action routes no body, or `{}`).
result<json> read_bdb_body(const request_context& ctx, bool empty_is_object = false);

// The JSON types a body field of an action route may have.
enum class body_type : std::uint8_t { boolean, whole, string, array, object };
struct body_field {
  std::string_view key;
  body_type type;
};

// invalid_schema for a key of `body` outside `fields` (the reference's
// "other attributes are not allowed") or of another type; success when the
// body fits.
result<> check_body_fields(const json& body, std::initializer_list<body_field> fields);

// busy unless the database is active: most operations need one that serves;
// one whose create failed only takes a delete or a recover.
result<> check_active(const database& db, double now);

// Checks the database may take an operation and edits the copy stored with
// it (fields, changed_at); the failure refuses the request.
using operation_check = std::function<result<>(const registry_data&, database&)>;

// The check of operations that need an active database (check_active).
operation_check needs_active(const request_context& ctx);

struct started_operation {
  std::string action_uid;
  std::shared_ptr<const database> db;  // as stored, with the operation attached
};

// The placement of its shards an operation leaves, from the data and the
// checked copy of the database (empty: it moves none).
using placement_target =
    std::function<std::vector<shard_spot>(const registry_data&, const database&)>;

// Starts operation `name` (model/templates) on the database of the path:
// one registry::update drops what is gone, takes the database when a write
// may start on it (404 db_not_exist, 409 busy), runs `check` (may be empty)
// on a copy, then begin_operation with the placement `target` (may be
// empty) gives. Returns what it started, or the failure.
result<started_operation> start_operation(const request_context& ctx, registry& reg,
                                          std::string_view name, const operation_check& check,
                                          const placement_target& target = {});

// What `check` would make of the database of the path, on the request's
// snapshot, for a dry run: the same refusals as start_operation, nothing
// changed. Returns the edited copy, or the failure.
result<database> dry_run_operation(const request_context& ctx, const operation_check& check);

// Runs `change` in one registry::update, or, with `dry` (a dry run), on a
// copy of the request's snapshot as a write would see it: the same
// refusals, nothing changed. The users and roles routes write through it.
result<> write_or_dry_run(const request_context& ctx, registry& reg, bool dry,
                          const std::function<result<>(registry_data&)>& change);

// {"action_uid":…}, the answer of the action routes.
reply action_uid_reply(const std::string& action_uid);

}  // namespace reemu
