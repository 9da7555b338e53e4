// The control API's state room: the state document (persist/document.hpp)
// over HTTP. GET answers what a save would write; PUT reads and checks a
// document whole, then installs it as a reset installs the seed.
#include "reemu/control/state.hpp"

#include <memory>
#include <string>
#include <utility>

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/persist/document.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/journal.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

using http_t::status;

reply get_state(const request_context&, services& all) {
  // The document's own text (compact, keys sorted), not re-rendered: the
  // bytes a PUT takes back.
  return shared_reply(std::make_shared<const std::string>(capture_state(all)));
}

reply put_state(const request_context& ctx, services& all) {
  if (ctx.body.empty())
    return error_reply(api_error::malformed_json, "request body must be a state document");
  auto doc = parse_untrusted_json(ctx.body);
  if (!doc) return error_reply(doc.error());
  // Every part is read and checked before anything changes: a document
  // that fails anywhere leaves the emulator as it was.
  auto state = read_state(*doc, all);
  if (!state) {
    // A 400 whatever the part's check said: the document is what is wrong.
    const failure& f = state.error();
    return error_reply(status_code_of(f.error) == 400 ? f.error : api_error::invalid_value,
                       "not a state document this emulator can take: " + f.description);
  }
  install_state(std::move(*state), all);
  // The journal is a record of requests, not state (the document does not
  // hold it): like a reset, the restored emulator starts a new record.
  all.journal.clear();
  const auto snap = all.registry.snapshot();
  return json_reply(status::ok, json{{"actions", snap->data().actions.size()},
                                     {"users", snap->data().users.size()},
                                     {"databases", snap->data().databases.size()},
                                     {"clock", json{{"now", number_value(all.clock.now())},
                                                    {"mode", to_string(all.clock.mode())}}}});
}

std::vector<route> control_state_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/state", admin, uses<&get_state>},
      {verb::put, "/emulator/v1/state", admin, uses<&put_state>},
  };
}

}  // namespace reemu
