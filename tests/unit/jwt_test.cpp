// Unit tests for the tokens of /v1/users/authorize (src/auth/jwt.cpp): issue,
// verify at the emulator's time, every way a token can be wrong, the
// Authorization header schemes, and the body credentials of authorize.
#include "reemu/auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>
#include <string_view>

#include "reemu/auth/auth.hpp"
#include "reemu/model/model.hpp"

using namespace reemu;

namespace {

const std::string secret_a(32, 'a');
const std::string secret_b(32, 'b');

// base64url without padding, as JWTs spell their parts.
std::string b64url(std::string_view text) {
  std::string s = base64_encode(text);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

struct parts {
  std::string header, payload, signature;
};

parts split(const std::string& token) {
  const auto a = token.find('.');
  const auto b = token.find('.', a + 1);
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

// A token signed here with OpenSSL's HMAC, independent of the signer under
// test, so the claims can be anything.
std::string sign(const std::string& secret, std::string_view header, std::string_view payload) {
  const std::string input = b64url(header) + "." + b64url(payload);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &size);
  return input + "." + b64url(std::string_view(reinterpret_cast<const char*>(mac.data()), size));
}

json payload_of(const std::string& token) {
  std::string p = split(token).payload;
  for (char& c : p) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (p.size() % 4 != 0) p.push_back('=');
  return json::parse(*base64_decode(p));
}

}  // namespace

TEST(jwt, issued_token_is_hs256_with_sub_iat_exp) {
  const token_signer s(secret_a);
  const std::string t = s.issue("admin@redis.local", "c0ffee", 1000.7, 300);
  const json header = [&] {
    std::string h = split(t).header;
    while (h.size() % 4 != 0) h.push_back('=');
    return json::parse(*base64_decode(h));
  }();
  EXPECT_EQ(header["alg"], "HS256");
  const json p = payload_of(t);
  EXPECT_EQ(p["sub"], "admin@redis.local");
  EXPECT_EQ(p["iat"], 1000);  // whole seconds, floored
  EXPECT_EQ(p["exp"], 1300);
  const token_check c = s.verify(t, 1000.7);
  ASSERT_TRUE(c.claims) << c.problem;
  EXPECT_EQ(c.claims->user, "admin@redis.local");
  EXPECT_EQ(c.claims->iat, 1000);
  EXPECT_EQ(c.claims->exp, 1300);
}

TEST(jwt, expires_at_exactly_exp_on_the_given_clock) {
  const token_signer s(secret_a);
  const std::string t = s.issue("u@x", "c0ffee", 1000, 1);
  EXPECT_TRUE(s.verify(t, 1000).claims);
  EXPECT_TRUE(s.verify(t, 1000.999).claims);
  const token_check at_exp = s.verify(t, 1001);
  EXPECT_FALSE(at_exp.claims);
  EXPECT_EQ(at_exp.problem, "the token has expired");
  EXPECT_FALSE(s.verify(t, 5e9).claims);
  // The system clock does not matter: a token of the emulator's year 2001
  // is valid at its own time.
  const std::string old = s.issue("u@x", "c0ffee", 1e9, token_max_ttl);
  EXPECT_TRUE(s.verify(old, 1e9 + token_max_ttl - 1).claims);
}

TEST(jwt, refused_before_its_iat) {
  const token_signer s(secret_a);
  const std::string t = s.issue("u@x", "c0ffee", 2000, 300);
  const token_check c = s.verify(t, 1999.5);
  EXPECT_FALSE(c.claims);
  EXPECT_EQ(c.problem, "the token is not valid yet");
}

TEST(jwt, wrong_secret_or_tampered_payload_is_a_wrong_signature) {
  const token_signer a(secret_a);
  const token_signer b(secret_b);
  const std::string t = a.issue("u@x", "c0ffee", 1000, 300);
  EXPECT_EQ(b.verify(t, 1000).problem, "the token's signature is wrong");

  parts p = split(t);
  const std::string forged = p.header + "." +
                             b64url(R"({"exp":999999,"iat":1000,"sub":"admin@redis.local"})") +
                             "." + p.signature;
  EXPECT_EQ(a.verify(forged, 1000).problem, "the token's signature is wrong");
  p.signature[3] = p.signature[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(a.verify(p.header + "." + p.payload + "." + p.signature, 1000).claims);
}

TEST(jwt, alg_none_and_other_algorithms_are_refused) {
  const token_signer s(secret_a);
  const std::string payload = b64url(R"({"exp":2000,"iat":1000,"sub":"u@x"})");
  const std::array<std::string, 5> headers = {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})",
                                              R"({"alg":"HS512","typ":"JWT"})",
                                              R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"XX1"})"};
  for (const std::string& h : headers) {
    SCOPED_TRACE(h);
    // A signature part is there (an empty one is malformed anyway).
    const token_check c = s.verify(b64url(h) + "." + payload + ".c2ln", 1500);
    EXPECT_FALSE(c.claims);
    EXPECT_EQ(c.problem, "the token is not signed with HS256");
  }
  EXPECT_FALSE(s.verify(b64url(R"({"alg":"none"})") + "." + payload + ".", 1500).claims);
}

