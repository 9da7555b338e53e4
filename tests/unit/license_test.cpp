// Unit tests for the licence (src/model/license.cpp) and what it limits:
// the trial rendered as the real capture, expiry at a clock time, the shards
// counted from the databases, the shards_limit of a create or reshape, the
// keys the config offers and the checks of an install.
#include "reemu/model/license.hpp"

#include <gtest/gtest.h>

#include "captures.hpp"
#include "model_fixtures.hpp"
#include "reemu/model/database.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/model/wire.hpp"

using namespace reemu;

namespace {

using test::t0;

// The capture's activation_date: the real cluster's creation.
const double captured_activation = *parse_rfc3339("2025-10-14T00:01:06Z");

// A registry whose databases are `dbs` (seeded at t0) under `l`.
registry_data with_databases(const std::vector<json>& dbs, license l = unlimited_license()) {
  registry_data d;
  d.license = std::move(l);
  for (const json& obj : dbs) d.put_database(database_from_object(obj, t0, d, cluster_settings{}));
  return d;
}

json offer_entry() {
  return json::parse(R"({"license": "----- LICENSE START -----\nabc\n----- LICENSE END -----\n",
                         "expiration_date": "2030-01-01T00:00:00Z", "shards_limit": 400,
                         "ram_shards_limit": 300, "flash_shards_limit": 100,
                         "features": ["bigstore"], "owner": "Redis",
                         "cluster_name": "docker-cluster"})");
}

}  // namespace

TEST(license, the_trial_renders_as_the_capture_byte_for_byte) {
  const license trial = trial_license(captured_activation, 4);
  const json shown = render_license(trial, captured_activation + 3600, shard_usage{1, 0});
  EXPECT_EQ(dump(shown), test::capture("license.json"));
}

TEST(license, keys_and_types_follow_the_capture) {
  const json captured = json::parse(test::capture("license.json"));
  license paid = install(*license_offer_from_config(offer_entry(), "licenses[0]"), t0);
  const json shown = render_license(paid, t0, shard_usage{3, 2});
  ASSERT_EQ(shown.size(), captured.size());
  auto c = captured.begin();
  for (auto s = shown.begin(); s != shown.end(); ++s, ++c) {
    EXPECT_EQ(s.key(), c.key());
    // Where the capture has null, a paid licence has its term: a string or a
    // whole number.
    if (c->is_null()) {
      EXPECT_TRUE(s->is_string() || s->is_number_unsigned()) << s.key();
    } else {
      EXPECT_EQ(s->type(), c->type()) << s.key();
    }
  }
  EXPECT_EQ(shown["key"], shown["license"]);  // an installed key shows its text
  EXPECT_EQ(shown["ram_shards_in_use"], 3);
  EXPECT_EQ(shown["flash_shards_in_use"], 2);
  EXPECT_EQ(shown["activation_date"], rfc3339(t0));
  EXPECT_EQ(shown["expiration_date"], "2030-01-01T00:00:00Z");
}

TEST(license, it_expires_at_its_expiration_time) {
  const license trial = trial_license(t0, 4);
  EXPECT_EQ(trial.expiration, t0 + 30 * 86400);
  EXPECT_FALSE(expired_at(trial, trial.expiration - 0.5));
  EXPECT_TRUE(expired_at(trial, trial.expiration));
  EXPECT_EQ(render_license(trial, trial.expiration - 1, {})["expired"], false);
  EXPECT_EQ(render_license(trial, trial.expiration + 1, {})["expired"], true);
  EXPECT_TRUE(check_not_expired(trial, trial.expiration - 1));
  const auto refused = check_not_expired(trial, trial.expiration);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().error, api_error::license_expired);
  EXPECT_EQ(status_code_of(refused.error().error), 403u);
  EXPECT_EQ(refused.error().description, "redislabs license expired");
}

TEST(license, an_expired_licence_refuses_a_create) {
  license trial = trial_license(t0, 4);
  const registry_data d = with_databases({}, trial);
  const json body = {{"name", "db"}, {"memory_size", 1073741824}};
  EXPECT_TRUE(new_database(d, body, t0, cluster_settings{}));
  const auto late = new_database(d, body, trial.expiration, cluster_settings{});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().error, api_error::license_expired);
}

TEST(license, shards_in_use_count_the_visible_databases_ram_and_flash) {
  registry_data d = with_databases({{{"uid", 1}},
                                    {{"uid", 2}, {"shards_count", 2}, {"replication", true}},
                                    {{"uid", 3}, {"bigstore", true}, {"shards_count", 3}}});
  EXPECT_EQ(shards_in_use(d, t0).ram, 5u);
  EXPECT_EQ(shards_in_use(d, t0).flash, 3u);
  EXPECT_EQ(shards_in_use(d, t0).total(), 8u);
  // A database whose delete completed holds none, even before a write drops it.
  begin_operation(d, *d.databases.at(2), "SMDeleteBDB", t0);
  EXPECT_EQ(shards_in_use(d, t0).ram, 5u);  // delete-pending: still there
  EXPECT_EQ(shards_in_use(d, t0 + test::walk("SMDeleteBDB")).ram, 1u);
}

