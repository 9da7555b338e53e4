// The control API's statistics room: reads and writes the steering of one
// object (model/stats.hpp), and shows it with the object's latest 1sec
// sample, so a test sees at once what the stats routes will answer.
#include "reemu/control/stats.hpp"

#include "reemu/model/stats.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

struct stats_target {
  stats_kind kind = stats_kind::bdb;
  std::uint64_t uid = 0;
  std::string object;  // "bdb:1"
};

// The object the path names, when the kind is bdb or node and the object
// exists at `now`; 404 otherwise (400 for another kind).
result<stats_target> target_of(const request_context& ctx, const registry_data& d) {
  const std::string& kind_text = ctx.param("kind");
  const auto kind = parse_stats_kind(kind_text);
  if (!kind || (*kind != stats_kind::bdb && *kind != stats_kind::node)) {
    return failure{api_error::invalid_schema,
                   "'" + kind_text + "' is not bdb or node: only databases and nodes are steered"};
  }
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  const stats_model m(d, ctx.now);
  if (!uid || !m.exists(*kind, *uid)) {
    if (*kind == stats_kind::bdb)
      return failure{api_error::db_not_exist, "Database " + ctx.param("uid") + " does not exist"};
    return failure{api_error::node_not_found, "Node " + ctx.param("uid") + " does not exist"};
  }
  return stats_target{*kind, *uid, stats_object_name(*kind, *uid)};
}

// {"object","steering":{metric:[steps]},"last":{…latest 1sec sample…}}
json stats_view(const registry_data& d, const stats_target& t, double now) {
  const auto it = d.stats.objects.find(t.object);
  const stats_model m(d, now);
  const auto last = m.last(t.kind, t.uid, stats_interval::sec1);
  return json{
      {"object", t.object},
      {"steering", it == d.stats.objects.end() ? json::object() : stats_steps_json(it->second)},
      {"last", last ? render_stats_sample(t.kind, *last, true) : json::object()}};
}

}  // namespace

reply get_control_stats(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const auto t = target_of(ctx, d);
  if (!t) return error_reply(t.error());
  return json_reply(status::ok, stats_view(d, *t, ctx.now));
}

reply put_control_stats(const request_context& ctx, registry& reg) {
  const auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  json shown;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto t = target_of(ctx, d);
    if (!t) return t.error();
    auto steer = read_stats_steer(t->kind, *body);
    if (!steer) return steer.error();
    steer->step.since = ctx.now;
    add_stats_step(d.stats, t->object, steer->metric, steer->step);
    shown = stats_view(d, *t, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

reply delete_control_stats(const request_context& ctx, registry& reg) {
  json shown;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const auto t = target_of(ctx, d);
    if (!t) return t.error();
    d.stats.objects.erase(t->object);
    shown = stats_view(d, *t, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

std::vector<route> control_stats_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/stats/{kind}/{uid}", admin, uses<&get_control_stats>},
      {verb::put, "/emulator/v1/stats/{kind}/{uid}", admin, uses<&put_control_stats>},
      {verb::delete_, "/emulator/v1/stats/{kind}/{uid}", admin, uses<&delete_control_stats>},
  };
}

}  // namespace reemu
