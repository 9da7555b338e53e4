// Building the seed from the config, and going back to it.
#include "reemu/config/seed.hpp"

#include <algorithm>
#include <cmath>

#include "reemu/auth/auth.hpp"
#include "reemu/model/node.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/roles.hpp"
#include "reemu/model/users.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/fault_table.hpp"
#include "reemu/state/journal.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

double seed_creation_time(const wire_entry& s, double now) {
  // A pasted capture carries its own times; keep them for v2's creation_time.
  const json& f = s.fields;
  if (auto it = f.find("creation_time"); it != f.end() && it->is_string()) {
    const auto x = parse_number<double>(it->get_ref<const std::string&>());
    // "nan" and "inf" parse too: only a finite time is a time.
    if (x && std::isfinite(*x)) return *x;
  }
  if (auto it = f.find("heartbeat"); it != f.end() && it->is_number()) return it->get<double>();
  return now;
}

}  // namespace

registry_data make_seed(const config& cfg, double now) { return make_seed(cfg, cfg.actions, now); }

registry_data make_seed(const config& cfg, std::vector<wire_entry> actions, double now) {
  registry_data d;
  d.events = event_log(cfg.emulator.event_log_size);
  // The licence a fresh cluster runs on: the config's installed key, else
  // the trial, activated as the cluster is created (now).
  d.license = trial_license(now, cfg.cluster.shards_limit);
  for (const license_offer& offer : cfg.cluster.licenses)
    if (offer.installed) d.license = install(offer, now);
  // A fresh cluster's one role, Admin (uid 1), then one role per other
  // management role the users hold, in the order of the enum, named as
  // older clusters named them (docs/compatibility.md).
  d.roles[admin_role_uid] = builtin_admin_role();
  d.role_uid_high = admin_role_uid;
  for (const role r : all_roles()) {
    const bool held = std::any_of(cfg.users.begin(), cfg.users.end(),
                                  [&](const seed_user& u) { return u.role == r; });
    if (held) ensure_role_for(d.roles, d.role_uid_high, r);
  }
  // Uids from 1 in the config's order; passwords issued at the start, their
  // digests worked out when first read (model/users.hpp, user_digest).
  for (const auto& u : cfg.users) {
    user made;
    made.uid = ++d.user_uid_high;
    made.email = u.email;
    made.name = u.name.empty() ? u.email : u.name;
    made.role_uids = {ensure_role_for(d.roles, d.role_uid_high, u.role)};
    made.digest = user_digest::deferred(
        [email = u.email, password = u.password] { return seed_digest(email, password); });
    made.password_issued_at = now;
    d.users.emplace(u.email, std::move(made));
  }
  for (const json& obj : cfg.databases)
    d.put_database(database_from_object(obj, now, d, cfg.cluster));
  for (std::size_t i = 0; i < cfg.nodes.size(); ++i) {
    // Checked when the config was parsed.
    auto n = node_from_object(cfg.nodes[i], now, "nodes[" + std::to_string(i) + "]");
    if (!n) continue;
    const std::uint64_t uid = n->uid;
    d.nodes[uid] = std::make_shared<const node>(std::move(*n));
  }
  if (d.nodes.empty()) d.nodes[1] = std::make_shared<const node>(default_node(now));
  // The seed's actions without an action_uid draw the first ids, so a reset
  // (which publishes this seed again) goes on from the same place.
  d.ids = id_sequence{cfg.emulator.ids, cfg.emulator.seed, 0};
  for (auto& s : actions) {
    const double created = s.plan ? now : seed_creation_time(s, now);
    action a = make_action(std::move(s), d.ids);
    a.created_at = created;
    a.started_at = now;
    d.add(std::move(a));
  }
  return d;
}

void reset_to_seed(services& svc) {
  svc.clock.reset();
  svc.registry.reset(svc.clock.now());
  svc.faults.clear();
  svc.journal.clear();
}

}  // namespace reemu
