// keyed_sequence: a randomised differential test against a plain vector as
// the model (insertion order, lookups, replace, erase, erase_if, chunk
// boundaries), and the persistence property: a copy never sees the edits of
// another.
#include "reemu/model/keyed_sequence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct item {
  std::string key;
  int payload = 0;
};

std::string_view key_of(const item& i) { return i.key; }

// The registry's shape, and a tiny one whose few values fill many chunks
// and groups, so every level is split, merged and shared.
using full_seq = reemu::keyed_sequence<item, &key_of>;
using tiny_seq = reemu::keyed_sequence<item, &key_of, 4, 3>;

// The model: (key, payload) in insertion order.
using model = std::vector<item>;

std::shared_ptr<const item> make(std::string key, int payload) {
  return std::make_shared<const item>(item{std::move(key), payload});
}

template <class S>
void expect_same(const S& s, const model& m) {
  ASSERT_EQ(s.size(), m.size());
  ASSERT_EQ(s.empty(), m.empty());
  std::size_t i = 0;
  for (const auto& p : s) {
    ASSERT_LT(i, m.size());
    EXPECT_EQ(p->key, m[i].key) << "at " << i;
    EXPECT_EQ(p->payload, m[i].payload) << "at " << i;
    ++i;
  }
  EXPECT_EQ(i, m.size());
  for (const item& it : m) {
    const auto found = s.find(it.key);
    ASSERT_NE(found, nullptr) << it.key;
    EXPECT_EQ(found->payload, it.payload);
  }
  // At most about two chunks per chunk_size values, and two groups per
  // group_chunks chunks, plus the tail and the ends of the groups.
  EXPECT_LE(s.chunk_count(), 2 * m.size() / S::chunk_size + 2 * s.group_count() + 2);
  EXPECT_LE(s.group_count(), 2 * s.chunk_count() / S::group_chunks + 2);
}

model::iterator find_in(model& m, std::string_view key) {
  return std::find_if(m.begin(), m.end(), [&](const item& i) { return i.key == key; });
}

template <class S>
class keyed_sequence_shapes : public ::testing::Test {};
using shapes = ::testing::Types<full_seq, tiny_seq>;
TYPED_TEST_SUITE(keyed_sequence_shapes, shapes);

}  // namespace

TYPED_TEST(keyed_sequence_shapes, empty_iterates_nothing) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  const seq s;
  EXPECT_EQ(s.begin(), s.end());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.find("x"), nullptr);
}

TYPED_TEST(keyed_sequence_shapes, appends_in_order_across_chunk_boundaries) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  for (const std::size_t n : {chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 7}) {
    seq s;
    model m;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(s.push_back(make("k" + std::to_string(i), static_cast<int>(i))));
      m.push_back({"k" + std::to_string(i), static_cast<int>(i)});
    }
    expect_same(s, m);
    EXPECT_FALSE(s.push_back(make("k0", -1)));  // a taken key adds nothing
    expect_same(s, m);
  }
}

TYPED_TEST(keyed_sequence_shapes, replace_keeps_the_place_and_erase_closes_the_gap) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  seq s;
  model m;
  for (int i = 0; i < static_cast<int>(2 * chunk + 10); ++i) {
    s.push_back(make("k" + std::to_string(i), i));
    m.push_back({"k" + std::to_string(i), i});
  }
  for (const int i :
       {0, static_cast<int>(chunk) - 1, static_cast<int>(chunk), static_cast<int>(2 * chunk + 9)}) {
    const std::string k = "k" + std::to_string(i);
    ASSERT_TRUE(s.replace(make(k, -i)));
    find_in(m, k)->payload = -i;
  }
  EXPECT_FALSE(s.replace(make("absent", 1)));
  expect_same(s, m);
  for (const int i : {static_cast<int>(chunk), 0, static_cast<int>(2 * chunk + 9)}) {
    const std::string k = "k" + std::to_string(i);
    ASSERT_TRUE(s.erase(k));
    m.erase(find_in(m, k));
    EXPECT_FALSE(s.erase(k));
  }
  expect_same(s, m);
}

