// Basic credentials and password checks.
#include "reemu/auth/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <cctype>
#include <limits>
#include <stdexcept>
#include <vector>

#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"
#include "reemu/util/hex.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

// The longest text OpenSSL's block coders take (their lengths are int).
constexpr int max_int = std::numeric_limits<int>::max();

}  // namespace

// OpenSSL does the bit work; the checks around it keep decoding strict, because
// EVP_DecodeBlock is made for PEM bodies: it reads '=' anywhere as zero bits,
// skips blanks before the text and blanks, line ends and '-' after it, and
// counts the bytes padding stands for in its result ("YQ==" gives 3).
std::optional<std::string> base64_decode(std::string_view in) noexcept {
  if (in.size() % 4 != 0 || in.size() > std::size_t{max_int}) return std::nullopt;
  // '=' only as the last one or two characters.
  const std::size_t data = std::min(in.find('='), in.size());
  const std::size_t pad = in.size() - data;
  if (pad > 2 || in.find_first_not_of('=', data) != std::string_view::npos) return std::nullopt;
  std::string out;
  try {
    out.resize(in.size() / 4 * 3);
  } catch (...) {
    return std::nullopt;
  }
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  // -1 for a character outside the alphabet; fewer bytes than the groups
  // hold when OpenSSL skipped blanks at either end, which are refused too.
  if (n != static_cast<int>(out.size())) return std::nullopt;
  // Canonical encodings only: the bits padding stands for must be zero
  // ("YQ==" is "a"; "YR==" is refused). OpenSSL leaves them in the bytes
  // the padding counts for.
  if (out.find_first_not_of('\0', out.size() - pad) != std::string::npos) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

std::string base64_encode(std::string_view in) {
  if (in.size() > std::size_t{max_int} / 4 * 3)
    throw std::length_error("base64_encode: input too long for OpenSSL");
  // EVP_EncodeBlock writes a NUL after the text: one byte more, cut after.
  std::string out((in.size() + 2) / 3 * 4 + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<basic_credentials> parse_basic_authorization(std::string_view value) noexcept {
  if (value.size() > max_authorization_length) return std::nullopt;
  const auto space = value.find(' ');
  if (space == std::string_view::npos || !boost::beast::iequals(value.substr(0, space), "basic"))
    return std::nullopt;
  std::string_view token = value.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  auto decoded = base64_decode(token);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    return basic_credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<basic_credentials> parse_body_credentials(std::string_view body) noexcept {
  try {
    if (body.empty()) return std::nullopt;
    const auto j = parse_untrusted_json(body);
    if (!j || !j->is_object()) return std::nullopt;
    const auto user = j->find("username");
    const auto password = j->find("password");
    if (user == j->end() || password == j->end() || !user->is_string() || !password->is_string())
      return std::nullopt;
    return basic_credentials{user->get<std::string>(), password->get<std::string>()};
  } catch (...) {
    return std::nullopt;
  }
}

password_digest rehash_password(std::string_view password, const password_digest& like) {
  password_digest d = like;
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), d.salt.data(),
                        static_cast<int>(d.salt.size()), static_cast<int>(d.iterations),
                        EVP_sha256(), static_cast<int>(d.hash.size()), d.hash.data()) != 1)
    throw std::runtime_error("PBKDF2 failed (OpenSSL)");
  return d;
}

password_digest digest_password(std::string_view password) {
  password_digest d;
  d.iterations = pbkdf2_iterations;
  if (RAND_bytes(d.salt.data(), static_cast<int>(d.salt.size())) != 1)
    throw std::runtime_error("cannot draw a password salt (OpenSSL RAND_bytes failed)");
  return rehash_password(password, d);
}

password_digest seed_digest(std::string_view email, std::string_view password) {
  std::string material = "re-actions-emulator seed user";
  material.push_back('\0');
  material += email;
  material.push_back('\0');
  material += password;
  std::array<unsigned char, SHA256_DIGEST_LENGTH> sum{};
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), sum.data());
  password_digest d;
  d.iterations = pbkdf2_iterations;
  std::copy_n(sum.begin(), d.salt.size(), d.salt.begin());
  return rehash_password(password, d);
}

bool verify_password(const password_digest& d, std::string_view password) {
  const password_digest given = rehash_password(password, d);
  const bool same = CRYPTO_memcmp(given.hash.data(), d.hash.data(), d.hash.size()) == 0;
  return same && password.find('\0') == std::string_view::npos;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view field) {
  if (password.find('\0') != std::string_view::npos)
    return "'" + std::string(field) + "' must not contain NUL bytes";
  return std::nullopt;
}

std::string credential_tag(const password_digest& d) {
  std::array<unsigned char, sizeof d.salt + sizeof d.hash> both{};
  std::copy(d.salt.begin(), d.salt.end(), both.begin());
  std::copy(d.hash.begin(), d.hash.end(), both.begin() + d.salt.size());
  std::array<unsigned char, SHA256_DIGEST_LENGTH> sum{};
  SHA256(both.data(), both.size(), sum.data());
  std::string tag;
  append_hex(tag, sum.data(), 8);
  return tag;
}

std::string credential_tag(const user& u) {
  password_digest d = u.digest;
  // The uid goes into the salt's copy: one more input to the same hash.
  for (std::size_t i = 0; i < 8; ++i)
    d.salt[i] = static_cast<unsigned char>(d.salt[i] ^ ((u.uid >> (8 * i)) & 0xFFU));
  return credential_tag(d);
}

namespace {
constexpr std::string_view pbkdf2_scheme = "pbkdf2-sha256";
}  // namespace

