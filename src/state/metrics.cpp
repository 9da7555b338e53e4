// The metrics counters (include/reemu/state/metrics.hpp).
#include "reemu/state/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <new>

namespace reemu {

namespace {
constexpr auto relaxed = std::memory_order_relaxed;
}  // namespace

histogram::histogram(std::span<const double> bounds_seconds)
    : bounds_(bounds_seconds),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_seconds.size() + 1)) {
  bounds_us_.reserve(bounds_.size());
  for (const double b : bounds_)
    bounds_us_.push_back(static_cast<std::uint64_t>(std::llround(b * 1e6)));
}

void histogram::observe(std::uint64_t microseconds) noexcept {
  // Bucket i holds observations in (bound[i-1], bound[i]]: le is "less or equal".
  const auto it = std::lower_bound(bounds_us_.begin(), bounds_us_.end(), microseconds);
  buckets_[static_cast<std::size_t>(it - bounds_us_.begin())].fetch_add(1, relaxed);
  sum_us_.fetch_add(microseconds, relaxed);
}

histogram::reading histogram::read() const {
  reading r;
  r.cumulative.reserve(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    r.count += buckets_[i].load(relaxed);
    r.cumulative.push_back(r.count);
  }
  r.sum_us = sum_us_.load(relaxed);
  return r;
}

metrics::metrics(std::vector<std::string> families, std::vector<route_label> not_emulated)
    : families_(std::move(families)),
      rows_(std::make_unique<std::atomic<status_row*>[]>((families_.size() + 1) * max_methods)),
      not_emulated_(std::move(not_emulated)),
      not_emulated_counts_(std::make_unique<std::atomic<std::uint64_t>[]>(not_emulated_.size())),
      save_latency_(save_latency_buckets) {
  latency_.reserve(families_.size() + 1);
  for (std::size_t i = 0; i <= families_.size(); ++i)
    latency_.push_back(std::make_unique<histogram>(request_latency_buckets));
}

metrics::~metrics() {
  for (std::size_t i = 0; i < (families_.size() + 1) * max_methods; ++i) {
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): rows are installed by CAS
    delete rows_[i].load(relaxed);
  }
}

void metrics::count_request(std::size_t family, std::size_t method, unsigned status,
                            std::uint64_t duration_us) noexcept {
  family = std::min(family, families_.size());
  method = std::min(method, max_methods - 1);
  status = std::min(status, max_status - 1);
  std::atomic<status_row*>& slot = row(family, method);
  // Acquire pairs with the release of the CAS below: the row's zeroed
  // counters are visible before its pointer is.
  status_row* r = slot.load(std::memory_order_acquire);
  if (!r) {
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): owned by rows_, freed in ~metrics
    auto* fresh = new (std::nothrow) status_row{};
    if (!fresh) return;  // out of memory: one request goes uncounted rather than a crash
    if (slot.compare_exchange_strong(r, fresh, std::memory_order_acq_rel)) {
      r = fresh;
    } else {
      delete fresh;  // NOLINT(cppcoreguidelines-owning-memory): another thread installed its row
    }
  }
  (*r)[status].fetch_add(1, relaxed);
  latency_[family]->observe(duration_us);
}

void metrics::count_save(bool ok, std::uint64_t duration_us) noexcept {
  (ok ? saves_ok_ : saves_failed_).fetch_add(1, relaxed);
  save_latency_.observe(duration_us);
}

std::string_view metrics::family_name(std::size_t family) const noexcept {
  return family < families_.size() ? std::string_view(families_[family]) : no_family;
}

std::vector<metrics::request_count> metrics::requests() const {
  std::vector<request_count> out;
  for (std::size_t f = 0; f <= families_.size(); ++f) {
    for (std::size_t m = 0; m < max_methods; ++m) {
      const status_row* r = row(f, m).load(std::memory_order_acquire);
      if (!r) continue;
      for (unsigned s = 0; s < max_status; ++s) {
        const std::uint64_t n = (*r)[s].load(relaxed);
        if (n != 0) out.push_back({f, m, s, n});
      }
    }
  }
  return out;
}

}  // namespace reemu
