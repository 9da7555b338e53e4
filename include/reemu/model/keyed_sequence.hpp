// A persistent (structure-sharing) sequence of immutable values in insertion
// order with an index by string key: the registry's action storage.
//
// Copying one costs O(chunk_size + group_size) pointer copies, not O(n): the
// values live in fixed-size chunks and the index in hash buckets held in
// groups, all shared between copies behind shared_ptr and copied one chunk /
// one group and one bucket at a time when a copy is edited. A shared chunk,
// group or bucket is never modified, so a published copy stays immutable
// while later copies are edited, and readers of it need no lock.
//
// Only the tail (the newest values, fewer than chunk_size) is held by value,
// so appending is amortised O(1) and a full tail is sealed into a chunk.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace reemu {

// `Key` maps a value to its key, a string_view into the value itself (the
// value is immutable and kept alive by the index entry, so the view is too).
// `ChunkSize` values make a chunk and up to `GroupChunks` chunks a group
// (tests use small ones to reach every level with few values).
template <class T, std::string_view (*Key)(const T&), std::size_t ChunkSize = 256,
          std::size_t GroupChunks = 64>
class keyed_sequence {
 public:
  using value_ptr = std::shared_ptr<const T>;
  static constexpr std::size_t chunk_size = ChunkSize;
  static constexpr std::size_t group_chunks = GroupChunks;
  // The index has group_size groups of group_size buckets: a copy copies
  // the group pointers, an edit one group and one bucket (about 6 entries
  // at 100k values), so neither grows with the size much below a million.
  static constexpr std::size_t group_size = 128;
  static constexpr std::size_t bucket_count = group_size * group_size;

 public:
  struct slot {
    std::uint64_t seq;  // insertion number: increasing along the sequence
    value_ptr value;
  };
  using chunk = std::vector<slot>;

 private:
  using chunk_ptr = std::shared_ptr<const chunk>;
  // Sealed chunks in order: groups of 1..GroupChunks chunks. An edit copies
  // the list of groups, one group and one chunk (at 100k values: 7 + 64 +
  // 256 pointers), never the pointers to every chunk.
  using chunk_group = std::vector<chunk_ptr>;
  using group_list = std::vector<std::shared_ptr<chunk_group>>;

  struct entry {
    std::size_t hash;
    std::uint64_t seq;
    value_ptr value;
  };
  using bucket = std::vector<entry>;
  using bucket_group = std::array<std::shared_ptr<bucket>, group_size>;

 public:
  // Walks the values in insertion order; dereferences to const value_ptr&.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = value_ptr;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_ptr*;
    using reference = const value_ptr&;

    const_iterator() = default;
    reference operator*() const { return current().value; }
    pointer operator->() const { return &current().value; }
    const_iterator& operator++() {
      if (++offset_ == seq_->chunk_at(group_, chunk_).size()) skip_chunk();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& o) const {
      return group_ == o.group_ && chunk_ == o.chunk_ && offset_ == o.offset_;
    }

   private:
    friend class keyed_sequence;
    // At the first value of chunk `c` of group `g`; group groups().size()
    // is the tail, and one more is the end.
    const_iterator(const keyed_sequence* s, std::size_t g) : seq_(s), group_(g) { skip_empty(); }
    const slot& current() const { return seq_->chunk_at(group_, chunk_)[offset_]; }
    bool at_chunk_start() const { return offset_ == 0; }
    // The sealed chunk under the iterator, or nullptr (the tail, or the end).
    const chunk* shared_chunk() const {
      const group_list& gl = seq_->groups();
      return group_ < gl.size() ? (*gl[group_])[chunk_].get() : nullptr;
    }
    // To the first value of the next chunk.
    void skip_chunk() {
      offset_ = 0;
      const group_list& gl = seq_->groups();
      if (group_ < gl.size() && ++chunk_ < gl[group_]->size()) return;
      ++group_;
      chunk_ = 0;
      skip_empty();
    }
    void skip_empty() {
      // Sealed chunks and groups are never empty; only the tail can be.
      if (group_ == seq_->groups().size() && seq_->tail_.empty()) ++group_;
    }

