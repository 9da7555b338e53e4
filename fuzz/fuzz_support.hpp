// Shared by the libFuzzer targets: a small embedded config, requests built
// the way a session builds them, and the reply invariants every target
// checks. A broken invariant calls abort() with a message, so libFuzzer
// reports the input as a crash and keeps it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/model/validation.hpp"

namespace reemu::fuzz {

// A manual clock at a fixed start (runs are reproducible), the control API on,
// one user per interesting role, the real captures from SPEC.md and a few
// simulated actions so the lifecycle code is live.
inline constexpr std::string_view config_text = R"json({
  "emulator": {"clock": "manual", "clock_start": 1760400100, "control_api": true,
               "seed": 7, "journal_size": 64},
  "users": [
    {"email": "admin@redis.local", "password": "Redis123!", "role": "admin"},
    {"email": "viewer@redis.local", "password": "Viewer123!", "role": "cluster_viewer"},
    {"email": "nobody@redis.local", "password": "Nobody123!", "role": "none"}
  ],
  "databases": [1, 2],
  "actions": [
    {"action_uid": "8fc32a11-4688-4057-9237-cd77fccd726f", "creation_time": "1760400087", "name": "retry_bdb", "node_uid": "1", "progress": "100", "status": "completed", "task_id": "8fc32a11-4688-4057-9237-cd77fccd726f"},
    {"action_uid": "7d3e0c1a-0000-4000-8000-000000000001", "name": "maintenance_on", "node_uid": "2", "simulate": {}},
    {"action_uid": "7d3e0c1a-0000-4000-8000-000000000002", "name": "upgrade_node", "node_uid": "3", "simulate": {"steps": ["download", "install", "restart"], "step_seconds": 30, "outcome": "failed", "retain_seconds": 60}}
  ],
  "state-machines": [
    {"action_uid": "04d7b6ea-f377-4d40-9b23-9a8f291988df", "heartbeat": 1760400082, "name": "SMCreateBDB", "object_name": "bdb:1", "status": "completed"},
    {"action_uid": "5a42fabf-c603-4950-88d9-3a3148a5d763", "heartbeat": 1747780298, "name": "SMDeleteBDB", "object_name": "bdb:2", "pending_ops": {}, "progress": 14.29, "state": "config_security", "status": "active"},
    {"action_uid": "7d3e0c1a-0000-4000-8000-000000000003", "name": "SMCreateBDB", "object_name": "bdb:2", "simulate": {"fail_at_step": 3, "error": "no memory"}}
  ]
})json";

// Seeded uids, for routes that take one.
inline constexpr std::string_view seeded_uids[] = {
    "8fc32a11-4688-4057-9237-cd77fccd726f", "7d3e0c1a-0000-4000-8000-000000000001",
    "7d3e0c1a-0000-4000-8000-000000000002", "04d7b6ea-f377-4d40-9b23-9a8f291988df",
    "5a42fabf-c603-4950-88d9-3a3148a5d763", "7d3e0c1a-0000-4000-8000-000000000003",
};

inline const std::string& admin_authorization() {
  static const std::string value = "Basic " + base64_encode("admin@redis.local:Redis123!");
  return value;
}

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n  %.*s\n", what,
               static_cast<int>(detail.size() < 2000 ? detail.size() : 2000), detail.data());
  std::abort();
}

// The app every stateful target shares: built once from config_text.
inline std::unique_ptr<app> make_app() {
  auto doc = parse_untrusted_json(config_text);
  if (!doc) fail("embedded config is not JSON", doc.error().description);
  return std::make_unique<app>(parse_config(std::move(*doc), "fuzz-config"));
}

// A request as a session hands it to app::handle.
struct request_text {
  http_t::verb method = http_t::verb::get;
  std::string target;
  std::string authorization;
  std::string body;
};

inline incoming_request to_incoming(const request_text& r) {
  incoming_request in;
  in.method = r.method;
  in.method_text = http_t::to_string(r.method);
  in.target = r.target;
  in.authorization = r.authorization;
  in.content_type = "application/json";
  in.body = r.body;
  return in;
}

// Every reply: a real HTTP status; a body, when there is one, that is JSON;
// an error body with string error_code and description. A dropped connection
// (fault) has no body to check.
inline json check_reply(const handled& h, std::string_view context) {
  const unsigned status = static_cast<unsigned>(h.reply.status);
  if (status < 100 || status > 599) fail("status outside 1xx-5xx", context);
  if (!h.reply.body || h.reply.body.empty()) {
    if (status >= 400 && !h.reply.drop) fail("error reply without a body", context);
    return json();
  }
  json body = json::parse(h.reply.body.str(), nullptr, false);
  if (body.is_discarded()) fail("reply body is not JSON", h.reply.body.str());
  if (status >= 400) {
    const auto code = body.find("error_code");
    const auto description = body.find("description");
    if (!body.is_object() || code == body.end() || !code->is_string() ||
        description == body.end() || !description->is_string())
      fail("error body without string error_code and description", h.reply.body.str());
    // app::handle turns an exception out of a handler into this 500: a bug
    // (handlers return errors as values), not an answer. An injected fault
    // could mimic it only by choosing this exact description.
    if (status == 500 && *code == "internal_error" &&
        description->get_ref<const std::string&>().starts_with("Request failed: "))
      fail("a handler threw", h.reply.body.str());
  }
  return body;
}

}  // namespace reemu::fuzz