TEST(jwt, malformed_tokens_are_refused_without_throwing) {
  const token_signer s(secret_a);
  const parts good = split(s.issue("u@x", "c0ffee", 1000, 300));
  const std::string bad_payload = b64url("not json");
  const std::array<std::string, 16> rows = {
      "",
      ".",
      "..",
      "a.b",
      "a.b.c.d",
      good.header + "." + good.payload,
      good.header + ".." + good.signature,
      "." + good.payload + "." + good.signature,
      good.header + "." + good.payload + ".",
      good.header + "." + good.payload + "." + good.signature + "=",  // padding is not base64url
      good.header + "." + good.payload + ".\xff\xfe",                 // bytes past ASCII
      std::string("\x80\x81.") + good.payload + "." + good.signature,
      b64url("{") + "." + good.payload + "." + good.signature,
      good.header + "." + bad_payload + "." + good.signature,
      b64url(R"({"alg":7})") + "." + good.payload + "." + good.signature,  // alg not a string
      b64url(R"({"alg":"HS256","typ":"XYZ"})") + "." + good.payload + "." + good.signature,
  };
  for (const std::string& t : rows) {
    SCOPED_TRACE(t);
    EXPECT_FALSE(s.verify(t, 1000).claims);
    EXPECT_FALSE(s.verify(t, 1000).problem.empty());
  }
}

