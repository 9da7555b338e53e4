// The id source (model/ids.hpp) and the seeded UUIDs under it
// (util/uuid.hpp): the real v4 shape, the same sequence for the same seed,
// unrelated sequences for different seeds, and a seed whose sequence
// restarts with a reset and goes on after a save.
#include "reemu/model/ids.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include "reemu/config/config.hpp"
#include "reemu/config/seed.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/uuid.hpp"

namespace {

using namespace reemu;

void expect_v4_shape(const std::string& u) {
  SCOPED_TRACE(u);
  ASSERT_EQ(u.size(), 36u);
  for (const std::size_t dash : {8, 13, 18, 23}) EXPECT_EQ(u[dash], '-');
  EXPECT_EQ(std::count(u.begin(), u.end(), '-'), 4);
  EXPECT_EQ(u.find_first_not_of("0123456789abcdef-"), std::string::npos);
  EXPECT_EQ(u[14], '4');                                                    // version 4
  EXPECT_NE(std::string_view("89ab").find(u[19]), std::string_view::npos);  // variant 10xx
}

// The shape on every draw, no repeats, and every hex digit in the free
// places over a few hundred draws (a narrowed mix would show).
TEST(seeded_uuid, has_the_shape_of_a_random_version_4_uuid) {
  std::set<std::string> seen;
  std::set<char> digits;
  for (std::uint64_t n = 0; n < 512; ++n) {
    const std::string u = seeded_uuid_v4(7, n);
    expect_v4_shape(u);
    EXPECT_TRUE(seen.insert(u).second) << u;
    digits.insert(u.begin(), u.begin() + 8);
    digits.insert(u.begin() + 24, u.end());
  }
  EXPECT_EQ(digits.size(), 16u);
}

// A pure function of (seed, n): pinned, so that a change of the sequence
// (which changes every seeded test run's ids) is a decision, not an accident.
TEST(seeded_uuid, is_the_same_for_the_same_seed_and_index) {
  EXPECT_EQ(seeded_uuid_v4(1, 0), "1e613974-08ab-415e-9ef2-5ad64960fde9");
  EXPECT_EQ(seeded_uuid_v4(1, 1), "6b067396-b4db-49bc-83ae-173295fdd686");
  EXPECT_EQ(seeded_uuid_v4(42, 0), "04721065-bafa-4157-a542-938c24e94ff3");
  EXPECT_EQ(seeded_uuid_v4(42, 9), seeded_uuid_v4(42, 9));
}

// Neighbouring seeds share no id in their first thousand.
TEST(seeded_uuid, different_seeds_give_unrelated_sequences) {
  for (const std::uint64_t a : {0ULL, 1ULL, 2ULL, 0xffffffffffffffffULL}) {
    std::set<std::string> first;
    for (std::uint64_t n = 0; n < 1000; ++n) first.insert(seeded_uuid_v4(a, n));
    for (std::uint64_t n = 0; n < 1000; ++n)
      EXPECT_EQ(first.count(seeded_uuid_v4(a + 1, n)), 0u) << "seeds " << a << ", " << a + 1;
  }
}

TEST(id_sequence, seeded_draws_the_sequence_in_order) {
  id_sequence ids{id_mode::seeded, 42, 0};
  EXPECT_EQ(ids.next(), seeded_uuid_v4(42, 0));
  EXPECT_EQ(ids.next(), seeded_uuid_v4(42, 1));
  EXPECT_EQ(ids.drawn, 2u);
  // A copy (a write's draft) draws the same next id: what a failed write drew
  // is drawn again by the next one.
  id_sequence copy = ids;
  EXPECT_EQ(copy.next(), ids.next());
  // Going on from a saved position.
  const id_sequence resumed{id_mode::seeded, 42, 9};
  EXPECT_EQ(id_sequence(resumed).next(), seeded_uuid_v4(42, 9));
}

TEST(id_sequence, random_draws_apart_and_counts) {
  id_sequence a;
  id_sequence b;
  const std::string x = a.next();
  expect_v4_shape(x);
  EXPECT_NE(x, b.next());
  EXPECT_NE(x, a.next());
  EXPECT_EQ(a.drawn, 2u);
}

TEST(id_sequence, modes_by_name) {
  EXPECT_EQ(parse_id_mode("random"), id_mode::random);
  EXPECT_EQ(parse_id_mode("seeded"), id_mode::seeded);
  EXPECT_FALSE(parse_id_mode("Seeded"));
  EXPECT_FALSE(parse_id_mode(""));
  EXPECT_EQ(to_string(id_mode::seeded), "seeded");
  EXPECT_EQ(to_string(id_mode::random), "random");
}

config ids_config(std::string_view mode, std::uint64_t seed) {
  return parse_config(json::parse(R"({
    "emulator": {"clock": "manual", "clock_start": 1700000000, "ids": ")" +
                                  std::string(mode) + R"(", "seed": )" + std::to_string(seed) +
                                  R"(},
    "users": [{"email": "admin@redis.local", "password": "Redis123!", "role": "admin"}],
    "actions": [{"name": "retry_bdb", "status": "completed"},
                {"action_uid": "given", "name": "retry_bdb", "status": "completed"}],
    "state-machines": [{"name": "SMCreateBDB", "object_name": "bdb:1", "simulate": {}}]
  })"),
                      "ids_test");
}

