// Databases (bdbs): what the registry keeps of each, and how its visible
// state is derived at a clock time. Plain values; no locking, no clock reads.
//
// A database stores only what was asked of it (the fields a client or a seed
// gave, merged over time) and the state machine it runs or last ran. Its wire
// object is rendered from a template, the real 139-key capture compiled into
// the binary, with the stored fields on top; its status, action_uid and
// background_op come from evaluating that state machine's plan at `now`, the
// way an action's live fields do, so the manual clock drives both alike.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/lifecycle.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/port_table.hpp"
#include "reemu/model/version_profile.hpp"

namespace reemu {

// Where one shard of a database runs, by its place in the database's
// shard_list: the node and whether it is the master of its slot range.
struct shard_spot {
  std::uint64_t node_uid = 0;
  bool master = true;
  bool operator==(const shard_spot&) const = default;
};

// The state machine a database runs, or last ran. The plan is kept with the
// database, so its status does not depend on the action's retention or on
// what the control API later does to the action.
struct bdb_operation {
  std::string action_uid;
  std::string name;  // SMCreateBDB, SMUpdateBDB, SMDeleteBDB, …
  simulate_plan plan;
  double started_at = 0;
  // The shard placement the machine leaves once it completes (a migrate or
  // a failover); empty: it does not move shards (model/shards.hpp).
  std::vector<shard_spot> placement;
};

// What the control API says of a database's health, for the availability
// routes (PUT /emulator/v1/databases/{uid}/availability,
// model/availability.hpp): the replica lag an Active-Active member reports,
// and a window of clock time in which its endpoint is down.
struct bdb_health {
  double replica_lag_ms = 0;
  double unavailable_from = 0;  // [from, until): unavailable; none when until <= from
  double unavailable_until = 0;
  std::string unavailable_code;  // the 503's error_code; empty: bdb_unavailable
  bool operator==(const bdb_health&) const = default;
};

struct database {
  std::uint64_t uid = 0;
  // The bdb fields as requested and merged, without the keys computed at
  // render time (bdb_live_keys). Always an object.
  json fields = json::object();
  double created_at = 0;  // clock times, rendered as RFC 3339
  double changed_at = 0;
  std::optional<bdb_operation> op;
  // Where its shards run when that differs from the default placement
  // (after a migrate or a failover completed); empty: the default.
  std::vector<shard_spot> placement;
  // Derived from `fields` when the database is stored
  // (registry_data::put_database), for the scans over every database a
  // create or an update makes: its ports (ports_of) and its shard uids
  // (shard_uids_of), without reading JSON again.
  std::vector<std::uint64_t> stored_ports;
  std::vector<std::uint64_t> stored_shard_uids;
  // Its traffic was stopped by an SMStopTrafficBDB that completed before its
  // current operation started (settle_traffic); traffic_stopped_at() gives
  // the state at a time.
  bool traffic_stopped = false;
  bdb_health health;
};

// Databases by uid. Values are shared and immutable: a registry write copies
// pointers, and a change replaces one database with a new value.
//
// Kept in groups of `group_span` consecutive uids, each an immutable map
// shared between copies: copying the map copies one pointer per group (16
// at 1k databases) instead of one node per database, and a change copies
// the one group it touches. Iterates in uid order, like std::map.
//
// It also keeps what a create asks of every database, updated as databases
// are put and erased so that no write reads them all: how many shards they
// hold, the ports they hold (port_table), and, per group, the highest shard
// uid (shard_high() reads one number per group).
class database_map {
 public:
  using value_type = std::pair<const std::uint64_t, std::shared_ptr<const database>>;
  static constexpr std::uint64_t group_span = 64;

 private:
  using group = std::map<std::uint64_t, std::shared_ptr<const database>>;
  struct group_ref {
    std::shared_ptr<const group> members;  // never empty
    std::uint64_t shard_high = 0;          // the highest shard uid its databases hold
  };
  using groups = std::map<std::uint64_t, group_ref>;

 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = database_map::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    const_iterator() = default;
    reference operator*() const { return *inner_; }
    pointer operator->() const { return &*inner_; }
    const_iterator& operator++() {
      if (++inner_ == outer_->second.members->end()) {
        ++outer_;
        settle();
      }
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& o) const {
      return outer_ == o.outer_ && (outer_ == end_ || inner_ == o.inner_);
    }

