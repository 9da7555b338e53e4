// Random (version 4) UUIDs for new actions, like a cluster's action_uid.
#pragma once

#include <string>

namespace reemu {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (y one of 8, 9, a, b), lower-case
// hex, from the kernel's CSPRNG. Thread-safe. Throws
// boost::uuids::entropy_error if the kernel cannot give random bytes.
std::string make_uuid_v4();

}  // namespace reemu
