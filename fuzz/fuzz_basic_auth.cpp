// Bytes -> parse_basic_authorization and the base64 codec: never a crash,
// and what decodes re-encodes to the same credentials. The same bytes as a
// token header (JWT, Bearer): never a crash, and nothing made up verifies.
#include "fuzz_support.hpp"
#include "reemu/auth/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The codec on arbitrary bytes: encode then decode is the identity.
  const std::string encoded = reemu::base64_encode(input);
  const auto decoded = reemu::base64_decode(encoded);
  if (!decoded || *decoded != input)
    reemu::fuzz::fail("base64_decode(base64_encode(x)) != x", input);
  // Decoding is strict: whatever it accepts is the canonical encoding of
  // what it returns, so no two texts decode to the same bytes.
  if (const auto bytes = reemu::base64_decode(input);
      bytes && reemu::base64_encode(*bytes) != input)
    reemu::fuzz::fail("base64_decode accepted a non-canonical encoding", input);

  // The token path on the same header value. The fuzzer does not know the
  // secret, so no input it makes may pass the signature check.
  static const reemu::token_signer signer(std::string(reemu::token_secret_bytes, 's'));
  if (const auto token = reemu::parse_token_authorization(input)) {
    (void)reemu::claimed_token_user(*token);
    if (signer.verify(*token, 1e9).claims) reemu::fuzz::fail("a made-up token verified", input);
  }

  const auto credentials = reemu::parse_basic_authorization(input);
  if (!credentials) return 0;
  if (credentials->username.find(':') != std::string::npos)
    reemu::fuzz::fail("username holds a ':' (the first ':' separates the password)", input);
  // A decoded header re-encoded canonically must decode to the same pair.
  const std::string again =
      "Basic " + reemu::base64_encode(credentials->username + ":" + credentials->password);
  const auto round = reemu::parse_basic_authorization(again);
  if (!round || round->username != credentials->username ||
      round->password != credentials->password)
    reemu::fuzz::fail("Basic credentials do not round-trip", input);
  return 0;
}
