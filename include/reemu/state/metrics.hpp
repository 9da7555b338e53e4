// The counters behind GET /emulator/v1/metrics: requests by route family,
// method and status, their latency, open connections and state-file saves.
//
// Writers are the app (one count per request, in its record stage), the
// network layer (a connection opens or closes) and the state file (a save
// ends). Every write is a relaxed atomic add on memory no other counter
// shares a lock with: counting never takes a mutex and never waits for a
// scrape. A scrape reads each counter once, so the numbers of one scrape are
// each exact but not taken at one instant (a request counted between two
// reads shows in one and not the other).
//
// Labels are bounded by construction: a family is an index into the names
// given at construction, a method an index below max_methods (Beast's verb
// numbers), a status a number below max_status. Nothing a client sends
// becomes a label.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace reemu {

// Upper bounds of the latency buckets, in seconds (the +Inf bucket is implied).
inline constexpr std::array<double, 14> request_latency_buckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
// Upper bounds of the state-file save buckets, in seconds.
inline constexpr std::array<double, 9> save_latency_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                               0.025,  0.05,  0.1,    0.5};

// A Prometheus histogram over fixed bounds; observations in microseconds.
// observe() is two relaxed adds; read() sums the buckets it reads, so its
// count always equals the +Inf bucket, as the text format requires.
class histogram {
 public:
  explicit histogram(std::span<const double> bounds_seconds);

  void observe(std::uint64_t microseconds) noexcept;

  struct reading {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    std::uint64_t count = 0;                // == cumulative.back()
    std::uint64_t sum_us = 0;
  };
  reading read() const;
  std::span<const double> bounds() const noexcept { return bounds_; }

 private:
  std::span<const double> bounds_;
  std::vector<std::uint64_t> bounds_us_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<std::uint64_t> sum_us_{0};
};

// A documented route the emulator does not emulate, as its series labels it
// (reemu_not_emulated_requests_total).
struct route_label {
  std::string family;
  std::string method;
  std::string path;  // the template: "/v1/license", "/v1/bdbs/{uid}/availability"
};

class metrics {
 public:
  static constexpr std::size_t max_methods = 64;         // above any Beast verb number
  static constexpr unsigned max_status = 600;            // 0 (dropped) and 100..599
  static constexpr std::string_view no_family = "none";  // requests no route took

  // `families`: the label of each route family, by index. Index
  // families.size() counts the requests no route took (400, 404, 405).
  // `not_emulated`: the documented routes not emulated, by index, each with
  // a counter of the requests that named it.
  explicit metrics(std::vector<std::string> families, std::vector<route_label> not_emulated = {});
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  // One answered request. `family` past the last is clamped to the "none"
  // family, `method` to max_methods - 1, `status` to max_status - 1. The
  // first request of a (family, method) pair allocates its row of status
  // counters, installed with a compare-and-swap; every later one is two
  // relaxed adds and a bucket search.
  void count_request(std::size_t family, std::size_t method, unsigned status,
                     std::uint64_t duration_us) noexcept;

  // A request named the documented route `route` (an index of the
  // not_emulated list) that the emulator does not emulate. One relaxed add;
  // an index past the list is ignored.
  void count_not_emulated(std::size_t route) noexcept {
    if (route < not_emulated_.size())
      not_emulated_counts_[route].fetch_add(1, std::memory_order_relaxed);
  }

  // A connection was accepted / has ended (net layer).
  void connection_opened() noexcept { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { open_connections_.fetch_sub(1, std::memory_order_relaxed); }

  // A state-file save ended, well or not, after `duration_us`.
  void count_save(bool ok, std::uint64_t duration_us) noexcept;

  // --- Reading (a scrape) ---
  const std::vector<std::string>& families() const noexcept { return families_; }
  // The family label of index `family` ("none" past the last).
  std::string_view family_name(std::size_t family) const noexcept;

  struct request_count {
    std::size_t family;
    std::size_t method;
    unsigned status;
    std::uint64_t count;
  };
  // Every non-zero request counter, by family, then method, then status.
  std::vector<request_count> requests() const;
  // The latency histogram of `family` (0..families().size()).
  const histogram& latency(std::size_t family) const { return *latency_[family]; }

  const std::vector<route_label>& not_emulated() const noexcept { return not_emulated_; }
  std::uint64_t not_emulated_requests(std::size_t route) const noexcept {
    return not_emulated_counts_[route].load(std::memory_order_relaxed);
  }

  std::int64_t open_connections() const noexcept {
    return open_connections_.load(std::memory_order_relaxed);
  }
  std::uint64_t saves(bool ok) const noexcept {
    return (ok ? saves_ok_ : saves_failed_).load(std::memory_order_relaxed);
  }
  const histogram& save_latency() const noexcept { return save_latency_; }

 private:
  using status_row = std::array<std::atomic<std::uint64_t>, max_status>;
  std::atomic<status_row*>& row(std::size_t family, std::size_t method) const noexcept {
    return rows_[family * max_methods + method];
  }

  std::vector<std::string> families_;
  std::unique_ptr<std::atomic<status_row*>[]> rows_;  // (families + 1) x max_methods
  std::vector<std::unique_ptr<histogram>> latency_;   // families + 1
  std::vector<route_label> not_emulated_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> not_emulated_counts_;  // one per not_emulated_
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> saves_ok_{0};
  std::atomic<std::uint64_t> saves_failed_{0};
  histogram save_latency_;
};

// Counts one open connection for as long as it lives.
class counted_connection {
 public:
  explicit counted_connection(metrics& m) noexcept : m_(m) { m_.connection_opened(); }
  ~counted_connection() { m_.connection_closed(); }
  counted_connection(const counted_connection&) = delete;
  counted_connection& operator=(const counted_connection&) = delete;

 private:
  metrics& m_;
};

}  // namespace reemu
