// The emulator's long-lived parts, owned by the app and lent to handlers, the
// seed and the state file.
#pragma once

namespace reemu {

class clock;
class registry;
class fault_table;
class journal;
class list_cache;
class bdb_cache;
class metrics;
struct cluster_settings;
class token_signer;

struct services {
  reemu::clock& clock;
  reemu::registry& registry;
  fault_table& faults;
  reemu::journal& journal;
  list_cache& lists;                // rendered list bodies (model/list_bodies.hpp)
  bdb_cache& bdbs;                  // rendered databases (model/bdb_bodies.hpp)
  reemu::metrics& metrics;          // counters for GET /emulator/v1/metrics (model/metrics.hpp)
  const cluster_settings& cluster;  // the emulated cluster's name and body rules (database.hpp)
  const token_signer& tokens;       // issues and checks JWTs (auth/jwt.hpp)
};

}  // namespace reemu
