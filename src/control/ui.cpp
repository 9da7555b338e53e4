// The dashboard page (include/reemu/control/ui.hpp).
#include "reemu/control/ui.hpp"

#include <memory>
#include <string>

namespace reemu {

namespace {

// src/control/ui/dashboard.{html,css,js} joined by CMake into one raw string
// literal (reemu_embed in the top-level CMakeLists.txt).
constexpr std::string_view embedded_page =
#include "dashboard_page.inc"
    ;

}  // namespace

std::string_view dashboard_page() noexcept { return embedded_page; }

reply get_dashboard(const request_context&) {
  static const auto body = std::make_shared<const std::string>(embedded_page);
  reply r = shared_reply(body);
  r.content_type = "text/html; charset=utf-8";
  // The page polls live data: a cached copy would be a stale script.
  r.headers.emplace_back(http_t::to_string(http_t::field::cache_control), "no-store");
  r.headers.emplace_back(http_t::to_string(http_t::field::x_frame_options), "DENY");
  return r;
}

std::vector<route> control_ui_routes() {
  using http_t::verb;
  return {
      {verb::get, "/emulator/ui", control_api_access, uses<&get_dashboard>, false},
  };
}

}  // namespace reemu
