// JSON Web Tokens (HS256) for POST /v1/users/authorize and refresh_jwt, and
// the `Authorization: JWT <token>` / `Bearer <token>` headers that use them.
//
// Signing and the signature check are cpp-jwt's (Debian's libcpp-jwt-dev);
// the token's shape is checked here first and its times against the
// emulator's clock afterwards (see token_signer::verify).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reemu {

// The ttl an authorize or refresh request may ask for, in seconds, and the
// one it gets when it asks for none (the Redis Software reference's).
inline constexpr std::uint32_t token_default_ttl = 300;
inline constexpr std::uint32_t token_max_ttl = 86400;

// Bytes of a secret drawn at start-up, and the fewest a configured secret
// may have (RFC 7518 3.2: a key at least as long as the hash).
inline constexpr std::size_t token_secret_bytes = 32;

// What a verified token says.
struct token_claims {
  std::string user;        // "sub": the user's email
  std::string credential;  // "cred": credential_tag() of the user's password when issued
  std::int64_t iat = 0;    // issued at, emulator clock, whole seconds
  std::int64_t exp = 0;    // refused from this second on
};

// The outcome of a check: the claims, or why the token is refused.
struct token_check {
  std::optional<token_claims> claims;
  std::string_view problem;  // empty when claims is set
};

// The token of `JWT <token>` or `Bearer <token>` (scheme case-insensitive,
// spaces around the token ignored), or nullopt for anything else (Basic,
// no token, longer than max_authorization_length). Never throws.
std::optional<std::string_view> parse_token_authorization(std::string_view value) noexcept;

// The user a token names ("sub"), read WITHOUT checking the signature or
// the times: who the client claims to be, for fault rules. nullopt when the
// token has no such claim or is malformed. Never throws.
std::optional<std::string> claimed_token_user(std::string_view token) noexcept;

// Issues and verifies the tokens of one emulator run with one secret.
// Immutable after construction; thread-safe.
class token_signer {
 public:
  // Signs with `secret`. Throws std::invalid_argument when it is shorter
  // than token_secret_bytes.
  explicit token_signer(std::string secret);

  // A signer with token_secret_bytes drawn from the kernel's CSPRNG
  // (getrandom(2)). Throws std::system_error when it fails.
  static token_signer with_random_secret();

  // A token for `user` whose password has credential_tag `credential`
  // (auth.hpp): iat = floor(now), exp = iat + ttl, alg HS256. The tag ties
  // the token to that user's credentials: a user deleted and created again
  // under the same email, or given a new password, has another one, and
  // the token no longer admits anyone. Throws std::runtime_error when
  // signing fails (OpenSSL).
  std::string issue(std::string_view user, std::string_view credential, double now,
                    std::uint32_t ttl) const;

  // Checks `token` at emulator time `now`: three base64url parts, header
  // {"alg":"HS256"} (alg none and every other algorithm refused, and a
  // "crit" header naming extensions, which RFC 7515 4.1.11 says to refuse
  // when not understood), a valid signature (compared in constant time),
  // string "sub" and "cred", whole-number "iat" and "exp", iat <= now < exp.
  // Whether "cred" still matches the user is the caller's check. Never
  // throws.
  token_check verify(std::string_view token, double now) const noexcept;

 private:
  std::string secret_;
};

}  // namespace reemu
