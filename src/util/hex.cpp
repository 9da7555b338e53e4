// Hex encoding and decoding.
#include "reemu/util/hex.hpp"

namespace reemu {

void append_hex(std::string& out, const unsigned char* bytes, std::size_t size, hex_case letters,
                char separator) {
  const char* digits = letters == hex_case::lower ? "0123456789abcdef" : "0123456789ABCDEF";
  out.reserve(out.size() + size * (separator == '\0' ? 2 : 3));
  for (std::size_t i = 0; i < size; ++i) {
    if (i != 0 && separator != '\0') out.push_back(separator);
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0F]);
  }
}

std::string to_hex(const unsigned char* bytes, std::size_t size, hex_case letters, char separator) {
  std::string out;
  append_hex(out, bytes, size, letters, separator);
  return out;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::vector<unsigned char> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace reemu
