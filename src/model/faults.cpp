// Fault rules, matched in the order they were added.
#include "reemu/model/faults.hpp"

#include <algorithm>
#include <boost/beast/http/verb.hpp>

#include "reemu/model/validation.hpp"

namespace reemu {

json to_json(const fault_rule& r) {
  json j = {{"id", r.id}, {"path", r.path}, {"hits", r.hits}};
  if (!r.method.empty()) j["method"] = r.method;
  if (!r.user.empty()) j["user"] = r.user;
  if (r.status) j["status"] = r.status;
  if (!r.error_code.empty()) j["error_code"] = r.error_code;
  if (!r.description.empty()) j["description"] = r.description;
  if (r.delay_ms) j["delay_ms"] = r.delay_ms;
  if (r.drop) j["drop"] = true;
  if (r.times) j["times"] = *r.times;
  if (r.probability) j["probability"] = *r.probability;
  return j;
}

result<fault_rule> fault_rule_from_record(const json& record, const std::string& where) {
  if (!record.is_object())
    return failure{api_error::invalid_type, "'" + where + "' must be an object"};
  object_reader r(record, where);
  const auto id = r.unsigned_integer("id", max_fault_id, true);
  const auto hits = r.unsigned_integer("hits", UINT64_MAX, true);
  if (r.failed()) return r.error();
  if (*id == 0)
    return failure{api_error::invalid_value, "'" + where + ".id' must be unique and >= 1, got 0"};
  json body = record;
  body.erase("id");
  body.erase("hits");
  auto rule = parse_fault_rule(body, where);
  if (!rule) return rule.error();
  rule->id = *id;
  rule->hits = *hits;
  return rule;
}

result<fault_rule> parse_fault_rule(const json& body, const std::string& where) {
  object_reader r(body, where);
  r.only({"method", "path", "user", "status", "error_code", "description", "delay_ms", "drop",
          "times", "probability"});
  fault_rule rule;
  auto method = r.string("method");
  auto path = r.string("path", true);
  if (auto v = r.string("user")) rule.user = *v;
  const auto status_code = r.unsigned_integer("status", 599);
  if (auto v = r.string("error_code")) rule.error_code = *v;
  if (auto v = r.string("description")) rule.description = *v;
  if (auto v = r.unsigned_integer("delay_ms", 600'000))
    rule.delay_ms = static_cast<std::uint32_t>(*v);
  if (auto v = r.boolean("drop")) rule.drop = *v;
  if (auto v = r.unsigned_integer("times", UINT32_MAX)) rule.times = *v;
  if (auto v = r.number("probability", 0, 1)) rule.probability = *v;
  if (r.failed()) return r.error();
  if (path->empty() || path->front() != '/') {
    return failure{api_error::invalid_value,
                   "'" + r.name("path") + "' must start with '/', got \"" + *path + "\""};
  }
  rule.path = *path;
  if (method) {
    if (boost::beast::http::string_to_verb(*method) == boost::beast::http::verb::unknown) {
      return failure{api_error::invalid_value,
                     "'" + r.name("method") + "' is not an HTTP method: \"" + *method + "\""};
    }
    rule.method = *method;
  }
  if (status_code) {
    // An injected answer carries the error body: only error statuses make sense.
    if (*status_code < 400) {
      return failure{api_error::invalid_value, "'" + r.name("status") +
                                                   "' must be an error status (400-599), got " +
                                                   std::to_string(*status_code)};
    }
    rule.status = static_cast<unsigned>(*status_code);
  }
  if (rule.times && *rule.times == 0)
    return failure{api_error::invalid_value, "'" + r.name("times") + "' must be >= 1"};
  if (!rule.status && !rule.drop && rule.delay_ms == 0) {
    return failure{api_error::invalid_value,
                   "a fault needs an effect: 'status', 'delay_ms' or 'drop'"};
  }
  return rule;
}

}  // namespace reemu
