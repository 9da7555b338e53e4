// The version profiles' table (model/version_profile.hpp).
#include "reemu/model/version_profile.hpp"

#include <algorithm>
#include <array>

namespace reemu {

namespace {

// 7.22: the baseline records GET /v1/cluster/sso, GET
// /v1/cluster/sso/saml/metadata/sp, GET /v1/metrics_config and GET
// /v2/local/modules/user-defined/artifacts as 404 (version_specific) where
// 8.0 and 8.2 serve them; the other documented methods of the same paths go
// with them.
constexpr std::array<std::string_view, 8> absent_in_7_22 = {
    "GET /v1/cluster/sso",
    "PUT /v1/cluster/sso",
    "DELETE /v1/cluster/sso",
    "GET /v1/cluster/sso/saml/metadata/sp",
    "GET /v1/metrics_config",
    "PUT /v1/metrics_config",
    "GET /v2/local/modules/user-defined/artifacts",
    "POST /v2/local/modules/user-defined/artifacts",
};

// 8.0 and 8.2 answer every operation of the baseline alike.
constexpr std::array<version_profile, 3> profiles = {{
    {"7.22", "7.22.2-170", absent_in_7_22},
    {"8.0", "8.0.20-68", {}},
    {"8.2", "8.2.0-25", {}},
}};

// "/v1/bdbs/{bdb_uid}/shards" and "/v1/bdbs/{uid}/shards" are one route.
bool same_shape(std::string_view a, std::string_view b) {
  for (;;) {
    const bool a_param = a.starts_with('{');
    const bool b_param = b.starts_with('{');
    if (a_param != b_param) return false;
    if (a_param) {
      a.remove_prefix(std::min(a.find('}'), a.size()));
      b.remove_prefix(std::min(b.find('}'), b.size()));
    }
    if (a.empty() || b.empty()) return a.empty() && b.empty();
    if (a.front() != b.front()) return false;
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
}

}  // namespace

std::span<const version_profile> version_profiles() { return profiles; }

const version_profile& newest_version_profile() { return profiles.back(); }

const version_profile* find_version_profile(std::string_view name) {
  const auto it = std::find_if(profiles.begin(), profiles.end(),
                               [&](const version_profile& p) { return p.name == name; });
  return it == profiles.end() ? nullptr : &*it;
}

std::string version_profile_names() {
  std::string out;
  for (const version_profile& p : profiles) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

bool lacks_route(const version_profile& profile, std::string_view method,
                 std::string_view pattern) {
  return std::any_of(
      profile.absent_routes.begin(), profile.absent_routes.end(), [&](std::string_view absent) {
        const auto space = absent.find(' ');
        return absent.substr(0, space) == method && same_shape(absent.substr(space + 1), pattern);
      });
}

}  // namespace reemu
