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
// Returns the first problem, or nullopt.
std::optional<failure> check_bdb_body(const json& body, bdb_body_kind kind, bool accept_unknown);

// Fields a client may send back unchanged but not change: the live keys and
// what the cluster computes (version, shard_list, endpoints, …).
bool is_read_only_bdb_field(std::string_view key) noexcept;

// The redis_version values a new database may ask for, and the full
// version each runs ("7.4" -> "7.4.2"), from the real bootstrap capture.
std::optional<std::string_view> full_redis_version(std::string_view redis_version) noexcept;

}  // namespace reemu
