// The emulator's clock: every timestamp the API shows comes from here.
//
// `real` follows the system clock (made monotonic from the start-up instant
// on, so lifecycles never run backwards when NTP steps the wall clock);
// `manual` stands still until advance() moves it, so a test can walk a whole
// lifecycle without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>

namespace reemu {

enum class clock_mode { real, manual };

std::optional<clock_mode> parse_clock_mode(std::string_view s) noexcept;
std::string_view to_string(clock_mode m) noexcept;

class clock {
 public:
  // `manual_start` is the manual clock's time at start and after reset()
  // (epoch seconds); ignored in real mode.
  clock(clock_mode mode, double manual_start) noexcept;

  // Epoch seconds, fractional. Thread-safe.
  double now() const noexcept;

  clock_mode mode() const noexcept { return mode_; }

  // When the clock started: the manual start time, or the system time at
  // construction.
  double started_at() const noexcept {
    return mode_ == clock_mode::manual ? manual_start_ : real_base_;
  }

  // Moves a manual clock forward by `seconds` (>= 0) and returns the new time;
  // nullopt for a real clock. Thread-safe.
  std::optional<double> advance(double seconds) noexcept;

  // A manual clock goes back to its start time; a real clock is unaffected.
  void reset() noexcept;

  // Sets a manual clock to `time` (a state file's saved instant); false, and
  // nothing changed, for a real clock. Thread-safe.
  bool set(double time) noexcept;

 private:
  clock_mode mode_;
  double manual_start_;
  std::atomic<double> manual_now_;
  double real_base_;  // system time at construction
  std::chrono::steady_clock::time_point steady_base_;
};

}  // namespace reemu
