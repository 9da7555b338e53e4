// Where the identifiers the emulator makes up come from: the uid of every
// action and task it starts, and the action_uid of an answer that names no
// action. One place draws them (id_sequence::next); the mode says how.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reemu {

// random: from the kernel's CSPRNG, as a cluster's (the default).
// seeded: the sequence --seed fixes, so the same requests give the same ids
// on every run (docs/configuration.md).
enum class id_mode : std::uint8_t { random, seeded };

// "random" -> random, "seeded" -> seeded; nullopt otherwise.
std::optional<id_mode> parse_id_mode(std::string_view text);
std::string_view to_string(id_mode m);

// The registry's id source, a plain value: a write draws from its copy, so a
// write that fails draws nothing, and a reset or a restored state goes back
// to the position it holds. The mode and seed come from the config; `drawn`
// is state (the persisted part "ids_drawn").
struct id_sequence {
  id_mode mode = id_mode::random;
  std::uint64_t seed = 1;
  std::uint64_t drawn = 0;  // ids drawn so far: the index of the next seeded one

  // A new version 4 UUID: the next of the seeded sequence, or a random one.
  std::string next();
};

}  // namespace reemu
