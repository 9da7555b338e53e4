// re-actions-emulator: parse the command line, load the config, run.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "reemu/app/families.hpp"
#include "reemu/config/config.hpp"
#include "reemu/net/probe.hpp"
#include "reemu/net/server.hpp"
#include "reemu/net/tls.hpp"
#include "reemu/util/logging.hpp"
#include "reemu/version.hpp"

#ifndef REEMU_DEFAULT_CONFIG
#define REEMU_DEFAULT_CONFIG "config/default.json"
#endif

namespace {

// What the command line (or its environment variables) said; unset values
// leave the config file's.
struct flags {
  std::string config_path = REEMU_DEFAULT_CONFIG;
  std::optional<std::string> bind, tls_cert, tls_key, tls_cert_out, ports_file, log_level,
      log_format, clock, state_file, jwt_secret, not_emulated, ids, rs_version;
  std::optional<unsigned> http_port, https_port, metrics_port, threads;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> tls_names;
  bool no_http = false, no_https = false, no_control = false, health_check = false,
       accept_unknown_fields = false, list_routes = false;
};

// Declares every flag, each with its environment variable, writing into `f`.
// A table of declarations, one statement per flag: long because the flags
// are many, not because it branches.
void define_flags(CLI::App& cli, flags& f) {
  cli.add_option("-c,--config", f.config_path, "JSON config file")
      ->envname("REEMU_CONFIG")
      ->capture_default_str();
  cli.add_option("--bind", f.bind, "Address to listen on (config: server.bind, default 0.0.0.0)")
      ->envname("REEMU_BIND");
  cli.add_option("--http-port", f.http_port, "Plain HTTP port, 0 = any free port (default 8080)")
      ->envname("REEMU_HTTP_PORT")
      ->check(CLI::Range(0, 65535));
  cli.add_option("--https-port", f.https_port, "HTTPS port, 0 = any free port (default 9443)")
      ->envname("REEMU_HTTPS_PORT")
      ->check(CLI::Range(0, 65535));
  cli.add_option("--metrics-port", f.metrics_port,
                 "Serve the cluster's own Prometheus exporter (GET /v2, the v2 metric set from "
                 "the stats model) on this port, 0 = any free port (config: server.metrics_port; "
                 "default: off; a real cluster's is 8070)")
      ->envname("REEMU_METRICS_PORT")
      ->check(CLI::Range(0, 65535));
  cli.add_flag("--no-http", f.no_http, "Turn the plain HTTP listener off")
      ->envname("REEMU_NO_HTTP");
  cli.add_flag("--no-https", f.no_https, "Turn the HTTPS listener off")->envname("REEMU_NO_HTTPS");
  cli.add_option("--tls-cert", f.tls_cert,
                 "PEM certificate chain (default: self-signed at start-up)")
      ->envname("REEMU_TLS_CERT");
  cli.add_option("--tls-key", f.tls_key, "PEM private key of --tls-cert")->envname("REEMU_TLS_KEY");
  cli.add_option("--tls-cert-out", f.tls_cert_out, "Write the certificate in use to this file")
      ->envname("REEMU_TLS_CERT_OUT");
  cli.add_option("--ports-file", f.ports_file,
                 "Once the listeners are bound, write their ports, base URLs, the pid and the "
                 "certificate's SHA-256 to this JSON file (atomically; removed at a clean exit)")
      ->envname("REEMU_PORTS_FILE");
  cli.add_option("--tls-name", f.tls_names,
                 "Extra host name or address for the generated certificate (repeatable; "
                 "the env var takes a comma-separated list)")
      ->envname("REEMU_TLS_NAMES")
      ->delimiter(',');
  cli.add_option("--threads", f.threads, "I/O threads (default: hardware threads)")
      ->envname("REEMU_THREADS")
      ->check(CLI::Range(1, 256));
  cli.add_option("--clock", f.clock, "real | manual (default real)")
      ->envname("REEMU_CLOCK")
      ->check(CLI::IsMember({"real", "manual"}));
  cli.add_option("--seed", f.seed,
                 "Seed of the fault-probability generator and of --ids seeded (default 1)")
      ->envname("REEMU_SEED");
  cli.add_option("--ids", f.ids,
                 "random | seeded: action uids and task ids from the kernel's random source, as "
                 "a cluster's, or the sequence --seed fixes, the same on every run (config: "
                 "emulator.ids, default random)")
      ->envname("REEMU_IDS")
      ->check(CLI::IsMember({"random", "seeded"}));
  cli.add_option("--state-file", f.state_file,
                 "Keep what the control API sets up in this file across restarts "
                 "(config: emulator.state_file; default: none)")
      ->envname("REEMU_STATE_FILE");
  cli.add_option("--jwt-secret", f.jwt_secret,
                 "HS256 key of the tokens /v1/users/authorize issues, at least 32 bytes "
                 "(config: emulator.jwt_secret; default: random at each start). Prefer the "
                 "environment variable: a flag shows in the process list")
      ->envname("REEMU_JWT_SECRET");
  cli.add_option("--not-emulated", f.not_emulated,
                 "How a documented route the emulator does not emulate is answered: 501 "
                 "(not_emulated, after authentication) or 404 (like an unknown path) (config: "
                 "emulator.not_emulated, default 501; docs/coverage.md lists the routes)")
      ->envname("REEMU_NOT_EMULATED")
      ->check(CLI::IsMember({"501", "404"}));
  cli.add_option("--rs-version", f.rs_version,
                 "Redis Software release to present: " + reemu::version_profile_names() +
                     " (config: emulator.rs_version, default " +
                     std::string(reemu::newest_version_profile().name) +
                     "): the nodes' software_version and the routes that release serves")
      ->envname("REEMU_RS_VERSION");
  cli.add_flag("--no-control-api", f.no_control, "Turn the /emulator/v1 control API off")
      ->envname("REEMU_NO_CONTROL_API");
  cli.add_flag("--accept-unknown-fields", f.accept_unknown_fields,
               "Accept /v1/bdbs bodies with fields the bdb object lacks, instead of 400 "
               "invalid_schema (config: emulator.accept_unknown_fields)")
      ->envname("REEMU_ACCEPT_UNKNOWN_FIELDS");
  cli.add_option("--log-level", f.log_level,
                 "trace | debug | info | warn | error | critical | off (default info)")
      ->envname("REEMU_LOG_LEVEL");
  cli.add_option("--log-format", f.log_format, "text | json (default text)")
      ->envname("REEMU_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}));

  cli.add_flag("--list-routes", f.list_routes,
               "Print the route table (method, path, family, access; tab-separated, one route "
               "a line) of every family, the control API's included, and exit");
  cli.add_flag("--health-check", f.health_check,
               "Probe the server this config describes (GET /emulator/v1/health) and exit 0 "
               "when it answers 200: a container HEALTHCHECK without curl");
}

// Puts the flags that were given over the config file's values.
void apply_flags(const flags& f, reemu::config& cfg) {
  auto& s = cfg.server;
  if (f.bind) s.bind = *f.bind;
  if (f.http_port) s.http_port = static_cast<std::uint16_t>(*f.http_port);
  if (f.https_port) s.https_port = static_cast<std::uint16_t>(*f.https_port);
  if (f.metrics_port) s.metrics_port = static_cast<std::uint16_t>(*f.metrics_port);
  if (f.no_http) s.http_enabled = false;
  if (f.no_https) s.https_enabled = false;
  if (f.tls_cert) s.tls_cert = *f.tls_cert;
  if (f.tls_key) s.tls_key = *f.tls_key;
  if (f.tls_cert_out) s.tls_cert_out = *f.tls_cert_out;
  if (f.ports_file) s.ports_file = *f.ports_file;
  if (!f.tls_names.empty()) s.tls_names = f.tls_names;
  if (f.threads) s.threads = *f.threads;
  if (f.clock) cfg.emulator.clock = *reemu::parse_clock_mode(*f.clock);
  if (f.seed) cfg.emulator.seed = *f.seed;
  if (f.ids) cfg.emulator.ids = *reemu::parse_id_mode(*f.ids);
  if (f.no_control) cfg.emulator.control_api = false;
  if (f.accept_unknown_fields) cfg.cluster.accept_unknown_fields = true;
  if (f.state_file) cfg.emulator.state_file = *f.state_file;
  if (f.jwt_secret) cfg.emulator.jwt_secret = *f.jwt_secret;
  if (f.not_emulated)
    cfg.emulator.not_emulated = *reemu::parse_not_emulated_answer(*f.not_emulated);
  if (f.rs_version) cfg.cluster.version = &reemu::parse_rs_version(*f.rs_version, "--rs-version");
  if (f.log_level) cfg.log.level = *f.log_level;
  if (f.log_format) cfg.log.format = *f.log_format;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"re-actions-emulator " + std::string(reemu::product_version) +
               ": the actions endpoints of the Redis Software cluster REST API, emulated.\n"
               "Flags override the config file; every flag can also be set through the\n"
               "environment variable shown. The defaults named apply when neither sets a value."};
  cli.set_version_flag("--version", std::string(reemu::product_version));
  cli.get_formatter()->column_width(40);

  flags f;
  define_flags(cli, f);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (f.list_routes) {
    // The binary's own table, whatever a config would turn off:
    // scripts/coverage.py reads it to generate docs/coverage.md.
    std::cout << reemu::route_listing();
    return 0;
  }

  try {
    reemu::config cfg = reemu::load_config(f.config_path);
    apply_flags(f, cfg);
    reemu::validate(cfg);
    if (f.health_check) {
      std::string detail;
      const bool ok = reemu::probe_health(cfg, std::chrono::seconds(3), detail);
      std::cout << (ok ? "healthy: " : "unhealthy: ") << detail << '\n';
      return ok ? 0 : 1;
    }
    reemu::setup_logging(cfg.log.level, cfg.log.format);
    spdlog::info("re-actions-emulator {} starting with config {}", reemu::product_version,
                 f.config_path);
    return reemu::run(std::move(cfg));
  } catch (const std::exception& e) {
    // Start-up errors (config, TLS files, ports in use) end here.
    std::cerr << "re-actions-emulator: " << e.what() << '\n';
    return 1;
  }
}
