// UUID v4 by Boost.Uuid: random_generator draws its 16 bytes from the
// kernel's CSPRNG (getrandom(2) on Linux) and sets the version and variant
// bits; to_string spells them in lower case. A seeded id takes its bytes
// from SplitMix64's output function over the seed and the index instead.
#include "reemu/util/uuid.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace reemu {

namespace {

// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection of 64-bit
// words whose outputs for consecutive inputs look independent. A counter
// through it is a generator that can jump to any index, so the n-th id
// needs no state but n.
}  // namespace

std::string make_uuid_v4() {
  // A generator is not safe to share between threads: one per thread.
  thread_local boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

std::uint64_t splitmix64(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

std::string seeded_uuid_v4(std::uint64_t seed, std::uint64_t n) {
  // The seed is mixed first so that seeds s and s+1 do not give the same
  // words one index apart.
  const std::uint64_t key = splitmix64(seed);
  const std::uint64_t words[2] = {splitmix64(key ^ (2 * n)), splitmix64(key ^ (2 * n + 1))};
  boost::uuids::uuid id{};
  for (std::size_t i = 0; i < 16; ++i)
    id.data[i] = static_cast<std::uint8_t>(words[i / 8] >> (8 * (i % 8)));
  id.data[6] = static_cast<std::uint8_t>((id.data[6] & 0x0fU) | 0x40U);  // version 4
  id.data[8] = static_cast<std::uint8_t>((id.data[8] & 0x3fU) | 0x80U);  // variant 10xx
  return boost::uuids::to_string(id);
}

}  // namespace reemu
