// What a handler receives (request_context) and returns (reply): plain values,
// no sockets. The session turns a reply into bytes.
#pragma once

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/url/params_view.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/http/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/shared_bytes.hpp"
#include "reemu/model/users.hpp"
#include "reemu/state/services.hpp"

namespace reemu {

namespace http_t = boost::beast::http;

class registry_state;

struct reply {
  http_t::status status = http_t::status::ok;
  shared_bytes body;  // empty (false): no body; may be several pieces
  std::string_view content_type = "application/json";
  // Extra response headers. Names are static strings (literals or
  // http_t::to_string(field)), so a reply never allocates for a name.
  std::vector<std::pair<std::string_view, std::string>> headers;
  std::chrono::milliseconds delay{0};  // wait before answering (fault)
  bool drop = false;                   // close without answering (fault)
};

reply json_reply(http_t::status status, const json& body);

// 200 with no body (a route that answers its status only).
reply status_only();
reply shared_reply(shared_bytes body);
reply error_reply(api_error e, const std::string& description);
// An error answer with a status and code of the caller's choosing (an
// injected fault's), in the same body shape.
reply error_reply(http_t::status status, std::string_view error_code, std::string_view description);
reply error_reply(const failure& f);

// 401 unauthorized with the Basic challenge (WWW-Authenticate) every 401
// carries.
reply unauthorized_reply(const std::string& description);
reply no_content();

// Path parameters by name, percent-decoded ("uid" -> "5a42…").
using path_params = std::vector<std::pair<std::string_view, std::string>>;

struct request_context {
  http_t::verb method = http_t::verb::get;
  std::string_view target;
  boost::urls::params_view query;
  path_params params;
  std::string_view body;
  std::string_view content_type;
  std::string_view expected_state_id;           // the cluster-state-id request header, may be empty
  std::string_view task_id;                     // the X-Task-ID request header, may be empty
  std::string_view result_ttl;                  // the X-Result-TTL request header, may be empty
  const reemu::user* user = nullptr;            // authenticated caller
  double now = 0;                               // the clock, read once per request
  std::shared_ptr<const registry_state> state;  // snapshot taken once per request

  // The decoded parameter `name`; empty when absent.
  const std::string& param(std::string_view name) const;
};

// What a route calls: the request and the long-lived parts. Routes are
// not written as one: a handler names the parts it uses as parameters
// after the request, and the route table lends exactly those (uses<>):
//   reply create_bdb(const request_context&, registry&, const cluster_settings&);
//   {verb::post, "/v1/bdbs", access::needs("create_new_bdb"), uses<&create_bdb>},
// so the signature says what a route can touch, and it can reach nothing
// else.
using handler_fn = reply (*)(const request_context&, services&);

template <class Handler>
struct handler_parts;
template <class... Parts>
struct handler_parts<reply (*)(const request_context&, Parts&...)> {
  template <reply (*Handler)(const request_context&, Parts&...)>
  static reply call(const request_context& ctx, services& s) {
    return Handler(ctx, lend<Parts>(s)...);
  }
};

// The route table's handler for `Handler`, lending it the parts it names.
template <auto Handler>
inline constexpr handler_fn uses = &handler_parts<decltype(Handler)>::template call<Handler>;

// The request body as a JSON object, or the failure to answer with. The
// Content-Type is not checked: `curl -d '{…}'` sends form-urlencoded, and a
// body that parses as JSON is what matters.
result<json> read_body(const request_context& ctx);

// The value of query parameter `name` (percent-decoded), or nullopt when
// the target has none.
std::optional<std::string> query_value(const request_context& ctx, std::string_view name);

}  // namespace reemu
