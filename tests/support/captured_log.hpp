// A logger writing to a string stream at info, for the life of the object;
// then logging goes back off. Constructed before the server starts and
// destroyed after it stops, so no server thread logs while it changes.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/util/logging.hpp"
#include "test_server.hpp"

namespace reemu::test {

class captured_log {
 public:
  explicit captured_log(const std::string& format = "text") {
    quiet_logging();  // the harness's own one-time set-up happens first
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_, true);
    spdlog::set_default_logger(make_logger("info", format, sink));
  }
  ~captured_log() { setup_logging("off", "text"); }
  captured_log(const captured_log&) = delete;
  captured_log& operator=(const captured_log&) = delete;

  // The lines mentioning `needle`.
  std::vector<std::string> lines_with(std::string_view needle) const {
    std::vector<std::string> found;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);)
      if (line.find(needle) != std::string::npos) found.push_back(line);
    return found;
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

}  // namespace reemu::test
