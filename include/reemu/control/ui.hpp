// GET /emulator/ui: the dashboard, one self-contained page (HTML, CSS and
// plain JavaScript from src/control/ui/, joined and compiled in by CMake like
// the OpenAPI document). It loads nothing from anywhere else and reads and
// drives the emulator only through the control API, with the credentials the
// browser's Basic prompt asked for (a 401 carries WWW-Authenticate).
#pragma once

#include <string_view>
#include <vector>

#include "reemu/http/router.hpp"

namespace reemu {

// The page as served, byte for byte.
std::string_view dashboard_page() noexcept;

reply get_dashboard(const request_context& ctx);  // GET /emulator/ui

// The room's route table: admin only, never journalled (the page's own polls
// are kept out with X-Emulator-Journal: off).
std::vector<route> control_ui_routes();

}  // namespace reemu
