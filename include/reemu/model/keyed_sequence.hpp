// A persistent (structure-sharing) sequence of immutable values in insertion
// order with an index by string key: the registry's action storage.
//
// Copying one costs O(n / chunk_size + chunk_size + bucket_count) pointer
// copies, not O(n): the values live in fixed-size chunks and the index in
// hash buckets, both shared between copies behind shared_ptr<const …> and
// copied one chunk / one bucket at a time when a copy is edited. A shared
// chunk or bucket is never modified, so a published copy stays immutable
// while later copies are edited, and readers of it need no lock.
//
// Only the tail (the newest values, fewer than chunk_size) is held by value,
// so appending is amortised O(1) and a full tail is sealed into a chunk.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace reemu {

// `Key` maps a value to its key, a string_view into the value itself (the
// value is immutable and kept alive by the index entry, so the view is too).
template <class T, std::string_view (*Key)(const T&)>
class keyed_sequence {
 public:
  using value_ptr = std::shared_ptr<const T>;
  static constexpr std::size_t chunk_size = 256;
  static constexpr std::size_t bucket_count = 1024;

 public:
  struct slot {
    std::uint64_t seq;  // insertion number: increasing along the sequence
    value_ptr value;
  };
  using chunk = std::vector<slot>;
  using chunk_list = std::vector<std::shared_ptr<const chunk>>;

