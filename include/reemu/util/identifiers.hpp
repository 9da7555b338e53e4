// Length caps on the identifiers clients create (action uids, user emails,
// object names, fault patterns), checked at creation: an identifier too long
// to fit in a URL under the header limit could be created but never be
// read, patched or deleted again.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace reemu {

// Action uids, emails, names, object names, fault users and error codes.
inline constexpr std::size_t max_identifier_length = 256;
// Fault path patterns and descriptions.
inline constexpr std::size_t max_pattern_length = 1024;

struct field_limit {
  std::string_view key;
  std::size_t max = max_identifier_length;
};

// The first string member of `body` named in `limits` that is longer than
// its limit, as a message naming the field, its length and the limit;
// nullopt when all fit. Absent and non-string members are left to the
// caller's own validation.
std::optional<std::string> over_long_field(const nlohmann::json& body,
                                           std::initializer_list<field_limit> limits);

}  // namespace reemu
