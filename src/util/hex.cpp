// Hex encoding and decoding by Boost.Algorithm; this file adds what it lacks:
// a separator between bytes, and decoding that takes lower case only.
#include "reemu/util/hex.hpp"

#include <boost/algorithm/hex.hpp>
#include <iterator>

namespace reemu {

void append_hex(std::string& out, const unsigned char* bytes, std::size_t size, hex_case letters,
                char separator) {
  out.reserve(out.size() + size * (separator == '\0' ? 2 : 3));
  const auto encode = [&](const unsigned char* first, const unsigned char* last) {
    if (letters == hex_case::lower) {
      boost::algorithm::hex_lower(first, last, std::back_inserter(out));
    } else {
      boost::algorithm::hex(first, last, std::back_inserter(out));
    }
  };
  if (separator == '\0') {
    encode(bytes, bytes + size);
    return;
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (i != 0) out.push_back(separator);
    encode(bytes + i, bytes + i + 1);
  }
}

std::string to_hex(const unsigned char* bytes, std::size_t size, hex_case letters, char separator) {
  std::string out;
  append_hex(out, bytes, size, letters, separator);
  return out;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view text) {
  // unhex takes either case and throws on anything else: the text is
  // checked first, so only lower case gets there and nothing throws.
  if (text.size() % 2 != 0 || text.find_first_not_of("0123456789abcdef") != std::string_view::npos)
    return std::nullopt;
  std::vector<unsigned char> out;
  out.reserve(text.size() / 2);
  boost::algorithm::unhex(text.begin(), text.end(), std::back_inserter(out));
  return out;
}

}  // namespace reemu
