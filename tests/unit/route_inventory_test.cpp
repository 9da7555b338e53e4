// The route inventory (docs/route-inventory.csv, src/http/route_inventory.cpp)
// held to the router, and the lookup of the documented routes the router
// lacks.
//
// When a family gains or loses a route, route_inventory.* below fails with
// the line of docs/route-inventory.csv to edit.
#include "reemu/http/route_inventory.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/app/families.hpp"

using namespace reemu;

namespace {

constexpr std::string_view inventory_file = "docs/route-inventory.csv";
constexpr std::string_view regenerate = "then rebuild";

struct served_route {
  const route* r;
  std::string_view family;
};

// Every route of every family, whatever a config turns off.
std::vector<served_route> every_route() {
  static const auto tables = [] {
    std::vector<std::pair<std::string_view, std::vector<route>>> out;
    for (const route_family& f : route_families()) out.emplace_back(f.name, f.routes());
    return out;
  }();
  std::vector<served_route> out;
  for (const auto& [family, table] : tables)
    for (const route& r : table) out.push_back({&r, family});
  return out;
}

std::string key_of(http_t::verb method, std::string_view pattern) {
  return std::string(http_t::to_string(method)) + " " + route_shape(pattern);
}

std::string line_of(const inventory_route& r) {
  return std::string(inventory_file) + " line " + std::to_string(r.line) + " (" +
         std::string(http_t::to_string(r.method)) + " " + r.path + ")";
}

}  // namespace

TEST(route_inventory, compiled_inventory_parses) {
  const auto& inventory = route_inventory();
  EXPECT_GT(inventory.size(), 200u);
  std::size_t unregistered = 0;
  for (const inventory_route& r : inventory)
    if (r.source == route_source::unregistered) ++unregistered;
  EXPECT_GT(unregistered, 10u);
}

TEST(route_inventory, shapes_ignore_parameter_names) {
  EXPECT_EQ(route_shape("/v1/bdbs/{bdb_uid}/shards"), "/v1/bdbs/{}/shards");
  EXPECT_EQ(route_shape("/v1/bdbs/{uid}/shards"), "/v1/bdbs/{}/shards");
  EXPECT_EQ(route_shape("/v1/license"), "/v1/license");
  EXPECT_EQ(route_shape("/v2/local/modules/user-defined/artifacts/{a}/{b}"),
            "/v2/local/modules/user-defined/artifacts/{}/{}");
}

// (a) The router serves no route of the emulated API the inventory does not
// list as emulated.
TEST(route_inventory, every_served_route_is_listed_as_emulated) {
  std::map<std::string, const inventory_route*> by_key;
  for (const inventory_route& r : route_inventory()) by_key[key_of(r.method, r.path)] = &r;
  for (const auto& [r, family] : every_route()) {
    const std::string method(http_t::to_string(r->method));
    const std::string_view pattern = r->pattern;
    if (pattern.starts_with("/emulator/")) continue;  // the control API: not Redis Software's
    ASSERT_TRUE(pattern.starts_with("/v1/") || pattern.starts_with("/v2/"))
        << method << " " << pattern << " (family " << family
        << "): a route is the emulated API's (/v1/, /v2/) or the control API's (/emulator/)";
    const auto it = by_key.find(key_of(r->method, pattern));
    if (it == by_key.end()) {
      ADD_FAILURE() << "family '" << family << "' serves " << method << " " << pattern << ", which "
                    << inventory_file << " does not list: add the row\n  " << family << ","
                    << method << "," << pattern
                    << ",yes,,reference,,<what it does>,<where it is described>\n"
                    << "(source `docs` with its docs page if the official docs list it), "
                    << regenerate;
      continue;
    }
    const inventory_route& row = *it->second;
    EXPECT_TRUE(row.emulated) << line_of(row) << " says not emulated (\"" << row.reason
                              << "\"), but family '" << family << "' serves " << method << " "
                              << pattern << ": set its `emulated` column to yes and empty its "
                              << "`reason`, " << regenerate;
  }
}

// (b) The inventory calls no route emulated that the router lacks.
TEST(route_inventory, every_route_marked_emulated_is_served) {
  std::map<std::string, std::string_view> served;
  for (const auto& [r, family] : every_route()) served[key_of(r->method, r->pattern)] = family;
  for (const inventory_route& row : route_inventory()) {
    if (!row.emulated) continue;
    EXPECT_TRUE(served.contains(key_of(row.method, row.path)))
        << line_of(row) << " says emulated, but no family serves it: set its `emulated` column "
        << "to no and say why in `reason`, " << regenerate;
  }
}

