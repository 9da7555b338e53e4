// UUID v4 from OpenSSL's CSPRNG (thread-safe, seeded by the OS).
#include "reemu/util/uuid.hpp"

#include <openssl/rand.h>

#include <array>
#include <random>

#include "reemu/util/hex.hpp"

namespace reemu {

std::string make_uuid_v4() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    std::random_device rd;  // only if OpenSSL's generator is unavailable
    for (auto& x : b) x = static_cast<unsigned char>(rd());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  std::string s;
  s.reserve(36);
  // Groups of 4-2-2-2-6 bytes, joined by '-'.
  std::size_t at = 0;
  for (const std::size_t group : std::array<std::size_t, 5>{4, 2, 2, 2, 6}) {
    if (at != 0) s.push_back('-');
    append_hex(s, b.data() + at, group);
    at += group;
  }
  return s;
}

}  // namespace reemu
