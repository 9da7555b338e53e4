// The emulator's long-lived parts, owned by the app and lent to handlers, the
// seed and the state file.
#pragma once

#include <type_traits>

namespace reemu {

class clock;
class registry;
class fault_table;
class journal;
class list_cache;
class bdb_cache;
class answer_cache;
class stored_bodies;
class metrics;
struct cluster_settings;
class token_signer;
class certificate_store;

struct services {
  reemu::clock& clock;
  reemu::registry& registry;
  fault_table& faults;
  reemu::journal& journal;
  list_cache& lists;                // rendered list bodies (model/list_bodies.hpp)
  bdb_cache& bdbs;                  // rendered databases (model/bdb_bodies.hpp)
  answer_cache& answers;            // rendered statistics answers (state/answer_cache.hpp)
  stored_bodies& stored;            // rendered users, roles, ACLs (state/stored_bodies.hpp)
  reemu::metrics& metrics;          // counters for GET /emulator/v1/metrics (model/metrics.hpp)
  const cluster_settings& cluster;  // the emulated cluster's name and body rules (database.hpp)
  const token_signer& tokens;       // issues and checks JWTs (auth/jwt.hpp)
  certificate_store& certs;         // the certificates HTTPS serves (state/certificates.hpp)
};

// The part of `s` of type `Part` (registry, clock, fault_table, journal,
// list_cache, bdb_cache, answer_cache, stored_bodies, metrics; cluster_settings and
// token_signer only
// const): what the route table lends a handler that names it (uses<>,
// http/context.hpp). Only the reset route names `services` itself: it puts
// every part back to the seed.
template <class Part>
Part& lend(services& s) noexcept {
  using P = std::remove_const_t<Part>;
  if constexpr (std::is_same_v<P, services>) {
    return s;
  } else if constexpr (std::is_same_v<P, reemu::clock>) {
    return s.clock;
  } else if constexpr (std::is_same_v<P, reemu::registry>) {
    return s.registry;
  } else if constexpr (std::is_same_v<P, fault_table>) {
    return s.faults;
  } else if constexpr (std::is_same_v<P, reemu::journal>) {
    return s.journal;
  } else if constexpr (std::is_same_v<P, list_cache>) {
    return s.lists;
  } else if constexpr (std::is_same_v<P, bdb_cache>) {
    return s.bdbs;
  } else if constexpr (std::is_same_v<P, answer_cache>) {
    return s.answers;
  } else if constexpr (std::is_same_v<P, stored_bodies>) {
    return s.stored;
  } else if constexpr (std::is_same_v<P, reemu::metrics>) {
    return s.metrics;
  } else if constexpr (std::is_same_v<P, cluster_settings> && std::is_const_v<Part>) {
    return s.cluster;
  } else if constexpr (std::is_same_v<P, token_signer> && std::is_const_v<Part>) {
    return s.tokens;
  } else if constexpr (std::is_same_v<P, certificate_store>) {
    return s.certs;
  } else {
    static_assert(!std::is_same_v<Part, Part>, "not a part a handler may use (state/services.hpp)");
  }
}

}  // namespace reemu