// The seed's actions without an action_uid draw the first ids of the
// sequence, in file order; a given uid draws nothing.
TEST(id_sequence, the_seed_draws_first) {
  const config cfg = ids_config("seeded", 5);
  EXPECT_EQ(cfg.emulator.ids, id_mode::seeded);
  const registry_data d = make_seed(cfg, 1700000000);
  EXPECT_EQ(d.ids.mode, id_mode::seeded);
  EXPECT_EQ(d.ids.seed, 5u);
  EXPECT_EQ(d.ids.drawn, 2u);
  std::vector<std::string> uids;
  for (const auto& a : d.actions) uids.push_back(a->uid);
  EXPECT_EQ(uids, (std::vector<std::string>{seeded_uuid_v4(5, 0), "given", seeded_uuid_v4(5, 1)}));
  // Random mode: other uids on every start.
  const registry_data r = make_seed(ids_config("random", 5), 1700000000);
  EXPECT_NE(r.actions.begin()->get()->uid, seeded_uuid_v4(5, 0));
  expect_v4_shape(r.actions.begin()->get()->uid);
}

// A reset publishes the seed again, with its position: the ids after a
// reset are the ids after the start.
TEST(id_sequence, a_reset_restarts_the_sequence_after_the_seed) {
  registry reg(make_seed(ids_config("seeded", 5), 1700000000));
  std::string first;
  ASSERT_TRUE(reg.update(1700000001, [&](registry_data& d) -> result<> {
    first = d.ids.next();
    return {};
  }));
  EXPECT_EQ(first, seeded_uuid_v4(5, 2));
  reg.reset(1700000002);
  EXPECT_EQ(reg.snapshot()->data().ids.drawn, 2u);
  std::string again;
  ASSERT_TRUE(reg.update(1700000003, [&](registry_data& d) -> result<> {
    again = d.ids.next();
    return {};
  }));
  EXPECT_EQ(again, first);
  // A write that fails draws nothing.
  EXPECT_FALSE(reg.update(1700000004, [&](registry_data& d) -> result<> {
    d.ids.next();
    return failure{api_error::invalid_value, "refused"};
  }));
  EXPECT_EQ(reg.snapshot()->data().ids.drawn, 3u);
}

TEST(id_sequence, the_config_names_the_mode) {
  EXPECT_EQ(parse_config(json::object(), "c").emulator.ids, id_mode::random);
  EXPECT_THROW(parse_config(json::parse(R"({"emulator": {"ids": "sequential"}})"), "c"),
               config_error);
  EXPECT_THROW(parse_config(json::parse(R"({"emulator": {"ids": 1}})"), "c"), config_error);
}

}  // namespace
