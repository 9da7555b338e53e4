// Proxies (/v1/proxies): one per node, its uid the node's. A proxy is the
// real GET /v1/proxies capture's object with the settings a PUT changed on
// top; only those changes are stored. Plain values; no locking.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

// The settings PUT /v1/proxies[/{uid}] changed on one proxy (keys of the
// template, never "uid"). Always an object.
struct proxy_settings {
  json fields = json::object();

  bool operator==(const proxy_settings&) const = default;
};

// The changed proxies by uid (the node's); a proxy never changed is absent.
using proxy_map = std::map<std::uint64_t, proxy_settings>;

// The object every proxy is rendered from: the capture's element without
// its uid (tests/data/proxies_list.json). Thread-safe.
const json& proxy_template();

// The wire object of the proxy `uid`: the template, `s` on top, the uid.
json proxy_object(std::uint64_t uid, const proxy_settings& s);

// Reads a PUT body {"allow_restart":bool,"proxy":{…}}: invalid_schema for
// a key outside those two, a proxy key the template lacks (or "uid"), a
// value of another type than the template's, a count out of its range or a
// log_level outside the vocabulary; missing_field without "proxy". The
// settings the "proxy" object gives.
result<proxy_settings> read_proxy_update(const json& body);

// `current` with `change` on top; invalid_schema when the result's threads
// exceed its max_threads.
result<proxy_settings> apply_proxy_update(const proxy_settings& current,
                                          const proxy_settings& change);

// 404 proxy_not_found for the uid `uid` (as the path gave it).
failure no_such_proxy(std::string_view uid);

// The state file's record, {"uid","fields"}; proxy_from_record reads it
// back with the checks of a body, naming `where` ("proxies[0]").
json proxy_record(std::uint64_t uid, const proxy_settings& s);
result<std::pair<std::uint64_t, proxy_settings>> proxy_from_record(const json& record,
                                                                   const std::string& where);

}  // namespace reemu
