// The configured seed: the registry contents a config describes, installed
// at start-up and returned to by POST /emulator/v1/reset.
#pragma once

#include <vector>

#include "reemu/config/config.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/state/services.hpp"

namespace reemu {

// The registry contents `cfg` seeds (users with their password digests,
// databases, actions), with simulated_body entries starting at `now`. A static
// entry keeps the time its capture carries (creation_time, else heartbeat)
// for v2's creation_time.
registry_data make_seed(const config& cfg, double now);
// The same, consuming `actions` (cfg.actions moved in) instead of copying.
registry_data make_seed(const config& cfg, std::vector<wire_entry> actions, double now);

// Back to the configured seed: clock, registry, faults and journal.
// Thread-safe as each of those parts is; not atomic as a whole.
void reset_to_seed(services& svc);

}  // namespace reemu
