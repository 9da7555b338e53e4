// The control API's licence room. A PUT edits the installed licence's terms
// in place: nothing is checked against the databases, so a test may set a
// shards_limit below the shards in use (the next create is refused) or an
// expiration in the past (creates and updates answer 403).
#include "reemu/control/license.hpp"

#include "reemu/model/database.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/license.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/validation.hpp"
#include "reemu/state/registry.hpp"

namespace reemu {

namespace {

using http_t::status;

constexpr double max_expiry_seconds = 100.0 * 365 * 24 * 3600;
constexpr std::uint64_t max_license_shards = std::uint64_t{1} << 40;

json license_view(const registry_data& d, double now) {
  return render_license(d.license, now, shards_in_use(d, now));
}

bool null_field(const json& body, std::string_view key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_null();
}

// The terms a PUT body sets, applied to `l` at `now`; the failure names
// the field at fault, and `l` is then not to be used.
result<> apply_terms(const json& body, license& l, double now, const cluster_settings& cluster) {
  object_reader r(body);
  r.only({"trial", "expiration_date", "expires_in_seconds", "activation_date", "shards_limit",
          "ram_shards_limit", "flash_shards_limit", "features", "owner", "cluster_name"});
  const auto trial = r.boolean("trial");
  const auto expiration = r.date("expiration_date");
  const auto expires_in = r.number("expires_in_seconds", 0, max_expiry_seconds);
  const auto activation = r.date("activation_date");
  const auto shards = r.unsigned_integer("shards_limit", max_license_shards);
  const auto ram = null_field(body, "ram_shards_limit")
                       ? std::nullopt
                       : r.unsigned_integer("ram_shards_limit", max_license_shards);
  const auto flash = null_field(body, "flash_shards_limit")
                         ? std::nullopt
                         : r.unsigned_integer("flash_shards_limit", max_license_shards);
  auto features = r.string_list("features");
  auto owner = null_field(body, "owner") ? std::nullopt : r.string("owner");
  auto cluster_name = null_field(body, "cluster_name") ? std::nullopt : r.string("cluster_name");
  if (r.failed()) return r.error();
  if (expiration && expires_in) {
    return failure{api_error::invalid_value,
                   "give 'expiration_date' or 'expires_in_seconds', not both"};
  }
  if (trial && *trial) l = trial_license(now, cluster.shards_limit);
  if (activation) l.activation = *activation;
  if (expiration) l.expiration = *expiration;
  if (expires_in) l.expiration = now + *expires_in;
  if (shards) l.shards_limit = *shards;
  if (body.contains("ram_shards_limit")) l.ram_shards_limit = ram;
  if (body.contains("flash_shards_limit")) l.flash_shards_limit = flash;
  if (features) l.features = std::move(*features);
  if (body.contains("owner")) l.owner = std::move(owner);
  if (body.contains("cluster_name")) l.cluster_name = std::move(cluster_name);
  return check_license_dates(l);
}

}  // namespace

reply get_control_license(const request_context& ctx) {
  return json_reply(status::ok, license_view(ctx.state->data(), ctx.now));
}

reply put_control_license(const request_context& ctx, registry& reg,
                          const cluster_settings& cluster) {
  auto body = read_body(ctx);
  if (!body) return error_reply(body.error());
  json shown;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    license next = d.license;
    if (auto ok = apply_terms(*body, next, ctx.now, cluster); !ok) return ok.error();
    d.license = std::move(next);
    shown = license_view(d, ctx.now);
    return {};
  });
  return written ? json_reply(status::ok, shown) : error_reply(written.error());
}

std::vector<route> control_license_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/license", admin, uses<&get_control_license>},
      {verb::put, "/emulator/v1/license", admin, uses<&put_control_license>},
  };
}

}  // namespace reemu
