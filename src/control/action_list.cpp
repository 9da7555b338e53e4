// The control API's list of actions (include/reemu/control/action_list.hpp).
#include "reemu/control/action_list.hpp"

#include <algorithm>

#include "reemu/model/lifecycle.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

std::optional<failure> read_page(boost::urls::params_view query, std::size_t& offset,
                                 std::size_t& limit) {
  for (const auto& p : query) {
    const std::string value = p.value;
    if (p.key != "offset" && p.key != "limit") {
      return failure{api_error::unknown_field,
                     "unknown query parameter '" + std::string(p.key) + "' (known: offset, limit)"};
    }
    const auto n = parse_number<std::size_t>(value);
    if (p.key == "offset") {
      if (!n) {
        return failure{api_error::invalid_value,
                       "query parameter 'offset' must be a whole number, got \"" + value + "\""};
      }
      offset = *n;
    } else {
      if (!n || *n > max_action_page) {
        return failure{api_error::invalid_value,
                       "query parameter 'limit' must be a whole number from 0 to " +
                           std::to_string(max_action_page) + ", got \"" + value + "\""};
      }
      limit = *n;
    }
  }
  return std::nullopt;
}

// The fields of a simulated action's plan at `now`.
void add_plan(json& item, const action& a, const simulate_plan& plan, double now) {
  const live_state s = evaluate(plan, a.started_at, now);
  item["steps"] = plan.steps.size();
  item["step_index"] = s.step;
  item["step"] = plan.steps[std::min(s.step, plan.steps.size() - 1)];
  item["ends_at"] = number_value(s.ended_at);
}

}  // namespace

std::string action_group(const action& a) {
  if (!a.object_name.empty()) return a.object_name;
  if (a.kind != action_kind::task) return {};
  json parsed;
  const json* fields = nullptr;
  if (const simulated_body* sim = a.simulated()) {
    fields = &sim->fields;
  } else if (const auto* text = a.static_v1()) {
    parsed = json::parse(**text, nullptr, false);
    fields = &parsed;
  }
  if (!fields || !fields->is_object()) return {};
  const auto it = fields->find("node_uid");
  if (it == fields->end()) return {};
  if (it->is_string()) return "node:" + it->get<std::string>();
  if (it->is_number_unsigned()) return "node:" + std::to_string(it->get<std::uint64_t>());
  return {};
}

bool group_before(std::string_view a, std::string_view b) noexcept {
  if (a.empty() || b.empty()) return !a.empty() && b.empty();
  const auto split = [](std::string_view s) {
    const auto colon = s.find(':');
    return colon == std::string_view::npos ? std::pair{s, std::string_view{}}
                                           : std::pair{s.substr(0, colon), s.substr(colon + 1)};
  };
  const auto [ka, va] = split(a);
  const auto [kb, vb] = split(b);
  if (ka != kb) return ka < kb;
  const auto na = parse_number<std::uint64_t>(va);
  const auto nb = parse_number<std::uint64_t>(vb);
  if (na && nb && *na != *nb) return *na < *nb;
  if (na.has_value() != nb.has_value()) return na.has_value();  // numbers before words
  return va < vb;
}

reply list_actions(const request_context& ctx) {
  std::size_t offset = 0;
  std::size_t limit = default_action_page;
  if (auto f = read_page(ctx.query, offset, limit)) return error_reply(*f);
  struct row {
    const action* a;
    std::string group;
  };
  std::vector<row> rows;
  double running_until = -forever;
  for (const auto& a : ctx.state->data().actions) {
    if (!is_visible(*a, ctx.now)) continue;
    rows.push_back({a.get(), action_group(*a)});
    if (const simulate_plan* plan = a->plan()) {
      const live_state s = evaluate(*plan, a->started_at, ctx.now);
      if (is_running(s.phase)) running_until = std::max(running_until, s.ended_at);
    }
  }
  // Stable: within a group, creation order.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const row& x, const row& y) { return group_before(x.group, y.group); });
  json items = json::array();
  for (std::size_t i = offset; i < rows.size() && i - offset < limit; ++i) {
    const action& a = *rows[i].a;
    json item = {
        {"type", to_string(a.kind)}, {"group", rows[i].group}, {"action", render_v1(a, ctx.now)}};
    if (const simulate_plan* plan = a.plan()) add_plan(item, a, *plan, ctx.now);
    items.push_back(std::move(item));
  }
  json out = {{"actions", std::move(items)}, {"total", rows.size()}, {"offset", offset}};
  if (running_until > -forever) out["running_until"] = number_value(running_until);
  return json_reply(status::ok, out);
}

}  // namespace reemu
