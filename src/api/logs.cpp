// GET /v1/logs: the query read whole (a bad parameter is a 400 naming it),
// then the events due at `now` rendered from the snapshot, with the alert
// transitions the stats steering and the participants' outages caused; the
// answer kept while it holds.
#include "reemu/api/logs.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "reemu/api/stats.hpp"
#include "reemu/model/alerts.hpp"
#include "reemu/model/cluster.hpp"
#include "reemu/model/event_log.hpp"
#include "reemu/model/sync_alerts.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/answer_cache.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// Most events one answer lists whatever `limit` asks: the log's bound.
constexpr std::size_t max_logs_limit = 10'000'000;

// The query parameter `name`, nullopt when absent; the first when repeated.
failure bad_log_parameter(std::string_view name, std::string_view value,
                          std::string_view expected) {
  return failure{api_error::invalid_schema, "Query parameter '" + std::string(name) + "' must be " +
                                                std::string(expected) + ", got '" +
                                                std::string(value) + "'"};
}

result<std::optional<double>> read_time(const request_context& ctx, std::string_view name) {
  const auto text = query_value(ctx, name);
  if (!text) return std::optional<double>{};
  const auto t = parse_iso_time(*text);
  if (!t) return bad_log_parameter(name, *text, "an ISO-8601 time such as 2026-01-02T03:04:05Z");
  return std::optional<double>{*t};
}

result<std::optional<std::size_t>> read_count(const request_context& ctx, std::string_view name) {
  const auto text = query_value(ctx, name);
  if (!text) return std::optional<std::size_t>{};
  const auto n = parse_number<std::size_t>(*text);
  if (!n || *n > max_logs_limit) return bad_log_parameter(name, *text, "a whole number >= 0");
  return std::optional<std::size_t>{*n};
}

result<log_query> read_log_query(const request_context& ctx) {
  log_query q;
  const auto stime = read_time(ctx, "stime");
  if (!stime) return stime.error();
  const auto etime = read_time(ctx, "etime");
  if (!etime) return etime.error();
  q.stime = *stime;
  q.etime = *etime;
  if (const auto order = query_value(ctx, "order")) {
    if (*order != "asc" && *order != "desc")
      return bad_log_parameter("order", *order, "asc or desc");
    q.descending = *order == "desc";
  }
  const auto limit = read_count(ctx, "limit");
  if (!limit) return limit.error();
  q.limit = *limit;
  const auto offset = read_count(ctx, "offset");
  if (!offset) return offset.error();
  q.offset = offset->value_or(0);
  return q;
}

}  // namespace

reply get_logs(const request_context& ctx, answer_cache& answers) {
  // The answer kept for the same target and snapshot while no event has
  // come due since (state/answer_cache.hpp).
  if (auto kept = answers.find(ctx.state, ctx.target, ctx.now))
    return shared_reply(std::move(kept));
  const auto q = read_log_query(ctx);
  if (!q) return error_reply(q.error());
  const registry_data& d = ctx.state->data();
  // The stats steering can move alerts, and a participant's outage the sync
  // sources' alerts: their transitions show beside the recorded events
  // (model/alerts.hpp, model/sync_alerts.hpp), in a copy of the log.
  const auto with_alert_transitions = [&] {
    event_log log = d.events;
    add_alert_transitions(log, d, cluster_template().value("alert_settings", json::object()),
                          ctx.now);
    return log;
  };
  if (!d.active_active.unreachable.empty() || !d.active_active.recovered.empty()) {
    // An outage moves the sync sources' alerts at any instant: rendered for
    // each request, never kept.
    event_log log = with_alert_transitions();
    add_sync_alert_transitions(log, d, ctx.now);
    return json_reply(status::ok, render_events(log, *q, ctx.now));
  }
  validity valid = due_validity(d.events, ctx.now);
  json events;
  if (d.stats.objects.empty()) {
    events = render_events(d.events, *q, ctx.now);
  } else {
    // Steered alerts follow the stats model: the answer holds no longer
    // than its figures do.
    events = render_events(with_alert_transitions(), *q, ctx.now);
    valid.narrow(stats_validity(d, ctx.now));
  }
  auto text = std::make_shared<const std::string>(dump(events));
  answers.keep(ctx.state, ctx.target, valid, text);
  return shared_reply(std::move(text));
}

std::vector<route> logs_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/logs", access::needs("view_logged_events"), uses<&get_logs>},
  };
}

}  // namespace reemu
