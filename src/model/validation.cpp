// object_reader and the simulate block parser.
#include "reemu/model/validation.hpp"

#include <cmath>
#include <limits>

#include "reemu/model/database.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/shard_ops.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {
// The type and (the start of) the value, so a message names both: `string "8080"`.
std::string type_name(const json& j) {
  if (j.is_null()) return "null";
  std::string text = dump(j);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return std::string(j.type_name()) + " " + text;
}
}  // namespace

object_reader::object_reader(const json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) {
    fail(api_error::invalid_type, (where_.empty() ? std::string("body") : where_) +
                                      " must be a JSON object, not " + type_name(object_));
  }
}

std::string object_reader::name(std::string_view key) const {
  return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
}

void object_reader::fail(api_error e, std::string description) {
  if (failed_) return;
  error_ = failure{e, std::move(description)};
  failed_ = true;
}

const json* object_reader::field(std::string_view key, bool required) {
  if (failed() || !object_.is_object()) return nullptr;
  const auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) fail(api_error::missing_field, "missing required field '" + name(key) + "'");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> object_reader::string(std::string_view key, bool required) {
  const json* v = field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(api_error::invalid_type, "'" + name(key) + "' must be a string, not " + type_name(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<double> object_reader::number(std::string_view key, double min, double max,
                                            bool required) {
  const json* v = field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    fail(api_error::invalid_type, "'" + name(key) + "' must be a number, not " + type_name(*v));
    return std::nullopt;
  }
  const double x = v->get<double>();
  if (!std::isfinite(x) || x < min || x > max) {
    fail(api_error::invalid_value, "'" + name(key) + "' must be between " +
                                       dump(number_value(min)) + " and " + dump(number_value(max)) +
                                       ", got " + dump(*v));
    return std::nullopt;
  }
  return x;
}

std::optional<double> object_reader::time(std::string_view key, bool required) {
  return number(key, std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max(),
                required);
}

std::optional<double> object_reader::date(std::string_view key, bool required) {
  const auto text = string(key, required);
  if (!text) return std::nullopt;
  const auto t = parse_rfc3339(*text);
  if (!t) {
    fail(api_error::invalid_value,
         "'" + name(key) + "' must be a time as 2026-01-31T00:00:00Z, got \"" + *text + "\"");
  }
  return t;
}

std::optional<std::uint64_t> object_reader::unsigned_integer(std::string_view key,
                                                             std::uint64_t max, bool required) {
  const json* v = field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    fail(api_error::invalid_type,
         "'" + name(key) + "' must be a whole number, not " +
             (v->is_number() ? "a fraction (" + dump(*v) + ")" : type_name(*v)));
    return std::nullopt;
  }
  if (v->is_number_integer() && !v->is_number_unsigned() && v->get<std::int64_t>() < 0) {
    fail(api_error::invalid_value, "'" + name(key) + "' must not be negative, got " + dump(*v));
    return std::nullopt;
  }
  const auto x = v->get<std::uint64_t>();
  if (x > max) {
    fail(api_error::invalid_value,
         "'" + name(key) + "' must be at most " + std::to_string(max) + ", got " + dump(*v));
    return std::nullopt;
  }
  return x;
}

std::optional<bool> object_reader::boolean(std::string_view key, bool required) {
  const json* v = field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    fail(api_error::invalid_type,
         "'" + name(key) + "' must be true or false, not " + type_name(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::vector<std::string>> object_reader::string_list(std::string_view key,
                                                                   bool required) {
  const json* v = field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    fail(api_error::invalid_type,
         "'" + name(key) + "' must be an array of strings, not " + type_name(*v));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : *v) {
    if (!e.is_string() || e.get_ref<const std::string&>().empty()) {
      fail(api_error::invalid_type, "'" + name(key) + "' must hold non-empty strings only");
      return std::nullopt;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

const json* object_reader::object(std::string_view key, bool required) {
  const json* v = field(key, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    fail(api_error::invalid_type, "'" + name(key) + "' must be an object, not " + type_name(*v));
    return nullptr;
  }
  return v;
}

void object_reader::only(std::initializer_list<std::string_view> known) {
  only(std::span<const std::string_view>(known.begin(), known.size()));
}

void object_reader::only(std::span<const std::string_view> known) {
  if (failed() || !object_.is_object()) return;
  for (const auto& [key, value] : object_.items()) {
    bool ok = false;
    for (auto k : known) ok = ok || k == key;
    if (!ok) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(api_error::unknown_field,
           "unknown field '" + name(key) + "'" +
               (list.empty() ? std::string(": this request takes no fields")
                             : " (known: " + list + ")"));
      return;
    }
  }
}

failure as_schema_violation(failure f) {
  if (f.error != api_error::missing_field) f.error = api_error::invalid_schema;
  return f;
}

result<json> parse_untrusted_json(std::string_view text) {
  // Depth is checked on the text first (brackets outside strings), so a
  // hostile body never builds a deep tree at all.
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) {
        return failure{api_error::malformed_json,
                       "JSON nested deeper than " + std::to_string(max_json_depth) + " levels"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return failure{api_error::malformed_json, "request body is not valid JSON"};
  }
  return j;
}

result<simulate_plan> parse_simulate(const json& block, simulate_plan base,
                                     std::string_view where) {
  object_reader r(block, std::string(where));
  r.only({"steps", "step_seconds", "pending_seconds", "starting_seconds", "outcome", "fail_at_step",
          "error", "error_code", "retain_seconds", "retain_failed_seconds", "cancel_after_seconds",
          "shard_ops"});
  constexpr double max_seconds = 10.0 * 365 * 24 * 3600;
  simulate_plan p = std::move(base);
  if (auto v = r.string_list("steps")) p.steps = std::move(*v);
  if (auto v = r.number("step_seconds", 0, max_seconds)) p.step_seconds = *v;
  if (auto v = r.number("pending_seconds", 0, max_seconds)) p.pending_seconds = *v;
  if (auto v = r.number("starting_seconds", 0, max_seconds)) p.starting_seconds = *v;
  if (auto v = r.number("retain_seconds", 0, max_seconds)) p.retain_seconds = *v;
  if (auto v = r.number("retain_failed_seconds", 0, max_seconds)) p.retain_failed_seconds = *v;
  if (auto v = r.number("cancel_after_seconds", 0, max_seconds)) p.cancel_after = *v;
  if (auto v = r.string("error")) p.error = *v;
  if (auto v = r.string("error_code")) p.error_code = *v;
  const auto outcome = r.string("outcome");
  const auto fail_at = r.unsigned_integer("fail_at_step", 1'000'000);
  if (r.failed()) return r.error();
  if (auto it = block.find("shard_ops"); it != block.end()) {
    auto ops = read_shard_ops(*it, r.name("shard_ops"));
    if (!ops) return ops.error();
    p.shard_ops = std::move(*ops);
  }
  if (outcome) {
    if (*outcome != "completed" && *outcome != "failed") {
      return failure{api_error::invalid_value, "'" + r.name("outcome") +
                                                   "' must be \"completed\" or \"failed\", got \"" +
                                                   *outcome + "\""};
    }
    p.fails = *outcome == "failed";
  }
  if (fail_at) {
    if (outcome && !p.fails) {
      return failure{api_error::invalid_value,
                     "'" + r.name("fail_at_step") + "' needs outcome \"failed\""};
    }
    p.fails = true;
    p.fail_at_step = static_cast<std::size_t>(*fail_at);
  } else if (p.fails && !fail_at && outcome) {
    p.fail_at_step = p.steps.empty() ? 0 : p.steps.size() - 1;  // fails at the last step
  }
  if (p.step_seconds <= 0) {
    return failure{api_error::invalid_value, "'" + r.name("step_seconds") + "' must be > 0, got " +
                                                 dump(number_value(p.step_seconds))};
  }
  // validate_plan's messages say "simulate."; these two come from the client,
  // so name them with `where` and the value.
  if (p.steps.empty()) {
    return failure{api_error::invalid_value,
                   "'" + r.name("steps") + "' must name at least one step"};
  }
  if (p.fails && p.fail_at_step >= p.steps.size()) {
    return failure{api_error::invalid_value, "'" + r.name("fail_at_step") +
                                                 "' must be an index into '" + r.name("steps") +
                                                 "' (0.." + std::to_string(p.steps.size() - 1) +
                                                 "), got " + std::to_string(p.fail_at_step)};
  }
  if (auto msg = validate_plan(p); !msg.empty()) return failure{api_error::invalid_value, msg};
  return p;
}

json to_simulate_block(const simulate_plan& plan) {
  json j = {{"steps", plan.steps},
            {"step_seconds", number_value(plan.step_seconds)},
            {"pending_seconds", number_value(plan.pending_seconds)},
            {"starting_seconds", number_value(plan.starting_seconds)},
            {"retain_seconds", number_value(plan.retain_seconds)},
            {"retain_failed_seconds", number_value(plan.retain_failed_seconds)},
            {"outcome", plan.fails ? "failed" : "completed"},
            {"error", plan.error},
            {"error_code", plan.error_code}};
  if (plan.fails) j["fail_at_step"] = plan.fail_at_step;
  if (std::isfinite(plan.cancel_after)) j["cancel_after_seconds"] = number_value(plan.cancel_after);
  if (!plan.shard_ops.empty()) j["shard_ops"] = shard_ops_json(plan.shard_ops);
  return j;
}

}  // namespace reemu
