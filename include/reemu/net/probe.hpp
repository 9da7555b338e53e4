// A health probe built into the binary, so a container image needs no curl:
// `re-actions-emulator --health-check` asks the running server's
// /emulator/v1/health and exits 0 only on a 200.
#pragma once

#include <chrono>
#include <string>

#include "reemu/config/config.hpp"

namespace reemu {

// GETs /emulator/v1/health from the server `cfg` describes: plain HTTP when
// that listener is on, else HTTPS without certificate verification (it is
// our own server on loopback). Connects to 127.0.0.1 (or ::1) when the server
// binds every address. Returns true on 200; `detail` says what happened.
bool probe_health(const config& cfg, std::chrono::milliseconds timeout, std::string& detail);

}  // namespace reemu