TYPED_TEST(keyed_sequence_shapes, erasing_everything_empties_it) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  seq s;
  for (int i = 0; i < static_cast<int>(3 * chunk); ++i) s.push_back(make(std::to_string(i), i));
  for (int i = 0; i < static_cast<int>(3 * chunk); ++i) ASSERT_TRUE(s.erase(std::to_string(i)));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.begin(), s.end());
  EXPECT_EQ(s.chunk_count(), 0u);
  EXPECT_TRUE(s.push_back(make("0", 1)));  // a key erased is free again
  EXPECT_EQ(s.size(), 1u);
}

TYPED_TEST(keyed_sequence_shapes, erase_if_removes_what_the_predicate_holds) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  seq s;
  model m;
  for (int i = 0; i < static_cast<int>(5 * chunk); ++i) {
    s.push_back(make(std::to_string(i), i));
    m.push_back({std::to_string(i), i});
  }
  EXPECT_EQ(s.erase_if([](const item& i) { return i.payload % 3 == 0; }),
            static_cast<std::size_t>(std::count_if(
                m.begin(), m.end(), [](const item& i) { return i.payload % 3 == 0; })));
  std::erase_if(m, [](const item& i) { return i.payload % 3 == 0; });
  expect_same(s, m);
  EXPECT_EQ(s.erase_if([](const item&) { return false; }), 0u);
  expect_same(s, m);
}

TYPED_TEST(keyed_sequence_shapes, copies_do_not_see_each_others_edits) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  seq a;
  model ma;
  for (int i = 0; i < static_cast<int>(2 * chunk + 3); ++i) {
    a.push_back(make(std::to_string(i), i));
    ma.push_back({std::to_string(i), i});
  }
  seq b = a;
  model mb = ma;
  b.erase("0");
  mb.erase(mb.begin());
  const std::string replaced = std::to_string(chunk + 1);  // in a sealed chunk
  ASSERT_TRUE(b.replace(make(replaced, -1)));
  find_in(mb, replaced)->payload = -1;
  b.push_back(make("new", 7));
  mb.push_back({"new", 7});
  a.erase("5");
  ma.erase(find_in(ma, "5"));
  expect_same(a, ma);
  expect_same(b, mb);
}

// Random operations on the sequence and the model, with copies taken along
// the way and checked again at the end: every version stays as it was.
TYPED_TEST(keyed_sequence_shapes, randomised_against_a_vector_model) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  std::mt19937 rng(20261130);
  for (int round = 0; round < 4; ++round) {
    seq s;
    model m;
    std::vector<std::pair<seq, model>> versions;
    int counter = 0;
    for (int step = 0; step < 6000; ++step) {
      const int op = static_cast<int>(rng() % 100);
      if (op < 50 || m.empty()) {
        const std::string k = "u" + std::to_string(counter++);
        ASSERT_TRUE(s.push_back(make(k, counter)));
        m.push_back({k, counter});
      } else if (op < 70) {
        const item& target = m[rng() % m.size()];
        const int p = static_cast<int>(rng());
        const std::string k = target.key;
        ASSERT_TRUE(s.replace(make(k, p)));
        find_in(m, k)->payload = p;
      } else if (op < 97) {
        // Erase mostly near one end or the other, to empty chunks often.
        const std::size_t at = op < 80 ? rng() % m.size() : (op < 90 ? 0 : m.size() - 1);
        const std::string k = m[at].key;
        ASSERT_TRUE(s.erase(k));
        m.erase(m.begin() + static_cast<std::ptrdiff_t>(at));
      } else if (op < 98) {
        const int mod = 2 + static_cast<int>(rng() % 5);
        const auto pred = [&](const item& i) { return i.payload % mod == 0; };
        s.erase_if(pred);
        std::erase_if(m, pred);
      } else {
        ASSERT_FALSE(s.push_back(make(m[rng() % m.size()].key, 0)));
      }
      if (step % 500 == 0) versions.emplace_back(s, m);
      if (step % 250 == 0) expect_same(s, m);
    }
    expect_same(s, m);
    for (const auto& [vs, vm] : versions) expect_same(vs, vm);
  }
}

