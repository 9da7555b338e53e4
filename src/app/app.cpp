// The request pipeline. Each stage below has a one-line contract: it passes
// the request on (nullopt) or stops it with the reply to send. Errors are
// values; the one catch in handle() turns a handler's bug into a 500.
#include "reemu/app/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <cmath>

#include "reemu/auth/auth.hpp"
#include "reemu/auth/jwt.hpp"
#include "reemu/util/logging.hpp"

namespace reemu {

// One request on its way through the stages: what each stage found, for the
// stages after it.
struct app::exchange {
  exchange(const incoming_request& r, auth_cache* c, handled& h) : req(r), cache(c), out(h) {}

  const incoming_request& req;
  auth_cache* cache;
  handled& out;
  std::optional<boost::urls::url_view> url;  // parsed once, points into req.target
  const reemu::route* route = nullptr;
  request_context ctx;
  std::chrono::milliseconds delay{0};  // a fault's, applied to whatever is answered

  // Who the caller claims to be, decoded on first use: the fault stage
  // matches on the claimed user, authentication checks the same claim.
  struct claim {
    std::optional<basic_credentials> basic;  // Basic, or authorize's body credentials
    std::optional<std::string_view> token;   // JWT <token> or Bearer <token>
  };
  const claim& claimed() {
    if (!decoded_) {
      decoded_ = true;
      if (auto basic = parse_basic_authorization(req.authorization)) {
        claim_.basic = std::move(basic);
      } else if (auto token = parse_token_authorization(req.authorization)) {
        claim_.token = token;
      } else if (req.authorization.empty() && route && route->credentials_in_body) {
        claim_.basic = parse_body_credentials(req.body);
      }
    }
    return claim_;
  }

  // The user name claimed, for fault rules: Basic's, or a token's "sub"
  // read without checking the token (decoded only when asked).
  std::string_view claimed_user() {
    const claim& c = claimed();
    if (c.basic) return c.basic->username;
    if (c.token && !token_user_) token_user_ = claimed_token_user(*c.token).value_or("");
    return token_user_ ? std::string_view(*token_user_) : std::string_view();
  }

