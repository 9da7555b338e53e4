// Fault injection: rules that make matching emulated-API requests slow, fail
// with a chosen status and error_code, or lose their connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "reemu/http/errors.hpp"
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
std::optional<failure> fault_rule_from_record(const json& record, const std::string& where,
                                              fault_rule& out);

// Reads a POST /emulator/v1/faults body into `out` (id and hits untouched).
// Returns the failure, naming the field, or nullopt. `where` prefixes names.
std::optional<failure> parse_fault_rule(const json& body, fault_rule& out,
                                        const std::string& where = {});

class fault_table {
 public:
  explicit fault_table(std::uint64_t seed) : seed_(seed), rng_(seed) {}

  // Adds `rule` (its id is assigned) and returns the id. Thread-safe.
  std::uint64_t add(fault_rule rule);
  bool remove(std::uint64_t id);
  std::vector<fault_rule> list() const;
  // Removes every rule and reseeds the generator, so a run repeats after reset.
  void clear();
  // The id the next rule gets: one more than any rule had since the last
  // clear(), removed ones included. Thread-safe.
  std::uint64_t next_id() const;
  // Replaces every rule with `rules`, ids and counts as given (state-file
  // restore); new rules get ids from `next_id` on, or above the highest of
  // `rules` if that is more. Thread-safe.
  void restore(std::vector<fault_rule> rules, std::uint64_t next_id = 1);

  // The first rule matching (method, path, user), counted and drawn; nullopt
  // when none fires. Thread-safe.
  std::optional<fault_effect> match(std::string_view method, std::string_view path,
                                    std::string_view user);

  // True when at least one rule exists (a relaxed read: a hint for callers
  // that would otherwise compute match()'s arguments for nothing).
  bool has_rules() const noexcept { return count_.load(std::memory_order_relaxed) != 0; }

 private:
  std::uint64_t seed_;
  mutable std::mutex mutex_;
  std::mt19937_64 rng_;
  std::uint64_t next_id_ = 1;
  std::vector<fault_rule> rules_;
  // Mirrors rules_.size(): match() skips the lock when there are no rules,
  // which is the common case on the hot path.
  std::atomic<std::size_t> count_{0};
};

}  // namespace reemu
