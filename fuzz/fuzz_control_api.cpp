// Control-API bodies: the first byte picks a route, the rest is the body (or
// the query, for the journal). State carries over between inputs, as it does
// between a test's requests, so sequences reach states single requests
// cannot; a reset every few inputs keeps it bounded. After each call the two
// list routes must still answer with JSON of the right shape.
//
// Run it with -detect_leaks=0 (scripts/fuzz.sh does): with state kept, most
// inputs allocate more than they free, and libFuzzer would follow each with
// a whole-heap leak scan. LeakSanitizer still checks at exit.
#include "fuzz_support.hpp"

namespace {

using reemu::fuzz::request_text;
using reemu::http_t::verb;

constexpr unsigned reset_every = 32;

reemu::app& shared_app() {
  static const auto a = reemu::fuzz::make_app();
  return *a;
}

// What --state-file would save must load back into exactly the same state.
void check_state_round_trip(reemu::app& a) {
  static const auto mirror = reemu::fuzz::make_app();
  const std::string saved = reemu::capture_state(a.svc());
  const reemu::json doc = reemu::json::parse(saved, nullptr, false);
  if (doc.is_discarded() || reemu::dump(doc) != saved)
    reemu::fuzz::fail("a saved state is not the canonical text of a JSON document", saved);
  try {
    reemu::restore_state(doc, mirror->svc(), "fuzz state");
  } catch (const reemu::state_file_error& e) {
    reemu::fuzz::fail("a saved state does not load", e.what());
  }
  if (reemu::capture_state(mirror->svc()) != saved)
    reemu::fuzz::fail("a saved state loads as a different state", saved);
}

request_text pick_route(std::uint8_t selector, std::string_view rest) {
  request_text r;
  r.authorization = reemu::fuzz::admin_authorization();
  r.body = std::string(rest);
  const auto uid = [&] {
    return std::string(
        reemu::fuzz::seeded_uids[(selector >> 4) % std::size(reemu::fuzz::seeded_uids)]);
  };
  switch (selector % 12) {
    case 0:
      r.method = verb::post;
      r.target = "/emulator/v1/actions";
      break;
    case 1:
      r.method = verb::patch;
      r.target = "/emulator/v1/actions/" + uid();
      break;
    case 2:
      r.method = verb::post;
      r.target = "/emulator/v1/users";
      break;
    case 3:
      r.method = verb::patch;
      r.target = "/emulator/v1/users/admin@redis.local";
      break;
    case 4:
      r.method = verb::post;
      r.target = "/emulator/v1/faults";
      break;
    case 5:
      r.method = verb::post;
      r.target = "/emulator/v1/clock/advance";
      break;
    case 6:
      r.method = verb::post;
      r.target = "/emulator/v1/databases";
      break;
    case 7:
      r.method = verb::get;
      r.target = "/emulator/v1/requests?" + r.body;
      r.body.clear();
      break;
    // Less often: the routes that take their argument in the path.
    case 8:
      r.method = verb::delete_;
      r.target = "/emulator/v1/actions/" + uid();
      r.body.clear();
      break;
    case 9:
      r.method = verb::post;
      r.target = "/emulator/v1/reset";
      break;
    case 10:
      r.method = verb::get;
      r.target = (selector & 0x10) ? "/v1/actions/bdb/" : "/v2/actions/";
      r.target += r.body;
      r.body.clear();
      break;
    default:
      r.method = verb::get;
      r.target = (selector & 0x10) ? "/emulator/v1/faults" : "/emulator/v1/users";
      r.body.clear();
      break;
  }
  return r;
}

reemu::handled call(reemu::app& a, const request_text& r) {
  const reemu::incoming_request in = reemu::fuzz::to_incoming(r);
  reemu::handled h = a.handle(in);
  // handle() has written the journal entry already (app::record).
  reemu::fuzz::check_reply(h, std::string(in.method_text) + " " + r.target);
  return h;
}

// GET of a list route: JSON of the route's shape. A fault rule may stand in
// front of it (the fuzzer adds them); a 401 means the admin's password was
// changed or the admin demoted, which only a reset undoes.
bool check_list(reemu::app& a, const char* target, bool v1) {
  request_text r;
  r.target = target;
  r.authorization = reemu::fuzz::admin_authorization();
  const reemu::handled h = call(a, r);
  if (h.reply.status == reemu::http_t::status::unauthorized ||
      h.reply.status == reemu::http_t::status::forbidden)
    return false;
  if (h.reply.drop || h.reply.status != reemu::http_t::status::ok) return true;  // injected
  const reemu::json body = reemu::json::parse(h.reply.body.str(), nullptr, false);
  const bool shaped = v1 ? body.is_object() && body.contains("actions") &&
                               body["actions"].is_array() && body.contains("state-machines") &&
                               body["state-machines"].is_array()
                         : body.is_array();
  if (!shaped) reemu::fuzz::fail("list body of the wrong shape", h.reply.body.str());
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static unsigned iteration = 0;
  reemu::app& a = shared_app();
  if (size == 0) return 0;
  if (++iteration % reset_every == 0) {
    request_text reset;
    reset.method = verb::post;
    reset.target = "/emulator/v1/reset";
    reset.authorization = reemu::fuzz::admin_authorization();
    if (call(a, reset).reply.status != reemu::http_t::status::ok)
      reemu::fuzz::fail("POST /emulator/v1/reset failed", "");
  }

  call(a, pick_route(data[0], {reinterpret_cast<const char*>(data) + 1, size - 1}));
  const bool v1_ok = check_list(a, "/v1/actions", true);
  const bool v2_ok = check_list(a, "/v2/actions", false);
  check_state_round_trip(a);
  // Locked out (admin password changed, or demoted): back to the seed now
  // rather than waste the inputs until the next periodic reset.
  if (!v1_ok || !v2_ok) reemu::reset_to_seed(a.svc());
  return 0;
}
