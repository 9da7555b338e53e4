// The server's live connections: their places under max_connections, and
// the stop sequence that reaches each of them (stop waiting for a next
// request; near the end of the drain, answer what is unfinished; at its end,
// close).
//
// The sequence is a level, not a series of messages: the registry knows how
// far the stop has gone, and a connection that joins late (accepted after
// the stop began: the listener's last accept was already under way) or sets
// its controls late (a TLS connection reaches its session after the
// handshake) is brought up to it at once. The timetable runs while a
// connection is live, whenever it arrived, so every connection is answered
// or closed by the end of the drain.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace reemu {

class connection_registry {
 public:
  // How far the stop has gone; each step includes the ones before it.
  enum class phase : std::uint8_t {
    serving,   // no stop yet
    stopping,  // stop waiting for a next request
    expiring,  // the drain is ending: answer what is unfinished
    closing,   // the drain is over: close
  };

  // When the later steps come: expiring and closing counted from stop(),
  // giving up counted from the close.
  struct timetable {
    std::chrono::milliseconds expire;   // -> expiring
    std::chrono::milliseconds close;    // -> closing
    std::chrono::milliseconds give_up;  // connections still live: on_given_up
  };

  // What the server may ask of one connection, one function per step; each
  // runs on the connection's executor. An empty one is skipped.
  struct control {
    std::function<void()> stop;    // the server is stopping
    std::function<void()> expire;  // the drain is ending: answer what is unfinished
    std::function<void()> close;   // close now
  };

  // `cap`: places under max_connections. `control_executor`: a strand (or
  // a one-thread io_context's executor) on which the timetable runs and
  // stop() is called. `times`: the stop's timetable.
  connection_registry(std::size_t cap, boost::asio::any_io_executor control_executor,
                      timetable times);

  // A connection's place under the cap, taken when it is accepted. The
  // connection gives it back before it closes its side, so a client that has
  // seen the server close a connection finds the place free when it connects
  // again: one that keeps to the cap is never refused.
  class place {
   public:
    explicit place(connection_registry& r);
    ~place() { release(); }
    place(const place&) = delete;
    place& operator=(const place&) = delete;
    bool over_cap() const { return count_ > r_.cap_; }
    void release();

   private:
    connection_registry& r_;
    std::size_t count_;
    bool released_ = false;
  };

  // A live connection, from its accept to its coroutine's end, on `ex`
  // (its strand). Made and ended on any thread.
  class member {
   public:
    member(connection_registry& r, boost::asio::any_io_executor ex);
    ~member();
    member(const member&) = delete;
    member& operator=(const member&) = delete;

    // Points the registry at `c` from now on, replacing what was set
    // before (call on the connection's executor). The steps the stop has
    // already taken are called at once, in order (a session reached this
    // late must be safe to stop, expire or close before it runs); the later
    // ones when they come. Each set of controls gets each step once.
    void reach(control c);

    // The state the connection and the calls posted to it share: touched
    // on the connection's executor only.
    struct state;

   private:
    connection_registry& r_;
    std::shared_ptr<state> state_;
    std::uint64_t id_;
  };

  std::size_t cap() const { return cap_; }
  // Connections whose coroutine has not ended. Thread-safe.
  std::size_t live() const;
  // How far the stop has gone. Thread-safe.
  phase current() const;

  // Begins the stop (call on the control executor; once, later calls do
  // nothing): `stop` to every live connection now and to every later one
  // as it reaches the registry, `expire` and `close` when the timetable
  // says (a connection that arrives after their time gets them at once).
  // `on_given_up` runs on the control executor if connections are still
  // live `give_up` after the close. Nothing is left pending while no
  // connection is live, so an io_context with nothing else runs out of work.
  void stop(std::function<void()> on_given_up);

 private:
  struct entry {
    std::shared_ptr<member::state> s;
    boost::asio::any_io_executor executor;
  };
  using clock = std::chrono::steady_clock;

  // Moves the level to `p` and brings every live connection up to it.
  void advance(phase p);
  // Takes the steps whose time has come and waits for the next one while
  // connections are live (on the control executor).
  void step();
  // step() on the control executor, from any thread.
  void post_step();

  const std::size_t cap_;
  const boost::asio::any_io_executor control_;
  const timetable times_;
  std::atomic<std::size_t> places_{0};
  // On the control executor only.
  boost::asio::steady_timer timer_;
  std::function<void()> on_given_up_;
  clock::time_point began_;
  clock::time_point closing_began_;
  bool given_up_ = false;

  mutable std::mutex mutex_;  // guards the members below
  phase phase_ = phase::serving;
  std::uint64_t next_ = 1;
  std::unordered_map<std::uint64_t, entry> live_;
};

}  // namespace reemu
