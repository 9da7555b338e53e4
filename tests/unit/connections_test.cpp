// Unit tests of the live connections and the stop sequence
// (include/reemu/net/connections.hpp), driven on an io_context with no
// sockets: members stand for connections, recorders for their sessions.
#include "reemu/net/connections.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace reemu {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using strings = std::vector<std::string>;

// The steps one set of controls was given, and when.
struct recorder {
  strings steps;
  std::vector<steady::time_point> at;
  std::function<void()> on_close;  // what the connection does when closed

  connection_registry::control controls() {
    const auto note = [this](const char* step) {
      return [this, step] {
        steps.emplace_back(step);
        at.push_back(steady::now());
      };
    };
    return {.stop = note("stop"), .expire = note("expire"), .close = [this, note] {
              note("close")();
              if (on_close) on_close();
            }};
  }
};

constexpr connection_registry::timetable at_once{0ms, 0ms, 1h};

// The flaky reliability.stop_answers_a_partly_received_request_with_503:
// the listener's last accept was under way when the stop began, so the stop
// found no connection live and timed nothing; the connection, registered
// just after, never heard of expire or close and its client waited for its
// own timeout. Now it follows the timetable, counted from the stop.
TEST(connections, a_connection_accepted_after_the_stop_gets_expire_and_close_at_their_time) {
  boost::asio::io_context ioc;
  connection_registry r(8, ioc.get_executor(), {100ms, 200ms, 1h});
  const auto stopped = steady::now();
  r.stop(nullptr);
  EXPECT_EQ(ioc.poll(), 0u);  // nothing to time: no connection is live
  ioc.restart();              // poll() ran out of work

  auto m = std::make_unique<connection_registry::member>(r, ioc.get_executor());
  recorder rec;
  rec.on_close = [&] { m.reset(); };  // the connection ends when closed
  m->reach(rec.controls());
  ioc.run();  // returns once the connection has ended and nothing is timed

  ASSERT_EQ(rec.steps, (strings{"stop", "expire", "close"}));
  EXPECT_GE(rec.at[1] - stopped, 100ms);
  EXPECT_GE(rec.at[2] - stopped, 200ms);
  EXPECT_EQ(r.live(), 0u);
}

// Controls set after a step was posted (a TLS connection reaches its
// session after the handshake): the step was lost. Now they get every step
// taken so far at once, in order.
TEST(connections, controls_set_late_get_the_steps_already_taken_at_once) {
  boost::asio::io_context ioc;
  connection_registry r(8, ioc.get_executor(), at_once);
  auto m = std::make_unique<connection_registry::member>(r, ioc.get_executor());
  r.stop(nullptr);
  ioc.poll();  // the steps reach a connection with no controls yet
  EXPECT_EQ(r.current(), connection_registry::phase::closing);

  recorder rec;
  m->reach(rec.controls());
  EXPECT_EQ(rec.steps, (strings{"stop", "expire", "close"}));

  m.reset();
  ioc.run();  // the last connection gone: the give-up wait is cancelled
}

// A connection registered after every step was taken (the old registry
// posted each step to the connections live at that moment only).
TEST(connections, a_connection_registered_after_the_close_is_closed_at_once) {
  boost::asio::io_context ioc;
  connection_registry r(8, ioc.get_executor(), at_once);
  auto first = std::make_unique<connection_registry::member>(r, ioc.get_executor());
  r.stop(nullptr);
  ioc.poll();
  ASSERT_EQ(r.current(), connection_registry::phase::closing);

  connection_registry::member late(r, ioc.get_executor());
  recorder rec;
  late.reach(rec.controls());
  EXPECT_EQ(rec.steps, (strings{"stop", "expire", "close"}));
  first.reset();
}

// A step posted while the connection was setting new controls that had
// already caught up with it is not given twice.
TEST(connections, each_set_of_controls_gets_each_step_once) {
  boost::asio::io_context ioc;
  connection_registry r(8, ioc.get_executor(), {1h, 1h, 1h});
  connection_registry::member m(r, ioc.get_executor());
  recorder before;
  m.reach(before.controls());
  r.stop(nullptr);  // posts stop to m
  recorder after;
  m.reach(after.controls());  // reads the level: stop, at once
  ioc.poll();                 // the posted stop finds it given
  EXPECT_TRUE(before.steps.empty());
  EXPECT_EQ(after.steps, (strings{"stop"}));
}

// The timetable waits only while a connection is live: once the last one
// has ended the io_context runs out of work (run() would otherwise wait
// the hour).
TEST(connections, the_timetable_ends_with_the_last_connection) {
  boost::asio::io_context ioc;
  connection_registry r(8, ioc.get_executor(), {1h, 1h, 1h});
  auto m = std::make_unique<connection_registry::member>(r, ioc.get_executor());
  recorder rec;
  m->reach(rec.controls());
  r.stop(nullptr);
  boost::asio::post(ioc, [&] { m.reset(); });
  ioc.run();
  EXPECT_EQ(rec.steps, (strings{"stop"}));
}

// A connection that does not end when closed: on_given_up runs give_up
// after the close, and nothing is timed after it.
TEST(connections, a_connection_that_does_not_end_when_closed_is_given_up) {
  boost::asio::io_context ioc;
  connection_registry r(8, ioc.get_executor(), {0ms, 0ms, 50ms});
  connection_registry::member m(r, ioc.get_executor());
  recorder rec;
  m.reach(rec.controls());
  int given_up = 0;
  steady::time_point given_up_at;
  const auto stopped = steady::now();
  r.stop([&] {
    ++given_up;
    given_up_at = steady::now();
  });
  ioc.run();
  EXPECT_EQ(given_up, 1);
  EXPECT_EQ(rec.steps, (strings{"stop", "expire", "close"}));
  EXPECT_GE(given_up_at - stopped, 50ms);
}

TEST(connections, places_count_against_the_cap_until_released) {
  boost::asio::io_context ioc;
  connection_registry r(1, ioc.get_executor(), at_once);
  connection_registry::place a(r);
  EXPECT_FALSE(a.over_cap());
  {
    connection_registry::place b(r);
    EXPECT_TRUE(b.over_cap());
  }
  a.release();
  connection_registry::place c(r);
  EXPECT_FALSE(c.over_cap());
}

}  // namespace
}  // namespace reemu
