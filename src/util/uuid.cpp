// UUID v4 by Boost.Uuid: random_generator draws its 16 bytes from the
// kernel's CSPRNG (getrandom(2) on Linux) and sets the version and variant
// bits; to_string spells them in lower case.
#include "reemu/util/uuid.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace reemu {

std::string make_uuid_v4() {
  // A generator is not safe to share between threads: one per thread.
  thread_local boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

}  // namespace reemu
