// The server's live connections and the stop sequence
// (include/reemu/net/connections.hpp).
//
// Two clocks meet here. The timetable runs on the control executor, from
// stop(); each connection runs on its own strand. The registry's level
// (phase_, under the mutex) is what joins them: advance() moves it and posts
// a catch-up to every live connection, reach() reads it, and a connection's
// state remembers which steps its current controls have had, so a step is
// neither lost (a connection registered, or its controls set, after the
// step was posted) nor given twice (the catch-up posted while reach() had
// already read the new level).
#include "reemu/net/connections.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/post.hpp>
#include <utility>

namespace reemu {

namespace {

// Not `phase`: model/lifecycle.hpp has one, and a unity build sees both.
using stop_phase = connection_registry::phase;
using step_fn = std::function<void()> connection_registry::control::*;

// The control called when a connection reaches each phase after serving.
constexpr std::array<step_fn, 3> step_of{&connection_registry::control::stop,
                                         &connection_registry::control::expire,
                                         &connection_registry::control::close};

stop_phase after(stop_phase p) { return static_cast<stop_phase>(static_cast<std::uint8_t>(p) + 1); }

}  // namespace

struct connection_registry::member::state {
  control c;
  phase reached = phase::serving;  // the steps `c` has had

  // Calls c's controls for the steps after `reached` up to `p`, in order.
  void catch_up(phase p) {
    while (reached < p) {
      reached = after(reached);
      // A copy: the call may not destroy the function it runs in.
      if (const auto f = c.*step_of[static_cast<std::uint8_t>(reached) - 1]) f();
    }
  }
};

connection_registry::connection_registry(std::size_t cap,
                                         boost::asio::any_io_executor control_executor,
                                         timetable times)
    : cap_(cap), control_(std::move(control_executor)), times_(times), timer_(control_) {}

connection_registry::place::place(connection_registry& r) : r_(r), count_(++r.places_) {}

void connection_registry::place::release() {
  if (!std::exchange(released_, true)) --r_.places_;
}

connection_registry::member::member(connection_registry& r, boost::asio::any_io_executor ex)
    : r_(r), state_(std::make_shared<state>()) {
  bool late = false;
  {
    std::lock_guard lock(r_.mutex_);
    id_ = r_.next_++;
    r_.live_.emplace(id_, entry{state_, std::move(ex)});
    late = r_.phase_ != phase::serving;
  }
  // Accepted after the stop began (the listener's last accept was under
  // way): the timetable may have stopped for want of connections.
  if (late) r_.post_step();
}

connection_registry::member::~member() {
  // Posted catch-ups may still be queued: they find nothing to call.
  state_->c = {};
  bool last = false;
  {
    std::lock_guard lock(r_.mutex_);
    r_.live_.erase(id_);
    last = r_.phase_ != phase::serving && r_.live_.empty();
  }
  if (last) r_.post_step();  // nothing left to time
}

void connection_registry::member::reach(control c) {
  state_->c = std::move(c);
  state_->reached = phase::serving;
  state_->catch_up(r_.current());
}

std::size_t connection_registry::live() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

connection_registry::phase connection_registry::current() const {
  std::lock_guard lock(mutex_);
  return phase_;
}

void connection_registry::stop(std::function<void()> on_given_up) {
  if (current() != phase::serving) return;
  on_given_up_ = std::move(on_given_up);
  began_ = clock::now();
  advance(phase::stopping);
  step();
}

void connection_registry::advance(phase p) {
  std::lock_guard lock(mutex_);
  phase_ = p;
  for (auto& [id, e] : live_) {
    boost::asio::post(e.executor, [s = e.s, p] { s->catch_up(p); });
  }
}

void connection_registry::post_step() {
  boost::asio::post(control_, [this] { step(); });
}

// The timetable's one loop. It waits only while a connection is live: the
// last one to end calls it to cancel the wait, and one that arrives later
// calls it to take the steps it missed and wait again. A step whose time
// has passed is taken at once.
void connection_registry::step() {
  for (;;) {
    phase p{};
    std::size_t n = 0;
    {
      std::lock_guard lock(mutex_);
      p = phase_;
      n = live_.size();
    }
    if (n == 0 || p == phase::serving) {
      timer_.cancel();
      return;
    }
    if (given_up_) return;
    const auto now = clock::now();
    const auto next = p == phase::stopping   ? began_ + times_.expire
                      : p == phase::expiring ? began_ + times_.close
                                             : closing_began_ + times_.give_up;
    if (next > now) {
      timer_.expires_at(next);
      timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) step();
      });
      return;
    }
    if (p == phase::closing) {
      given_up_ = true;
      if (on_given_up_) on_given_up_();
      return;
    }
    if (p == phase::expiring) {
      closing_began_ = now;
      spdlog::warn("{} connection(s) still busy after {:g} s: closing them", n,
                   std::chrono::duration<double>(times_.close).count());
    }
    advance(after(p));
  }
}

}  // namespace reemu
