// The schema of database (bdb) bodies, strict like a real cluster's: a field
// the bdb object does not have, a value of the wrong type or outside its
// enum is refused with a message naming the field, and nothing changes.
//
// The known fields are the template's (the real 139-key capture) plus the
// few documented request-only ones (shards_blueprint, tags, avoid_nodes);
// a field's type is its type in the template.
#pragma once

#include <optional>
#include <string_view>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

enum class bdb_body_kind : std::uint8_t {
  create,  // POST /v1/bdbs: name and memory_size required; read-only fields refused
  update,  // PUT /v1/bdbs/{uid}: partial; read-only fields allowed (compared by the caller)
  seed,    // a database as GET shows it (config, control API): uid required; every key allowed
};

// Checks `body` (an object) field by field. `accept_unknown` lets fields
// outside the bdb object through unchecked (for tools that send extras).
// Fails with the first problem.
result<> check_bdb_body(const json& body, bdb_body_kind kind, bool accept_unknown);

// The bdb object's JSON Schema (the 2020-12 keywords type, enum, pattern,
// minimum, maximum, items, properties, additionalProperties, readOnly), made
// from the tables check_bdb_body reads, so GET /v1/jsonschema?object=bdb and
// the bdb routes cannot disagree: a PUT /v1/bdbs/{uid} body is accepted by
// check_bdb_body(update) exactly when it validates against this schema
// (tests/unit/bdb_schema_test.cpp holds both to one table). A create also
// needs `name` and `memory_size` and refuses the `readOnly` fields.
json bdb_json_schema();

// Fields a client may send back unchanged but not change: the live keys and
// what the cluster computes (version, shard_list, endpoints, …).
bool is_read_only_bdb_field(std::string_view key) noexcept;

// The redis_version values a new database may ask for, and the full
// version each runs ("7.4" -> "7.4.2"), from the real bootstrap capture.
std::optional<std::string_view> full_redis_version(std::string_view redis_version) noexcept;

}  // namespace reemu
