// spdlog set-up. In JSON mode a custom flag escapes the message so every line
// is a valid JSON object whatever a client put in its request target.
#include "reemu/util/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/locale/utf.hpp>

#include "reemu/util/hex.hpp"

namespace reemu {

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0. Boost.Locale's
// decoder checks all three; its code point is not needed.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  namespace utf = boost::locale::utf;
  const char* const first = s.data() + i;
  const char* p = first;
  const utf::code_point c = utf::utf_traits<char>::decode(p, s.data() + s.size());
  return c == utf::illegal || c == utf::incomplete ? 0 : static_cast<std::size_t>(p - first);
}

void append_byte_escape(std::string& out, std::string_view prefix, unsigned char c) {
  out += prefix;
  append_hex(out, &c, 1);
}

// The escaping both formats share. In JSON a control byte is \u00XX; in
// text it is \xXX. A byte that is not part of well-formed UTF-8 becomes the
// four characters \xXX in both (in JSON the backslash itself escaped), so
// every line is valid UTF-8 and the original bytes can still be read off.
std::string escape(std::string_view s, bool json) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      append_byte_escape(out, json ? "\\\\x" : "\\x", c);
    } else if (n > 1) {
      out.append(s.substr(i, n));
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      append_byte_escape(out, json ? "\\u00" : "\\x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace

std::string json_escape(std::string_view s) { return escape(s, true); }

std::string log_escape(std::string_view s) { return escape(s, false); }

namespace {

class escaped_payload final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string e = json_escape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(e.data(), e.data() + e.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<escaped_payload>();
  }
};

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(const std::string& level, const std::string& format,
                                            spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>("reemu", std::move(sink));
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == "json") {
    formatter->add_flag<escaped_payload>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","message":"%*"})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

void setup_logging(const std::string& level, const std::string& format) {
  spdlog::set_default_logger(
      make_logger(level, format, std::make_shared<spdlog::sinks::stderr_sink_mt>()));
}

}  // namespace reemu
