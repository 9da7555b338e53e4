// The embedded OpenAPI document, its YAML rendering, and the two routes that
// serve them.
#include "reemu/control/openapi.hpp"

#include <cmath>
#include <cstdint>
#include <memory>

namespace reemu {

namespace {

// docs/openapi.json, pasted by CMake as a raw string literal (reemu_embed in
// the top-level CMakeLists.txt).
constexpr std::string_view embedded_document =
#include "openapi_document.inc"
    ;

constexpr char hex_digits[] = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(cp >> shift) & 0xF];
}

// Decodes the UTF-8 sequence at s[i]: the code point and its length, or
// {0xFFFD, 1} for a byte that does not start a valid sequence (overlong
// forms, surrogates and values past U+10FFFF are invalid).
std::pair<std::uint32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) noexcept {
  constexpr std::pair<std::uint32_t, std::size_t> invalid{0xFFFD, 1};
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return invalid;
  }
  if (i + len > s.size()) return invalid;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return invalid;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid;
  return {cp, len};
}

// Characters a YAML stream may not hold raw (C0 and C1 controls, DEL, the
// byte-order mark, non-characters) or that YAML 1.1 reads as line breaks
// (U+0085, U+2028, U+2029).
bool needs_u_escape(std::uint32_t cp) noexcept {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

// A double-quoted scalar that is also a valid JSON string.
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, len] = decode_utf8(s, i);
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // An invalid byte (decoded as U+FFFD from one byte) is escaped too.
        if (needs_u_escape(cp) || (cp == 0xFFFD && len == 1)) {
          append_u_escape(out, cp);
        } else {
          out.append(s.substr(i, len));
        }
    }
    i += len;
  }
  out += '"';
}

// A key YAML reads back as this very string when written plain: an
// identifier-like word that no YAML version takes for a boolean or null.
bool is_plain_key(std::string_view k) noexcept {
  if (k.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const char first = k.front();
  if (!alpha(first) && first != '_' && first != '$') return false;
  for (char c : k) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '$' && c != '.' && c != '/' &&
        c != '-')
      return false;
  }
  std::string lower(k);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (std::string_view word : {"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
    if (lower == word) return false;
  return true;
}

void append_key(std::string& out, std::string_view k) {
  if (is_plain_key(k)) {
    out += k;
  } else {
    append_quoted(out, k);
  }
}

template <class J>
bool is_block(const J& v) {
  return (v.is_object() || v.is_array()) && !v.empty();
}

template <class J>
void append_scalar(std::string& out, const J& v) {
  switch (v.type()) {
    case J::value_t::string:
      append_quoted(out, v.template get_ref<const typename J::string_t&>());
      break;
    case J::value_t::object:
      out += "{}";
      break;  // only ever called for empty ones
    case J::value_t::array:
      out += "[]";
      break;
    case J::value_t::number_float: {
      const double x = v.template get<double>();
      if (std::isnan(x)) {
        out += ".nan";
      } else if (std::isinf(x)) {
        out += x < 0 ? "-.inf" : ".inf";
      } else {
        // JSON writes 1e-05; YAML 1.1 needs a '.' to read a float.
        std::string text = v.dump();
        if (text.find('.') == std::string::npos) {
          const auto e = text.find_first_of("eE");
          text.insert(e == std::string::npos ? text.size() : e, ".0");
        }
        out += text;
      }
      break;
    }
    case J::value_t::binary: {
      const auto& bytes = v.get_binary();
      out += '[';
      for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i) out += ", ";
        out += std::to_string(static_cast<unsigned>(bytes[i]));
      }
      out += ']';
      break;
    }
    case J::value_t::discarded:
      out += "null";
      break;
    default:
      out += v.dump();
      break;  // null, boolean, integers
  }
}

void indent_to(std::string& out, std::size_t n) { out.append(n, ' '); }

// Writes the lines of non-empty container `v` at `indent`. When
// `first_inline`, the caller has already written the first line's
// indentation and "- ".
template <class J>
void append_block(std::string& out, const J& v, std::size_t indent, bool first_inline) {
  bool first = true;
  const auto start_line = [&] {
    if (!(first && first_inline)) indent_to(out, indent);
    first = false;
  };
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      start_line();
      append_key(out, it.key());
      out += ':';
      if (is_block(it.value())) {
        out += '\n';
        append_block(out, it.value(), indent + 2, false);
      } else {
        out += ' ';
        append_scalar(out, it.value());
        out += '\n';
      }
    }
    return;
  }
  for (const auto& item : v) {
    start_line();
    out += "- ";
    if (is_block(item)) {
      append_block(out, item, indent + 2, true);
    } else {
      append_scalar(out, item);
      out += '\n';
    }
  }
}

template <class J>
std::string yaml_of(const J& j) {
  std::string out;
  if (is_block(j)) {
    append_block(out, j, 0, false);
  } else {
    append_scalar(out, j);
    out += '\n';
  }
  return out;
}

std::shared_ptr<const std::string> make_yaml_body() {
  std::string text =
      "# Generated from docs/openapi.json by reemu::to_yaml (src/openapi.cpp): edit the JSON.\n";
  const auto doc = nlohmann::ordered_json::parse(embedded_document, nullptr, false);
  if (doc.is_discarded()) {
    // The unit tests keep this from shipping; the server must still answer.
    text += "# docs/openapi.json was not valid JSON when this binary was built.\n{}\n";
  } else {
    text += to_yaml(doc);
  }
  return std::make_shared<const std::string>(std::move(text));
}

const std::shared_ptr<const std::string>& yaml_body() {
  static const auto body = make_yaml_body();
  return body;
}

}  // namespace

std::string_view openapi_json() noexcept { return embedded_document; }

const std::string& openapi_yaml() { return *yaml_body(); }

std::string to_yaml(const nlohmann::json& j) { return yaml_of(j); }

std::string to_yaml(const nlohmann::ordered_json& j) { return yaml_of(j); }

reply get_openapi_json(const request_context&) {
  static const auto body = std::make_shared<const std::string>(embedded_document);
  return shared_reply(body);
}

reply get_openapi_yaml(const request_context&) {
  reply r = shared_reply(yaml_body());
  r.content_type = "application/yaml";
  return r;
}

}  // namespace reemu
