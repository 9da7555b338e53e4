// Unit tests for Basic authentication (src/auth/auth.cpp): header parsing, base64, password
// hashing and checks, email validation.
#include "reemu/auth/auth.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/util/hex.hpp"

using namespace reemu;

namespace {

std::string basic(std::string_view user_colon_password) {
  return "Basic " + base64_encode(user_colon_password);
}

// A user holding role uid `role_uid` (the roles themselves are the
// registry's; authentication does not read them).
user make_user(std::string email, std::uint64_t role_uid, std::string_view password) {
  user u;
  u.uid = role_uid;
  u.name = email;
  u.email = std::move(email);
  u.role_uids = {role_uid};
  u.digest = digest_password(password);
  return u;
}

}  // namespace

TEST(auth, parses_valid_headers) {
  struct row {
    std::string header;
    std::string username;
    std::string password;
  };
  const std::array rows = {
      row{basic("admin@redis.local:Redis123!"), "admin@redis.local", "Redis123!"},
      row{"basic " + base64_encode("a:b"), "a", "b"},
      row{"BASIC " + base64_encode("a:b"), "a", "b"},
      row{"bAsIc " + base64_encode("a:b"), "a", "b"},
      row{"Basic   " + base64_encode("a:b") + "  ", "a", "b"},  // extra spaces around the token
      row{"Basic " + base64_encode("a:b") + "\t", "a", "b"},
      row{basic("user:"), "user", ""},                      // empty password is allowed
      row{basic(":secret"), "", "secret"},                  // empty user name decodes too
      row{basic("user:pa:ss:word"), "user", "pa:ss:word"},  // split at the first colon
      row{basic("user::"), "user", ":"},
      row{basic(std::string("u\0x:p\0q", 7)), std::string("u\0x", 3), std::string("p\0q", 3)},
      row{basic("\xc3\xa9l\xc3\xa8ve:mot de passe"), "\xc3\xa9l\xc3\xa8ve", "mot de passe"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.header);
    const auto c = parse_basic_authorization(r.header);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->username, r.username);
    EXPECT_EQ(c->password, r.password);
  }
}

TEST(auth, rejects_malformed_headers) {
  const std::array<std::string, 25> rows = {
      "",
      "Basic",
      "Basic ",
      "Basic    ",
      "Bearer " + base64_encode("a:b"),
      "Digest " + base64_encode("a:b"),
      "Basicx " + base64_encode("a:b"),
      "Basic\t" + base64_encode("a:b"),      // the scheme ends at a space
      base64_encode("a:b"),                  // no scheme at all
      "Basic " + base64_encode("no-colon"),  // decoded text needs a ':'
      "Basic " + base64_encode(""),          // empty token
      "Basic YWJj!GVm",                      // '!' is not base64
      "Basic YW Jj",                         // a space inside the token
      "Basic YWJjZA",                        // length not a multiple of 4
      "Basic YWJjZA=",                       // length not a multiple of 4
      "Basic YQ=a",                          // data after padding
      "Basic Y===",                          // too much padding
      "Basic =YQ=",                          // padding first
      "Basic YQ==YQ==",                      // padding before the last group
      "Basic YW-j",                          // base64url alphabet is not accepted
      "Basic YW_j",
      "Basic " + base64_encode("a:b") + "=",
      "Basic \t\t\t\t" + base64_encode("a:b"),  // blanks OpenSSL's decoder would skip
      "Basic " + base64_encode("a:b") + "\r\n\r\n",
      "Basic " + base64_encode("a:b") + "----",
  };
  for (const auto& h : rows) {
    SCOPED_TRACE("header: '" + h + "'");
    EXPECT_FALSE(parse_basic_authorization(h).has_value());
  }
}

TEST(auth, length_limit) {
  // "Basic " + 4088 base64 characters + trailing spaces (trimmed) = exactly the limit.
  const std::string text = "user:" + std::string(3066 - 5, 'p');
  const std::string token = base64_encode(text);
  ASSERT_EQ(token.size(), 4088u);
  const std::string at_limit = "Basic " + token + "  ";
  ASSERT_EQ(at_limit.size(), max_authorization_length);
  const auto c = parse_basic_authorization(at_limit);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->username, "user");
  EXPECT_EQ(c->password.size(), 3061u);

  EXPECT_FALSE(parse_basic_authorization(at_limit + " ").has_value());

  const std::string huge = "Basic " + base64_encode("user:" + std::string(1 << 20, 'x'));
  EXPECT_GT(huge.size(), 1u << 20);
  EXPECT_FALSE(parse_basic_authorization(huge).has_value());
}

TEST(auth, base64_known_vectors) {
  // RFC 4648 section 10.
  struct row {
    std::string_view plain;
    std::string_view encoded;
  };
  constexpr std::array rows = {
      row{"", ""},
      row{"f", "Zg=="},
      row{"fo", "Zm8="},
      row{"foo", "Zm9v"},
      row{"foob", "Zm9vYg=="},
      row{"fooba", "Zm9vYmE="},
      row{"foobar", "Zm9vYmFy"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.plain);
    EXPECT_EQ(base64_encode(r.plain), r.encoded);
    const auto back = base64_decode(r.encoded);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, r.plain);
  }
}

