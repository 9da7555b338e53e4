// The one whole-string number parser: every number that arrives as text
// (path parameters, query values, wire strings such as "100" or
// "1760400087") is read here, so all of them accept and refuse the same.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace reemu {

// The number `text` spells, when the whole of it is one number of type T
// (std::from_chars syntax: no sign for unsigned types, no leading '+' or
// spaces, no "0x"). nullopt for empty text, trailing characters, or a value
// out of T's range. For floating T, "nan" and "inf" parse: a caller that
// needs a finite value checks std::isfinite. Pure, never throws.
template <typename T>
std::optional<T> parse_number(std::string_view text) noexcept {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || stop != end) return std::nullopt;
  return value;
}

}  // namespace reemu