    const keyed_sequence* seq_ = nullptr;
    std::size_t group_ = 0;
    std::size_t chunk_ = 0;
    std::size_t offset_ = 0;
  };

  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, groups().size() + 1); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // The value with `key`, or nullptr.
  value_ptr find(std::string_view key) const {
    const entry* e = find_entry(key, hash_of(key));
    return e ? e->value : nullptr;
  }
  bool contains(std::string_view key) const { return find_entry(key, hash_of(key)) != nullptr; }

  // Appends `v`; false (and nothing added) when its key is taken.
  bool push_back(value_ptr v) {
    const std::string_view key = Key(*v);
    const std::size_t h = hash_of(key);
    if (find_entry(key, h)) return false;
    append(slot{next_seq_++, std::move(v)});
    return true;
  }

  // Puts `v` in the place of the value with its key; false when there is none.
  bool replace(value_ptr v) {
    const std::string_view key = Key(*v);
    const std::size_t h = hash_of(key);
    const entry* found = find_entry(key, h);
    if (!found) return false;
    const std::uint64_t seq = found->seq;
    for (entry& e : editable_bucket(h))
      if (e.seq == seq) e.value = v;
    edit_slot(seq, [&](chunk& c, std::size_t i) { c[i].value = std::move(v); });
    return true;
  }

  // Removes the value with `key`; false when there is none.
  bool erase(std::string_view key) {
    const std::size_t h = hash_of(key);
    const entry* found = find_entry(key, h);
    if (!found) return false;
    const std::uint64_t seq = found->seq;
    std::shared_ptr<bucket>& b = editable_bucket_ptr(h);
    std::erase_if(*b, [&](const entry& e) { return e.seq == seq; });
    if (b->empty()) b = nullptr;
    edit_slot(seq,
              [](chunk& c, std::size_t i) { c.erase(c.begin() + static_cast<std::ptrdiff_t>(i)); });
    --size_;
    if (size_ == 0) clear();
    return true;
  }

  // Removes every value `pred` holds for; returns how many. O(n): rebuilds,
  // keeping each remaining value's insertion number (so diff() against an
  // older copy names only the removed values).
  template <class Pred>
  std::size_t erase_if(Pred pred) {
    std::vector<slot> kept;
    kept.reserve(size_);
    for_each_chunk([&](const auto&, const chunk& c) {
      for (const slot& s : c)
        if (!pred(*s.value)) kept.push_back(s);
    });
    const std::size_t removed = size_ - kept.size();
    if (removed == 0) return 0;
    clear();
    for (slot& s : kept) append(std::move(s));
    return removed;
  }

  // What changed from `older` (an earlier copy of this sequence) to this
  // one, in insertion order: erased(value) for each value `older` holds and
  // this one does not, put(value) for each value this one holds that is new
  // or replaced. Chunks both copies share are skipped whole, so after a few
  // edits this costs O(n / chunk_size + chunk_size). When `older` is no
  // earlier copy (a sequence built apart, as a restored state is), its
  // insertion numbers say nothing about this one's: every value of `older`
  // is erased and every value of this one put, in order.
  template <class Erased, class Put>
  void diff(const keyed_sequence& older, Erased erased, Put put) const {
    if (lineage_ != older.lineage_) {
      for (const value_ptr& v : older) erased(*v);
      for (const value_ptr& v : *this) put(*v);
      return;
    }
    const_iterator a = older.begin();
    const_iterator b = begin();
    const const_iterator a_end = older.end();
    const const_iterator b_end = end();
    while (a != a_end || b != b_end) {
      if (a != a_end && b != b_end && a.at_chunk_start() && b.at_chunk_start() &&
          a.shared_chunk() && a.shared_chunk() == b.shared_chunk()) {
        a.skip_chunk();
        b.skip_chunk();
      } else if (b == b_end || (a != a_end && a.current().seq < b.current().seq)) {
        erased(*a.current().value);
        ++a;
      } else if (a == a_end || b.current().seq < a.current().seq) {
        put(*b.current().value);
        ++b;
      } else {
        if (a.current().value != b.current().value) put(*b.current().value);
        ++a;
        ++b;
      }
    }
  }

  void clear() {
    sealed_.reset();
    tail_.clear();
    groups_.clear();
    size_ = 0;
  }

  // Calls fn(shared, values) for each chunk in order: `shared` is the
  // immutable chunk (its identity lets a cache keep what it derived from
  // it) or nullptr for the tail, which belongs to this copy alone.
  template <class Fn>
  void for_each_chunk(Fn fn) const {
    for (const auto& g : groups())
      for (const chunk_ptr& c : *g) fn(c, *c);
    if (!tail_.empty()) fn(chunk_ptr(), tail_);
  }

  // Chunks in the sequence (sealed ones plus a non-empty tail): for tests.
  std::size_t chunk_count() const noexcept {
    std::size_t n = tail_.empty() ? 0 : 1;
    for (const auto& g : groups()) n += g->size();
    return n;
  }
  // Groups of sealed chunks: for tests.
  std::size_t group_count() const noexcept { return groups().size(); }

 private:
  static std::size_t hash_of(std::string_view key) noexcept {
    return std::hash<std::string_view>{}(key);
  }
  static std::size_t group_of(std::size_t h) noexcept { return h % bucket_count / group_size; }
  static std::size_t bucket_of(std::size_t h) noexcept { return h % group_size; }

  const entry* find_entry(std::string_view key, std::size_t h) const {
    if (groups_.empty()) return nullptr;
    const auto& g = groups_[group_of(h)];
    if (!g) return nullptr;
    const auto& b = (*g)[bucket_of(h)];
    if (!b) return nullptr;
    for (const entry& e : *b)
      if (e.hash == h && Key(*e.value) == key) return &e;
    return nullptr;
  }

  // `p`, made this copy's own first when another copy shares it (or made
  // empty when null). Whatever only this copy holds is edited in place.
  template <class U>
  static U& own(std::shared_ptr<U>& p) {
    if (!p) {
      p = std::make_shared<U>();
    } else if (p.use_count() > 1) {
      p = std::make_shared<U>(*p);
    }
    return *p;
  }

  // The pointer to the bucket for `h`, in this copy's own group, to this
  // copy's own (possibly empty) bucket.
  std::shared_ptr<bucket>& editable_bucket_ptr(std::size_t h) {
    if (groups_.empty()) groups_.resize(group_size);
    std::shared_ptr<bucket>& b = own(groups_[group_of(h)])[bucket_of(h)];
    own(b);
    return b;
  }
  bucket& editable_bucket(std::size_t h) { return *editable_bucket_ptr(h); }

  // Adds `s` (a new insertion number, or a kept one in order) at the end,
  // index included; a full tail is sealed into the last group.
  void append(slot s) {
    const std::size_t h = hash_of(Key(*s.value));
    editable_bucket(h).push_back(entry{h, s.seq, s.value});
    tail_.push_back(std::move(s));
    ++size_;
    if (tail_.size() < chunk_size) return;
    group_list& gl = own(sealed_);
    if (gl.empty() || gl.back()->size() == group_chunks) gl.push_back(nullptr);
    own(gl.back()).push_back(std::make_shared<const chunk>(std::move(tail_)));
    tail_ = chunk();
    tail_.reserve(chunk_size);
  }

  // Runs `edit(chunk, index)` on a private copy of the chunk holding `seq`
  // (or on the tail), then drops an emptied chunk or group and merges a
  // small one with a neighbour, so chunks and groups stay at least half
  // full on average.
  template <class Edit>
  void edit_slot(std::uint64_t seq, Edit edit) {
    const auto by_seq = [](const slot& s, std::uint64_t q) { return s.seq < q; };
    if (!tail_.empty() && tail_.front().seq <= seq) {
      const auto it = std::lower_bound(tail_.begin(), tail_.end(), seq, by_seq);
      edit(tail_, static_cast<std::size_t>(it - tail_.begin()));
      return;
    }
    group_list& gl = own(sealed_);
    const auto g = std::partition_point(
        gl.begin(), gl.end(), [&](const auto& grp) { return grp->back()->back().seq < seq; });
    chunk_group& grp = own(*g);
    const auto c = std::partition_point(grp.begin(), grp.end(),
                                        [&](const chunk_ptr& ch) { return ch->back().seq < seq; });
    chunk copy = **c;
    const auto it = std::lower_bound(copy.begin(), copy.end(), seq, by_seq);
    edit(copy, static_cast<std::size_t>(it - copy.begin()));
    const auto at = static_cast<std::size_t>(c - grp.begin());
    if (copy.empty()) {
      grp.erase(c);
    } else {
      grp[at] = std::make_shared<const chunk>(std::move(copy));
    }
    // An emptied chunk's neighbours are now adjacent: they may fit in one.
    if (at < grp.size()) {
      merge_small(grp, at, chunk_size, chunk_items);
    }
    const auto gat = static_cast<std::size_t>(g - gl.begin());
    if (grp.empty()) {
      gl.erase(g);
    }
    if (gat < gl.size()) {
      merge_small(gl, gat, group_chunks, group_items);
    }
  }

  // What a chunk pointer and a group pointer hold: for merge_small.
  static const chunk& chunk_items(const chunk_ptr& c) { return *c; }
  static chunk_group& group_items(const std::shared_ptr<chunk_group>& g) { return *g; }

  // Joins item `at` of `list` with its next (or previous) neighbour when
  // the two hold at most `cap` elements together; `items(p)` is what p holds.
  template <class List, class Items>
  static void merge_small(List& list, std::size_t at, std::size_t cap, Items items) {
    const auto size = [&](std::size_t i) { return items(list[i]).size(); };
    if (at + 1 < list.size() && size(at) + size(at + 1) <= cap) {
      join(list, at, items);
    } else if (at > 0 && size(at - 1) + size(at) <= cap) {
      join(list, at - 1, items);
    }
  }
  template <class List, class Items>
  static void join(List& list, std::size_t first, Items items) {
    using elem = std::remove_cvref_t<decltype(items(list[first]))>;
    elem both = items(list[first]);
    const elem& next = items(list[first + 1]);
    both.insert(both.end(), next.begin(), next.end());
    list[first] = std::make_shared<elem>(std::move(both));
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(first + 1));
  }

  // The groups of sealed chunks, in order.
  const group_list& groups() const {
    static const group_list none;
    return sealed_ ? *sealed_ : none;
  }
  // The chunk at (g, c): sealed for g < groups().size(), else the tail.
  const chunk& chunk_at(std::size_t g, std::size_t c) const {
    return g < groups().size() ? *(*groups()[g])[c] : tail_;
  }

  // Shared between copies (one pointer to copy) and made a copy's own,
  // level by level, by its first edit there. null: no sealed chunk.
  std::shared_ptr<group_list> sealed_;
  chunk tail_;  // newest values, by value
  // The index: bucket i of all is bucket i % group_size of group
  // i / group_size, for i = hash % bucket_count. Empty until the first
  // value; a null group or bucket holds nothing. Shared between copies as
  // sealed_ is.
  std::vector<std::shared_ptr<bucket_group>> groups_;
  std::uint64_t next_seq_ = 0;
  std::size_t size_ = 0;
  // Which sequence this is a copy of: copies share it, a sequence built
  // anew has its own, so diff() tells an earlier copy from a stranger.
  std::shared_ptr<const char> lineage_ = std::make_shared<const char>();
};

}  // namespace reemu
