// Logging set-up: spdlog to stderr, as text or as one JSON object per line.
#pragma once

#include <string>

namespace reemu {

// Configures the default logger. `level` is an spdlog level name, `format`
// "text" or "json". Call once at start-up, before threads start.
void setup_logging(const std::string& level, const std::string& format);

// `s` as the inside of a JSON string (quotes, backslashes, control bytes
// escaped), for log fields built by hand.
std::string json_escape(std::string_view s);

}  // namespace reemu
