// HS256 tokens: issued and signature-checked by cpp-jwt, shaped and timed here.
#include "reemu/auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include <array>
#include <boost/beast/core/string.hpp>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <jwt/jwt.hpp>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "reemu/auth/auth.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

namespace {

bool is_base64url(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Three non-empty parts of base64url characters, no padding: the only shape
// an HS256 token has. Checked before cpp-jwt sees the text, because its
// decoder indexes a 256-entry table with a plain char (a byte >= 0x80 would
// read outside it) and splits on '.' with an assert.
bool has_token_shape(std::string_view token) noexcept {
  if (token.empty() || token.size() > max_authorization_length) return false;
  std::size_t dots = 0;
  char previous = '.';
  for (const char c : token) {
    if (c == '.') {
      if (previous == '.') return false;  // an empty part
      ++dots;
    } else if (!is_base64url(c)) {
      return false;
    }
    previous = c;
  }
  return dots == 2 && previous != '.';
}

// The base64url text `part` decoded (it has passed has_token_shape).
std::optional<std::string> decode_part(std::string_view part) {
  std::string standard(part);
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  while (standard.size() % 4 != 0) standard.push_back('=');
  return base64_decode(standard);
}

// True when `signature` (base64url) is the HMAC-SHA256 of `signed_part`
// under `secret`, compared in constant time.
bool signature_matches(const std::string& secret, std::string_view signed_part,
                       std::string_view signature) {
  const auto given = decode_part(signature);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (!given || HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                     reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(),
                     mac.data(), &mac_size) == nullptr)
    return false;
  return given->size() == mac_size && CRYPTO_memcmp(given->data(), mac.data(), mac_size) == 0;
}

// A claim that must be a whole number of seconds within the int64 range.
std::optional<std::int64_t> whole_seconds(const json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (it->is_number_integer()) return it->get<std::int64_t>();
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> parse_token_authorization(std::string_view value) noexcept {
  if (value.size() > max_authorization_length) return std::nullopt;
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = value.substr(0, space);
  if (!boost::beast::iequals(scheme, "jwt") && !boost::beast::iequals(scheme, "bearer"))
    return std::nullopt;
  std::string_view token = value.substr(space + 1);
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string> claimed_token_user(std::string_view token) noexcept {
  try {
    if (!has_token_shape(token)) return std::nullopt;
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    const auto text = decode_part(token.substr(first + 1, second - first - 1));
    if (!text) return std::nullopt;
    const json payload = json::parse(*text, nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) return std::nullopt;
    const auto it = payload.find("sub");
    if (it == payload.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  } catch (...) {
    return std::nullopt;  // out of memory: no claim
  }
}

token_signer::token_signer(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < token_secret_bytes) {
    throw std::invalid_argument("a token secret needs at least " +
                                std::to_string(token_secret_bytes) + " bytes");
  }
}

token_signer token_signer::with_random_secret() {
  // From the kernel's CSPRNG directly: OpenSSL's RAND_bytes would set up its
  // DRBG (and fetch AES-256-CTR) at every start, for 32 bytes; only TLS
  // needs it (docs/performance.md, "Start-up"). getrandom blocks only until
  // the kernel's pool is first seeded, and returns up to 256 bytes whole.
  std::string secret(token_secret_bytes, '\0');
  std::size_t done = 0;
  while (done < secret.size()) {
    const ssize_t n = ::getrandom(secret.data() + done, secret.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::system_category(), "cannot draw a token secret");
    done += static_cast<std::size_t>(n);
  }
  return token_signer(std::move(secret));
}

std::string token_signer::issue(std::string_view user, std::string_view credential, double now,
                                std::uint32_t ttl) const {
  const auto iat = static_cast<std::int64_t>(std::floor(now));
  jwt::jwt_object token{jwt::params::algorithm("HS256"), jwt::params::secret(secret_)};
  token.add_claim("sub", std::string(user));
  token.add_claim("cred", std::string(credential));
  token.add_claim("iat", iat);
  token.add_claim("exp", iat + static_cast<std::int64_t>(ttl));
  std::error_code ec;
  std::string out = token.signature(ec);
  if (ec) throw std::runtime_error("cannot sign a token: " + ec.message());
  return out;
}

// ---------------------------------------------------------------------------
// Verification in three steps.
//
// 1. The shape, here: cpp-jwt's decoder trusts its input more than a server
//    may (see has_token_shape), so nothing else reaches it.
// 2. The signature, here, in constant time (HMAC-SHA256 by OpenSSL,
//    CRYPTO_memcmp): cpp-jwt compares signatures with ==, so its own check
//    runs only on tokens that passed this one. A header with "crit" is
//    refused here too: cpp-jwt ignores it, RFC 7515 4.1.11 does not.
//    Then the algorithm and the signature again, by cpp-jwt: only HS256 is
//    listed, so alg "none" and every other algorithm come back as an error
//    code.
//    cpp-jwt compares "exp" with the system clock, which the emulator's
//    manual clock does not steer; the largest leeway makes that comparison
//    pass for any plausible exp, and step 3 decides instead. (It also reads
//    some header fields with exceptions; the catch below contains them.)
// 3. The claims and times, here, against the emulator's `now`, the one the
//    whole request sees: iat <= now < exp. A token whose iat is ahead of the
//    clock was issued after a manual clock was reset, and is refused.
// ---------------------------------------------------------------------------
token_check token_signer::verify(std::string_view token, double now) const noexcept {
  try {
    if (!has_token_shape(token)) return {std::nullopt, "the token is malformed"};
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    const auto header = decode_part(token.substr(0, first));
    if (!header) return {std::nullopt, "the token is malformed"};
    const json header_json = json::parse(*header, nullptr, false);
    if (!header_json.is_object()) return {std::nullopt, "the token is malformed"};
    if (header_json.contains("crit"))
      return {std::nullopt, "the token names critical header extensions this server does not know"};
    if (header_json.value("alg", "") == "HS256" &&
        !signature_matches(secret_, token.substr(0, second), token.substr(second + 1)))
      return {std::nullopt, "the token's signature is wrong"};
    std::error_code ec;
    const jwt::jwt_object decoded = jwt::decode(
        jwt::string_view(token.data(), token.size()), jwt::params::algorithms({"HS256"}), ec,
        jwt::params::secret(secret_), jwt::params::verify(true),
        jwt::params::leeway(std::numeric_limits<std::uint32_t>::max()));
    if (ec == jwt::VerificationErrc::InvalidSignature)
      return {std::nullopt, "the token's signature is wrong"};
    if (ec == jwt::VerificationErrc::InvalidAlgorithm ||
        ec == jwt::AlgorithmErrc::NoneAlgorithmUsed)
      return {std::nullopt, "the token is not signed with HS256"};
    if (ec) return {std::nullopt, "the token is malformed"};
    const json& payload = decoded.payload().create_json_obj();
    const auto sub = payload.find("sub");
    const auto cred = payload.find("cred");
    const auto iat = whole_seconds(payload, "iat");
    const auto exp = whole_seconds(payload, "exp");
    if (sub == payload.end() || !sub->is_string() || cred == payload.end() || !cred->is_string() ||
        !iat || !exp)
      return {std::nullopt, "the token lacks its claims"};
    if (now < static_cast<double>(*iat)) return {std::nullopt, "the token is not valid yet"};
    if (now >= static_cast<double>(*exp)) return {std::nullopt, "the token has expired"};
    return {token_claims{sub->get<std::string>(), cred->get<std::string>(), *iat, *exp}, {}};
  } catch (...) {
    return {std::nullopt, "the token is malformed"};
  }
}

}  // namespace reemu
