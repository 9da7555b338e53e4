// Request dispatch: target -> route -> faults -> authentication -> permission
// -> handler. Each step answers with an error value when it stops the request.
#include "reemu/app/app.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>

#include "reemu/api/actions.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/control/handlers.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/logging.hpp"

namespace reemu {

namespace {

double seed_creation_time(const seed_action& s, double now) {
  // A pasted capture carries its own times; keep them for v2's creation_time.
  const json& f = s.fields;
  if (auto it = f.find("creation_time"); it != f.end() && it->is_string()) {
    const auto& str = it->get_ref<const std::string&>();
    double x = 0;
    const auto [p, ec] = std::from_chars(str.data(), str.data() + str.size(), x);
    // "nan" and "inf" parse too: only a finite time is a time.
    if (ec == std::errc{} && p == str.data() + str.size() && std::isfinite(x)) return x;
  }
  if (auto it = f.find("heartbeat"); it != f.end() && it->is_number()) return it->get<double>();
  return now;
}

reply unauthorized(std::string description) {
  reply r = error_reply(api_error::unauthorized, std::move(description));
  r.headers.emplace_back(http_t::field::www_authenticate, "Basic realm=\"re-actions-emulator\"");
  return r;
}

double start_time(const config& cfg) {
  if (cfg.emulator.clock_start) return *cfg.emulator.clock_start;
  // The manual clock starts at the whole second of start-up, so timestamps
  // in a test run read cleanly.
  return std::floor(clock(clock_mode::real, 0).now());
}

}  // namespace

registry_data make_seed(const config& cfg, double now) { return make_seed(cfg, cfg.actions, now); }

registry_data make_seed(const config& cfg, std::vector<seed_action> actions, double now) {
  registry_data d;
  for (const auto& u : cfg.users)
    d.users.emplace(u.email, user{u.email, u.role, digest_password(u.password)});
  d.databases.insert(cfg.databases.begin(), cfg.databases.end());
  for (auto& s : actions) {
    action a;
    a.uid = s.fields["action_uid"].get<std::string>();
    a.kind = s.kind;
    a.created_at = s.plan ? now : seed_creation_time(s, now);
    a.fields = std::move(s.fields);
    a.plan = std::move(s.plan);
    a.started_at = now;
    d.add(std::move(a));
  }
  return d;
}

void reset_to_seed(services& svc) {
  svc.clock.reset();
  svc.registry.reset(svc.clock.now());
  svc.faults.clear();
  svc.journal.clear();
}

std::vector<route> all_routes(const config& cfg) {
  std::vector<route> routes = api_routes();
  if (cfg.emulator.control_api) {
    auto control = control_routes();
    routes.insert(routes.end(), control.begin(), control.end());
  }
  return routes;
}

app::app(config cfg)
    : config_(std::move(cfg)),
      clock_(config_.emulator.clock, start_time(config_)),
      registry_(make_seed(config_, std::move(config_.actions), clock_.now())),
      faults_(config_.emulator.seed),
      journal_(config_.emulator.journal_size, config_.emulator.journal_max_bytes),
      router_(all_routes(config_)),
      services_{config_, clock_, registry_, faults_, journal_} {
  // The registry keeps the seed for reset; the config's copy would only
  // double the memory of a large seed.
  config_.actions.clear();
  config_.actions.shrink_to_fit();

  if (!config_.emulator.state_file.empty()) {
    state_ = std::make_unique<state_file>(config_.emulator.state_file, services_);
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

void app::persist(reply& r) {
  if (!state_) return;
  if (auto err = state_->save()) {
    spdlog::error("{}", *err);
    r = error_reply(api_error::internal_error, "the change was made but not saved: " + *err);
  }
}

handled app::handle(const incoming_request& req, auth_cache* cache) {
  const auto started = std::chrono::steady_clock::now();
  handled h = answer(req, cache);
  record(req, h, started);
  return h;
}

handled app::answer(const incoming_request& req, auth_cache* cache) {
  handled h;
  h.arrival = clock_.now();
  try {
    // Parsed once: the segments for the router, the path for messages and
    // faults, and the query.
    const auto url = parse_target(req.target);
    const auto segments = url ? path_segments(*url) : std::nullopt;
    if (!segments) {
      h.reply = error_reply(api_error::bad_request, "Invalid request target");
      return h;
    }
    const auto match = router_.match(req.method, *segments);
    const std::string_view path = url->encoded_path();
    if (match.result == route_match::kind::not_found) {
      h.reply = error_reply(api_error::not_found, "Route " + std::string(path) + " does not exist");
      return h;
    }
    if (match.result == route_match::kind::method_not_allowed) {
      h.reply =
          error_reply(api_error::method_not_allowed, "Method " + std::string(req.method_text) +
                                                         " is not allowed on " + std::string(path));
      h.reply.headers.emplace_back(http_t::field::allow, match.allow);
      return h;
    }
    const route& r = *match.route;

    request_context ctx;
    ctx.method = req.method;
    ctx.target = req.target;
    ctx.params = match.params;
    ctx.body = req.body;
    ctx.content_type = req.content_type;
    ctx.now = h.arrival;
    ctx.svc = &services_;
    if (url->has_query()) ctx.query = url->params();

    if (r.permission.empty()) {  // health: no authentication, no journal
      h.journal = false;
      ctx.state = registry_.snapshot();
      h.reply = r.handler(ctx);
      return h;
    }

    const auto credentials = parse_basic_authorization(req.authorization);
    std::chrono::milliseconds delay{0};
    if (!r.admin_only) {
      // Faults hit the emulated API before authentication, matched on the
      // user the client claims, so a fault rule works whatever the password.
      if (auto f = faults_.match(
              http_t::to_string(req.method == http_t::verb::head ? http_t::verb::get : req.method),
              path, credentials ? credentials->username : "")) {
        // A counted rule has one match fewer left: that is state too, saved
        // in the background so the request does not wait for it.
        if (f->counted && state_) state_->save_soon();
        delay = std::chrono::milliseconds(f->delay_ms);
        if (f->drop || f->status != 0) {
          if (f->status != 0) {
            h.reply.status = static_cast<http_t::status>(f->status);
            h.reply.body = std::make_shared<const std::string>(
                error_body(f->error_code.empty() ? "injected_fault" : f->error_code,
                           f->description.empty() ? "Injected fault" : f->description));
          }
          h.reply.drop = f->drop;
          h.reply.delay = delay;
          return h;
        }
      }
    }

    ctx.state = registry_.snapshot();
    const user* u = nullptr;
    const auto& users = ctx.state->data().users;
    if (cache && cache->version == ctx.state->version() && !req.authorization.empty() &&
        cache->authorization == req.authorization) {
      const auto it = users.find(std::string_view(cache->email));
      u = it == users.end() ? nullptr : &it->second;
    } else if (credentials) {
      u = authenticate(users, *credentials);
      if (u && cache) *cache = {std::string(req.authorization), ctx.state->version(), u->email};
    }
    if (!credentials) {
      h.reply = unauthorized(req.authorization.empty() ? "Authentication required"
                                                       : "Malformed Authorization header");
    } else if (!u) {
      h.reply = unauthorized("Invalid username or password");
    } else {
      h.user = u->email;
      ctx.user = u;
      const bool allowed =
          r.admin_only ? u->role == role::admin : has_permission(u->role, r.permission);
      if (!allowed) {
        h.reply = error_reply(
            api_error::insufficient_permissions,
            "User " + u->email + " with role " + std::string(to_string(u->role)) +
                " lacks permission " +
                (r.admin_only ? std::string("admin (control API)") : std::string(r.permission)));
      } else {
        h.reply = r.handler(ctx);
        // Control-API writes that succeeded change what a restart must keep.
        const bool write = req.method != http_t::verb::get && req.method != http_t::verb::head;
        if (r.admin_only && write && static_cast<unsigned>(h.reply.status) < 300) persist(h.reply);
      }
    }
    h.reply.delay = delay;
  } catch (const std::exception& e) {
    // Handlers return errors as values; reaching here is a bug, never a crash.
    h.reply = error_reply(api_error::internal_error, std::string("Request failed: ") + e.what());
  }
  return h;
}

// The one place a finished exchange is written down: the journal (not for
// health checks) and the access log. It runs before the session writes the
// answer, so a client that has its answer and then reads the journal, on any
// connection, finds its request there. The duration counts the fault delay
// the session is about to wait; a dropped request has status 0 and no bytes.
void app::record(const incoming_request& req, const handled& h,
                 std::chrono::steady_clock::time_point started) {
  const unsigned status = h.reply.drop ? 0 : static_cast<unsigned>(h.reply.status);
  const auto us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                            started + h.reply.delay)
          .count());
  if (h.journal)
    journal_.record(journal_entry{h.arrival, std::string(req.method_text),
                                  std::string(req.target), h.user, status, us});
  // Level-gated before any formatting: the hot path pays nothing when off.
  if (!spdlog::should_log(spdlog::level::info)) return;
  const std::uint64_t bytes = h.reply.drop || req.method == http_t::verb::head || !h.reply.body
                                  ? 0
                                  : h.reply.body->size();
  spdlog::info("access method=\"{}\" target=\"{}\" user=\"{}\" status={} bytes={} duration_us={}",
               log_escape(req.method_text), log_escape(req.target), log_escape(h.user), status,
               bytes, us);
}

}  // namespace reemu
