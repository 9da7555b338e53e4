// Configuration: one JSON file (config/default.json when none is given),
// parsed once and validated at start-up into an immutable struct. Command-line
// flags are applied on top by main before validate() runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/database.hpp"
#include "reemu/model/ids.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/version_profile.hpp"
#include "reemu/model/wire_entry.hpp"
#include "reemu/state/clock.hpp"

namespace reemu {

struct server_config {
  std::string bind = "0.0.0.0";
  bool http_enabled = true;
  std::uint16_t http_port = 8080;
  bool https_enabled = true;
  std::uint16_t https_port = 9443;
  // The cluster's own Prometheus exporter (GET /v2, app/exporter.hpp): off
  // unless a port is given (a real cluster's is 8070; 0 = any free port).
  std::optional<std::uint16_t> metrics_port;
  std::string tls_cert;  // PEM chain; empty = self-signed at start-up
  std::string tls_key;
  std::string tls_cert_out;                // write the certificate in use here
  std::string ports_file;                  // write the bound ports here once listening
  std::vector<std::string> tls_names;      // extra subjectAltNames of a generated certificate
  unsigned threads = 0;                    // 0 = one per hardware thread
  std::size_t header_limit = 16UL * 1024;  // bytes; larger -> 431
  std::size_t body_limit = 1024UL * 1024;  // bytes; larger -> 413
  unsigned read_timeout_seconds = 30;      // a request must arrive within this
  unsigned idle_timeout_seconds = 60;      // keep-alive connection with no request
  unsigned handshake_timeout_seconds = 10;
  std::size_t max_connections = 10000;  // past this: 503 and close
};

// How a documented route the emulator does not emulate is answered
// (docs/coverage.md): 501 not_emulated, or 404 like an unknown path.
enum class not_emulated_answer : std::uint8_t { not_implemented, not_found };

struct emulator_config {
  clock_mode clock = clock_mode::real;
  std::optional<double> clock_start;  // manual clock start (epoch s); default: start-up time
  bool control_api = true;
  std::uint64_t seed = 1;  // fault probability generator seed, and the ids' under id_mode::seeded
  id_mode ids = id_mode::random;  // how action uids and task ids are made (model/ids.hpp)
  std::size_t journal_size = 10000;
  std::size_t journal_max_bytes = 16u << 20;  // the journal's byte bound (journal.hpp)
  std::size_t event_log_size = 10000;         // events /v1/logs keeps (model/event_log.hpp)
  std::string state_file;                     // empty: nothing survives a restart
  // The state file is compacted once its log records exceed both this and
  // the size of its document.
  std::size_t state_compact_bytes = 1u << 20;
  // The HS256 key of /v1/users/authorize's tokens; empty: token_secret_bytes
  // random bytes drawn at start-up (no token survives a restart).
  std::string jwt_secret;
  not_emulated_answer not_emulated = not_emulated_answer::not_implemented;  // "501" | "404"
};

// "501" -> not_implemented, "404" -> not_found; nullopt otherwise.
std::optional<not_emulated_answer> parse_not_emulated_answer(std::string_view text);

// The version profile named `name` (emulator.rs_version, --rs-version).
// Throws config_error naming `where` and the known versions when there is none.
const version_profile& parse_rs_version(std::string_view name, const std::string& where);

struct logging_config {
  std::string level = "info";   // trace debug info warn error critical off
  std::string format = "text";  // text | json
};

struct seed_user {
  std::string email;
  std::string password;
  reemu::role role = role::none;
  std::string name;  // empty: the email
};

struct config {
  server_config server;
  emulator_config emulator;
  logging_config log;
  std::vector<seed_user> users;
  reemu::cluster_settings cluster;  // emulator.cluster_name, accept_unknown_fields, shards_limit;
                                    // the licence keys of "licenses"
  std::vector<json> databases;      // bdb objects (a bare uid becomes {"uid":N}), checked
  std::vector<json> nodes;          // node objects (a bare uid becomes {"uid":N}), checked;
                                    // empty: the key was absent (one node, uid 1)
  std::vector<wire_entry> actions;  // tasks and state machines, in file order
  std::string source;               // the file it came from, for messages
};

// Start-up error with a message that names the file, key and value.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses a whole config document. Throws config_error.
// Takes the document by value so seed entries move into the config.
config parse_config(json document, const std::string& source);

// Reads and parses `path`. Throws config_error (unreadable file, malformed
// JSON with its line and column, invalid content).
config load_config(const std::string& path);

// Checks what flags may have broken after parsing (at least one listener,
// TLS key with cert, log level and format). Throws config_error.
void validate(const config& c);

// Reads and parses the JSON file at `path` (config, state file) with the
// same depth limit. nullopt with `error` set on failure: "cannot read <what>
// '<path>'", or "<what> '<path>': not valid JSON: <reason, with line and column>".
std::optional<json> read_json_file(const std::string& path, std::string_view what,
                                   std::string& error);

}  // namespace reemu
