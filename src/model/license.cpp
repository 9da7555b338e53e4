// The licence: the trial, the keys the config offers, rendering and records.
#include "reemu/model/license.hpp"

#include <algorithm>
#include <cmath>

#include "reemu/model/database.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

namespace {

// The licence text of the real trial (tests/data/license.json).
constexpr std::string_view trial_text =
    "----- DEFAULT LICENSE START -----\n"
    "zN5cYnXiWI1ygcFju04MZ34QQhZiR/M0Apxup4+EceWQxxmG/"
    "msYooiq4H3LcDFnqQ2GMQEGdGXxKA+EbEjL0GqJN8AlGF0a0"
    "YOT8V4TN+KXkPOl/9n2x+Wgv9QgnQA9XsOs9W4p52ltHS4FyVWbPL/NSx28rTTl\n"
    "----- LICENSE END -----\n";

// The most shards a licence may allow: far past what the emulator can hold
// (emulator.shards_limit stops at 2^20), small enough to render exactly.
constexpr std::uint64_t max_shards_limit = std::uint64_t{1} << 40;

json nullable(const std::optional<std::uint64_t>& v) { return v ? json(*v) : json(nullptr); }
json nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// An optional string field: absent or null is unset.
std::optional<std::string> nullable_string(const json& object, object_reader& r,
                                           std::string_view key) {
  const auto it = object.is_object() ? object.find(key) : object.end();
  if (it == object.end() || it->is_null()) return std::nullopt;
  return r.string(key);
}

// An optional limit: absent or null is unset.
std::optional<std::uint64_t> nullable_limit(const json& object, object_reader& r,
                                            std::string_view key) {
  const auto it = object.is_object() ? object.find(key) : object.end();
  if (it == object.end() || it->is_null()) return std::nullopt;
  return r.unsigned_integer(key, max_shards_limit);
}

}  // namespace

license trial_license(double activation, std::uint64_t shards_limit) {
  license l;
  l.text = std::string(trial_text);
  l.activation = activation;
  l.expiration = activation + trial_seconds;
  l.features = {"trial", "bigstore"};
  l.shards_limit = shards_limit;
  return l;
}

license unlimited_license() {
  license l = trial_license(0, 16384);
  l.expiration = 253402300799.0;  // 9999-12-31T23:59:59Z, the last time rfc3339 renders
  return l;
}

bool expired_at(const license& l, double now) noexcept { return now >= l.expiration; }

json render_license(const license& l, double now, const shard_usage& used) {
  // Keys in the capture's (sorted) order; nlohmann's object sorts them anyway.
  return json{{"activation_date", rfc3339(l.activation)},
              {"cluster_name", nullable(l.cluster_name)},
              {"expiration_date", rfc3339(l.expiration)},
              {"expired", expired_at(l, now)},
              {"features", l.features},
              {"flash_shards_in_use", used.flash},
              {"flash_shards_limit", nullable(l.flash_shards_limit)},
              {"key", l.key},
              {"license", l.text},
              {"owner", nullable(l.owner)},
              {"ram_shards_in_use", used.ram},
              {"ram_shards_limit", nullable(l.ram_shards_limit)},
              {"shards_limit", l.shards_limit}};
}

result<> check_not_expired(const license& l, double now) {
  if (!expired_at(l, now)) return {};
  return failure{api_error::license_expired, "redislabs license expired"};
}

result<license_offer> license_offer_from_config(const json& entry, const std::string& where) {
  object_reader r(entry, where);
  r.only({"license", "expiration_date", "activation_date", "shards_limit", "ram_shards_limit",
          "flash_shards_limit", "features", "owner", "cluster_name", "installed"});
  license_offer offer;
  license& t = offer.terms;
  if (auto v = r.string("license", true)) t.text = std::move(*v);
  const auto expiration = r.date("expiration_date", true);
  offer.activation = r.date("activation_date", false);
  if (auto v = r.unsigned_integer("shards_limit", max_shards_limit, true)) t.shards_limit = *v;
  t.ram_shards_limit = nullable_limit(entry, r, "ram_shards_limit");
  t.flash_shards_limit = nullable_limit(entry, r, "flash_shards_limit");
  if (auto v = r.string_list("features")) t.features = std::move(*v);
  t.owner = nullable_string(entry, r, "owner");
  t.cluster_name = nullable_string(entry, r, "cluster_name");
  offer.installed = r.boolean("installed").value_or(false);
  if (r.failed()) return r.error();
  if (normalized_license_text(t.text).empty())
    return failure{api_error::invalid_value, "'" + where + ".license' must not be empty"};
  if (offer.activation && *offer.activation >= *expiration) {
    return failure{api_error::invalid_value,
                   "'" + where + ".expiration_date' must come after its activation_date"};
  }
  t.expiration = *expiration;
  return offer;
}

