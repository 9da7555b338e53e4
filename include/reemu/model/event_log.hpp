// The cluster event log (GET /v1/logs): what happened in the emulated
// cluster, each event with its clock time. Plain values; no locking, no
// clock reads.
//
// Events are recorded inside registry::update by the writes that cause
// them. A write's own events (a user created, a licence installed) happen
// at the write's `now`. A state machine's or task's (a database created, an
// action completed) happen when its plan reaches them, which the plan
// already decides when it starts (model/lifecycle.hpp: evaluate is pure):
// the write that starts it records them with those future times, and a
// reader shows only the events whose time has come. Nothing runs in the
// background; a cancel or a control-API PATCH, which changes an outcome,
// replaces the events of that action not yet due (reschedule).
//
// The log keeps the newest `capacity` events in the order they were
// recorded, in chunks shared between registry copies, so a write that
// records one event copies about capacity / chunk_size pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reemu/model/errors.hpp"
#include "reemu/model/model.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

// Default of emulator.event_log_size.
inline constexpr std::size_t default_event_log_size = 10000;

struct logged_event {
  std::uint64_t seq = 0;         // 1, 2, 3… in the order recorded; never reused
  double time = 0;               // clock time it happens (may be after it was recorded)
  std::string action_uid;        // the action whose plan scheduled it; empty for a write's own
  json fields = json::object();  // "type", "severity" and the type's fields; no "time"
};

class event_log {
 public:
  using event_ptr = std::shared_ptr<const logged_event>;
  static constexpr std::size_t chunk_size = 64;

  event_log() = default;
  explicit event_log(std::size_t capacity) : capacity_(capacity) {}

  // Numbers `e` (seq) and appends it; drops the oldest recorded event while
  // more than capacity() are held. A capacity of 0 keeps nothing.
  void record(logged_event e);
  // Appends `e` with its own seq (a state file's record), keeping the order
  // of seq; false when its seq is not above the last one's.
  bool restore(logged_event e);
  // Drops the events of action `action_uid` due after `after` (a cancel or a
  // PATCH changed what comes). Returns how many were dropped.
  std::size_t drop_pending(std::string_view action_uid, double after);
  void clear();

  std::size_t capacity() const noexcept { return capacity_; }
  void set_capacity(std::size_t capacity);
  std::size_t size() const noexcept;
  bool empty() const noexcept { return size() == 0; }
  std::uint64_t next_seq() const noexcept { return next_seq_; }

  // Walks the held events in the order recorded; fn(const logged_event&).
  template <class Fn>
  void for_each(Fn fn) const {
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
      const auto& items = *chunks_[c];
      for (std::size_t i = c == 0 ? skip_ : 0; i < items.size(); ++i) fn(*items[i]);
    }
    for (const auto& e : tail_) fn(*e);
  }

  // Walks the held events in the order recorded; dereferences to
  // const logged_event&.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = logged_event;
    using difference_type = std::ptrdiff_t;
    using pointer = const logged_event*;
    using reference = const logged_event&;

    const_iterator() = default;
    const_iterator(const event_log* log, std::size_t c, std::size_t i) : log_(log), c_(c), i_(i) {
      settle();
    }
    reference operator*() const { return *items()[i_]; }
    pointer operator->() const { return items()[i_].get(); }
    const_iterator& operator++() {
      ++i_;
      settle();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return c_ == o.c_ && i_ == o.i_; }

   private:
    const std::vector<event_ptr>& items() const {
      return c_ < log_->chunks_.size() ? *log_->chunks_[c_] : log_->tail_;
    }
    // Moves past the end of a chunk to the next one's start.
    void settle() {
      while (c_ < log_->chunks_.size() && i_ >= items().size()) {
        ++c_;
        i_ = 0;
      }
    }
    const event_log* log_ = nullptr;
    std::size_t c_ = 0;  // chunk index; chunks_.size() is the tail
    std::size_t i_ = 0;
  };
  const_iterator begin() const { return {this, 0, skip_}; }
  const_iterator end() const { return {this, chunks_.size(), tail_.size()}; }

 private:
  void trim();

  using chunk = std::vector<event_ptr>;
  std::vector<std::shared_ptr<const chunk>> chunks_;  // sealed, oldest first
  std::size_t skip_ = 0;                              // dropped from the front of chunks_[0]
  chunk tail_;                                        // the newest, fewer than chunk_size
  std::size_t capacity_ = default_event_log_size;
  std::uint64_t next_seq_ = 1;
};

// ---- What the writes record ---------------------------------------------------

// An event of a write at `now`: {"type": type, "severity": severity} plus `extra`.
void record_event(event_log& log, double now, std::string_view type, json extra,
                  std::string_view severity = "INFO");

// What a started state machine or task is, for the events its plan
// schedules.
struct started_action {
  std::string uid;
  std::string name;           // SMCreateBDB, maintenance_on…
  std::string object_name;    // bdb:1, node:2, cluster
  json ids = json::object();  // bdb_uid / node_uid, copied into each event
  // For a database: its name, and the name before the update (bdb_name_updated).
  std::string bdb_name;
  std::string old_bdb_name;
};

// Records the events of `a` following `plan` from `started_at`: the action
// started (when it leaves pending), then completed, failed or cancelled at
// its end, and the object's own event at that end (cluster_bdb_created after
// SMCreateBDB, …). Events already due at `now` keep their times too.
void schedule_action_events(event_log& log, const started_action& a, const simulate_plan& plan,
                            double started_at);

// After a cancel (the plan's cancel_after set) or a change of `a`'s plan at
// `now`: drops its events not yet due and records those the plan now gives
// after `now`.
void reschedule_action_events(event_log& log, const started_action& a, const simulate_plan& plan,
                              double started_at, double now);

// ---- GET /v1/logs ----------------------------------------------------------

struct log_query {
  std::optional<double> stime;  // events at or after
  std::optional<double> etime;  // events at or before
  bool descending = false;
  std::optional<std::size_t> limit;
  std::size_t offset = 0;
};

// An ISO-8601 time as clients send it: "2026-01-02T03:04:05Z", with
// fractional seconds, a "+HH:MM"/"-HH:MM" offset, or neither (read as UTC);
// a date alone is its midnight, UTC. nullopt for anything else.
std::optional<double> parse_iso_time(std::string_view text);

// The events due at `now` that `q` selects, as the wire array: each
// {"time": ISO, …fields}, by time (then in the order recorded), ascending
// or descending, `offset` skipped, at most `limit`.
json render_events(const event_log& log, const log_query& q, double now);

// The clock interval around `now` over which the events due at `now` stay
// the same, so render_events gives every query the same answer: from the
// latest event due at `now` to the first still to come.
validity due_validity(const event_log& log, double now);

// The state file's record, {"seq","time","action_uid"?,"fields"}; the reader
// checks it, naming `where`.
json event_record(const logged_event& e);
result<logged_event> event_from_record(const json& record, const std::string& where);

}  // namespace reemu
