// The one place ids are drawn.
#include "reemu/model/ids.hpp"

#include "reemu/util/uuid.hpp"

namespace reemu {

std::optional<id_mode> parse_id_mode(std::string_view text) {
  if (text == "random") return id_mode::random;
  if (text == "seeded") return id_mode::seeded;
  return std::nullopt;
}

std::string_view to_string(id_mode m) { return m == id_mode::seeded ? "seeded" : "random"; }

std::string id_sequence::next() {
  const std::uint64_t n = drawn++;
  return mode == id_mode::seeded ? seeded_uuid_v4(seed, n) : make_uuid_v4();
}

}  // namespace reemu
