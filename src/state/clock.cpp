// Real and manual clocks.
#include "reemu/state/clock.hpp"

namespace reemu {

std::optional<clock_mode> parse_clock_mode(std::string_view s) noexcept {
  if (s == "real") return clock_mode::real;
  if (s == "manual") return clock_mode::manual;
  return std::nullopt;
}

std::string_view to_string(clock_mode m) noexcept {
  return m == clock_mode::real ? "real" : "manual";
}

clock::clock(clock_mode mode, double manual_start) noexcept
    : mode_(mode),
      manual_start_(manual_start),
      manual_now_(manual_start),
      real_base_(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                     .count()),
      steady_base_(std::chrono::steady_clock::now()) {}

double clock::now() const noexcept {
  if (mode_ == clock_mode::manual) return manual_now_.load(std::memory_order_acquire);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - steady_base_;
  return real_base_ + elapsed.count();
}

std::optional<double> clock::advance(double seconds) noexcept {
  if (mode_ != clock_mode::manual) return std::nullopt;
  double current = manual_now_.load(std::memory_order_acquire);
  while (
      !manual_now_.compare_exchange_weak(current, current + seconds, std::memory_order_acq_rel)) {
  }
  return current + seconds;
}

bool clock::set(double time) noexcept {
  if (mode_ != clock_mode::manual) return false;
  manual_now_.store(time, std::memory_order_release);
  return true;
}

void clock::reset() noexcept { manual_now_.store(manual_start_, std::memory_order_release); }

}  // namespace reemu
