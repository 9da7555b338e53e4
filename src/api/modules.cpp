// The emulated modules API: the list is the same for every request, so it
// is serialised once and shared.
#include "reemu/api/modules.hpp"

#include "reemu/model/modules.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

reply get_modules(const request_context&) {
  static const auto body = std::make_shared<const std::string>(dump(modules_list()));
  return shared_reply(body);
}

reply get_module(const request_context& ctx) {
  const json* m = find_module(ctx.param("uid"));
  if (!m) {
    return error_reply(api_error::module_not_exist,
                       "Module " + ctx.param("uid") + " does not exist");
  }
  return json_reply(http_t::status::ok, *m);
}

std::vector<route> modules_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/modules", access::needs("view_cluster_modules"), uses<&get_modules>},
      {verb::get, "/v1/modules/{uid}", access::needs("view_cluster_modules"), uses<&get_module>},
  };
}

}  // namespace reemu
