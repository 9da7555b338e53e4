// Logging set-up: spdlog to stderr, as text or as one JSON object per line.
#pragma once

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace reemu {

// Configures the default logger. `level` is an spdlog level name, `format`
// "text" or "json". Call once at start-up, before threads start.
void setup_logging(const std::string& level, const std::string& format);

// The logger setup_logging installs, writing to `sink` instead of stderr
// (tests read what a server logs through it).
std::shared_ptr<spdlog::logger> make_logger(const std::string& level, const std::string& format,
                                            spdlog::sink_ptr sink);

// `s` as the inside of a JSON string (quotes, backslashes, control bytes
// escaped; bytes that are not well-formed UTF-8 written as the text \xNN),
// so the result is always valid JSON string content.
std::string json_escape(std::string_view s);

// `s` as a field of a text log line, to be written between double quotes:
// quotes, backslashes, control bytes (CR and LF included) and bytes that are
// not well-formed UTF-8 escaped, so a client-controlled value can neither end
// the field nor start a new line. Every client-controlled field goes through it.
std::string log_escape(std::string_view s);

}  // namespace reemu
