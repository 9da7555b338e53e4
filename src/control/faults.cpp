// The control API's faults room: fault rules to add, list and remove.
#include "reemu/control/faults.hpp"

#include "reemu/state/fault_table.hpp"
#include "reemu/util/identifiers.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

using http_t::status;

reply get_faults(const request_context&, fault_table& faults) {
  json out = json::array();
  for (const auto& r : faults.list()) out.push_back(to_json(r));
  return json_reply(status::ok, json{{"faults", out}});
}

reply create_fault(const request_context& ctx, fault_table& faults) {
  failure err;
  auto body = read_body(ctx, err);
  if (!body) return error_reply(err);
  if (auto m = over_long_field(*body, {{"path", max_pattern_length},
                                       {"user"},
                                       {"error_code"},
                                       {"description", max_pattern_length}}))
    return error_reply(api_error::invalid_value, *m);
  fault_rule rule;
  if (auto f = parse_fault_rule(*body, rule)) return error_reply(*f);
  const auto id = faults.add(std::move(rule));
  return json_reply(status::created, json{{"id", id}});
}

reply clear_faults(const request_context&, fault_table& faults) {
  faults.clear();
  return no_content();
}

reply delete_fault(const request_context& ctx, fault_table& faults) {
  const std::string& text = ctx.param("id");
  const auto id = parse_number<std::uint64_t>(text);
  if (!id || !faults.remove(*id))
    return error_reply(api_error::fault_not_found, "fault " + text + " does not exist");
  return no_content();
}

std::vector<route> control_fault_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/faults", admin, uses<&get_faults>},
      {verb::post, "/emulator/v1/faults", admin, uses<&create_fault>},
      {verb::delete_, "/emulator/v1/faults", admin, uses<&clear_faults>},
      {verb::delete_, "/emulator/v1/faults/{id}", admin, uses<&delete_fault>},
  };
}

}  // namespace reemu