// Replaying diff(older) on older's model gives the newer model: erasures
// first, then each put replaces in place or appends, as the state log's
// replay does.
TYPED_TEST(keyed_sequence_shapes, diff_replayed_on_the_older_copy_gives_the_newer) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  std::mt19937 rng(20261201);
  seq s;
  model m;
  int counter = 0;
  for (int step = 0; step < 700; ++step) {
    const seq older = s;
    const model older_model = m;
    const int edits = 1 + static_cast<int>(rng() % (step % 10 == 0 ? 300 : 3));
    for (int e = 0; e < edits; ++e) {
      const int op = static_cast<int>(rng() % 100);
      if (op < 55 || m.empty()) {
        const std::string k = "u" + std::to_string(counter++);
        s.push_back(make(k, counter));
        m.push_back({k, counter});
      } else if (op < 75) {
        const std::string k = m[rng() % m.size()].key;
        const int p = static_cast<int>(rng());
        s.replace(make(k, p));
        find_in(m, k)->payload = p;
      } else if (op < 99) {
        const std::size_t at = rng() % m.size();
        const std::string k = m[at].key;
        s.erase(k);
        m.erase(m.begin() + static_cast<std::ptrdiff_t>(at));
      } else {
        const auto pred = [](const item& i) { return i.payload % 3 == 0; };
        s.erase_if(pred);
        std::erase_if(m, pred);
      }
    }
    model replayed = older_model;
    std::vector<item> puts;
    std::size_t named = 0;
    s.diff(
        older,
        [&](const item& gone) {
          ++named;
          const auto it = find_in(replayed, gone.key);
          ASSERT_NE(it, replayed.end()) << gone.key;
          replayed.erase(it);
        },
        [&](const item& put) {
          ++named;
          puts.push_back(put);
        });
    for (const item& p : puts) {
      const auto it = find_in(replayed, p.key);
      if (it == replayed.end()) {
        replayed.push_back(p);
      } else {
        it->payload = p.payload;
      }
    }
    ASSERT_EQ(replayed.size(), m.size()) << "step " << step;
    for (std::size_t i = 0; i < m.size(); ++i) {
      ASSERT_EQ(replayed[i].key, m[i].key) << "step " << step << " at " << i;
      ASSERT_EQ(replayed[i].payload, m[i].payload) << "step " << step << " at " << i;
    }
    // A diff names only what the edits touched: at most one value per edit,
    // plus every value an erase_if removed.
    const std::size_t shrunk = older_model.size() > m.size() ? older_model.size() - m.size() : 0;
    EXPECT_LE(named, 2 * static_cast<std::size_t>(edits) + shrunk) << "step " << step;
  }
  std::size_t calls = 0;
  const seq copy = s;
  copy.diff(
      s, [&](const item&) { ++calls; }, [&](const item&) { ++calls; });
  EXPECT_EQ(calls, 0u) << "a copy differs from nothing";
}

// Two sequences built apart (a state restored over another) hold different
// values at the same insertion numbers: the diff must not take one for an
// edit of the other. It names every value of both, so a replay erases all
// that was and puts all that is, in order.
TYPED_TEST(keyed_sequence_shapes, diff_of_a_sequence_built_apart_names_everything) {
  using seq = TypeParam;
  [[maybe_unused]] constexpr std::size_t chunk = seq::chunk_size;
  seq older;
  seq stranger;
  for (int i = 0; i < static_cast<int>(chunk + 3); ++i) {
    older.push_back(make("old" + std::to_string(i), i));
    stranger.push_back(make("new" + std::to_string(i), i));
  }
  stranger.push_back(make("old0", 99));  // a key both hold, at another place
  std::vector<std::string> erased;
  std::vector<std::string> put;
  stranger.diff(
      older, [&](const item& gone) { erased.push_back(gone.key); },
      [&](const item& p) { put.push_back(p.key); });
  ASSERT_EQ(erased.size(), older.size());
  ASSERT_EQ(put.size(), stranger.size());
  EXPECT_EQ(erased.front(), "old0");
  EXPECT_EQ(put.front(), "new0");
  EXPECT_EQ(put.back(), "old0");
  // A copy of the stranger, edited, is its kin again: only the edit shows.
  seq kin = stranger;
  kin.push_back(make("late", 1));
  std::size_t named = 0;
  kin.diff(
      stranger, [&](const item&) { ++named; }, [&](const item&) { ++named; });
  EXPECT_EQ(named, 1u);
}
