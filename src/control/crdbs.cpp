// The control API's Active-Active room: participants' reachability, kept in
// the registry (crdb_store::unreachable) so reset clears it and the state
// file keeps it.
#include "reemu/control/crdbs.hpp"

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

}  // namespace

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
    if (*reachable) {
      d.active_active.unreachable.erase(*url);
    } else {
      d.active_active.unreachable.try_emplace(*url, ctx.now);  // keeps the first time
    }
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
  };
}

}  // namespace reemu
