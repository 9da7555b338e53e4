// The public routes.
#include "reemu/control/health.hpp"

#include "reemu/control/openapi.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

reply get_health(const request_context&) {
  static const auto body = std::make_shared<const std::string>(dump(json{{"status", "ok"}}));
  return shared_reply(body);
}

std::vector<route> health_routes() {
  using http_t::verb;
  constexpr auto open = access::public_route();
  return {
      {verb::get, "/emulator/v1/health", open, uses<&get_health>},
      {verb::get, "/emulator/v1/openapi.json", open, uses<&get_openapi_json>},
      {verb::get, "/emulator/v1/openapi.yaml", open, uses<&get_openapi_yaml>},
  };
}

}  // namespace reemu
