// Version 4 UUIDs, like a cluster's action_uid: random, or the n-th of a
// sequence a seed fixes (--ids seeded). model/ids.hpp chooses between them.
#pragma once

#include <cstdint>
#include <string>

namespace reemu {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (y one of 8, 9, a, b), lower-case
// hex, from the kernel's CSPRNG. Thread-safe. Throws
// boost::uuids::entropy_error if the kernel cannot give random bytes.
std::string make_uuid_v4();

// The same shape, its 122 free bits a pure function of (`seed`, `n`): the
// n-th id of the sequence `seed` fixes. Different n give different ids;
// different seeds give unrelated sequences. Not unguessable: for tests that
// want the same ids on every run, never for secrets.
std::string seeded_uuid_v4(std::uint64_t seed, std::uint64_t n);

// SplitMix64's finaliser: a well-mixed 64-bit function of `z` (the seeded
// ids, the stats model's figures).
std::uint64_t splitmix64(std::uint64_t z) noexcept;

}  // namespace reemu
