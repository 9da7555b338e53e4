// Config file parsing and validation.
#include "reemu/config/config.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "reemu/auth/auth.hpp"
#include "reemu/auth/jwt.hpp"
#include "reemu/model/bdb_schema.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/users.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

constexpr std::uint64_t max_port = 65535;

[[noreturn]] void throw_failure(const std::string& source, const failure& f) {
  throw config_error(source + ": " + f.description);
}

void parse_server(const json& j, server_config& s, const std::string& source) {
  object_reader r(j, "server");
  r.only({"bind", "http", "http_port", "https", "https_port", "tls_cert", "tls_key", "tls_cert_out",
          "ports_file", "tls_names", "metrics_port", "threads", "header_limit_bytes",
          "body_limit_bytes", "read_timeout_seconds", "idle_timeout_seconds",
          "handshake_timeout_seconds", "max_connections"});
  if (auto v = r.string("bind")) s.bind = *v;
  if (auto v = r.boolean("http")) s.http_enabled = *v;
  if (auto v = r.unsigned_integer("http_port", max_port))
    s.http_port = static_cast<std::uint16_t>(*v);
  if (auto v = r.boolean("https")) s.https_enabled = *v;
  if (auto v = r.unsigned_integer("https_port", max_port))
    s.https_port = static_cast<std::uint16_t>(*v);
  if (auto v = r.unsigned_integer("metrics_port", max_port))
    s.metrics_port = static_cast<std::uint16_t>(*v);
  if (auto v = r.string("tls_cert")) s.tls_cert = *v;
  if (auto v = r.string("tls_key")) s.tls_key = *v;
  if (auto v = r.string("tls_cert_out")) s.tls_cert_out = *v;
  if (auto v = r.string("ports_file")) s.ports_file = *v;
  if (auto v = r.string_list("tls_names")) s.tls_names = std::move(*v);
  if (auto v = r.unsigned_integer("threads", 256)) s.threads = static_cast<unsigned>(*v);
  if (auto v = r.unsigned_integer("header_limit_bytes", 1 << 20)) s.header_limit = *v;
  if (auto v = r.unsigned_integer("body_limit_bytes", 64ull << 20)) s.body_limit = *v;
  if (auto v = r.unsigned_integer("read_timeout_seconds", 3600))
    s.read_timeout_seconds = static_cast<unsigned>(*v);
  if (auto v = r.unsigned_integer("idle_timeout_seconds", 86400))
    s.idle_timeout_seconds = static_cast<unsigned>(*v);
  if (auto v = r.unsigned_integer("handshake_timeout_seconds", 3600))
    s.handshake_timeout_seconds = static_cast<unsigned>(*v);
  if (auto v = r.unsigned_integer("max_connections", 1'000'000)) s.max_connections = *v;
  if (r.failed()) throw_failure(source, r.error());
}

