// The control API's availability room. The health it sets is kept with the
// database (database::health): a state file keeps it, a delete forgets it,
// and, like every control-API change of a database, a change counts one
// change of the cluster's state.
#include "reemu/control/availability.hpp"

#include "reemu/model/availability.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

constexpr double max_window_seconds = 100.0 * 365 * 24 * 3600;

failure unknown_database(const std::string& text) {
  return {api_error::db_not_exist, "Database " + text + " does not exist"};
}

// What the availability routes answer for `db` at `now`, with the health
// behind it: the lever's values, the database's status, crdt and traffic,
// and whether each route (and the lag check at the cluster's tolerance)
// answers 200.
json health_view(const registry_data& d, const database& db, double now) {
  const bdb_health& h = db.health;
  const bool window = h.unavailable_until > h.unavailable_from;
  const auto crdt = db.fields.find("crdt");
  availability_query lag;
  lag.lag = true;
  return json{
      {"uid", db.uid},
      {"status", view_of(db, now).status},
      {"crdt", crdt != db.fields.end() && crdt->is_boolean() && crdt->get<bool>()},
      {"traffic_stopped", traffic_stopped_at(db, now)},
      {"replica_lag_ms", number_value(h.replica_lag_ms)},
      {"unavailable_from", window ? number_value(h.unavailable_from) : json(nullptr)},
      {"unavailable_until", window ? number_value(h.unavailable_until) : json(nullptr)},
      {"unavailable_code", h.unavailable_code.empty() ? "bdb_unavailable" : h.unavailable_code},
      {"available", static_cast<bool>(check_available(db, now, {}))},
      {"available_with_lag_check", static_cast<bool>(check_available(db, now, lag))},
      {"endpoint_node", local_node_uid(d, now)},
      {"endpoint_available",
       static_cast<bool>(check_endpoint_available(d, db, local_node_uid(d, now), now, {}))}};
}

// The health a PUT body asks for, over `h`, at `now`.
result<bdb_health> read_health(const json& body, bdb_health h, double now) {
  object_reader r(body);
  r.only({"replica_lag_ms", "unavailable_until", "unavailable_for_seconds", "unavailable_code"});
  const auto lag = r.number("replica_lag_ms", 0, max_replica_lag_ms);
  const bool clear = body.contains("unavailable_until") && body["unavailable_until"].is_null();
  const auto until = clear ? std::nullopt : r.time("unavailable_until");
  const auto seconds = r.number("unavailable_for_seconds", 0, max_window_seconds);
  auto code = r.string("unavailable_code");
  if (r.failed()) return r.error();
  if ((until || clear) && seconds) {
    return failure{api_error::invalid_value,
                   "give 'unavailable_until' or 'unavailable_for_seconds', not both"};
  }
  if (code && !is_unavailable_code(*code)) {
    return failure{api_error::invalid_value,
                   "'unavailable_code' must be bdb_unavailable, bdb_unavailable_shard_unreachable, "
                   "bdb_unavailable_port_unbound or "
                   "bdb_unavailable_shard_unreachable_port_unbound, got \"" +
                       *code + "\""};
  }
  if (lag) h.replica_lag_ms = *lag;
  if (clear) h.unavailable_from = h.unavailable_until = 0;
  if (until || seconds) {
    h.unavailable_from = now;
    h.unavailable_until = until ? *until : now + *seconds;
  }
  if (code) h.unavailable_code = *code == "bdb_unavailable" ? std::string() : std::move(*code);
  return h;
}

}  // namespace

reply get_control_availability(const request_context& ctx) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  const registry_data& d = ctx.state->data();
  const database* db = uid ? d.find_database(*uid, ctx.now) : nullptr;
  if (!db) return error_reply(unknown_database(text));
  return json_reply(status::ok, health_view(d, *db, ctx.now));
}

reply put_control_availability(const request_context& ctx, registry& reg) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  json shown;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    const database* db = uid ? d.find_database(*uid, ctx.now) : nullptr;
    if (!db) return unknown_database(text);
    auto health = read_health(*body, db->health, ctx.now);
    if (!health) return health.error();
    database next = *db;
    next.health = std::move(*health);
    d.put_database(next);
    shown = health_view(d, next, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

std::vector<route> control_availability_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/databases/{uid}/availability", admin,
       uses<&get_control_availability>},
      {verb::put, "/emulator/v1/databases/{uid}/availability", admin,
       uses<&put_control_availability>},
  };
}

}  // namespace reemu
