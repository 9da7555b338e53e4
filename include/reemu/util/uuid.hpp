// Random (version 4) UUIDs for new actions, like a cluster's action_uid.
#pragma once

#include <string>

namespace reemu {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex. Thread-safe.
std::string make_uuid_v4();

}  // namespace reemu
