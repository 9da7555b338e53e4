// Field-by-field checks of bdb bodies against the template's types.
#include "reemu/model/bdb_schema.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "reemu/model/blueprint.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

struct enum_row {
  std::string_view field;
  std::string_view values;  // separated by '|'
};

// The documented vocabularies of the bdb object's enum fields.
constexpr std::array<enum_row, 13> enums = {{
    {"activedefrag", "yes|no"},
    {"aof_policy", "appendfsync-every-sec|appendfsync-always"},
    {"client_cert_subject_validation_type", "disabled|san_cn|full_subject"},
    {"conns_type", "per-thread|per-shard"},
    {"data_persistence", "disabled|aof|snapshot"},
    {"eviction_policy",
     "volatile-lru|volatile-ttl|volatile-random|allkeys-lru|allkeys-random|noeviction|"
     "volatile-lfu|allkeys-lfu"},
    {"hash_slots_policy", "legacy|16k"},
    {"oss_cluster_api_preferred_endpoint_type", "ip|hostname"},
    {"oss_cluster_api_preferred_ip_type", "internal|external"},
    {"proxy_policy", "single|all-master-shards|all-nodes"},
    {"shards_placement", "dense|sparse"},
    {"tls_mode", "enabled|disabled|replica_ssl"},
    {"type", "redis|memcached"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> versions = {
    {{"6.2", "6.2.13"}, {"7.2", "7.2.7"}, {"7.4", "7.4.2"}, {"8.0", "8.0.0"}}};

constexpr std::array<std::string_view, 13> computed = {"backup_failure_reason",
                                                       "backup_progress",
                                                       "backup_status",
                                                       "endpoints",
                                                       "export_failure_reason",
                                                       "export_progress",
                                                       "export_status",
                                                       "import_failure_reason",
                                                       "import_progress",
                                                       "import_status",
                                                       "shard_list",
                                                       "topology_epoch",
                                                       "version"};

// Strings in the capture that the reference also documents as numbers.
constexpr std::array<std::string_view, 3> string_or_integer = {"crdt_repl_backlog_size",
                                                               "repl_backlog_size", "slave_buffer"};

template <typename C>
bool has(const C& c, std::string_view key) {
  return std::find(c.begin(), c.end(), key) != c.end();
}

failure schema(std::string description) {
  return failure{api_error::invalid_schema, std::move(description)};
}

std::string quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

result<> check_enum(std::string_view key, const json& v) {
  for (const auto& row : enums) {
    if (row.field != key) continue;
    const std::string& s = v.get_ref<const std::string&>();
    std::string list;
    for (std::size_t at = 0; at <= row.values.size();) {
      const auto bar = std::min(row.values.find('|', at), row.values.size());
      const std::string_view value = row.values.substr(at, bar - at);
      if (value == s) return {};
      list += (list.empty() ? "" : ", ") + std::string(value);
      at = bar + 1;
    }
    return schema("Invalid value " + dump(v) + " for field " + quoted(key) + " (one of: " + list +
                  ")");
  }
  return {};
}

// `v` has the JSON type of `model`, the template's value for `key`.
result<> check_type(std::string_view key, const json& v, const json& model) {
  bool ok = false;
  std::string_view want;
  if (model.is_string()) {
    ok = v.is_string() || (has(string_or_integer, key) && v.is_number_integer());
    want = "a string";
  } else if (model.is_boolean()) {
    ok = v.is_boolean();
    want = "a boolean";
  } else if (model.is_number_integer()) {
    ok = v.is_number_integer();
    want = "an integer";
  } else if (model.is_number()) {
    ok = v.is_number();
    want = "a number";
  } else if (model.is_array()) {
    ok = v.is_array();
    want = "an array";
  } else if (model.is_object()) {
    ok = v.is_object();
    want = "an object";
  }
  if (!ok)
    return schema("Field " + quoted(key) + " must be " + std::string(want) + ", got " + dump(v));
  return {};
}

// Arrays whose elements clients build by hand: objects with string members.
result<> check_objects(std::string_view key, const json& v,
                       std::initializer_list<std::string_view> string_members) {
  if (!v.is_array()) return schema("Field " + quoted(key) + " must be an array, got " + dump(v));
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    if (!v[i].is_object()) return schema("Field '" + where + "' must be an object");
    for (auto m : string_members) {
      const auto it = v[i].find(m);
      if (it != v[i].end() && !it->is_string())
        return schema("Field '" + where + "." + std::string(m) + "' must be a string");
    }
  }
  return {};
}

result<> check_integer(std::string_view key, const json& v, std::int64_t min, std::int64_t max) {
  if (!v.is_number_integer())
    return schema("Field " + quoted(key) + " must be an integer, got " + dump(v));
  const bool negative =
      v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0;
  const bool in_range =
      negative ? v.get<std::int64_t>() >= min
               : v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) &&
                     (min <= 0 || v.get<std::uint64_t>() >= static_cast<std::uint64_t>(min));
  if (!in_range) {
    return schema("Field " + quoted(key) + " must be between " + std::to_string(min) + " and " +
                  std::to_string(max) + ", got " + dump(v));
  }
  return {};
}

result<> check_name(const json& v) {
  if (!v.is_string()) return schema("Field 'name' must be a string, got " + dump(v));
  const auto& s = v.get_ref<const std::string&>();
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  const bool chars =
      std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-' || c == '_'; });
  if (s.empty() || s.size() > 63 || !chars || !alnum(s.front())) {
    return failure{api_error::name_violation,
                   "Database name " + dump(v) +
                       " is invalid: 1 to 63 letters, digits, '-' or '_', starting with a "
                       "letter or digit"};
  }
  return {};
}

// The rules of one field beyond its template type.
result<> check_special(std::string_view key, const json& v) {
  if (key == "name") return check_name(v);
  if (key == "memory_size") return check_integer(key, v, 1, INT64_MAX);
  if (key == "port") return check_integer(key, v, 0, 65535);
  // The documented range of shards_count (the bdb object: 1-512).
  if (key == "shards_count")
    return check_integer(key, v, 1, static_cast<std::int64_t>(max_shards_count));
  if (key == "uid") return check_integer(key, v, 1, static_cast<std::int64_t>(max_bdb_uid));
  if (key == "redis_version") {
    if (!v.is_string()) return schema("Field 'redis_version' must be a string, got " + dump(v));
    if (!full_redis_version(v.get_ref<const std::string&>())) {
      return failure{api_error::invalid_version,
                     "redis_version " + dump(v) + " is not supported (6.2, 7.2, 7.4, 8.0)"};
    }
    return {};
  }
  if (key == "module_list")
    return check_objects(key, v, {"module_args", "module_id", "module_name", "semantic_version"});
  if (key == "shard_key_regex") return check_objects(key, v, {"regex"});
  if (key == "shards_blueprint") return check_objects(key, v, {"slot_range"});
  if (key == "tags") return check_objects(key, v, {"key", "value"});
  if (key == "avoid_nodes") {
    if (!v.is_array() ||
        !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }))
      return schema("Field 'avoid_nodes' must be an array of node uid strings");
  }
  return {};
}