TEST(auth, base64_round_trips_for_lengths_0_to_10) {
  for (std::size_t len = 0; len <= 10; ++len) {
    for (unsigned fill : {0x00u, 0x3Fu, 0x7Fu, 0x80u, 0xFBu, 0xFFu}) {
      std::string plain;
      for (std::size_t i = 0; i < len; ++i)
        plain.push_back(static_cast<char>((fill + 37 * i) & 0xFF));
      SCOPED_TRACE("length " + std::to_string(len) + " fill " + std::to_string(fill));
      const std::string enc = base64_encode(plain);
      EXPECT_EQ(enc.size(), (len + 2) / 3 * 4);
      const auto dec = base64_decode(enc);
      ASSERT_TRUE(dec.has_value());
      EXPECT_EQ(*dec, plain);
    }
  }
}

TEST(auth, base64_decode_rejects_bad_input) {
  using namespace std::string_view_literals;
  for (std::string_view bad : {"A"sv, "AB"sv, "ABC"sv, "ABCDE"sv, "AB=C"sv, "A==="sv, "===="sv,
                               "AB==CD=="sv, "AB\nC"sv, "ABC\x80"sv, "AB C"sv,
                               // non-canonical: padding stands for non-zero bits
                               "YR=="sv, "YWJ="sv,
                               // '=' where OpenSSL would read it as zero bits
                               "=YQ="sv, "Y=Q="sv, "YQ=a"sv, "Zm9v=YQ="sv,
                               // blanks, line ends and '-' that OpenSSL skips at either end of a
                               // PEM line, in counts that keep the length a multiple of 4
                               "    Zm9v"sv, "\t\t\t\tZm9v"sv, "Zm9v    "sv, "Zm9v\r\n\r\n"sv,
                               "Zm9v\n\n\n\n"sv, "Zm9v----"sv, "Zm9vYm\n\n"sv, "  Zm9vYg  "sv,
                               // the base64url alphabet, NUL bytes, a byte >= 0x80 at the end
                               "Zm-v"sv, "Zm_v"sv, "Zm9v\0\0\0\0"sv, "\0Zm9"sv, "Zm9\xff"sv}) {
    SCOPED_TRACE(::testing::PrintToString(std::string(bad)));
    EXPECT_FALSE(base64_decode(bad).has_value());
  }
}

TEST(auth, base64_padding_counts_only_the_bytes_it_ends) {
  // Every length mod 3 with both padding forms, and bytes that are zero:
  // OpenSSL's decoder counts padded groups as 3 bytes, the result must not.
  struct row {
    std::string_view encoded;
    std::string_view plain;
  };
  using namespace std::string_view_literals;
  for (const auto& r : {row{"AA=="sv, "\0"sv}, row{"AAA="sv, "\0\0"sv}, row{"AAAA"sv, "\0\0\0"sv},
                        row{"YQ=="sv, "a"sv}, row{"YWE="sv, "aa"sv}, row{"YWFh"sv, "aaa"sv},
                        row{"YWFhAA=="sv, "aaa\0"sv}, row{"/w=="sv, "\xff"sv},
                        row{"//8="sv, "\xff\xff"sv}, row{"////"sv, "\xff\xff\xff"sv}}) {
    SCOPED_TRACE(r.encoded);
    const auto back = base64_decode(r.encoded);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, r.plain);
    EXPECT_EQ(base64_encode(r.plain), r.encoded);
  }
}

TEST(auth, authenticate_checks_the_password) {
  user_map users;
  users.emplace("admin@redis.local", make_user("admin@redis.local", 1, "Redis123!"));
  users.emplace("viewer@redis.local", make_user("viewer@redis.local", 2, "Viewer123!"));
  users.emplace("empty@redis.local", make_user("empty@redis.local", 3, ""));

  const user* ok = authenticate(users, {"admin@redis.local", "Redis123!"});
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->email, "admin@redis.local");
  EXPECT_EQ(ok->uid, 1u);
  EXPECT_EQ(ok, &users.at("admin@redis.local"));

  const user* viewer = authenticate(users, {"viewer@redis.local", "Viewer123!"});
  ASSERT_NE(viewer, nullptr);
  EXPECT_EQ(viewer->uid, 2u);

  ASSERT_NE(authenticate(users, {"empty@redis.local", ""}), nullptr);

  EXPECT_EQ(authenticate(users, {"admin@redis.local", "redis123!"}), nullptr);
  EXPECT_EQ(authenticate(users, {"admin@redis.local", "Redis123! "}), nullptr);
  EXPECT_EQ(authenticate(users, {"admin@redis.local", ""}), nullptr);
  EXPECT_EQ(authenticate(users, {"admin@redis.local", "Viewer123!"}),
            nullptr);  // another's password
  EXPECT_EQ(authenticate(users, {"ADMIN@redis.local", "Redis123!"}), nullptr);  // emails are exact
  EXPECT_EQ(authenticate(users, {"ghost@redis.local", "Redis123!"}), nullptr);
  EXPECT_EQ(authenticate(users, {"", ""}), nullptr);
  // The dummy digest used for unknown users must not let anyone in.
  EXPECT_EQ(authenticate(users, {"ghost@redis.local", "\x01not-a-user\x01"}), nullptr);
  EXPECT_EQ(authenticate(user_map{}, {"ghost@redis.local", "\x01not-a-user\x01"}), nullptr);
}