void parse_emulator(const json& j, emulator_config& e, cluster_settings& cluster,
                    const std::string& source) {
  object_reader r(j, "emulator");
  r.only({"clock", "clock_start", "control_api", "seed", "ids", "journal_size", "journal_max_bytes",
          "event_log_size", "state_file", "state_compact_bytes", "cluster_name",
          "accept_unknown_fields", "jwt_secret", "shards_limit", "not_emulated", "rs_version"});
  const auto clock = r.string("clock");
  if (auto v = r.number("clock_start", 0, 1e11)) e.clock_start = *v;
  if (auto v = r.boolean("control_api")) e.control_api = *v;
  if (auto v = r.unsigned_integer("seed", UINT64_MAX)) e.seed = *v;
  if (auto v = r.unsigned_integer("journal_size", 10'000'000)) e.journal_size = *v;
  if (auto v = r.unsigned_integer("journal_max_bytes", 1ull << 32)) e.journal_max_bytes = *v;
  if (auto v = r.unsigned_integer("event_log_size", 10'000'000)) e.event_log_size = *v;
  if (auto v = r.string("state_file")) e.state_file = *v;
  if (auto v = r.unsigned_integer("state_compact_bytes", 1ull << 40)) {
    if (*v < 1024) throw config_error(source + ": 'emulator.state_compact_bytes' must be >= 1024");
    e.state_compact_bytes = *v;
  }
  if (auto v = r.string("cluster_name")) cluster.name = *v;
  if (auto v = r.boolean("accept_unknown_fields")) cluster.accept_unknown_fields = *v;
  if (auto v = r.string("jwt_secret")) e.jwt_secret = *v;
  if (auto v = r.unsigned_integer("shards_limit", 1u << 20)) {
    if (*v == 0) throw config_error(source + ": 'emulator.shards_limit' must be >= 1");
    cluster.shards_limit = *v;
  }
  const auto not_emulated = r.string("not_emulated");
  const auto ids = r.string("ids");
  const auto rs_version = r.string("rs_version");
  if (r.failed()) throw_failure(source, r.error());
  if (ids) {
    const auto mode = parse_id_mode(*ids);
    if (!mode) {
      throw config_error(source + ": 'emulator.ids' must be \"random\" or \"seeded\", got \"" +
                         *ids + "\"");
    }
    e.ids = *mode;
  }
  if (rs_version)
    cluster.version = &parse_rs_version(*rs_version, source + ": 'emulator.rs_version'");
  if (not_emulated) {
    const auto answer = parse_not_emulated_answer(*not_emulated);
    if (!answer) {
      throw config_error(source + ": 'emulator.not_emulated' must be \"501\" or \"404\", got \"" +
                         *not_emulated + "\"");
    }
    e.not_emulated = *answer;
  }
  if (cluster.name.empty() || cluster.name.size() > 253)
    throw config_error(source + ": 'emulator.cluster_name' must be 1 to 253 characters");
  if (clock) {
    auto m = parse_clock_mode(*clock);
    if (!m) {
      throw config_error(source + ": 'emulator.clock' must be \"real\" or \"manual\", got \"" +
                         *clock + "\"");
    }
    e.clock = *m;
  }
}

void parse_log(const json& j, logging_config& l, const std::string& source) {
  object_reader r(j, "log");
  r.only({"level", "format"});
  if (auto v = r.string("level")) l.level = *v;
  if (auto v = r.string("format")) l.format = *v;
  if (r.failed()) throw_failure(source, r.error());
}

void parse_users(const json& j, std::vector<seed_user>& users, const std::string& source) {
  if (!j.is_array()) throw config_error(source + ": 'users' must be an array");
  std::set<std::string> seen;
  std::set<std::string> names;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = "users[" + std::to_string(i) + "]";
    object_reader r(j[i], where);
    r.only({"email", "password", "role", "name"});
    auto email = r.string("email", true);
    auto password = r.string("password", true);
    auto role_name = r.string("role", true);
    auto name = r.string("name");
    if (r.failed()) throw_failure(source, r.error());
    if (name) {
      if (auto problem = user_name_problem(*name))
        throw config_error(source + ": '" + where + "." + problem->substr(1));
    }
    if (auto problem = email_problem(*email, where + ".email"))
      throw config_error(source + ": " + *problem);
    if (auto problem = password_problem(*password, where + ".password"))
      throw config_error(source + ": " + *problem);
    auto role = parse_role(*role_name);
    if (!role) {
      throw config_error(source + ": '" + where + ".role' is not a role: \"" + *role_name +
                         "\" (admin, cluster_member, cluster_viewer, db_member, db_viewer, "
                         "user_manager, none)");
    }
    if (!seen.insert(*email).second)
      throw config_error(source + ": '" + where + ".email' repeats \"" + *email + "\"");
    // A user's name is its email unless given; names are unique, as the
    // routes keep them (409 name_already_exists).
    const std::string shown = name ? *name : *email;
    if (!names.insert(shown).second)
      throw config_error(source + ": '" + where + ".name' repeats \"" + shown + "\"");
    users.push_back({std::move(*email), std::move(*password), *role, name.value_or("")});
  }
}

// Each entry is a database as GET /v1/bdbs shows it (a pasted answer), or
// a bare uid for a database with the template's fields.
void parse_databases(const json& j, std::vector<json>& dbs, const std::string& source) {
  if (!j.is_array()) {
    throw config_error(source +
                       ": 'databases' must be an array of databases (bdb objects or uids)");
  }
  std::set<std::uint64_t> uids;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = "databases[" + std::to_string(i) + "]";
    json db = j[i].is_number() ? json{{"uid", j[i]}} : j[i];
    if (!db.is_object()) {
      throw config_error(source + ": '" + where +
                         "' must be a database object or a uid (a whole number >= 1), got " +
                         dump(j[i]));
    }
    if (auto ok = check_bdb_body(db, bdb_body_kind::seed, true); !ok)
      throw config_error(source + ": '" + where + "': " + ok.error().description);
    if (!uids.insert(db["uid"].get<std::uint64_t>()).second)
      throw config_error(source + ": '" + where + ".uid' repeats " + dump(db["uid"]));
    dbs.push_back(std::move(db));
  }
}