TEST(route_inventory, parse_refuses_malformed_rows) {
  const std::string header = "# a comment\nfamily,method,path,emulated,reason,source,extra\n";
  struct bad {
    std::string rows;
    std::string_view message;  // a part of the error
  };
  const std::vector<bad> cases = {
      {"x,GET,/v1/x,yes,,docs,e\nx,GET,/v1/x,yes,,docs,e\n",
       "line 4: GET /v1/x is listed on line 3"},
      {"x,GET,/v1/x/{uid},no,r,docs,e\nx,GET,/v1/x/{bdb_uid},no,r,docs,e\n", "line 4"},
      {"x,FETCH,/v1/x,yes,,docs,e\n", "line 3: method 'FETCH'"},
      {"x,GET,/v1/x,no,,docs,e\n", "line 3: a route not emulated says why"},
      {"x,GET,/v1/x,yes,why,docs,e\n", "line 3: an emulated route has no `reason`"},
      {"x,GET,/v1/x,maybe,,docs,e\n", "line 3: emulated is 'yes' or 'no'"},
      {"x,GET,/v1/x,yes,,docs\n", "line 3: 6 fields for 7 columns"},
      {"x,GET,/v1/x,no,\"a, b\",docs,e\n", "line 3: no quotes"},
      {"x,GET,/v3/x,no,r,docs,e\n", "line 3: path '/v3/x'"},
      {"x,GET,/v1/x/{a}b,no,r,docs,e\n", "a parameter is a whole segment"},
      {"x,GET,/v1//x,no,r,docs,e\n", "no empty segment"},
      {"x,GET,/v1/x,yes,,unregistered,e\n", "line 3: an unregistered route"},
      {"x,GET,/v1/x,yes,,blog,e\n", "line 3: source 'blog'"},
      {",GET,/v1/x,yes,,docs,e\n", "line 3: the family is empty"},
  };
  for (const bad& c : cases) {
    try {
      (void)parse_route_inventory(header + c.rows);
      ADD_FAILURE() << "accepted: " << c.rows;
    } catch (const inventory_error& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
          << e.what() << "\nwanted: " << c.message;
    }
  }
  EXPECT_THROW((void)parse_route_inventory("# only comments\n"), inventory_error);
  EXPECT_THROW((void)parse_route_inventory("family,method,path,emulated,reason\n"),
               inventory_error);  // no source column
  const auto ok = parse_route_inventory(header + "x,GET,/v1/x/{uid},no,why,docs,more\r\n");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].line, 3u);
  EXPECT_EQ(ok[0].path, "/v1/x/{uid}");
  EXPECT_EQ(ok[0].reason, "why");
  EXPECT_FALSE(ok[0].emulated);
}

// --- The lookup ----------------------------------------------------------------

class not_emulated_lookup : public ::testing::Test {
 protected:
  const config cfg_;
  const std::vector<route> served_ = all_routes(cfg_);
  const not_emulated_routes routes_{route_inventory(), served_};

  // The template of the documented route `path` names, or "" for none.
  std::string found(http_t::verb method, std::string_view path) const {
    const inventory_route* r = routes_.find(method, path_segments(path).value());
    return r ? r->path : std::string();
  }
  std::string under(std::string_view pattern, http_t::verb method, std::string_view path) const {
    for (std::size_t i = 0; i < served_.size(); ++i) {
      if (served_[i].pattern != pattern || served_[i].method != http_t::verb::get) continue;
      const inventory_route* r = routes_.more_specific(i, method, path_segments(path).value());
      return r ? r->path : std::string();
    }
    ADD_FAILURE() << "no route " << pattern;
    return {};
  }
};

TEST_F(not_emulated_lookup, finds_the_most_specific_documented_route) {
  using http_t::verb;
  EXPECT_EQ(found(verb::get, "/v1/license"), "/v1/license");
  EXPECT_EQ(found(verb::head, "/v1/license"), "/v1/license");
  EXPECT_EQ(found(verb::put, "/v1/cluster"), "/v1/cluster");
  EXPECT_EQ(found(verb::get, "/v1/roles/7"), "/v1/roles/{uid}");
  EXPECT_EQ(found(verb::get, "/v1/bdbs/3/availability"), "/v1/bdbs/{uid}/availability");
  EXPECT_EQ(found(verb::get, "/v1/endpoints/stats"), "/v1/endpoints/stats");
  // Real clusters serve neither: they stay an unknown path.
  EXPECT_EQ(found(verb::get, "/v1/roles/builtin"), "");
  EXPECT_EQ(found(verb::get, "/v1/endpoints/5"), "");
  EXPECT_EQ(found(verb::post, "/v1/crdb_tasks"), "");
  EXPECT_EQ(found(verb::put, "/v1/bdbs/1/alert_settings"), "");
  // Unknown paths, and routes the router serves.
  EXPECT_EQ(found(verb::get, "/v1/no_such_route"), "");
  EXPECT_EQ(found(verb::get, "/v1/cluster"), "");
  EXPECT_EQ(found(verb::get, "/emulator/v1/nothing"), "");
  EXPECT_FALSE(routes_.routes().empty());
  EXPECT_EQ(routes_.index_of(routes_.routes().back()), routes_.routes().size() - 1);
}

TEST_F(not_emulated_lookup, finds_a_documented_route_more_specific_than_a_served_one) {
  using http_t::verb;
  EXPECT_EQ(under("/v1/bdbs/{uid}", verb::get, "/v1/bdbs/stats"), "/v1/bdbs/stats");
  EXPECT_EQ(under("/v1/bdbs/{uid}", verb::head, "/v1/bdbs/alerts"), "/v1/bdbs/alerts");
  EXPECT_EQ(under("/v1/bdbs/{uid}", verb::get, "/v1/bdbs/1"), "");
  EXPECT_EQ(under("/v1/nodes/{uid}", verb::get, "/v1/nodes/status"), "/v1/nodes/status");
  EXPECT_EQ(under("/v1/shards/{uid}", verb::get, "/v1/shards/stats"), "/v1/shards/stats");
  EXPECT_EQ(under("/v1/shards/{uid}", verb::get, "/v1/shards/1:2"), "");
  EXPECT_EQ(under("/v1/actions", verb::get, "/v1/actions"), "");
}
