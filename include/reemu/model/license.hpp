// The cluster's licence: what GET /v1/license shows, what PUT /v1/license
// installs, and what limits database creates and updates. Plain values; no
// locking, no clock reads.
//
// A fresh cluster runs on a trial licence (the real capture,
// tests/data/license.json): 30 days from the cluster's creation, which for
// the emulator is the clock time it was seeded at, and the shards the
// config allows (emulator.shards_limit). A real licence key is a signed
// text the emulator cannot verify, so the keys it accepts are the ones the
// config names (config "licenses", license_offer): their text and the
// terms each one grants. Whether a licence has expired is computed at read
// time from the clock, like a database's status, so the manual clock walks
// a licence past its expiration_date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

struct license {
  std::string text;       // "license": the key text as installed
  std::string key;        // "key": "" for the trial, the text of an installed key
  double activation = 0;  // clock times, rendered as RFC 3339
  double expiration = 0;
  std::vector<std::string> features;
  std::uint64_t shards_limit = 0;  // the most shards (masters and replicas) the databases hold
  std::optional<std::uint64_t> ram_shards_limit;  // null: no separate limit
  std::optional<std::uint64_t> flash_shards_limit;
  std::optional<std::string> owner;         // null on the trial
  std::optional<std::string> cluster_name;  // null: any cluster may install it
  bool operator==(const license&) const = default;
};

// A trial lasts this long from the cluster's creation [DOC license-keys.md].
inline constexpr double trial_seconds = 30.0 * 24 * 3600;

// The trial licence of the capture: activated at `activation`, expiring 30
// days later, features ["trial","bigstore"], `shards_limit` shards, the
// capture's licence text, empty key, null owner, cluster name and per-kind
// limits.
license trial_license(double activation, std::uint64_t shards_limit);

// A licence that limits nothing a test reaches: the shards of the default
// emulator.shards_limit, expiring in the year 9999. What an unseeded
// registry_data holds; a seed installs the trial.
license unlimited_license();

// True once `now` reached the licence's expiration.
bool expired_at(const license& l, double now) noexcept;

// The shards the databases hold, as the licence counts them: flash shards
// are those of Auto Tiering databases (bigstore), RAM shards the others.
struct shard_usage {
  std::uint64_t ram = 0;
  std::uint64_t flash = 0;
  std::uint64_t total() const noexcept { return ram + flash; }
};

// GET /v1/license at `now`: the capture's keys (activation_date,
// cluster_name, expiration_date, expired, features, flash_shards_in_use,
// flash_shards_limit, key, license, owner, ram_shards_in_use,
// ram_shards_limit, shards_limit), unset ones null.
json render_license(const license& l, double now, const shard_usage& used);

// Database creates and updates need a licence that has not expired: the
// failure (403 license_expired, "redislabs license expired") when it has.
result<> check_not_expired(const license& l, double now);

// A licence key the config names as valid (config "licenses"): installed by
// PUT /v1/license with its text, it grants these terms. `activation` absent:
// the licence starts when it is installed. `installed`: the cluster starts
// with it instead of the trial (at most one offer says so).
struct license_offer {
  license terms;  // key and activation are set at install
  std::optional<double> activation;
  bool installed = false;
};

// Reads one entry of the config's "licenses": {"license" (text, required),
// "expiration_date" (RFC 3339, required), "activation_date",
// "shards_limit" (required), "ram_shards_limit", "flash_shards_limit",
// "features" (strings), "owner", "cluster_name", "installed"}. The failure
// names `where` ("licenses[1].expiration_date").
result<license_offer> license_offer_from_config(const json& entry, const std::string& where);

// The licence `offer` installs at `now`: its terms, the key its text, its
// activation_date or `now`.
license install(const license_offer& offer, double now);

// A licence text as two texts that differ only in line endings and the
// whitespace around them compare: vrl sends a file's lines joined with \n,
// another tool may keep \r\n or drop the final newline.
std::string normalized_license_text(std::string_view text);

// The offer whose text is `text` (normalized_license_text), or nullptr.
const license_offer* find_offer(const std::vector<license_offer>& offers, std::string_view text);

// Whether `l` may be installed on a cluster named `cluster_name` whose
// databases hold `used` at `now`: the failure (406 license_violation) names
// the first term it breaks: expired, another cluster's, fewer shards than
// in use (shards_limit, ram_shards_limit, flash_shards_limit).
result<> check_installable(const license& l, std::string_view cluster_name, const shard_usage& used,
                           double now);

// The licence as the state file keeps it and the control API reads it back:
// {"license","key","activated_at","expires_at","features","shards_limit"}
// plus the optional terms when set. Round-trips through license_from_record.
json license_record(const license& l);

// Reads a record back; the failure names `where` ("license").
result<license> license_from_record(const json& record, const std::string& where);

}  // namespace reemu
