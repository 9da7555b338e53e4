// Hexadecimal text for bytes: the one encoder (password hashes and salts in
// the state file, credential tags, the TLS certificate fingerprint, byte
// escapes in log lines).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reemu {

enum class hex_case { lower, upper };

// Appends two hex digits per byte of `bytes` to `out`, with `separator`
// between bytes when it is not '\0' ("AB:CD" for a fingerprint).
void append_hex(std::string& out, const unsigned char* bytes, std::size_t size,
                hex_case letters = hex_case::lower, char separator = '\0');

// The same, as a new string.
std::string to_hex(const unsigned char* bytes, std::size_t size, hex_case letters = hex_case::lower,
                   char separator = '\0');

// Bytes of lower-case hex text without separators (what to_hex writes by
// default); nullopt for an odd length or any other character.
std::optional<std::vector<unsigned char>> from_hex(std::string_view text);

}  // namespace reemu