bool is_request_only(std::string_view key) {
  return key == "shards_blueprint" || key == "tags" || key == "avoid_nodes";
}

result<> check_field(std::string_view key, const json& v, bdb_body_kind kind, bool accept_unknown) {
  const json& model = bdb_template();
  if (kind == bdb_body_kind::create && key != "uid" && is_read_only_bdb_field(key))
    return schema("Field " + quoted(key) + " is read-only");
  if (kind != bdb_body_kind::seed && is_live_key(key) && key != "uid") return {};
  const auto it = model.find(key);
  if (it == model.end() && !is_request_only(key) && !(key == "uid")) {
    if (accept_unknown || kind == bdb_body_kind::seed) return {};
    return schema("Unknown field " + quoted(key) + ": the bdb object has no such field");
  }
  if (auto ok = check_special(key, v); !ok) return ok.error();
  if (it == model.end() || is_live_key(key)) return {};
  if (auto ok = check_type(key, v, *it); !ok) return ok.error();
  if (v.is_string()) return check_enum(key, v);
  return {};
}

}  // namespace

bool is_read_only_bdb_field(std::string_view key) noexcept {
  return is_live_key(key) || has(computed, key);
}

std::optional<std::string_view> full_redis_version(std::string_view redis_version) noexcept {
  for (const auto& [major, full] : versions)
    if (major == redis_version) return full;
  return std::nullopt;
}