// Item 8: passwords were unsalted SHA-256. Now PBKDF2-HMAC-SHA256 with a
// per-digest random salt; the expected hash comes from Python's
// hashlib.pbkdf2_hmac('sha256', b'Redis123!', bytes(range(16)), 1000).
TEST(auth, digest_is_salted_pbkdf2_sha256) {
  password_digest like;
  for (unsigned char i = 0; i < like.salt.size(); ++i) like.salt[i] = i;
  like.iterations = 1000;
  const password_digest d = rehash_password("Redis123!", like);
  EXPECT_EQ(to_hex(d.hash.data(), d.hash.size()),
            "5065aef5b1abcd9b103bea555ebd766bb970ddbc94c2d85d37af4b54a5d20edd");
  EXPECT_EQ(d.salt, like.salt);
  EXPECT_TRUE(verify_password(d, "Redis123!"));
  EXPECT_FALSE(verify_password(d, "Redis123"));

  const password_digest a = digest_password("same"), b = digest_password("same");
  EXPECT_EQ(a.iterations, pbkdf2_iterations);
  EXPECT_NE(a.salt, b.salt);  // one salt per digest: equal passwords do not show
  EXPECT_NE(a.hash, b.hash);
  EXPECT_TRUE(verify_password(a, "same"));
  EXPECT_TRUE(verify_password(b, "same"));
  EXPECT_FALSE(verify_password(a, "Same"));
  EXPECT_TRUE(verify_password(digest_password(""), ""));
}

// HMAC pads a key shorter than its block with zeros, so PBKDF2 derives the
// same hash for "Redis123!" and "Redis123!\0\0": a password with a NUL byte
// never matches, and none can be set.
TEST(auth, trailing_nul_bytes_do_not_match_and_cannot_be_set) {
  user_map users;
  users.emplace("admin@redis.local", make_user("admin@redis.local", 1, "Redis123!"));
  using namespace std::string_literals;
  for (const std::string& given : {"Redis123!\0"s, "Redis123!\0\0\0"s, "\0"s}) {
    EXPECT_EQ(authenticate(users, {"admin@redis.local", given}), nullptr) << given.size();
    EXPECT_FALSE(verify_password(users.at("admin@redis.local").digest, given));
  }
  ASSERT_NE(authenticate(users, {"admin@redis.local", "Redis123!"}), nullptr);
  EXPECT_EQ(password_problem("Redis123!\0"s), "'password' must not contain NUL bytes");
  EXPECT_FALSE(password_problem("Redis123!"));
}

// Tokens carry a tag of the credentials they were issued for: another salt
// (a new password, a user created again) is another tag.
TEST(auth, credential_tag_changes_with_every_new_digest) {
  const password_digest a = digest_password("same");
  const password_digest b = digest_password("same");
  EXPECT_EQ(credential_tag(a), credential_tag(a));
  EXPECT_EQ(credential_tag(a).size(), 16u);
  EXPECT_NE(credential_tag(a), credential_tag(b));
  // A seeded user's digest is the same at every start and reset, so its
  // tokens outlive them; another email or password is another digest.
  const password_digest s = seed_digest("admin@redis.local", "Redis123!");
  EXPECT_EQ(s, seed_digest("admin@redis.local", "Redis123!"));
  EXPECT_TRUE(verify_password(s, "Redis123!"));
  EXPECT_NE(s.salt, seed_digest("other@redis.local", "Redis123!").salt);
  EXPECT_NE(s.salt, seed_digest("admin@redis.local", "Redis124!").salt);
}

TEST(auth, email_problems) {
  EXPECT_EQ(email_problem("admin@redis.local"), std::nullopt);
  EXPECT_EQ(email_problem("x\" status=999 y=\"@x"), std::nullopt);  // quotes: escaped in logs
  EXPECT_EQ(email_problem(std::string(max_email_length, 'a')), std::nullopt);
  EXPECT_NE(email_problem(""), std::nullopt);
  const auto too_long = email_problem(std::string(max_email_length + 1, 'a'));
  ASSERT_TRUE(too_long.has_value());
  EXPECT_NE(too_long->find("257 bytes"), std::string::npos) << *too_long;
  EXPECT_NE(too_long->find("256"), std::string::npos) << *too_long;
  for (const std::string& bad : std::vector<std::string>{"a\r\nb@x", "a\nb@x", "a\tb@x",
                                                         std::string("a\0b@x", 5), "a\x7f"}) {
    const auto problem = email_problem(bad, "users[2].email");
    ASSERT_TRUE(problem.has_value()) << bad;
    EXPECT_NE(problem->find("'users[2].email'"), std::string::npos) << *problem;
    EXPECT_NE(problem->find("control characters"), std::string::npos) << *problem;
  }
}
