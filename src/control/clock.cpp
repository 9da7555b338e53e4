// The control API's clock room: read and move the clock, and reset
// everything to the seed.
#include "reemu/control/clock.hpp"

#include "reemu/config/seed.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

using http_t::status;

json clock_body(const clock& c) {
  return json{{"now", number_value(c.now())}, {"mode", to_string(c.mode())}};
}

}  // namespace

reply get_clock(const request_context&, reemu::clock& clk) {
  return json_reply(status::ok, clock_body(clk));
}

reply advance_clock(const request_context& ctx, reemu::clock& clk) {
  failure err;
  auto body = read_body(ctx, err);
  if (!body) return error_reply(err);
  object_reader r(*body);
  r.only({"seconds"});
  const auto seconds = r.number("seconds", 0, 100.0 * 365 * 24 * 3600, true);
  if (r.failed()) return error_reply(*r.error());
  if (clk.mode() != clock_mode::manual) {
    return error_reply(api_error::clock_not_manual,
                       "the clock is real time; start with --clock manual to move it");
  }
  clk.advance(*seconds);
  return json_reply(status::ok, clock_body(clk));
}

reply reset_all(const request_context& ctx, services& all) {
  if (!ctx.body.empty()) {
    failure err;
    auto body = read_body(ctx, err);
    if (!body) return error_reply(err);
    object_reader r(*body);
    r.only({});
    if (r.failed()) return error_reply(*r.error());
  }
  reset_to_seed(all);
  const auto snap = all.registry.snapshot();
  return json_reply(status::ok, json{{"actions", snap->data().actions.size()},
                                     {"users", snap->data().users.size()},
                                     {"databases", snap->data().databases.size()},
                                     {"clock", clock_body(all.clock)}});
}

std::vector<route> control_clock_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/clock", admin, uses<&get_clock>},
      {verb::post, "/emulator/v1/clock/advance", admin, uses<&advance_clock>},
      {verb::post, "/emulator/v1/reset", admin, uses<&reset_all>},
  };
}

}  // namespace reemu