namespace {

std::string_view json_type_name(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

// An array of objects whose named members are strings (check_objects).
json objects_with_strings(std::initializer_list<std::string_view> members) {
  json props = json::object();
  for (const auto m : members) props[std::string(m)] = {{"type", "string"}};
  return {{"type", "array"}, {"items", {{"type", "object"}, {"properties", std::move(props)}}}};
}

json integer_range(std::int64_t min, std::int64_t max) {
  return {{"type", "integer"}, {"minimum", min}, {"maximum", max}};
}

// check_special's rules as schema keywords; null when the field has none.
json special_schema(std::string_view key) {
  if (key == "name") {
    return {{"type", "string"}, {"pattern", "^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"}};
  }
  if (key == "memory_size") return integer_range(1, INT64_MAX);
  if (key == "port") return integer_range(0, 65535);
  if (key == "shards_count") return integer_range(1, static_cast<std::int64_t>(max_shards_count));
  if (key == "uid") return integer_range(1, static_cast<std::int64_t>(max_bdb_uid));
  if (key == "redis_version") {
    json values = json::array();
    for (const auto& [major, full] : versions) values.push_back(major);
    return {{"type", "string"}, {"enum", std::move(values)}};
  }
  if (key == "module_list")
    return objects_with_strings({"module_args", "module_id", "module_name", "semantic_version"});
  if (key == "shard_key_regex") return objects_with_strings({"regex"});
  if (key == "shards_blueprint") return objects_with_strings({"slot_range"});
  if (key == "tags") return objects_with_strings({"key", "value"});
  if (key == "avoid_nodes") return {{"type", "array"}, {"items", {{"type", "string"}}}};
  return nullptr;
}

json enum_values(std::string_view key) {
  for (const auto& row : enums) {
    if (row.field != key) continue;
    json values = json::array();
    for (std::size_t at = 0; at <= row.values.size();) {
      const auto bar = std::min(row.values.find('|', at), row.values.size());
      values.push_back(row.values.substr(at, bar - at));
      at = bar + 1;
    }
    return values;
  }
  return nullptr;
}

// One field as check_field(update) sees it.
json field_schema(std::string_view key, const json* model) {
  if (is_live_key(key) && key != "uid") return {{"readOnly", true}};  // not checked
  json out = special_schema(key);
  if (out.is_null()) out = json::object();
  if (model) {
    // The template's type; with a special rule, both hold (they agree).
    if (has(string_or_integer, key)) {
      out["type"] = json::array({"string", "integer"});
    } else if (!out.contains("type")) {
      out["type"] = json_type_name(*model);
    }
    if (json values = enum_values(key); !values.is_null()) out["enum"] = std::move(values);
  }
  if (is_read_only_bdb_field(key)) out["readOnly"] = true;
  return out;
}

}  // namespace

json bdb_json_schema() {
  json props = json::object();
  for (const auto& [key, value] : bdb_template().items()) props[key] = field_schema(key, &value);
  for (const std::string_view key : {"avoid_nodes", "shards_blueprint", "tags", "uid"})
    if (!props.contains(key)) props[std::string(key)] = field_schema(key, nullptr);
  return {{"additionalProperties", false},
          {"description",
           "A database (bdb) object. A PUT /v1/bdbs/{uid} body is checked against it; a POST "
           "/v1/bdbs body must also have name and memory_size and may not set readOnly fields."},
          {"properties", std::move(props)},
          {"title", "bdb"},
          {"type", "object"}};
}

result<> check_bdb_body(const json& body, bdb_body_kind kind, bool accept_unknown) {
  if (!body.is_object()) return schema("The request body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (auto ok = check_field(key, value, kind, accept_unknown); !ok) return ok.error();
  if (kind == bdb_body_kind::create) {
    if (!body.contains("name"))
      return failure{api_error::missing_db_name, "Field 'name' is required"};
    if (!body.contains("memory_size"))
      return failure{api_error::missing_memory_size, "Field 'memory_size' is required"};
  }
  if (kind == bdb_body_kind::seed && !body.contains("uid"))
    return schema("Field 'uid' is required");
  return {};
}

}  // namespace reemu
