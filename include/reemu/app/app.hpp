// The application: owns the clock, registry, faults, journal and router, and
// turns one parsed request into one reply (authentication, permission check,
// faults, dispatch). Knows nothing of sockets; the server's sessions call it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "reemu/config/config.hpp"
#include "reemu/control/faults.hpp"
#include "reemu/control/journal.hpp"
#include "reemu/http/context.hpp"
#include "reemu/http/router.hpp"
#include "reemu/model/clock.hpp"
#include "reemu/model/registry.hpp"
#include "reemu/persist/state_file.hpp"

namespace reemu {

// A request as the session hands it over: views into the session's buffers,
// valid for the duration of handle().
struct incoming_request {
  http_t::verb method = http_t::verb::get;
  std::string_view method_text;  // as sent, for the journal
  std::string_view target;
  std::string_view authorization;  // header value, may be empty
  std::string_view content_type;
  std::string_view body;
};

// Per-connection memory of the last successful authentication: a client that
// sends the same Authorization header on a keep-alive connection is not
// re-hashed while the registry (users included) is unchanged.
struct auth_cache {
  std::string authorization;  // the header value that authenticated
  std::uint64_t version = 0;  // registry version it was checked against
  std::string email;
};

struct handled {
  reemu::reply reply;
  std::string user;     // authenticated email, or empty
  double arrival = 0;   // emulator clock when it was handled
  bool journal = true;  // false for health checks
};

class app {
 public:
  // Seeds the registry from `cfg` at the clock's start, then, with a state
  // file configured, restores it (or creates it when missing). Throws
  // config_error when the seed is inconsistent, state_file_error when the
  // state file is unreadable or invalid, or cannot be created.
  explicit app(config cfg);
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  // Answers one request and writes it to the journal and the access log:
  // the session's only call per request. The reply says everything the
  // session must do (answer, wait, drop). Never throws for anything a client
  // sends. Thread-safe; `cache` (optional) belongs to the calling connection.
  handled handle(const incoming_request& req, auth_cache* cache = nullptr);

  const reemu::config& cfg() const noexcept { return config_; }
  reemu::services& svc() noexcept { return services_; }
  const reemu::router& routes() const noexcept { return router_; }

 private:
  // After a control-API change: saves the state file (when there is one). A
  // failed save turns `r` into a 500 that says the change was made but not saved.
  void persist(reply& r);
  handled answer(const incoming_request& req, auth_cache* cache);
  void record(const incoming_request& req, const handled& h,
              std::chrono::steady_clock::time_point started);

  reemu::config config_;
  reemu::clock clock_;
  reemu::registry registry_;
  fault_table faults_;
  reemu::journal journal_;
  reemu::router router_;
  reemu::services services_;
  std::unique_ptr<state_file> state_;  // null without --state-file
};

// The registry contents the config seeds, with simulated entries starting at
// `now`. Used at start-up and by POST /emulator/v1/reset.
registry_data make_seed(const config& cfg, double now);
// The same, consuming `actions` (cfg.actions moved in) instead of copying.
registry_data make_seed(const config& cfg, std::vector<seed_action> actions, double now);

// Back to the configured seed: clock, registry, faults and journal.
void reset_to_seed(services& svc);

// Every route: the emulated API, health, and (unless disabled) the control API.
std::vector<route> all_routes(const config& cfg);

}  // namespace reemu
