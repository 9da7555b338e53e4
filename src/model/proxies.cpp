// Proxies: the capture's object, the settings a PUT may change and their
// checks, the state file's record.
#include "reemu/model/proxies.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string_view>
#include <utility>

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

// The real GET /v1/proxies element (tests/data/proxies_list.json) without
// its uid.
constexpr std::string_view proxy_template_text =
    R"({"backlog":1024,"client_eviction":false,"client_keepcnt":6,"client_keepidle":180,)"
    R"("client_keepintvl":30,"conns":500000,"corefile":false,"duration_usage_threshold":30,)"
    R"("dynamic_threads_scaling":true,"ignore_bdb_cconn_limit":false,)"
    R"("ignore_bdb_cconn_output_buff_limits":false,"incoming_connections_capacity":0,)"
    R"("incoming_connections_min_capacity":10,"incoming_connections_rate_limit":0,)"
    R"("log_level":"info","max_listeners":1024,"max_servers":4096,"max_threads":8,)"
    R"("max_worker_client_conns":16384,"max_worker_server_conns":16384,)"
    R"("max_worker_txns":65536,"maxmemory_clients":4294967296,"threads":3,)"
    R"("threads_usage_threshold":80})";

// The log levels a proxy takes (the reference's proxy object).
constexpr std::array<std::string_view, 6> log_levels = {"crit",   "error", "warn",
                                                        "notice", "info",  "debug"};

// The largest value of a count: the thread counts and the percentages are
// bounded, the rest take any 32-bit count (maxmemory_clients any 64-bit).
std::uint64_t count_max(std::string_view key) {
  if (key == "threads" || key == "max_threads") return 256;
  if (key == "threads_usage_threshold" || key == "duration_usage_threshold") return 100;
  if (key == "maxmemory_clients") return std::numeric_limits<std::int64_t>::max();
  return std::numeric_limits<std::uint32_t>::max();
}

std::uint64_t count_min(std::string_view key) {
  return key == "threads" || key == "max_threads" ? 1 : 0;
}

// Reads the "proxy" object of a body (or a record's fields) into settings.
result<proxy_settings> read_settings(const json& obj, const std::string& where) {
  proxy_settings out;
  const json& tmpl = proxy_template();
  for (const auto& [key, value] : obj.items()) {
    const std::string name = where + "." + key;
    const auto t = tmpl.find(key);
    if (t == tmpl.end()) {
      return failure{api_error::invalid_schema,
                     "'" + name + "' is not a proxy setting that can be changed"};
    }
    if (t->is_boolean()) {
      if (!value.is_boolean())
        return failure{api_error::invalid_schema, "'" + name + "' must be a boolean"};
    } else if (t->is_string()) {  // log_level
      const bool known =
          value.is_string() && std::find(log_levels.begin(), log_levels.end(),
                                         value.get_ref<const std::string&>()) != log_levels.end();
      if (!known) {
        return failure{api_error::invalid_schema,
                       "'" + name + "' must be one of crit, error, warn, notice, info, debug"};
      }
    } else {
      if (!value.is_number_unsigned()) {
        return failure{api_error::invalid_schema,
                       "'" + name + "' must be a whole number that is not negative"};
      }
      const auto n = value.get<std::uint64_t>();
      if (n < count_min(key) || n > count_max(key)) {
        return failure{api_error::invalid_schema,
                       "'" + name + "' must be between " + std::to_string(count_min(key)) +
                           " and " + std::to_string(count_max(key)) + ", got " + dump(value)};
      }
    }
    out.fields[key] = value;
  }
  return out;
}

}  // namespace

const json& proxy_template() {
  static const json parsed = json::parse(proxy_template_text, nullptr, false);
  return parsed;
}

json proxy_object(std::uint64_t uid, const proxy_settings& s) {
  json out = proxy_template();
  for (const auto& [key, value] : s.fields.items()) out[key] = value;
  out["uid"] = uid;
  return out;
}

result<proxy_settings> read_proxy_update(const json& body) {
  if (!body.is_object()) return failure{api_error::invalid_schema, "the body must be an object"};
  for (const auto& [key, value] : body.items()) {
    if (key == "allow_restart") {
      if (!value.is_boolean())
        return failure{api_error::invalid_schema, "'allow_restart' must be a boolean"};
    } else if (key == "proxy") {
      if (!value.is_object())
        return failure{api_error::invalid_schema, "'proxy' must be an object"};
    } else {
      return failure{api_error::invalid_schema, "'" + key + "' is not a field of a proxy update"};
    }
  }
  const auto proxy = body.find("proxy");
  if (proxy == body.end()) return failure{api_error::missing_field, "'proxy' is required"};
  return read_settings(*proxy, "proxy");
}

result<proxy_settings> apply_proxy_update(const proxy_settings& current,
                                          const proxy_settings& change) {
  proxy_settings out = current;
  for (const auto& [key, value] : change.fields.items()) out.fields[key] = value;
  const json shown = proxy_object(0, out);
  if (shown["threads"].get<std::uint64_t>() > shown["max_threads"].get<std::uint64_t>()) {
    return failure{api_error::invalid_schema, "'proxy.threads' (" + dump(shown["threads"]) +
                                                  ") must not exceed 'proxy.max_threads' (" +
                                                  dump(shown["max_threads"]) + ")"};
  }
  return out;
}

failure no_such_proxy(std::string_view uid) {
  return {api_error::proxy_not_found, "Proxy " + std::string(uid) + " does not exist"};
}

json proxy_record(std::uint64_t uid, const proxy_settings& s) {
  return json{{"uid", uid}, {"fields", s.fields}};
}

result<std::pair<std::uint64_t, proxy_settings>> proxy_from_record(const json& record,
                                                                   const std::string& where) {
  if (!record.is_object())
    return failure{api_error::invalid_type, "'" + where + "' must be an object"};
  object_reader r(record, where);
  r.only({"uid", "fields"});
  const auto uid = r.unsigned_integer("uid", std::numeric_limits<std::uint32_t>::max(), true);
  const json* fields = r.object("fields", true);
  if (r.failed()) return r.error();
  auto s = read_settings(*fields, where + ".fields");
  if (!s) return s.error();
  auto checked = apply_proxy_update({}, *s);
  if (!checked) return checked.error();
  return std::pair{*uid, std::move(*s)};
}

}  // namespace reemu