// Each entry is a node as GET /v1/nodes shows it (a pasted answer, or only
// what differs from the template), or a bare uid for the template's node.
void parse_nodes(const json& j, std::vector<json>& nodes, const std::string& source) {
  if (!j.is_array() || j.empty()) {
    throw config_error(source +
                       ": 'nodes' must be a non-empty array of nodes (node objects or uids)");
  }
  std::set<std::uint64_t> uids;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = "nodes[" + std::to_string(i) + "]";
    json obj = j[i].is_number() ? json{{"uid", j[i]}} : j[i];
    const auto probe = node_from_object(obj, 0, where);
    if (!probe) throw_failure(source, probe.error());
    if (!uids.insert(probe->uid).second)
      throw config_error(source + ": '" + where + ".uid' repeats " + dump(obj["uid"]));
    nodes.push_back(std::move(obj));
  }
}

// Each entry is a licence key PUT /v1/license accepts, with the terms it
// grants (model/license.hpp): no two with the same text, at most one
// installed at start-up, and none for another cluster (checked once the
// cluster's name is known: check_licenses).
void parse_licenses(const json& j, std::vector<license_offer>& offers, const std::string& source) {
  if (!j.is_array()) throw config_error(source + ": 'licenses' must be an array of licence keys");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string where = "licenses[" + std::to_string(i) + "]";
    auto offer = license_offer_from_config(j[i], where);
    if (!offer) throw_failure(source, offer.error());
    if (find_offer(offers, offer->terms.text))
      throw config_error(source + ": '" + where + ".license' repeats the text of another key");
    offers.push_back(std::move(*offer));
  }
}

void check_licenses(const cluster_settings& cluster, const std::string& source) {
  std::size_t installed = 0;
  for (std::size_t i = 0; i < cluster.licenses.size(); ++i) {
    const license_offer& offer = cluster.licenses[i];
    const std::string where = "licenses[" + std::to_string(i) + "]";
    if (offer.terms.cluster_name && *offer.terms.cluster_name != cluster.name) {
      throw config_error(source + ": '" + where + ".cluster_name' is \"" +
                         *offer.terms.cluster_name + "\", but the cluster is \"" + cluster.name +
                         "\" (emulator.cluster_name): it could never be installed");
    }
    if (offer.installed && ++installed > 1)
      throw config_error(source + ": '" + where + ".installed': only one licence can be installed");
  }
}

}  // namespace

config parse_config(json doc, const std::string& source) {
  if (!doc.is_object()) throw config_error(source + ": the config must be a JSON object");
  config c;
  c.source = source;
  for (const auto& [key, value] : doc.items()) {
    if (key == "server") {
      parse_server(value, c.server, source);
    } else if (key == "emulator") {
      parse_emulator(value, c.emulator, c.cluster, source);
    } else if (key == "log") {
      parse_log(value, c.log, source);
    } else if (key == "users") {
      parse_users(value, c.users, source);
    } else if (key == "databases") {
      parse_databases(value, c.databases, source);
    } else if (key == "nodes") {
      parse_nodes(value, c.nodes, source);
    } else if (key == "licenses") {
      parse_licenses(value, c.cluster.licenses, source);
    } else if (key == "actions" || key == "state-machines") {
      if (!value.is_array()) throw config_error(source + ": '" + key + "' must be an array");
      const auto kind = key == "actions" ? action_kind::task : action_kind::state_machine;
      for (std::size_t i = 0; i < value.size(); ++i) {
        auto entry =
            parse_wire_entry(std::move(value[i]), kind, key + "[" + std::to_string(i) + "]");
        if (!entry) throw_failure(source, entry.error());
        c.actions.push_back(std::move(*entry));
      }
    } else if (key.starts_with("_") || key.starts_with("$")) {
      // "_comment", "$schema": allowed so config files can carry notes.
    } else {
      throw config_error(source + ": unknown key '" + key +
                         "' (known: server, emulator, log, users, databases, nodes, licenses, "
                         "actions, state-machines)");
    }
  }
  check_licenses(c.cluster, source);
  std::set<std::string> uids;
  for (const auto& a : c.actions) {
    if (!a.fields.contains("action_uid")) continue;  // drawn when the seed is made
    const auto& uid = a.fields["action_uid"].get_ref<const std::string&>();
    if (!uids.insert(uid).second)
      throw config_error(source + ": action_uid \"" + uid + "\" appears twice");
  }
  try {
    validate(c);
  } catch (const config_error& e) {
    throw config_error(source + ": " + e.what());  // the file is at fault, so name it
  }
  return c;
}