   private:
    friend class database_map;
    const_iterator(groups::const_iterator outer, groups::const_iterator end)
        : outer_(outer), end_(end) {
      settle();
    }
    const_iterator(groups::const_iterator outer, groups::const_iterator end,
                   group::const_iterator inner)
        : outer_(outer), end_(end), inner_(inner) {}
    void settle() {
      if (outer_ != end_) inner_ = outer_->second.members->begin();  // groups are never empty
    }
    groups::const_iterator outer_;
    groups::const_iterator end_;
    group::const_iterator inner_;
  };

  const_iterator begin() const { return {groups_.begin(), groups_.end()}; }
  const_iterator end() const { return {groups_.end(), groups_.end()}; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // How many puts and erases this map had, counting those of the map it
  // was copied from: a writer compares two counts to tell whether a change
  // touched the databases (registry::update).
  std::uint64_t edits() const noexcept { return edits_; }

  const_iterator find(std::uint64_t uid) const {
    const auto g = groups_.find(uid / group_span);
    if (g == groups_.end()) return end();
    const auto it = g->second.members->find(uid);
    if (it == g->second.members->end()) return end();
    return {g, groups_.end(), it};
  }
  bool contains(std::uint64_t uid) const { return find(uid) != end(); }
  // The database `uid`; throws std::out_of_range when there is none.
  const std::shared_ptr<const database>& at(std::uint64_t uid) const {
    const auto it = find(uid);
    if (it == end()) throw std::out_of_range("no database " + std::to_string(uid));
    return it->second;
  }

  // The same uids with the same (shared) databases.
  bool operator==(const database_map& o) const {
    return size_ == o.size_ && std::equal(begin(), end(), o.begin());
  }

  // What changed from `before` to `after`, in uid order: `erased(uid)` for
  // each uid only `before` holds, `put(uid, db)` for each database `after`
  // holds that `before` does not hold as the same shared value. Groups both
  // share by pointer are skipped unread, so a diff after one write costs
  // one step per group, not per database (the state log's records).
  template <class Erased, class Put>
  static void diff(const database_map& before, const database_map& after, Erased erased, Put put) {
    auto b = before.groups_.begin();
    auto a = after.groups_.begin();
    const auto walk = [&](const group* was, const group* is) {
      static const group none;
      const group& old_members = was ? *was : none;
      const group& new_members = is ? *is : none;
      auto x = old_members.begin();
      auto y = new_members.begin();
      while (x != old_members.end() || y != new_members.end()) {
        if (y == new_members.end() || (x != old_members.end() && x->first < y->first)) {
          erased(x->first);
          ++x;
        } else {
          const bool same_uid = x != old_members.end() && x->first == y->first;
          if (!same_uid || x->second != y->second) put(y->first, y->second);
          if (same_uid) ++x;
          ++y;
        }
      }
    };
    while (b != before.groups_.end() || a != after.groups_.end()) {
      if (a == after.groups_.end() || (b != before.groups_.end() && b->first < a->first)) {
        walk(b->second.members.get(), nullptr);
        ++b;
      } else if (b == before.groups_.end() || a->first < b->first) {
        walk(nullptr, a->second.members.get());
        ++a;
      } else {
        if (b->second.members != a->second.members)
          walk(b->second.members.get(), a->second.members.get());
        ++b;
        ++a;
      }
    }
  }

  // The shards the stored databases hold (their stored_shard_uids).
  std::size_t shard_count() const noexcept { return shards_; }
  // How many stored databases hold each port (their stored_ports).
  const port_table& ports() const noexcept { return ports_; }
  // The highest shard uid a stored database holds; 0 when none. Reads one
  // number per group.
  std::uint64_t shard_high() const noexcept {
    std::uint64_t high = 0;
    for (const auto& [key, g] : groups_) high = std::max(high, g.shard_high);
    return high;
  }

  // Stores `db` under `uid`, replacing the one there.
  void put(std::uint64_t uid, std::shared_ptr<const database> db) {
    auto& g = groups_[uid / group_span];
    auto copy = g.members ? std::make_shared<group>(*g.members) : std::make_shared<group>();
    const auto old = copy->find(uid);
    const database* before = old == copy->end() ? nullptr : old->second.get();
    if (before) {
      forget(*before);
      if (before->stored_ports != db->stored_ports) {
        for (const std::uint64_t p : before->stored_ports) ports_.remove(p);
        for (const std::uint64_t p : db->stored_ports) ports_.add(p);
      }
    } else {
      for (const std::uint64_t p : db->stored_ports) ports_.add(p);
    }
    // The group's highest shard uid: read again only when the database that
    // held it changes.
    const bool held_high = before && highest_shard(*before) == g.shard_high;
    count(*db);
    const std::uint64_t mine = highest_shard(*db);
    const auto [it, added] = copy->insert_or_assign(uid, std::move(db));
    if (added) ++size_;
    ++edits_;
    g.shard_high = held_high ? highest_shard_of(*copy) : std::max(g.shard_high, mine);
    g.members = std::move(copy);
  }
  // Removes the database `uid`; returns how many were removed (0 or 1).
  std::size_t erase(std::uint64_t uid) {
    const auto g = groups_.find(uid / group_span);
    const auto found = g == groups_.end() ? group::const_iterator() : g->second.members->find(uid);
    if (g == groups_.end() || found == g->second.members->end()) return 0;
    const database& gone = *found->second;
    forget(gone);
    for (const std::uint64_t p : gone.stored_ports) ports_.remove(p);
    if (g->second.members->size() == 1) {
      groups_.erase(g);
    } else {
      const bool held_high = highest_shard(gone) == g->second.shard_high;
      auto copy = std::make_shared<group>(*g->second.members);
      copy->erase(uid);
      if (held_high) g->second.shard_high = highest_shard_of(*copy);
      g->second.members = std::move(copy);
    }
    --size_;
    ++edits_;
    return 1;
  }
  // Removes every database `pred(entry)` holds for; a group without any
  // is not copied.
  template <class Pred>
  std::size_t erase_if(Pred pred) {
    std::vector<std::uint64_t> gone;
    for (const value_type& entry : *this)
      if (pred(entry)) gone.push_back(entry.first);
    for (const std::uint64_t uid : gone) erase(uid);
    return gone.size();
  }

 private:
  static std::uint64_t highest_shard(const database& db) {
    const auto& uids = db.stored_shard_uids;
    return uids.empty() ? 0 : *std::max_element(uids.begin(), uids.end());
  }
  static std::uint64_t highest_shard_of(const group& members) {
    std::uint64_t high = 0;
    for (const auto& [uid, db] : members) high = std::max(high, highest_shard(*db));
    return high;
  }
  // The shards `db` adds to, and takes from, the whole.
  void count(const database& db) { shards_ += db.stored_shard_uids.size(); }
  void forget(const database& db) { shards_ -= db.stored_shard_uids.size(); }

  groups groups_;  // by uid / group_span; no group is empty
  std::size_t size_ = 0;
  std::size_t shards_ = 0;
  std::uint64_t edits_ = 0;
  port_table ports_;
};

// A test's say over the state machines the emulated API starts next
// (POST /emulator/v1/plans): a machine named `name` (any when empty) on
// `object_name` (any when empty) follows `simulate` over its template. The
// first rule that matches wins and uses up one of its `times`.
struct plan_rule {
  std::uint64_t id = 0;
  std::string name;
  std::string object_name;
  json simulate = json::object();  // a simulate block (model/validation.hpp)
  std::uint64_t times = 0;         // matches left; 0 = every match until removed
  std::uint64_t hits = 0;          // matches so far
};

// A rule as the control API shows it and the state file keeps it:
// {"id","simulate","hits"} plus name, object_name and times when set.
json to_json(const plan_rule& rule);

// Reads a rule back as the state file keeps it (to_json's shape): an id from
// 1 to UINT32_MAX (ids come from a counter; far below this, the counter
// cannot wrap) and a simulate block that parses on its own (its fit to a
// template is checked on use). The failure names `where` ("plans[2]").
result<plan_rule> plan_rule_from_record(const json& record, const std::string& where);

// What the emulated cluster applies to new databases and to bdb bodies.
struct cluster_settings {
  std::string name = "docker-cluster";  // endpoints' dns_name: redis-<port>.<name>
  bool accept_unknown_fields = false;   // bodies with unknown bdb fields are accepted
  std::uint16_t http_port = 8080;       // GET /v1/cluster's cnm_http_port: the server's
  std::uint16_t https_port = 9443;      // and cnm_https_port (0: the capture's)
  // The trial licence's shards_limit (emulator.shards_limit): the most
  // shards the databases may hold until another licence is installed
  // (model/license.hpp); creates and reshapes past it answer 406.
  std::uint64_t shards_limit = 16384;
  // The licence keys PUT /v1/license accepts (config "licenses").
  std::vector<license_offer> licenses;
  // The Redis Software release presented (emulator.rs_version, --rs-version):
  // the nodes' software_version and the routes served. Never null.
  const version_profile* version = &newest_version_profile();
};

// The keys render_bdb computes; never stored in `fields`.
inline constexpr std::string_view bdb_live_keys[] = {
    "action_uid", "background_op", "created_time", "last_changed_time", "status", "uid"};
bool is_live_key(std::string_view key) noexcept;

// Where a database stands at `now`, from its operation:
//   SMCreateBDB running -> pending, completed -> active, failed -> creation-failed
//   SMDeleteBDB running -> delete-pending, completed -> gone, failed -> active
//   import_bdb  running -> import-pending, then active (failed too)
//   export_bdb  running -> active (busy all the same), then active
//   SMRecoverBDB running -> recovery, then active (failed too)
//   any other   running -> active-change-pending, then active (failed too)
struct bdb_view {
  bool visible = true;  // false once its SMDeleteBDB completed
  bool busy = false;    // its operation runs: writes answer 409
  std::string_view status = "active";
  live_state live;  // of the operation; meaningful when it has one
};
bdb_view view_of(const database& db, double now) noexcept;

// The template every database is rendered from: the real GET /v1/bdbs/1
// capture (src/model/bdb_template.json), parsed once. Thread-safe.
const json& bdb_template();

// The wire object at `now`: the template, the stored fields on top, then uid,
// created_time, last_changed_time, status, background_op, the export_* or
// import_* fields of an export or import operation, and, while an operation
// runs, action_uid. Call only for a visible database.
json render_bdb(const database& db, double now);

// Whether `db`'s traffic is stopped at `now`: from the completion of an
// SMStopTrafficBDB (POST …/actions/stop_traffic) to the completion of an
// SMResumeTrafficBDB; a machine that is still running or failed changes
// nothing.
bool traffic_stopped_at(const database& db, double now) noexcept;

// Writes what a completed stop or resume of traffic left into `db`
// (traffic_stopped), before a new operation replaces it.
void settle_traffic(database& db, double now);

// Writes the export_* or import_* fields `db`'s operation shows at `now`
// into its stored fields, so they outlive the operation when the next one
// replaces it. No change for any other operation.
void settle_transfer(database& db, double now);

// `t` (epoch seconds) as "2025-10-14T00:01:22Z" (whole seconds, UTC).
std::string rfc3339(double t);
// "2025-10-14T00:01:22Z" as epoch seconds; nullopt for anything else.
std::optional<double> parse_rfc3339(std::string_view text);

// The ports `db` holds: its `port` and every endpoint's.
void ports_of(const database& db, std::vector<std::uint64_t>& out);

// The endpoint of a new database: the template's, on `port`, with
// dns_name redis-<port>.<cluster name> and uid "<uid>:1"; proxy_policy and
// oss_cluster_api_preferred_* follow `fields` when it sets them.
json make_endpoint(std::uint64_t uid, std::uint64_t port, const json& fields,
                   const cluster_settings& cluster);

// The database as the state file keeps it and the control API shows it:
// {"uid","fields","created_at","changed_at"} plus, when it has one,
// "operation": {"action_uid","name","started_at","simulate"} (and the
// pending "placement"), "placement" when it is not the default: a list
// of {"node_uid","role"}, "traffic_stopped": true when so, and "health"
// ({"replica_lag_ms","unavailable_from","unavailable_until",
// "unavailable_code"}) when the control API set it. Round-trips
// through database_from_record.
json database_record(const database& db);

// Reads a record back; the failure names `where` ("databases[2]").
result<database> database_from_record(const json& record, const std::string& where);

}  // namespace reemu
