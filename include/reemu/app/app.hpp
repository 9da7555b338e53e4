// The application: owns the clock, registry, faults, journal and router, and
// turns one parsed request into one reply. Knows nothing of sockets; the
// server's sessions call handle() once per request and carry out the reply.
//
// handle() runs the request through named stages (src/app/app.cpp), each a
// short function that passes the request on or stops it with its answer:
//
//   route         target -> route and path parameters; or 400, 404, 405, or
//                 the 200 + Allow of OPTIONS on a known path; a documented
//                 route the emulator does not emulate goes on to answer 501
//                 after authentication (or stops with 404: emulator.not_emulated)
//   origin        a write a browser sends from another site: 403; a
//                 control-API body that is not JSON: 415
//   fault         a matching fault rule delays, fails or drops the request
//   authenticate  Basic credentials or a token (JWT, Bearer) -> a user; or 401
//   authorize     may_call(user's role, route's access); or 403
//   dispatch      the route's handler -> the reply
//   persist       a successful write is saved to the state file
//   (then)        the cluster-state-id header goes on every answer
//   record        the metrics, the journal and the access log, for every request
//
// Route families (app/families.hpp) say which routes exist and who may call
// them; nothing here knows a route.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/app/families.hpp"
#include "reemu/auth/jwt.hpp"
#include "reemu/config/config.hpp"
#include "reemu/config/seed.hpp"
#include "reemu/http/context.hpp"
#include "reemu/http/route_inventory.hpp"
#include "reemu/http/router.hpp"
#include "reemu/persist/state_file.hpp"
#include "reemu/state/answer_cache.hpp"
#include "reemu/state/bdb_bodies.hpp"
#include "reemu/state/certificates.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/journal.hpp"
#include "reemu/state/list_bodies.hpp"
#include "reemu/state/metrics.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/state/stored_bodies.hpp"

namespace reemu {

// The response header with the cluster-wide change counter (and the request
// header a PUT /v1/bdbs/{uid} may check it with).
inline constexpr std::string_view cluster_state_id_header = "cluster-state-id";

// A request as the session hands it over: views into the session's buffers,
// valid for the duration of handle().
struct incoming_request {
  http_t::verb method = http_t::verb::get;
  std::string_view method_text;  // as sent, for the journal
  std::string_view target;
  std::string_view authorization;  // header value, may be empty
  std::string_view content_type;
  std::string_view cluster_state_id;  // header value, may be empty
  std::string_view task_id;           // X-Task-ID (CRDB routes), may be empty
  std::string_view result_ttl;        // X-Result-TTL (CRDB routes), may be empty
  std::string_view body;
  // The X-Emulator-Journal header: "off" keeps an admin's control-API
  // request out of the journal (the dashboard's polling), never another's.
  std::string_view journal_mode;
  // What a browser says of where a request comes from (empty when absent,
  // as from every tool that is not a browser): the Host it was sent to, the
  // page's Origin and Sec-Fetch-Site (same-origin, same-site, cross-site,
  // none).
  std::string_view host;
  std::string_view origin;
  std::string_view sec_fetch_site;
};

// Per-connection memory of the last successful authentication: a client that
// sends the same Authorization header on a keep-alive connection is not
// re-hashed (Basic) or re-verified (a token) while the registry (users
// included) is unchanged and the clock is within the interval it holds for.
struct auth_cache {
  std::string authorization;  // the header value that authenticated
  std::string email;
  std::uint64_t uid = 0;  // the user's uid: a user deleted and created again has another
  // The password digest the user had (Basic: the one it matched); the cache
  // holds only while the user keeps that digest (a password change, or a
  // user deleted and created again, salts anew).
  std::optional<password_digest> digest;
  double valid_from = 0;   // clock interval it holds for: a token's [iat, exp);
  double valid_until = 0;  // unbounded for Basic
};

struct handled {
  reemu::reply reply;
  std::string user;         // authenticated email, or empty
  double arrival = 0;       // emulator clock when it was handled
  bool journal = true;      // false for public routes (health checks)
  std::uint64_t fault = 0;  // the fault rule that delayed, failed or dropped it; 0: none
  // The documented route it named that the emulator does not emulate
  // (docs/coverage.md), whatever it was answered; nullptr: none.
  const inventory_route* not_emulated = nullptr;
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

  // With a state file: waits until the background saver has saved every
  // change (state_file::wait_saved); false on timeout. True without one.
  bool wait_state_saved(std::chrono::milliseconds timeout) {
    return !state_ || state_->wait_saved(timeout);
  }
  // The state file, or nullptr without one (tests).
  state_file* state() noexcept { return state_.get(); }
  reemu::services& svc() noexcept { return services_; }
  reemu::metrics& metrics() noexcept { return metrics_; }
  const reemu::router& routes() const noexcept { return router_; }

 private:
  struct exchange;  // one request between the stages (src/app/app.cpp)

  std::optional<reply> route_request(exchange& x) const;
  std::optional<reply> route_not_emulated(exchange& x, const std::string& path) const;
  void fill_context(exchange& x) const;
  std::optional<reply> check_origin(const exchange& x) const;
  std::optional<reply> apply_fault(exchange& x);
  std::optional<reply> authenticate_caller(exchange& x) const;
  std::optional<reply> authorize_caller(const exchange& x) const;
  reply dispatch(exchange& x);
  void persist(const exchange& x, reply& r);
  void add_cluster_state_id(const exchange& x, reply& r) const;
  void record(const incoming_request& req, const handled& h, const route* matched,
              std::chrono::steady_clock::time_point started);

  reemu::config config_;
  reemu::clock clock_;
  reemu::registry registry_;
  fault_table faults_;
  reemu::journal journal_;
  list_cache lists_;
  bdb_cache bdbs_;
  answer_cache answers_;
  stored_bodies stored_;
  reemu::router router_;
  not_emulated_routes not_emulated_;       // the inventory's routes router_ lacks
  token_signer tokens_;                    // the JWT key: emulator.jwt_secret, or random per start
  std::vector<std::size_t> route_family_;  // family index of each of router_'s routes
  reemu::metrics metrics_;
  certificate_store certs_;  // /v1/cluster/certificates; the server turns it on with HTTPS
  reemu::services services_;
  std::unique_ptr<state_file> state_;  // null without --state-file
};

}  // namespace reemu