// The parts decode strictly: every unpadded length a part can have, and
// none of the spellings a lenient decoder would also read.
TEST(jwt, parts_decode_strictly) {
  const token_signer s(secret_a);
  // Four user lengths give payloads of every length mod 3, so base64url
  // parts of every length mod 4 but 1.
  for (const std::string user : {"u@x", "uu@x", "uuu@x", "uuuu@x"}) {
    const std::string t = s.issue(user, "c0ffee", 1000, 300);
    SCOPED_TRACE(t);
    EXPECT_EQ(claimed_token_user(t), user);
    const auto c = s.verify(t, 1000);
    ASSERT_TRUE(c.claims);
    EXPECT_EQ(c.claims->user, user);
  }
  const parts good = split(s.issue("u@x", "c0ffee", 1000, 300));
  // A 32-byte HMAC is 43 characters: the last carries 2 bits no byte uses.
  // Setting one spells the same bytes non-canonically.
  ASSERT_EQ(good.signature.size(), 43u);
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string loose = good.signature;
  loose.back() = alphabet[alphabet.find(loose.back()) ^ 1];
  const auto t = s.verify(good.header + "." + good.payload + "." + loose, 1000);
  EXPECT_FALSE(t.claims);
  EXPECT_EQ(t.problem, "the token's signature is wrong");
  // A part of 4n+1 characters spells no bytes.
  for (const std::string& bad : {good.header + "A." + good.payload + "." + good.signature,
                                 good.header + "." + good.payload + "A." + good.signature,
                                 good.header + "." + good.payload + "." + good.signature + "AA"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(s.verify(bad, 1000).claims);
  }
  EXPECT_FALSE(claimed_token_user(good.header + "." + good.payload + "A." + good.signature));
}

// Claims of the wrong type, rightly signed: refused all the same.
TEST(jwt, claims_must_be_a_string_sub_and_whole_iat_exp) {
  const token_signer s(secret_a);
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  ASSERT_TRUE(
      s.verify(sign(secret_a, hs256, R"({"cred":"c0ffee","exp":2000,"iat":1000,"sub":"u@x"})"),
               1500)
          .claims);  // the helper signs as the signer does
  const std::array<std::string, 9> payloads = {
      R"({"exp":2000,"iat":1000,"sub":"u@x"})",  // no "cred": issued before tokens carried it
      R"({"cred":7,"exp":2000,"iat":1000,"sub":"u@x"})",
      R"({"exp":2000,"iat":1000})",
      R"({"exp":2000,"iat":1000,"sub":7})",
      R"({"exp":"2000","iat":1000,"sub":"u@x"})",
      R"({"exp":2000.5,"iat":1000,"sub":"u@x"})",
      R"({"exp":2000,"sub":"u@x"})",
      R"({"exp":-5,"iat":1000,"sub":"u@x"})",
      R"([1,2,3])",
  };
  for (const std::string& p : payloads) {
    SCOPED_TRACE(p);
    const token_check c = s.verify(sign(secret_a, hs256, p), 1500);
    EXPECT_FALSE(c.claims);
    EXPECT_FALSE(c.problem.empty());
  }
  // Signed with the right key but alg none in the header: still refused.
  EXPECT_FALSE(
      s.verify(sign(secret_a, R"({"alg":"none"})", R"({"exp":2000,"iat":1000,"sub":"u@x"})"), 1500)
          .claims);
}

// RFC 7515 4.1.11: a header naming critical extensions the server does not
// understand is refused, however well signed (cpp-jwt ignored "crit").
TEST(jwt, a_crit_header_is_refused) {
  const token_signer s(secret_a);
  const std::string payload = R"({"cred":"c0ffee","exp":2000,"iat":1000,"sub":"u@x"})";
  ASSERT_TRUE(s.verify(sign(secret_a, R"({"alg":"HS256"})", payload), 1500).claims);
  for (const std::string h : {R"({"alg":"HS256","crit":["exp"],"exp":1})",
                              R"({"alg":"HS256","crit":[]})", R"({"alg":"HS256","crit":"b64"})"}) {
    SCOPED_TRACE(h);
    const token_check c = s.verify(sign(secret_a, h, payload), 1500);
    EXPECT_FALSE(c.claims);
    EXPECT_EQ(c.problem, "the token names critical header extensions this server does not know");
  }
}

TEST(jwt, the_credential_tag_is_carried_and_read_back) {
  const token_signer s(secret_a);
  const token_check c = s.verify(s.issue("u@x", "0123456789abcdef", 1000, 300), 1000);
  ASSERT_TRUE(c.claims) << c.problem;
  EXPECT_EQ(c.claims->credential, "0123456789abcdef");
}

TEST(jwt, huge_tokens_are_refused_early) {
  const token_signer s(secret_a);
  const std::string huge(max_authorization_length + 1, 'A');
  EXPECT_FALSE(s.verify(huge, 1000).claims);
  const parts good = split(s.issue("u@x", "c0ffee", 1000, 300));
  const std::string long_payload = b64url(std::string(3000, ' ') + "{}");
  EXPECT_FALSE(s.verify(good.header + "." + long_payload + "." + good.signature, 1000).claims);
  EXPECT_FALSE(parse_token_authorization("Bearer " + huge));
}

TEST(jwt, a_configured_secret_must_be_long_enough) {
  EXPECT_THROW(token_signer(std::string(31, 'x')), std::invalid_argument);
  EXPECT_NO_THROW(token_signer(std::string(32, 'x')));
  // Random secrets differ from one start to the next.
  const token_signer a = token_signer::with_random_secret();
  const token_signer b = token_signer::with_random_secret();
  EXPECT_FALSE(b.verify(a.issue("u@x", "c0ffee", 1000, 300), 1000).claims);
  EXPECT_TRUE(a.verify(a.issue("u@x", "c0ffee", 1000, 300), 1000).claims);
}

TEST(jwt, authorization_header_schemes) {
  EXPECT_EQ(parse_token_authorization("JWT abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(parse_token_authorization("jwt abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(parse_token_authorization("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(parse_token_authorization("bearer   abc.def.ghi \t"), "abc.def.ghi");
  EXPECT_FALSE(parse_token_authorization("Basic YTpi"));
  EXPECT_FALSE(parse_token_authorization("Bearer"));
  EXPECT_FALSE(parse_token_authorization("Bearer   "));
  EXPECT_FALSE(parse_token_authorization("Token abc"));
  EXPECT_FALSE(parse_token_authorization(""));
}

TEST(jwt, claimed_user_is_read_without_the_signature) {
  const token_signer s(secret_a);
  EXPECT_EQ(claimed_token_user(s.issue("u@x", "c0ffee", 1000, 1)), "u@x");
  // Expired or signed with another key: still the user the client claims.
  EXPECT_EQ(claimed_token_user(token_signer(secret_b).issue("v@x", "c0ffee", 1, 1)), "v@x");
  EXPECT_FALSE(claimed_token_user("a.b.c"));
  EXPECT_FALSE(claimed_token_user("not a token"));
  EXPECT_FALSE(claimed_token_user("e30.e30.e30"));  // {} has no sub
}

TEST(jwt, body_credentials) {
  const auto c = parse_body_credentials(R"({"username":"a@b","password":"pw","ttl":5})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "a@b");
  EXPECT_EQ(c->password, "pw");
  EXPECT_FALSE(parse_body_credentials(""));
  EXPECT_FALSE(parse_body_credentials("{"));
  EXPECT_FALSE(parse_body_credentials(R"({"username":"a@b"})"));
  EXPECT_FALSE(parse_body_credentials(R"({"username":"a@b","password":1})"));
  EXPECT_FALSE(parse_body_credentials(R"(["a","b"])"));
}