license install(const license_offer& offer, double now) {
  license l = offer.terms;
  l.key = l.text;
  l.activation = offer.activation.value_or(now);
  return l;
}

std::string normalized_license_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text)
    if (c != '\r') out += c;
  const auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\t'; };
  const auto first = std::find_if_not(out.begin(), out.end(), blank);
  const auto last = std::find_if_not(out.rbegin(), out.rend(), blank).base();
  return first < last ? std::string(first, last) : std::string();
}

const license_offer* find_offer(const std::vector<license_offer>& offers, std::string_view text) {
  const std::string wanted = normalized_license_text(text);
  if (wanted.empty()) return nullptr;
  for (const license_offer& o : offers)
    if (normalized_license_text(o.terms.text) == wanted) return &o;
  return nullptr;
}

result<> check_installable(const license& l, std::string_view cluster_name, const shard_usage& used,
                           double now) {
  const auto violation = [](std::string text) {
    return failure{api_error::license_violation, std::move(text)};
  };
  if (expired_at(l, now)) return violation("The license expired on " + rfc3339(l.expiration));
  if (l.cluster_name && *l.cluster_name != cluster_name) {
    return violation("The license is for cluster '" + *l.cluster_name + "', not '" +
                     std::string(cluster_name) + "'");
  }
  const auto too_few = [&](std::string_view term, std::uint64_t limit, std::uint64_t in_use) {
    return violation("The license allows " + std::to_string(limit) + " shards (" +
                     std::string(term) + ") but " + std::to_string(in_use) +
                     " are in use; delete or shrink databases first");
  };
  if (used.total() > l.shards_limit) return too_few("shards_limit", l.shards_limit, used.total());
  if (l.ram_shards_limit && used.ram > *l.ram_shards_limit)
    return too_few("ram_shards_limit", *l.ram_shards_limit, used.ram);
  if (l.flash_shards_limit && used.flash > *l.flash_shards_limit)
    return too_few("flash_shards_limit", *l.flash_shards_limit, used.flash);
  return {};
}

json license_record(const license& l) {
  json r = {{"license", l.text},
            {"key", l.key},
            {"activated_at", number_value(l.activation)},
            {"expires_at", number_value(l.expiration)},
            {"features", l.features},
            {"shards_limit", l.shards_limit}};
  if (l.ram_shards_limit) r["ram_shards_limit"] = *l.ram_shards_limit;
  if (l.flash_shards_limit) r["flash_shards_limit"] = *l.flash_shards_limit;
  if (l.owner) r["owner"] = *l.owner;
  if (l.cluster_name) r["cluster_name"] = *l.cluster_name;
  return r;
}

result<license> license_from_record(const json& record, const std::string& where) {
  object_reader r(record, where);
  r.only({"license", "key", "activated_at", "expires_at", "features", "shards_limit",
          "ram_shards_limit", "flash_shards_limit", "owner", "cluster_name"});
  license l;
  if (auto v = r.string("license", true)) l.text = std::move(*v);
  if (auto v = r.string("key", true)) l.key = std::move(*v);
  if (auto v = r.time("activated_at", true)) l.activation = *v;
  if (auto v = r.time("expires_at", true)) l.expiration = *v;
  // A licence's features may be empty, which string_list refuses only for
  // its elements: an empty list reads as one.
  if (auto v = r.string_list("features", true)) l.features = std::move(*v);
  if (auto v = r.unsigned_integer("shards_limit", max_shards_limit, true)) l.shards_limit = *v;
  l.ram_shards_limit = nullable_limit(record, r, "ram_shards_limit");
  l.flash_shards_limit = nullable_limit(record, r, "flash_shards_limit");
  l.owner = nullable_string(record, r, "owner");
  l.cluster_name = nullable_string(record, r, "cluster_name");
  if (r.failed()) return r.error();
  return l;
}

}  // namespace reemu
