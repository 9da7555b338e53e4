// HTTP Basic authentication: decoding the Authorization header and checking
// a password in time that does not depend on whether the user exists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/users.hpp"
#include "reemu/util/identifiers.hpp"

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

// The credentials of a JSON body {"username":…,"password":…, …} (other
// keys ignored here; the handler checks them): nullopt when the body is not
// a JSON object with both as strings. Never throws.
std::optional<basic_credentials> parse_body_credentials(std::string_view body) noexcept;

// Strict standard base64 decoding (OpenSSL's decoder, checked around):
// nullopt for a length not a multiple of 4, any character outside the
// alphabet (blanks and line ends included, anywhere), '=' anywhere but as
// the last one or two characters, or padding that stands for non-zero bits.
std::optional<std::string> base64_decode(std::string_view in) noexcept;

// Standard base64 encoding with padding (for clients and tests).
std::string base64_encode(std::string_view in);

// PBKDF2-HMAC-SHA256 rounds for new passwords. Modest on purpose: each
// check of a new Authorization header costs one derivation (the
// per-connection auth_cache spares keep-alive clients), and start-up
// derives one per configured user. About 1 ms each on a loaded 2-core box.
inline constexpr std::uint32_t pbkdf2_iterations = 1000;

// A new digest of `password`: a fresh random salt (OpenSSL's CSPRNG) and
// pbkdf2_iterations rounds. Throws std::runtime_error when OpenSSL fails.
password_digest digest_password(std::string_view password);

// The digest of a user the config seeds: the salt is derived from the email
// and the password (SHA-256), so every start and every reset gives the same
// digest, and a token issued to a seeded user (its credential_tag) outlives
// a restart with a configured jwt_secret and a reset. The config holds the
// password in clear already, so a derived salt hides nothing less. Throws
// std::runtime_error when OpenSSL fails.
password_digest seed_digest(std::string_view email, std::string_view password);

// The same salt and iterations as `like`, applied to `password`: what a
// check compares against. Throws std::runtime_error when OpenSSL fails.
password_digest rehash_password(std::string_view password, const password_digest& like);

// True when `password` hashes to `d` (constant-time comparison). A password
// with a NUL byte never matches: HMAC pads a short key with zeros, so
// "secret" and "secret\0" would derive the same hash (and no password with
// a NUL can be set).
bool verify_password(const password_digest& d, std::string_view password);

// Why `password` cannot be set (a NUL byte: see verify_password), or
// nullopt. `field` names it in the message.
std::optional<std::string> password_problem(std::string_view password,
                                            std::string_view field = "password");

// A short tag of `d` for tokens to carry (16 hex digits of SHA-256 over its
// salt and hash): every new password, and every user created again, draws
// a new salt and so a new tag. Reveals nothing usable about the password.
std::string credential_tag(const password_digest& d);

// The tag of user `u`'s credentials: its digest and its uid. A user deleted
// and created again gets a new uid (uids are not reused), so no token of
// the old one admits the new one, even with a digest that comes out the
// same (a seeded user's is derived from its email and password).
std::string credential_tag(const user& u);

// The most PBKDF2 rounds a stored digest may ask for: enough to read any
// digest this build writes, bounded so that an edited state file cannot make
// each sign-in take minutes.
inline constexpr std::uint64_t max_pbkdf2_iterations = 10'000'000;

// `d` as the state file keeps it: "pbkdf2-sha256$ITERATIONS$SALT$HASH", salt
// and hash in lower-case hex.
std::string password_text(const password_digest& d);

// Reads password_text back; nullopt for another scheme, 0 or more than
// max_pbkdf2_iterations rounds, or a salt or hash of another length.
std::optional<password_digest> parse_password_text(std::string_view text);

// A user as the state file keeps it: {"uid","email","name","role_uids",
// "password","password_issued_at","email_alerts"} and the optional alert
// keys, the password as password_text. Round-trips through user_from_record.
json user_record(const user& u);

// A user record read back. A record of a file from before roles (format 4:
// {"email","role","password"}) has no uid (0: the reader gives the next)
// and its management role in `legacy_role` (the reader maps it to a role
// uid); its name is its email and `issued_at_known` is false.
struct user_record_read {
  reemu::user user;
  std::optional<role> legacy_role;
  bool issued_at_known = true;
};

// Reads a record back: a usable email, a digest that parses, role uids or
// a known role. The failure names `where` ("users[2]").
result<user_record_read> user_from_record(const json& record, const std::string& where);

// Longest email (and other identifier) the control API accepts; longer ones
// could not be named in a URL within the header limit.
inline constexpr std::size_t max_email_length = max_identifier_length;

// Why `email` cannot be a user's email (empty, longer than max_email_length,
// or holding a control character, which would forge log lines), or nullopt.
// The message names `field` ("'users[0].email' must not be empty").
std::optional<std::string> email_problem(std::string_view email, std::string_view field = "email");

// Returns the user whose email and password match, or nullptr. Derives one
// digest either way (for an unknown email with a dummy user's salt and
// iterations) and compares with CRYPTO_memcmp, so the time taken does not
// tell whether the user exists.
const user* authenticate(const user_map& users, const basic_credentials& credentials) noexcept;

}  // namespace reemu
