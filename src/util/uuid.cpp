// UUID v4 from OpenSSL's CSPRNG (thread-safe, seeded by the OS).
#include "reemu/util/uuid.hpp"

#include <openssl/rand.h>

#include <array>
#include <random>

namespace reemu {

std::string make_uuid_v4() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    std::random_device rd;  // only if OpenSSL's generator is unavailable
    for (auto& x : b) x = static_cast<unsigned char>(rd());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 0x0F]);
  }
  return s;
}

}  // namespace reemu
