// HTTP Basic authentication: decoding the Authorization header and checking
// a password in time that does not depend on whether the user exists.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "reemu/model/model.hpp"

namespace reemu {

// Longest Authorization header value we decode; longer ones are refused
// before any work is done on them.
inline constexpr std::size_t max_authorization_length = 4096;

struct basic_credentials {
  std::string username;
  std::string password;
};

// Decodes `Basic <base64(user:password)>` (scheme case-insensitive, strict
// base64 with padding). nullopt for anything else: another scheme, bad
// base64, no ':' in the decoded text, an over-long value. Never throws.
std::optional<basic_credentials> parse_basic_authorization(std::string_view value) noexcept;

// Standard base64 decoding; nullopt on any character or padding error.
std::optional<std::string> base64_decode(std::string_view in) noexcept;

// Standard base64 encoding with padding (for clients and tests).
std::string base64_encode(std::string_view in);

password_digest digest_password(std::string_view password) noexcept;

// Returns the user whose email and password match, or nullptr. Compares
// digests with CRYPTO_memcmp and, for an unknown email, against a dummy
// digest, so the time taken does not tell whether the user exists.
const user* authenticate(const user_map& users, const basic_credentials& credentials) noexcept;

}  // namespace reemu