TEST(license, the_shards_limit_refuses_growth_past_it_and_never_shrinking) {
  license four = trial_license(t0, 4);
  registry_data d = with_databases({{{"uid", 1}, {"shards_count", 2}}}, four);
  const json fits = {{"name", "two"}, {"memory_size", 1048576}, {"shards_count", 2}};
  const auto made = new_database(d, fits, t0, cluster_settings{});
  ASSERT_TRUE(made) << made.error().description;
  const json over = {{"name", "three"}, {"memory_size", 1048576}, {"shards_count", 3}};
  const auto refused = new_database(d, over, t0, cluster_settings{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().error, api_error::insufficient_resources);
  EXPECT_EQ(status_code_of(refused.error().error), 406u);
  EXPECT_NE(refused.error().description.find("allows 4 shards (shards_limit), 2 are in use"),
            std::string::npos)
      << refused.error().description;
  // Under a limit below what is in use, shrinking and keeping still fit.
  d.license.shards_limit = 1;
  database same = *d.databases.at(1);
  EXPECT_TRUE(check_shard_room(d, same));
  same.fields["shards_count"] = 1;
  EXPECT_TRUE(check_shard_room(d, same));
  same.fields["replication"] = true;
  same.fields["shards_count"] = 2;
  EXPECT_FALSE(check_shard_room(d, same));  // 4 shards: growth
}

TEST(license, a_config_offer_reads_its_terms_and_refuses_what_is_wrong) {
  const auto offer = license_offer_from_config(offer_entry(), "licenses[0]");
  ASSERT_TRUE(offer) << offer.error().description;
  EXPECT_EQ(offer->terms.shards_limit, 400u);
  EXPECT_EQ(offer->terms.ram_shards_limit, 300u);
  EXPECT_EQ(offer->terms.owner, "Redis");
  EXPECT_FALSE(offer->activation);
  EXPECT_FALSE(offer->installed);
  const license installed = install(*offer, t0);
  EXPECT_EQ(installed.activation, t0);
  EXPECT_EQ(installed.key, installed.text);

  struct bad_case {
    std::string field;
    json value;  // null: removed
    std::string named;
  };
  const std::vector<bad_case> cases = {
      {"expiration_date", nullptr, "licenses[0].expiration_date"},
      {"expiration_date", "2030-01-01", "licenses[0].expiration_date"},
      {"activation_date", "2031-01-01T00:00:00Z", "licenses[0].expiration_date"},
      {"shards_limit", -1, "licenses[0].shards_limit"},
      {"license", "  \n", "licenses[0].license"},
      {"features", "bigstore", "licenses[0].features"},
      {"surprise", true, "licenses[0].surprise"},
  };
  for (const auto& c : cases) {
    json entry = offer_entry();
    if (c.value.is_null()) {
      entry.erase(c.field);
    } else {
      entry[c.field] = c.value;
    }
    const auto refused = license_offer_from_config(entry, "licenses[0]");
    ASSERT_FALSE(refused) << c.field;
    EXPECT_NE(refused.error().description.find(c.named), std::string::npos)
        << refused.error().description;
  }
}

TEST(license, an_offer_is_found_by_its_text_whatever_its_line_endings) {
  const std::vector<license_offer> offers = {*license_offer_from_config(offer_entry(), "l")};
  EXPECT_TRUE(find_offer(offers, "----- LICENSE START -----\nabc\n----- LICENSE END -----\n"));
  EXPECT_TRUE(find_offer(offers, "----- LICENSE START -----\r\nabc\r\n----- LICENSE END -----"));
  EXPECT_TRUE(find_offer(offers, "\n----- LICENSE START -----\nabc\n----- LICENSE END -----  "));
  EXPECT_FALSE(find_offer(offers, "----- LICENSE START -----\nabd\n----- LICENSE END -----\n"));
  EXPECT_FALSE(find_offer(offers, ""));
  EXPECT_FALSE(find_offer(offers, trial_license(t0, 4).text));
}

TEST(license, an_install_is_refused_for_expiry_another_cluster_or_too_few_shards) {
  const license paid = install(*license_offer_from_config(offer_entry(), "l"), t0);
  EXPECT_TRUE(check_installable(paid, "docker-cluster", shard_usage{300, 100}, t0));
  struct refusal {
    std::string cluster;
    shard_usage used;
    double now;
    std::string says;
  };
  const std::vector<refusal> cases = {
      {"docker-cluster", {}, *parse_rfc3339("2030-01-01T00:00:00Z"), "expired on 2030-01-01"},
      {"other", {}, t0, "is for cluster 'docker-cluster', not 'other'"},
      {"docker-cluster", {301, 0}, t0, "allows 300 shards (ram_shards_limit) but 301"},
      {"docker-cluster", {0, 101}, t0, "allows 100 shards (flash_shards_limit) but 101"},
      {"docker-cluster", {300, 101}, t0, "allows 400 shards (shards_limit) but 401"},
  };
  for (const auto& c : cases) {
    const auto refused = check_installable(paid, c.cluster, c.used, c.now);
    ASSERT_FALSE(refused) << c.says;
    EXPECT_EQ(refused.error().error, api_error::license_violation);
    EXPECT_EQ(status_code_of(refused.error().error), 406u);
    EXPECT_NE(refused.error().description.find(c.says), std::string::npos)
        << refused.error().description;
  }
}

TEST(license, a_record_round_trips_with_and_without_its_optional_terms) {
  for (const license& l :
       {trial_license(t0 + 0.25, 4), install(*license_offer_from_config(offer_entry(), "l"), t0)}) {
    const auto back = license_from_record(json::parse(dump(license_record(l))), "license");
    ASSERT_TRUE(back) << back.error().description;
    EXPECT_EQ(*back, l);
  }
  const auto bad = license_from_record(json{{"license", "x"}}, "license");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().description.find("license.key"), std::string::npos);
}
