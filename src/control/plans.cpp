// The control API's plans room. A rule is checked whole when it is added
// (its simulate block over the template it names), kept in the registry
// (so reset clears it and the state file keeps it), and used up by the
// emulated routes as they start machines (model/operations.cpp).
#include "reemu/control/plans.hpp"

#include "reemu/model/templates.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/identifiers.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// A rule from a POST body, checked whole: the simulate block must shape the
// template it names (SMCreateBDB's when it names none): a state machine's, or
// a task's the emulated API starts (export, import, node and cluster actions).
std::optional<failure> parse_rule(const json& body, plan_rule& out) {
  object_reader r(body);
  r.only({"name", "object_name", "simulate", "times"});
  auto name = r.string("name");
  auto object_name = r.string("object_name");
  const json* simulate = r.object("simulate", true);
  const auto times = r.unsigned_integer("times", 1'000'000);
  if (r.failed()) return r.error();
  const std::string template_name = name ? *name : "SMCreateBDB";
  const action_template* t = find_template(template_name);
  if (!t) {
    return failure{api_error::unknown_template,
                   "'name' must name a template, got \"" + template_name + "\""};
  }
  if (times && *times == 0)
    return failure{api_error::invalid_value, "'times' must be >= 1 (leave it out for every match)"};
  if (object_name && (object_name->empty() || object_name->size() > max_identifier_length)) {
    return failure{
        api_error::invalid_value,
        "'object_name' must be 1 to " + std::to_string(max_identifier_length) + " characters"};
  }
  simulate_plan plan = t->plan;
  if (auto f = parse_simulate(*simulate, plan)) return f;
  out.name = name.value_or("");
  out.object_name = object_name.value_or("");
  out.simulate = *simulate;
  out.times = times.value_or(0);
  return std::nullopt;
}

}  // namespace

reply get_plans(const request_context& ctx) {
  json out = json::array();
  for (const auto& r : ctx.state->data().plan_rules) out.push_back(to_json(r));
  return json_reply(status::ok, json{{"plans", out}});
}

reply create_plan(const request_context& ctx, registry& reg) {
  failure err;
  auto body = read_body(ctx, err);
  if (!body) return error_reply(err);
  plan_rule rule;
  if (auto f = parse_rule(*body, rule)) return error_reply(*f);
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    rule.id = d.next_plan_rule_id++;
    d.plan_rules.push_back(rule);
    return std::nullopt;
  });
  return f ? error_reply(*f) : json_reply(status::created, to_json(rule));
}

reply clear_plans(const request_context& ctx, registry& reg) {
  reg.update(ctx.now, [](registry_data& d) -> std::optional<failure> {
    d.plan_rules.clear();
    return std::nullopt;
  });
  return no_content();
}

reply delete_plan(const request_context& ctx, registry& reg) {
  const std::string& text = ctx.param("id");
  const auto id = parse_number<std::uint64_t>(text);
  auto f = reg.update(ctx.now, [&](registry_data& d) -> std::optional<failure> {
    const auto n =
        std::erase_if(d.plan_rules, [&](const plan_rule& r) { return id && r.id == *id; });
    if (n == 0) return failure{api_error::plan_not_found, "Plan rule " + text + " does not exist"};
    return std::nullopt;
  });
  return f ? error_reply(*f) : no_content();
}

std::vector<route> control_plan_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/plans", admin, uses<&get_plans>},
      {verb::post, "/emulator/v1/plans", admin, uses<&create_plan>},
      {verb::delete_, "/emulator/v1/plans", admin, uses<&clear_plans>},
      {verb::delete_, "/emulator/v1/plans/{id}", admin, uses<&delete_plan>},
  };
}

}  // namespace reemu
