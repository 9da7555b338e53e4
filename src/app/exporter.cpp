// The exporter listener's handler (include/reemu/app/exporter.hpp).
#include "reemu/app/exporter.hpp"

#include <memory>
#include <string>

#include "reemu/api/exporter.hpp"
#include "reemu/control/metrics.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

handled metrics_exporter::handle(const incoming_request& req, auth_cache* /*cache*/) {
  handled h;
  services& s = app_.svc();
  h.arrival = s.clock.now();
  h.journal = false;
  // The path without its query string (Prometheus sends none; a browser may).
  const std::string_view path = req.target.substr(0, req.target.find('?'));
  if (path != exporter_path) {
    h.reply = error_reply(api_error::not_found, "Route " + std::string(path) +
                                                    " does not exist: the metrics are at " +
                                                    std::string(exporter_path));
    return h;
  }
  if (req.method != http_t::verb::get && req.method != http_t::verb::head) {
    h.reply = error_reply(api_error::method_not_allowed, "Method " + std::string(req.method_text) +
                                                             " is not allowed on " +
                                                             std::string(exporter_path));
    h.reply.headers.emplace_back(http_t::to_string(http_t::field::allow), "GET, HEAD");
    return h;
  }
  const snapshot_ptr snap = s.registry.snapshot();
  h.reply.body = std::make_shared<const std::string>(
      render_exporter_metrics(snap->data(), s.cluster.name, h.arrival));
  h.reply.content_type = metrics_content_type;
  return h;
}

}  // namespace reemu
