// GET /emulator/v1/metrics: the emulator's counters in the Prometheus text
// exposition format, version 0.0.4 (docs/control-api.md lists every series).
//
// Counters come from model/metrics.hpp (kept by the app, the network layer
// and the state file as they go); gauges are computed at scrape time from
// one registry snapshot, the fault table and the journal. Every label value
// is from a bounded set: route family names, HTTP methods, status numbers,
// action kinds and statuses of the wire vocabulary ("other" for anything
// else), fault rule ids; never a path, a user or a name a client chose.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reemu/http/router.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// The whole exposition at clock time `now`, with gauges from `data`.
std::string render_metrics(const reemu::metrics& counters, const fault_table& faults,
                           const reemu::journal& requests, const registry_data& data, double now);

// The label value `v` in the text format: backslash, double quote and
// newline escaped.
std::string escape_label(std::string_view v);

reply get_metrics(const request_context& ctx, const reemu::metrics& counters,
                  const fault_table& faults,
                  const reemu::journal& requests);  // GET /emulator/v1/metrics

// The room's route table: admin only, never journalled (scraped constantly).
std::vector<route> control_metrics_routes();

}  // namespace reemu
