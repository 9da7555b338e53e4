// The exporter listener's request handler (--metrics-port, server.
// metrics_port): GET or HEAD /v2 answers the cluster's metrics
// (api/exporter.hpp) from the current snapshot at the clock's now; any other
// path 404, another method on /v2 405 with Allow. No authentication (a real
// cluster's exporter has none), no journal, no fault rules, no request
// metrics: the emulated API's pipeline (app::handle) is not involved.
#pragma once

#include "reemu/app/app.hpp"

namespace reemu {

class metrics_exporter {
 public:
  // `a` must outlive the exporter.
  explicit metrics_exporter(app& a) : app_(a) {}

  // The session's handler contract (net/session.hpp). Thread-safe.
  handled handle(const incoming_request& req, auth_cache* cache = nullptr);

 private:
  app& app_;
};

}  // namespace reemu