std::string password_text(const password_digest& d) {
  std::string s(pbkdf2_scheme);
  s += '$' + std::to_string(d.iterations) + '$';
  append_hex(s, d.salt.data(), d.salt.size());
  s += '$';
  append_hex(s, d.hash.data(), d.hash.size());
  return s;
}

std::optional<password_digest> parse_password_text(std::string_view text) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const auto next = text.find('$', at);
    parts.push_back(text.substr(at, next == std::string_view::npos ? next : next - at));
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  if (parts.size() != 4 || parts[0] != pbkdf2_scheme) return std::nullopt;
  const auto iterations = parse_number<std::uint64_t>(parts[1]);
  if (!iterations || *iterations == 0 || *iterations > max_pbkdf2_iterations) return std::nullopt;
  password_digest d;
  d.iterations = static_cast<std::uint32_t>(*iterations);
  const auto salt = from_hex(parts[2]);
  const auto hash = from_hex(parts[3]);
  if (!salt || salt->size() != d.salt.size() || !hash || hash->size() != d.hash.size())
    return std::nullopt;
  std::copy(salt->begin(), salt->end(), d.salt.begin());
  std::copy(hash->begin(), hash->end(), d.hash.begin());
  return d;
}

json user_record(const user& u) {
  json out = {{"uid", u.uid},
              {"email", u.email},
              {"name", u.name},
              {"role_uids", u.role_uids},
              {"password", password_text(u.digest)},
              {"password_issued_at", number_value(u.password_issued_at)},
              {"email_alerts", u.email_alerts}};
  if (u.bdbs_email_alerts) out["bdbs_email_alerts"] = *u.bdbs_email_alerts;
  if (u.cluster_email_alerts) out["cluster_email_alerts"] = *u.cluster_email_alerts;
  return out;
}

result<user_record_read> user_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"uid", "email", "name", "role_uids", "role", "password", "password_issued_at",
          "email_alerts", "bdbs_email_alerts", "cluster_email_alerts"});
  user_record_read out;
  user& u = out.user;
  const auto uid = r.unsigned_integer("uid", max_user_uid);
  auto email = r.string("email", true);
  auto name = r.string("name");
  auto role_name = r.string("role");
  auto digest_text = r.string("password", true);
  const auto issued = r.time("password_issued_at");
  const auto alerts = r.boolean("email_alerts");
  auto bdbs_alerts = r.string_list("bdbs_email_alerts");
  const auto cluster_alerts = r.boolean("cluster_email_alerts");
  if (r.failed()) return r.error();
  if (record.contains("role_uids") && role_name) {
    return failure{
        api_error::invalid_value,
        "'" + where + "' has both 'role_uids' and the 'role' of a file from before roles"};
  }
  if (const auto it = record.find("role_uids"); it != record.end()) {
    const bool fits =
        it->is_array() && !it->empty() && std::all_of(it->begin(), it->end(), [](const json& e) {
          return e.is_number_unsigned() && e.get<std::uint64_t>() >= 1 &&
                 e.get<std::uint64_t>() <= max_role_uid;
        });
    if (!fits) {
      return failure{api_error::invalid_value,
                     "'" + where + ".role_uids' must be a non-empty array of role uids"};
    }
    for (const json& e : *it) u.role_uids.push_back(e.get<std::uint64_t>());
  } else if (role_name) {
    out.legacy_role = parse_role(*role_name);
    if (!out.legacy_role) {
      return failure{api_error::invalid_value,
                     "'" + where + ".role' is not a role: \"" + *role_name + "\""};
    }
  } else {
    return failure{api_error::missing_field, "missing required field '" + where + ".role_uids'"};
  }
  const auto digest = parse_password_text(*digest_text);
  if (!digest) {
    return failure{api_error::invalid_value,
                   "'" + where +
                       ".password' must be \"pbkdf2-sha256$ITERATIONS$SALT$HASH\" (1 to " +
                       std::to_string(max_pbkdf2_iterations) +
                       " iterations, 32 and 64 lower-case hex digits)"};
  }
  if (auto problem = email_problem(*email, where + ".email"))
    return failure{api_error::invalid_value, *problem};
  if (uid && *uid == 0)
    return failure{api_error::invalid_value, "'" + where + ".uid' must be at least 1"};
  u.uid = uid.value_or(0);
  u.name = name ? std::move(*name) : *email;
  u.email = std::move(*email);
  u.digest = *digest;
  out.issued_at_known = issued.has_value();
  u.password_issued_at = issued.value_or(0);
  u.email_alerts = alerts.value_or(true);
  u.bdbs_email_alerts = std::move(bdbs_alerts);
  u.cluster_email_alerts = cluster_alerts;
  return out;
}

std::optional<std::string> email_problem(std::string_view email, std::string_view field) {
  const std::string name = "'" + std::string(field) + "'";
  if (email.empty()) return name + " must not be empty";
  if (email.size() > max_email_length) {
    return name + " is " + std::to_string(email.size()) + " bytes long; the limit is " +
           std::to_string(max_email_length) + " bytes";
  }
  for (const char c : email) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      return name + " must not contain control characters (CR, LF, tab, ...)";
  }
  return std::nullopt;
}

const user* authenticate(const user_map& users, const basic_credentials& credentials) noexcept {
  // Same work on both paths: one derivation with the same iteration count,
  // one constant-time compare.
  try {
    static const password_digest dummy = digest_password("\x01not-a-user\x01");
    const auto it = users.find(std::string_view(credentials.username));
    const bool known = it != users.end();
    const bool match =
        verify_password(known ? it->second.digest.get() : dummy, credentials.password);
    return known && match ? &it->second : nullptr;
  } catch (const std::exception&) {
    return nullptr;  // OpenSSL failed: nobody gets in
  }
}

}  // namespace reemu
