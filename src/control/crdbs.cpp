// The control API's Active-Active room: participants' reachability, kept in
// the registry (crdb_store::unreachable) so reset clears it and the state
// file keeps it.
#include "reemu/control/crdbs.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "reemu/model/crdb.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/identifiers.hpp"

namespace reemu {

namespace {

using http_t::status;

struct participant_view {
  std::string name;
  std::set<std::string> crdbs;
};

json participant_object(const registry_data& d, const std::string& url, const participant_view& v) {
  json out = {{"crdbs", v.crdbs}, {"name", v.name}, {"url", url}};
  const auto down = d.active_active.unreachable.find(url);
  out["reachable"] = down == d.active_active.unreachable.end();
  if (down != d.active_active.unreachable.end()) out["unreachable_since"] = rfc3339(down->second);
  return out;
}

std::map<std::string, participant_view> participants_of(const registry_data& d, double now) {
  std::map<std::string, participant_view> out;
  for (const auto& [guid, c] : d.active_active.crdbs) {
    if (!crdb_visible(c, now)) continue;
    for (const auto& p : remote_participants(crdb_at(c, now))) {
      auto& v = out[p.url];
      v.name = p.name;
      v.crdbs.insert(guid);
    }
  }
  for (const auto& [url, since] : d.active_active.unreachable) out.try_emplace(url);
  return out;
}

// What the dashboard calls a CRDB's state at `now`.
std::string_view crdb_state(const crdb& c, double now) {
  if (now >= c.gone_at) return c.visible_from == forever ? "failed" : "deleted";
  if (now < c.visible_from) return "creating";
  return c.gone_at == forever ? "active" : "deleting";
}

}  // namespace

reply get_crdb_task_groups(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  struct group {
    double newest = -forever;
    std::vector<const crdb_task*> tasks;
  };
  std::map<std::string, group> groups;
  std::size_t total = 0;
  for (const auto& [id, t] : d.active_active.tasks) {
    if (!crdb_task_visible(t, ctx.now)) continue;
    auto& g = groups[t.crdb_guid];
    g.newest = std::max(g.newest, t.started_at);
    g.tasks.push_back(&t);
    ++total;
  }
  std::vector<std::pair<const std::string*, group*>> order;
  for (auto& [guid, g] : groups) {
    std::stable_sort(g.tasks.begin(), g.tasks.end(), [](const crdb_task* a, const crdb_task* b) {
      return a->started_at > b->started_at;
    });
    order.emplace_back(&guid, &g);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.second->newest > b.second->newest;
  });
  json list = json::array();
  for (const auto& [guid, g] : order) {
    const auto it = d.active_active.crdbs.find(*guid);
    const crdb* c = it == d.active_active.crdbs.end() ? nullptr : &it->second;
    json tasks = json::array();
    for (const crdb_task* t : g->tasks) tasks.push_back(render_crdb_task(*t, c, ctx.now));
    json entry = {{"guid", *guid}, {"tasks", std::move(tasks)}};
    entry["name"] = c ? crdb_fields_at(*c, ctx.now).value("name", "") : "";
    if (c) {
      entry["status"] = crdb_state(*c, ctx.now);
    } else {  // dropped at its end: a failed or cancelled create, or a delete
      const bool create_failed =
          std::any_of(g->tasks.begin(), g->tasks.end(), [](const crdb_task* t) {
            return t->operation == "create_crdb" && !crdb_task_completes(*t);
          });
      entry["status"] = create_failed ? "failed" : "deleted";
    }
    list.push_back(std::move(entry));
  }
  return json_reply(status::ok, json{{"crdbs", std::move(list)}, {"total", total}});
}

reply get_participants(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  json list = json::array();
  for (const auto& [url, v] : participants_of(d, ctx.now))
    list.push_back(participant_object(d, url, v));
  return json_reply(status::ok, json{{"participants", std::move(list)}});
}

reply set_participant(const request_context& ctx, registry& reg) {
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  object_reader r(*body);
  r.only({"url", "reachable"});
  const auto url = r.string("url", true);
  const auto reachable = r.boolean("reachable", true);
  if (r.failed()) return error_reply(r.error());
  if (url->empty() || url->size() > 1024)
    return error_reply(api_error::invalid_value, "'url' must be 1 to 1024 characters");
  json out;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    set_participant_reachable(d.active_active, *url, *reachable, ctx.now);
    const auto all = participants_of(d, ctx.now);
    const auto it = all.find(*url);
    out = participant_object(d, *url, it == all.end() ? participant_view{} : it->second);
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok, out);
}

std::vector<route> control_crdb_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/participants", admin, uses<&get_participants>},
      {verb::put, "/emulator/v1/participants", admin, uses<&set_participant>},
      {verb::get, "/emulator/v1/crdb_tasks", admin, uses<&get_crdb_task_groups>},
  };
}

}  // namespace reemu
