// Bytes -> parse_untrusted_json -> parse_config -> app: a bad config is a
// config_error and nothing else; a good one starts an app whose first
// GET /v1/actions (and /v2/actions) answers with JSON.
// A document with a "format" key is read as a state file instead (the other
// file the emulator loads at start-up): restore_state either refuses it with
// a state_file_error, changing nothing, or installs it, and then a capture
// loads back to itself and the lists answer. A document followed by more
// lines is read as a state file with log records (read_state_text): a record
// of the wrong shape is a state_file_error, the result goes through the same
// checks.
#include <exception>

#include "fuzz_support.hpp"

namespace {

void check_lists(reemu::app& a, const std::string& authorization) {
  for (const char* target : {"/v1/actions", "/v2/actions"}) {
    reemu::fuzz::request_text r;
    r.target = target;
    r.authorization = authorization;
    const reemu::incoming_request in = reemu::fuzz::to_incoming(r);
    const reemu::handled h = a.handle(in);
    const reemu::json body = reemu::fuzz::check_reply(h, target);
    if (h.reply.status != reemu::http_t::status::ok)
      reemu::fuzz::fail("an admin's GET is not 200", h.reply.body.str());
    if (body.is_null()) reemu::fuzz::fail("GET answered without a body", target);
  }
}

void fuzz_state(const reemu::json& document) {
  static const auto a = reemu::fuzz::make_app();
  reemu::reset_to_seed(a->svc());
  const std::string before = reemu::capture_state(a->svc());
  try {
    reemu::restore_state(document, a->svc(), "fuzz state");
  } catch (const reemu::state_file_error&) {
    if (reemu::capture_state(a->svc()) != before)
      reemu::fuzz::fail("a refused state file changed the state", reemu::dump(document));
    return;
  }
  const std::string saved = reemu::capture_state(a->svc());
  reemu::restore_state(reemu::json::parse(saved), a->svc(), "fuzz state again");
  if (reemu::capture_state(a->svc()) != saved)
    reemu::fuzz::fail("a restored state does not save and load back to itself", saved);
  // The file may hold fault rules (they would answer instead), and may
  // remove or change the admin: ask without faults, and only when the admin
  // is intact.
  a->svc().faults.clear();
  const auto snap = a->svc().registry.snapshot();
  const auto it = snap->data().users.find(std::string_view("admin@redis.local"));
  if (it != snap->data().users.end() &&
      reemu::management_of(snap->data().roles, it->second).contains(reemu::role::admin) &&
      reemu::verify_password(it->second.digest, "Redis123!"))
    check_lists(*a, reemu::fuzz::admin_authorization());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const std::size_t first_end = text.find('\n');
      first_end != std::string_view::npos && first_end + 1 < text.size()) {
    const auto first = reemu::parse_untrusted_json(text.substr(0, first_end));
    if (first && first->is_object() && first->contains("format")) {
      reemu::state_text state;
      try {
        state = reemu::read_state_text(std::string(text), "fuzz state");
      } catch (const reemu::state_file_error&) {
        return 0;  // refused with a message
      }
      fuzz_state(state.document);
      return 0;
    }
  }
  auto document = reemu::parse_untrusted_json(text);
  if (!document) return 0;
  if (document->is_object() && document->contains("format")) {
    fuzz_state(*document);
    return 0;
  }

  std::optional<reemu::config> cfg;
  try {
    cfg.emplace(reemu::parse_config(std::move(*document), "fuzz.json"));
  } catch (const reemu::config_error&) {
    return 0;  // refused with a message: what a bad config should get
  }
  // Anything else escaping parse_config is a bug: libFuzzer reports the
  // uncaught exception as a crash.

  std::string authorization;
  for (const auto& u : cfg->users) {
    if (u.role != reemu::role::admin) continue;
    const std::string pair = u.email + ":" + u.password;
    // A ':' in the email cannot be sent in Basic auth: that admin is unreachable.
    if (u.email.find(':') != std::string::npos) continue;
    authorization = "Basic " + reemu::base64_encode(pair);
    if (authorization.size() <= reemu::max_authorization_length) break;
    authorization.clear();
  }

  // A fuzzed config must not write files where it likes.
  cfg->emulator.state_file.clear();
  std::unique_ptr<reemu::app> a;
  try {
    a = std::make_unique<reemu::app>(std::move(*cfg));
  } catch (const reemu::config_error&) {
    return 0;
  }
  if (authorization.empty()) return 0;
  check_lists(*a, authorization);
  return 0;
}