 private:
  bool decoded_ = false;
  claim claim_;
  std::optional<std::string> token_user_;
};

namespace {

// A refused token: the description is the cluster's ("The token is invalid
// or password has expired") with the reason. The challenge stays the Basic
// one every 401 carries: the session sends one WWW-Authenticate, and Basic
// credentials are what a client can always fall back to.
reply token_refused(std::string_view reason) {
  return unauthorized_reply("The token is invalid or password has expired: " + std::string(reason));
}

double start_time(const config& cfg) {
  if (cfg.emulator.clock_start) return *cfg.emulator.clock_start;
  // The manual clock starts at the whole second of start-up, so timestamps
  // in a test run read cleanly.
  return std::floor(clock(clock_mode::real, 0).now());
}

bool is_write(http_t::verb m) { return m != http_t::verb::get && m != http_t::verb::head; }

// The labels of the metrics series of the routes not emulated, by index.
std::vector<route_label> labels_of(const not_emulated_routes& routes) {
  std::vector<route_label> out;
  for (const inventory_route* r : routes.routes())
    out.push_back({r->family, std::string(http_t::to_string(r->method)), r->path});
  return out;
}

}  // namespace

app::app(config cfg)
    : config_(std::move(cfg)),
      clock_(config_.emulator.clock, start_time(config_)),
      registry_(make_seed(config_, std::move(config_.actions), clock_.now())),
      faults_(config_.emulator.seed),
      journal_(config_.emulator.journal_size, config_.emulator.journal_max_bytes),
      router_(all_routes(config_)),
      not_emulated_(route_inventory(), router_.routes(), *config_.cluster.version),
      tokens_(config_.emulator.jwt_secret.empty() ? token_signer::with_random_secret()
                                                  : token_signer(config_.emulator.jwt_secret)),
      route_family_(route_family_indices(config_)),
      metrics_(family_names(), labels_of(not_emulated_)),
      services_{clock_,   registry_, faults_,  journal_,        lists_,  bdbs_,
                answers_, stored_,   metrics_, config_.cluster, tokens_, certs_} {
  // The registry keeps the seed for reset; the config's copy would only
  // double the memory of a large seed.
  config_.actions.clear();
  config_.actions.shrink_to_fit();
  // GET /v1/cluster shows the ports the server was configured with.
  config_.cluster.http_port = config_.server.http_port;
  config_.cluster.https_port = config_.server.https_port;

  if (!config_.emulator.state_file.empty()) {
    state_ = std::make_unique<state_file>(config_.emulator.state_file, services_,
                                          config_.emulator.state_compact_bytes);
    if (state_->load()) {
      const auto snap = registry_.snapshot();
      spdlog::info("state restored from {}: {} actions, {} users, {} databases, {} fault rules",
                   state_->path(), snap->data().actions.size(), snap->data().users.size(),
                   snap->data().databases.size(), faults_.list().size());
    } else {
      // Created now, so a path that cannot be written fails at start-up,
      // not at the first change.
      if (auto err = state_->save()) throw state_file_error(*err);
      spdlog::info("state file {} created from the config's seed", state_->path());
    }
  }
}

handled app::handle(const incoming_request& req, auth_cache* cache) {
  const auto started = std::chrono::steady_clock::now();
  handled h;
  h.arrival = clock_.now();
  const route* matched = nullptr;
  try {
    exchange x{req, cache, h};
    std::optional<reply> stop = route_request(x);
    // A route not emulated stands in for no family: it counts under "none".
    matched = h.not_emulated ? nullptr : x.route;
    if (!stop) stop = check_origin(x);
    if (!stop) stop = apply_fault(x);
    if (!stop) stop = authenticate_caller(x);
    if (!stop) stop = authorize_caller(x);
    if (stop) {
      h.reply = std::move(*stop);
    } else {
      h.reply = dispatch(x);
      persist(x, h.reply);
    }
    h.reply.delay = x.delay;
    add_cluster_state_id(x, h.reply);
  } catch (const std::exception& e) {
    // Handlers return errors as values; reaching here is a bug, never a crash.
    h.reply = error_reply(api_error::internal_error, std::string("Request failed: ") + e.what());
  }
  record(req, h, matched, started);
  return h;
}

// ---------------------------------------------------------------------------
// Stage "route": the target names a route that takes this method.
//
// The target is parsed once here; the later stages read the path (faults,
// messages) and the query from the same parse. Stops with 400 for a target
// that is no path, 404 for an unknown path, 405 with an Allow header for a
// known path and another method, and 200 with that Allow header and no body
// for OPTIONS on a known path.
//
// A documented route the emulator does not emulate (docs/route-inventory.csv)
// is told apart from a typo: it is looked up only where the router found no
// route for the method, or found one that a documented route is more
// specific than (GET /v1/bdbs/stats under GET /v1/bdbs/{uid}; a size check
// for every other route), so the routes served pay nothing for it.
// OPTIONS answers from the router alone: it says what the emulator serves.
// ---------------------------------------------------------------------------
std::optional<reply> app::route_request(exchange& x) const {
  x.url = parse_target(x.req.target);
  const auto segments = x.url ? path_segments(*x.url) : std::nullopt;
  if (!segments) return error_reply(api_error::bad_request, "Invalid request target");
  route_match match = router_.match(x.req.method, *segments);
  const auto path = [&x] { return std::string(x.url->encoded_path()); };  // for messages
  if (match.result == route_match::kind::found) {
    const auto index = static_cast<std::size_t>(match.route - router_.routes().data());
    x.out.not_emulated = not_emulated_.more_specific(index, x.req.method, *segments);
  } else if (x.req.method != http_t::verb::options) {
    x.out.not_emulated = not_emulated_.find(x.req.method, *segments);
  }
  if (x.out.not_emulated) return route_not_emulated(x, path());
  if (match.result == route_match::kind::not_found)
    return error_reply(api_error::not_found, "Route " + path() + " does not exist");
  if (match.result == route_match::kind::method_not_allowed &&
      x.req.method == http_t::verb::options) {
    // A real cluster answers OPTIONS on a registered path with the methods
    // it takes, before authentication (docs/compatibility.md).
    reply r;
    r.headers.emplace_back(http_t::to_string(http_t::field::allow), std::move(match.allow));
    return r;
  }
  if (match.result == route_match::kind::method_not_allowed) {
    reply r =
        error_reply(api_error::method_not_allowed,
                    "Method " + std::string(x.req.method_text) + " is not allowed on " + path());
    r.headers.emplace_back(http_t::to_string(http_t::field::allow), std::move(match.allow));
    return r;
  }
  x.route = match.route;
  // A public route is a health check or the API description: polled
  // constantly, so it would drown the requests a test wants to read back.
  x.out.journal = x.route->journal && x.route->access.kind != access_kind::public_route;
  x.ctx.params = std::move(match.params);
  fill_context(x);
  return std::nullopt;
}

// A documented route the emulator does not emulate: 404 like an unknown path
// (emulator.not_emulated "404", for tools that probe), or on to the later
// stages under a stand-in route that admits any authenticated user (a tool
// without credentials sees its 401 first, as from a real cluster) and whose
// dispatch answers 501 not_emulated. Either way the request is counted per
// route and marked in the journal (record).
std::optional<reply> app::route_not_emulated(exchange& x, const std::string& path) const {
  if (config_.emulator.not_emulated == not_emulated_answer::not_found)
    return error_reply(api_error::not_found, "Route " + path + " does not exist");
  x.route = &not_emulated_.stand_in(not_emulated_.index_of(x.out.not_emulated));
  x.out.journal = true;
  fill_context(x);
  return std::nullopt;
}

void app::fill_context(exchange& x) const {
  x.ctx.method = x.req.method;
  x.ctx.target = x.req.target;
  x.ctx.body = x.req.body;
  x.ctx.content_type = x.req.content_type;
  x.ctx.expected_state_id = x.req.cluster_state_id;
  x.ctx.task_id = x.req.task_id;
  x.ctx.result_ttl = x.req.result_ttl;
  x.ctx.now = x.out.arrival;
  if (x.url->has_query()) x.ctx.query = x.url->params();
}

// ---------------------------------------------------------------------------
// Stage "origin": no write on behalf of another site.
//
// A page elsewhere can make a browser send a form POST (text/plain or
// form-encoded, no preflight) with the credentials it cached for the
// dashboard. Browsers say where a request comes from: Sec-Fetch-Site
// (anything but same-origin, or none for a typed URL, is refused) and, on
// a cross-origin POST, Origin (refused unless it names the Host the request
// was sent to). Tools that are not browsers send neither and pass. The
// control API takes JSON bodies only (415 otherwise), which a form cannot
// send without a preflight; the emulated API reads the body as JSON
// whatever its type, as clients expect.
// ---------------------------------------------------------------------------
std::optional<reply> app::check_origin(const exchange& x) const {
  if (!is_write(x.req.method)) return std::nullopt;
  const std::string_view site = x.req.sec_fetch_site;
  if (!site.empty() && !boost::beast::iequals(site, "same-origin") &&
      !boost::beast::iequals(site, "none")) {
    return error_reply(api_error::cross_site_request,
                       "Refused a " + std::string(site) +
                           " request: writes come from this "
                           "server's own pages or from tools, not from other sites");
  }
  if (!x.req.origin.empty()) {
    const auto scheme_end = x.req.origin.find("://");
    const std::string_view authority = scheme_end == std::string_view::npos
                                           ? std::string_view{}
                                           : x.req.origin.substr(scheme_end + 3);
    if (authority.empty() || !boost::beast::iequals(authority, x.req.host)) {
      return error_reply(api_error::cross_site_request,
                         "Refused a request from origin " + std::string(x.req.origin) +
                             ": writes come from this server's own pages or from tools");
    }
  }
  if (x.route->access.kind == access_kind::admin && !x.req.body.empty()) {
    std::string_view media = x.req.content_type.substr(0, x.req.content_type.find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
    if (!boost::beast::iequals(media, "application/json")) {
      return error_reply(api_error::unsupported_media_type,
                         "The control API takes JSON bodies: send Content-Type: application/json");
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Stage "fault": a matching fault rule delays, fails or drops the request.
//
// Only routes gated by a permission (the emulated API) take faults: health
// must stay truthful for container checks, and the control API must stay
// usable, if only to remove the rule. Rules match before authentication, on
// the user the client claims, so a rule works whatever the password. A delay
// alone lets the request go on; the delay applies to whatever it answers.
// ---------------------------------------------------------------------------
std::optional<reply> app::apply_fault(exchange& x) {
  const access_kind kind = x.route->access.kind;
  if (kind != access_kind::permission && kind != access_kind::any_user) return std::nullopt;
  // HEAD is GET without the body: a rule for GET covers it.
  const http_t::verb method = x.req.method == http_t::verb::head ? http_t::verb::get : x.req.method;
  if (!faults_.has_rules()) return std::nullopt;
  const auto f = faults_.match(http_t::to_string(method), x.url->encoded_path(), x.claimed_user());
  if (!f) return std::nullopt;
  // A counted rule has one match fewer left: that is state too, saved in
  // the background so the request does not wait for it.
  if (f->counted && state_) state_->save_soon();
  x.out.fault = f->rule;
  x.delay = std::chrono::milliseconds(f->delay_ms);
  if (!f->drop && f->status == 0) return std::nullopt;
  reply r;
  if (f->status != 0) {
    r = error_reply(static_cast<http_t::status>(f->status),
                    f->error_code.empty() ? "injected_fault" : f->error_code,
                    f->description.empty() ? "Injected fault" : f->description);
  }
  r.drop = f->drop;
  return r;
}

// ---------------------------------------------------------------------------
// Stage "authenticate": the caller is a known user with the right password,
// or with a valid token.
//
// The request's registry snapshot is taken here, so the users that admit the
// caller are those of the state the handler then reads. Basic credentials
// (or authorize's body credentials) are checked against the password digest;
// a token (JWT or Bearer) by its signature and its times at `now`, and its
// user must still exist with the credentials the token was issued for (a
// user deleted and created again, or given a new password, has other ones):
// the roles are the user's today, not the token's day.
// A keep-alive connection repeating the header that last authenticated is
// not hashed again while its user exists with the same password digest (a
// new password is salted anew) and, for a token, within its [iat, exp). Public routes skip the
// check. Stops with 401 and a WWW-Authenticate challenge.
// ---------------------------------------------------------------------------
std::optional<reply> app::authenticate_caller(exchange& x) const {
  x.ctx.state = registry_.snapshot();
  if (x.route->access.kind == access_kind::public_route) return std::nullopt;
  const auto& users = x.ctx.state->data().users;
  const auto& claim = x.claimed();
  const double now = x.ctx.now;
  const auto find_user = [&](std::string_view email) -> const user* {
    const auto it = users.find(email);
    return it == users.end() ? nullptr : &it->second;
  };
  const auto remember = [&](const user& u, std::optional<password_digest> digest, double from,
                            double until) {
    if (x.cache && !x.req.authorization.empty())
      *x.cache = {std::string(x.req.authorization), u.email, u.uid, digest, from, until};
  };
  // A cached caller still stands when the user exists and, for Basic, keeps
  // the digest it matched: writes that leave the users alone (most) do not
  // cost a password hash on the next request.
  const user* cached = nullptr;
  if (x.cache && !x.req.authorization.empty() && x.cache->authorization == x.req.authorization &&
      now >= x.cache->valid_from && now < x.cache->valid_until) {
    cached = find_user(x.cache->email);
    if (cached && cached->uid != x.cache->uid) cached = nullptr;
    if (cached && x.cache->digest && cached->digest != *x.cache->digest) cached = nullptr;
  }
  const user* u = nullptr;
  std::string_view token_problem;
  if (cached) {
    u = cached;
  } else if (claim.basic) {
    u = authenticate(users, *claim.basic);
    if (u) remember(*u, u->digest, -HUGE_VAL, HUGE_VAL);
  } else if (claim.token) {
    const token_check check = tokens_.verify(*claim.token, now);
    if (check.claims) u = find_user(check.claims->user);
    // The user must be the one the token was issued to: same email and the
    // same credentials (a user deleted and created again has another uid,
    // one given a new password another salt: either makes another tag).
    if (u && credential_tag(*u) != check.claims->credential) u = nullptr;
    if (u) {
      remember(*u, u->digest, static_cast<double>(check.claims->iat),
               static_cast<double>(check.claims->exp));
    }
    token_problem =
        !check.claims ? check.problem : "its user no longer exists or has new credentials";
  }
  if (!claim.basic && !claim.token) {
    return unauthorized_reply(x.req.authorization.empty() ? "Authentication required"
                                                          : "Malformed Authorization header");
  }
  if (!u && claim.token) return token_refused(token_problem);
  if (!u) return unauthorized_reply("Invalid username or password");
  x.ctx.user = u;
  x.out.user = u->email;
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Stage "authorize": the caller's role may call the route.
//
// The decision is may_call() (auth/access.hpp), a pure predicate next to the
// permission table; this stage only words the 403.
// ---------------------------------------------------------------------------
std::optional<reply> app::authorize_caller(const exchange& x) const {
  const user* u = x.ctx.user;
  if (!u) return std::nullopt;  // a public route
  // The roles as they are in this request's snapshot: a role's new
  // management applies from the next request on.
  const role_map& roles = x.ctx.state->data().roles;
  const role_set held = management_of(roles, *u);
  if (may_call(held, x.route->access)) return std::nullopt;
  return error_reply(api_error::insufficient_permissions,
                     "User " + u->email + " with role " +
                         std::string(to_string(leading_role(held))) + " lacks permission " +
                         std::string(requirement(x.route->access)));
}

// Stage "dispatch": the route's handler answers, from the request and the
// snapshot alone; a route not emulated answers 501 not_emulated. An admin calling the control API
// may keep the request out of the journal (X-Emulator-Journal: off): the dashboard polls several
// routes a second and would push a tool's requests out of the ring.
reply app::dispatch(exchange& x) {
  if (x.out.not_emulated) return not_emulated_reply(*x.out.not_emulated);
  if (x.route->access.kind == access_kind::admin &&
      boost::beast::iequals(x.req.journal_mode, "off"))
    x.out.journal = false;
  return x.route->handler(x.ctx, services_);
}

// ---------------------------------------------------------------------------
// Stage "persist": a write that succeeded is on disk before the client hears
// of it.
//
// Any method but GET and HEAD that answered 2xx changed what a restart must
// keep (the control API's writes and /v1/bdbs's). A failed save turns the answer
// into a 500 that says the change was made but not saved.
// ---------------------------------------------------------------------------
void app::persist(const exchange& x, reply& r) {
  if (!state_ || !is_write(x.req.method) || static_cast<unsigned>(r.status) >= 300) return;
  if (auto err = state_->save()) {
    spdlog::error("{}", *err);
    r = error_reply(api_error::internal_error, "the change was made but not saved: " + *err);
  }
}

// ---------------------------------------------------------------------------
// Every answer carries the cluster-state-id header, as a real cluster's do.
//
// A read answers with the id of the snapshot it rendered, so header and body
// agree; a write (or a request stopped before a snapshot was taken) with the
// current one, which includes the change it just made.
// ---------------------------------------------------------------------------
void app::add_cluster_state_id(const exchange& x, reply& r) const {
  const snapshot_ptr snap =
      x.ctx.state && !is_write(x.req.method) ? x.ctx.state : registry_.snapshot();
  r.headers.emplace_back(cluster_state_id_header, std::to_string(snap->data().cluster_state_id));
}

// ---------------------------------------------------------------------------
// Stage "record": the one place a finished exchange is written down.
//
// The request metrics (relaxed atomic adds, no lock), the journal (not for
// public routes, routes marked journal = false, or an admin's control
// request with X-Emulator-Journal: off) and the access log. It runs before the
// session writes the answer, so a client that has its answer and then reads
// the journal, on any connection, finds its request there. The duration
// counts the fault delay the session is about to wait; a dropped request
// has status 0 and no bytes.
// ---------------------------------------------------------------------------
void app::record(const incoming_request& req, const handled& h, const route* matched,
                 std::chrono::steady_clock::time_point started) {
  const unsigned status = h.reply.drop ? 0 : static_cast<unsigned>(h.reply.status);
  const auto us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - started + h.reply.delay)
                                     .count());
  // Requests no route took count under the family past the last ("none").
  const std::size_t family =
      matched ? route_family_[static_cast<std::size_t>(matched - router_.routes().data())]
              : metrics_.families().size();
  metrics_.count_request(family, static_cast<std::size_t>(req.method), status, us);
  if (h.not_emulated) metrics_.count_not_emulated(not_emulated_.index_of(h.not_emulated));
  if (h.journal) {
    journal_entry e{
        h.arrival, std::string(req.method_text), std::string(req.target), h.user, status, us,
        h.fault};
    e.not_emulated = h.not_emulated != nullptr;
    journal_.record(std::move(e));
  }
  // Level-gated before any formatting: the hot path pays nothing when off.
  if (!spdlog::should_log(spdlog::level::info)) return;
  const std::uint64_t bytes =
      h.reply.drop || req.method == http_t::verb::head || !h.reply.body ? 0 : h.reply.body.size();
  spdlog::info("access method=\"{}\" target=\"{}\" user=\"{}\" status={} bytes={} duration_us={}",
               log_escape(req.method_text), log_escape(req.target), log_escape(h.user), status,
               bytes, us);
}

}  // namespace reemu
