// Field-by-field validation of untrusted JSON objects (control-API bodies and
// the config file), with messages that name the key and what was wrong.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

// Reads typed fields out of one JSON object. The first problem is kept (later
// reads after a failure return nullopt and are ignored), so a caller reads
// everything, then checks failed() once and passes error() up:
//   if (r.failed()) return r.error();
class object_reader {
 public:
  // `where` prefixes key names in messages ("simulate" -> "simulate.steps").
  object_reader(const json& object, std::string where = {});

  bool failed() const noexcept { return failed_; }
  // The first problem; read it only once failed().
  const failure& error() const noexcept { return error_; }

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<double> number(std::string_view key, double min, double max, bool required = false);
  // A clock time as the state file keeps it: any finite number. A pasted
  // capture may carry negative or millisecond timestamps, and a manual clock
  // may have been moved far ahead; what the emulator saved, it must load.
  std::optional<double> time(std::string_view key, bool required = false);
  // An RFC 3339 time ("2026-01-31T00:00:00Z") given as a string: its clock time.
  std::optional<double> date(std::string_view key, bool required = false);
  std::optional<std::uint64_t> unsigned_integer(std::string_view key, std::uint64_t max,
                                                bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<std::vector<std::string>> string_list(std::string_view key, bool required = false);
  // The raw value when it is an object.
  const json* object(std::string_view key, bool required = false);

  // Fails with unknown_field for any key not in `known`.
  void only(std::initializer_list<std::string_view> known);
  void only(std::span<const std::string_view> known);

  // Records a failure (when none is recorded yet).
  void fail(api_error e, std::string description);
  std::string name(std::string_view key) const;

 private:
  const json* field(std::string_view key, bool required);
  const json& object_;
  std::string where_;
  failure error_;
  bool failed_ = false;
};

// An object_reader's failure as the emulated API reports it: a real
// cluster answers a wrong type, a value out of range and an unknown field
// alike as a schema violation (invalid_schema); missing_field is kept.
failure as_schema_violation(failure f);

// Deepest nesting accepted in untrusted JSON: far above any real body, far
// below what would exhaust the stack when the value is later serialised.
inline constexpr std::size_t max_json_depth = 64;

// Parses untrusted JSON without exceptions: malformed_json for malformed
// text or nesting deeper than max_json_depth.
result<json> parse_untrusted_json(std::string_view text);

// Parses a `simulate` block over `base` (a template's plan or the defaults):
// the plan, validated, or the failure naming the field.
result<simulate_plan> parse_simulate(const json& block, simulate_plan base,
                                     std::string_view where = "simulate");

// The whole of `plan` as a `simulate` block: parse_simulate() reads it back
// to the same plan whatever the base.
json to_simulate_block(const simulate_plan& plan);

}  // namespace reemu