config load_config(const std::string& path) {
  std::string error;
  auto document = read_json_file(path, "config file", error);
  if (!document) throw config_error(error);
  return parse_config(std::move(*document), path);
}

const version_profile& parse_rs_version(std::string_view name, const std::string& where) {
  if (const version_profile* p = find_version_profile(name)) return *p;
  throw config_error(where + ": unknown Redis Software version \"" + std::string(name) +
                     "\"; known versions: " + version_profile_names());
}

std::optional<not_emulated_answer> parse_not_emulated_answer(std::string_view text) {
  if (text == "501") return not_emulated_answer::not_implemented;
  if (text == "404") return not_emulated_answer::not_found;
  return std::nullopt;
}

void validate(const config& c) {
  const auto& s = c.server;
  if (!s.http_enabled && !s.https_enabled)
    throw config_error("both listeners are off: keep HTTP or HTTPS on");
  if (s.tls_cert.empty() != s.tls_key.empty()) {
    throw config_error(
        "a TLS certificate needs its key and a key its certificate (tls_cert and tls_key)");
  }
  // The exporter's own port: one a listener of the API already takes would
  // fail to bind with a less helpful message.
  if (s.metrics_port && *s.metrics_port != 0 &&
      ((s.http_enabled && *s.metrics_port == s.http_port) ||
       (s.https_enabled && *s.metrics_port == s.https_port))) {
    throw config_error("the metrics exporter's port (server.metrics_port, --metrics-port) " +
                       std::to_string(*s.metrics_port) + " is the port of another listener");
  }
  static const std::set<std::string> levels = {"trace", "debug",    "info", "warn",
                                               "error", "critical", "off"};
  if (!levels.contains(c.log.level)) {
    throw config_error(
        "log level must be one of trace, debug, info, warn, error, critical, off; got \"" +
        c.log.level + "\"");
  }
  if (c.log.format != "text" && c.log.format != "json")
    throw config_error("log format must be text or json; got \"" + c.log.format + "\"");
  if (s.header_limit < 1024) throw config_error("header limit must be at least 1024 bytes");
  // Beast stores a header field's length in 16 bits and throws for a longer
  // one: the limit must keep every field below that.
  if (s.header_limit > 65535) {
    throw config_error(
        "header limit must be at most 65535 bytes (the HTTP parser's largest header field); got " +
        std::to_string(s.header_limit));
  }
  // The secret itself never goes into a message: only its length.
  const std::size_t secret = c.emulator.jwt_secret.size();
  if (secret != 0 && (secret < token_secret_bytes || secret > 4096)) {
    throw config_error("the JWT secret (emulator.jwt_secret, --jwt-secret) must be " +
                       std::to_string(token_secret_bytes) + " to 4096 bytes; it has " +
                       std::to_string(secret));
  }
}

std::optional<json> read_json_file(const std::string& path, std::string_view what,
                                   std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + std::string(what) + " '" + path + "'";
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error = "cannot read " + std::string(what) + " '" + path + "'";
    return std::nullopt;
  }
  const std::string text = buffer.str();
  auto document = parse_untrusted_json(text);
  if (document) return std::move(*document);
  // Parse again with exceptions for the line and column of the error.
  try {
    const json strict = json::parse(text);
    error = std::string(what) + " '" + path + "': " + document.error().description;
  } catch (const json::parse_error& e) {
    error = std::string(what) + " '" + path + "': not valid JSON: " + e.what();
  }
  return std::nullopt;
}

}  // namespace reemu