 private:
  struct entry {
    std::size_t hash;
    std::uint64_t seq;
    value_ptr value;
  };
  using bucket = std::vector<entry>;

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
      if (++offset_ == chunk_at(chunk_).size()) {
        offset_ = 0;
        ++chunk_;
        skip_empty();
      }
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& o) const {
      return chunk_ == o.chunk_ && offset_ == o.offset_;
    }

   private:
    friend class keyed_sequence;
    const_iterator(const keyed_sequence* s, std::size_t c) : seq_(s), chunk_(c) { skip_empty(); }
    // Chunk i: the sealed ones, then the tail as chunk sealed_.size().
    const chunk& chunk_at(std::size_t i) const {
      return i < seq_->sealed().size() ? *seq_->sealed()[i] : seq_->tail_;
    }
    const slot& current() const { return chunk_at(chunk_)[offset_]; }
    void skip_empty() {
      // Sealed chunks are never empty; only the tail can be.
      if (chunk_ == seq_->sealed().size() && seq_->tail_.empty()) ++chunk_;
    }

    const keyed_sequence* seq_ = nullptr;
    std::size_t chunk_ = 0;
    std::size_t offset_ = 0;
  };

  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, sealed().size() + 1); }
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
    const std::uint64_t seq = next_seq_++;
    editable_bucket(h).push_back(entry{h, seq, v});
    tail_.push_back(slot{seq, std::move(v)});
    if (tail_.size() == chunk_size) {
      editable_sealed().push_back(std::make_shared<const chunk>(std::move(tail_)));
      tail_ = chunk();
      tail_.reserve(chunk_size);
    }
    ++size_;
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
    bucket& b = editable_bucket(h);
    std::erase_if(b, [&](const entry& e) { return e.seq == seq; });
    if (b.empty()) buckets_[h % bucket_count] = nullptr;
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
    for (slot& s : kept) {
      const std::size_t h = hash_of(Key(*s.value));
      editable_bucket(h).push_back(entry{h, s.seq, s.value});
      tail_.push_back(std::move(s));
      if (tail_.size() == chunk_size) {
        editable_sealed().push_back(std::make_shared<const chunk>(std::move(tail_)));
        tail_ = chunk();
      }
      ++size_;
    }
    return removed;
  }

  // What changed from `older` (an earlier copy of this sequence) to this
  // one, in insertion order: erased(value) for each value `older` holds and
  // this one does not, put(value) for each value this one holds that is new
  // or replaced. Chunks both copies share are skipped whole, so after a few
  // edits this costs O(n / chunk_size + chunk_size).
  template <class Erased, class Put>
  void diff(const keyed_sequence& older, Erased erased, Put put) const {
    cursor a(older);
    cursor b(*this);
    while (!a.done() || !b.done()) {
      if (a.at_chunk_start() && b.at_chunk_start() && a.shared_chunk() &&
          a.shared_chunk() == b.shared_chunk()) {
        a.skip_chunk();
        b.skip_chunk();
      } else if (b.done() || (!a.done() && a.get().seq < b.get().seq)) {
        erased(*a.get().value);
        a.next();
      } else if (a.done() || b.get().seq < a.get().seq) {
        put(*b.get().value);
        b.next();
      } else {
        if (a.get().value != b.get().value) put(*b.get().value);
        a.next();
        b.next();
      }
    }
  }

  void clear() {
    sealed_.reset();
    tail_.clear();
    buckets_.clear();
    size_ = 0;
  }

  // Calls fn(shared, values) for each chunk in order: `shared` is the
  // immutable chunk (its identity lets a cache keep what it derived from
  // it) or nullptr for the tail, which belongs to this copy alone.
  template <class Fn>
  void for_each_chunk(Fn fn) const {
    for (const auto& c : sealed()) fn(c, *c);
    if (!tail_.empty()) fn(std::shared_ptr<const chunk>(), tail_);
  }

  // Chunks in the sequence (sealed ones plus a non-empty tail): for tests.
  std::size_t chunk_count() const noexcept { return sealed().size() + (tail_.empty() ? 0 : 1); }

 private:
  // A position in a sequence's slots, chunk by chunk (the tail last).
  class cursor {
   public:
    explicit cursor(const keyed_sequence& s) : s_(s) { settle(); }
    bool done() const { return chunk_ > s_.sealed().size(); }
    bool at_chunk_start() const { return offset_ == 0; }
    // The sealed chunk under the cursor, or nullptr (the tail, or done).
    const chunk* shared_chunk() const {
      return chunk_ < s_.sealed().size() ? s_.sealed()[chunk_].get() : nullptr;
    }
    const slot& get() const { return current()[offset_]; }
    void next() {
      ++offset_;
      settle();
    }
    void skip_chunk() {
      offset_ = current().size();
      settle();
    }

   private:
    const chunk& current() const {
      return chunk_ < s_.sealed().size() ? *s_.sealed()[chunk_] : s_.tail_;
    }
    // Moves past the end of the current chunk (and an empty tail).
    void settle() {
      while (!done() && offset_ >= current().size()) {
        ++chunk_;
        offset_ = 0;
      }
    }
    const keyed_sequence& s_;
    std::size_t chunk_ = 0;
    std::size_t offset_ = 0;
  };

  static std::size_t hash_of(std::string_view key) noexcept {
    return std::hash<std::string_view>{}(key);
  }

  const entry* find_entry(std::string_view key, std::size_t h) const {
    if (buckets_.empty()) return nullptr;
    const auto& b = buckets_[h % bucket_count];
    if (!b) return nullptr;
    for (const entry& e : *b)
      if (e.hash == h && Key(*e.value) == key) return &e;
    return nullptr;
  }

  // A private copy of the bucket for `h`, stored in place of the shared one.
  bucket& editable_bucket(std::size_t h) {
    if (buckets_.empty()) buckets_.resize(bucket_count);
    auto& b = buckets_[h % bucket_count];
    auto copy = b ? std::make_shared<bucket>(*b) : std::make_shared<bucket>();
    bucket& out = *copy;
    b = std::move(copy);
    return out;
  }

  // Runs `edit(chunk, index)` on a private copy of the chunk holding `seq`
  // (or on the tail), then drops an emptied chunk and merges a small one
  // with a neighbour, so chunks stay at least half full on average.
  template <class Edit>
  void edit_slot(std::uint64_t seq, Edit edit) {
    const auto by_seq = [](const slot& s, std::uint64_t q) { return s.seq < q; };
    if (!tail_.empty() && tail_.front().seq <= seq) {
      const auto it = std::lower_bound(tail_.begin(), tail_.end(), seq, by_seq);
      edit(tail_, static_cast<std::size_t>(it - tail_.begin()));
      return;
    }
    chunk_list& sealed = editable_sealed();
    const auto c = std::partition_point(
        sealed.begin(), sealed.end(),
        [&](const std::shared_ptr<const chunk>& ch) { return ch->back().seq < seq; });
    chunk copy = **c;
    const auto it = std::lower_bound(copy.begin(), copy.end(), seq, by_seq);
    edit(copy, static_cast<std::size_t>(it - copy.begin()));
    const auto at = static_cast<std::size_t>(c - sealed.begin());
    if (copy.empty()) {
      sealed.erase(c);
      // Its neighbours are now adjacent: they may fit in one chunk.
      if (at < sealed.size()) merge_small(sealed, at);
      return;
    }
    sealed[at] = std::make_shared<const chunk>(std::move(copy));
    merge_small(sealed, at);
  }

  // Joins chunk `at` with its next (or previous) sealed neighbour when the
  // two fit in one chunk.
  static void merge_small(chunk_list& sealed, std::size_t at) {
    if (at + 1 < sealed.size() && sealed[at]->size() + sealed[at + 1]->size() <= chunk_size) {
      join(sealed, at);
    } else if (at > 0 && sealed[at - 1]->size() + sealed[at]->size() <= chunk_size) {
      join(sealed, at - 1);
    }
  }
  static void join(chunk_list& sealed, std::size_t first) {
    chunk both = *sealed[first];
    both.insert(both.end(), sealed[first + 1]->begin(), sealed[first + 1]->end());
    sealed[first] = std::make_shared<const chunk>(std::move(both));
    sealed.erase(sealed.begin() + static_cast<std::ptrdiff_t>(first + 1));
  }

  // The sealed chunks, in order.
  const chunk_list& sealed() const {
    static const chunk_list none;
    return sealed_ ? *sealed_ : none;
  }
  // The list of sealed chunks, made this copy's own first when another copy
  // shares it (copies share the list until one of them changes it).
  chunk_list& editable_sealed() {
    if (!sealed_) {
      sealed_ = std::make_shared<chunk_list>();
    } else if (sealed_.use_count() > 1) {
      sealed_ = std::make_shared<chunk_list>(*sealed_);
    }
    return *sealed_;
  }

  // Full or merged chunks, never empty; shared between copies (one pointer
  // to copy) and copied by the first edit of a copy that shares it. null: none.
  std::shared_ptr<chunk_list> sealed_;
  chunk tail_;  // newest values, by value
  // The index, by hash % bucket_count; empty until the first value, a null
  // bucket holds nothing.
  std::vector<std::shared_ptr<const bucket>> buckets_;
  std::uint64_t next_seq_ = 0;
  std::size_t size_ = 0;
};

}  // namespace reemu
