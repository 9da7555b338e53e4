// Fault injection rules (values; state/fault_table.hpp holds the live ones):
// rules that make matching emulated-API requests slow, fail
// with a chosen status and error_code, or lose their connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct fault_rule {
  std::uint64_t id = 0;
  std::string method;   // empty: any method
  std::string path;     // exact, or glob with '*'
  std::string user;     // empty: anyone
  unsigned status = 0;  // 0: do not replace the answer (delay only)
  std::string error_code;
  std::string description;
  std::uint32_t delay_ms = 0;
  bool drop = false;
  std::optional<std::uint64_t> times;  // remaining matches; the rule goes at 0
  std::optional<double> probability;   // 0..1, drawn per match
  std::uint64_t hits = 0;
};

// What a request must suffer.
struct fault_effect {
  std::uint32_t delay_ms = 0;
  bool drop = false;
  unsigned status = 0;
  std::string error_code;
  std::string description;
  bool counted = false;    // the rule has `times`: this match used one up
  std::uint64_t rule = 0;  // the id of the rule that fired (the journal names it)
};

// A rule in its control-API form: the body of POST /emulator/v1/faults plus
// `id` and `hits` (GET /emulator/v1/faults, the state file).
json to_json(const fault_rule& rule);

// Fault ids run from 1 to this: far below UINT64_MAX, so the counter that
// gives them cannot wrap, whatever a state file holds.
inline constexpr std::uint64_t max_fault_id = UINT32_MAX;

// Reads a rule back as the state file keeps it (to_json's shape): id (1 to
// max_fault_id) and hits, then the rest as parse_fault_rule reads a body.
// The failure names `where` ("faults[2]").
result<fault_rule> fault_rule_from_record(const json& record, const std::string& where);

// Reads a POST /emulator/v1/faults body: the rule (id and hits 0, for the
// caller to give), or the failure naming the field. `where` prefixes names.
result<fault_rule> parse_fault_rule(const json& body, const std::string& where = {});

}  // namespace reemu
