// The server's live connections: their places under max_connections, and
// how to reach each of them when the server stops (stop waiting for a next
// request; near the end of the drain, answer what is unfinished; at its end,
// close).
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace reemu {

class connection_registry {
 public:
  // What the server may ask of one connection; each runs on the connection's
  // executor, and only while the connection's coroutine sets it.
  struct control {
    std::function<void()> stop;    // the server is stopping
    std::function<void()> expire;  // the drain is ending: answer what is unfinished
    std::function<void()> close;   // close now
  };

  // `cap`: places under max_connections. `on_last_gone` runs (on the thread
  // that ended it) when the last connection ends after stop_all().
  connection_registry(std::size_t cap, std::function<void()> on_last_gone);

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

  // A live connection, from its accept to its coroutine's end.
  class member {
   public:
    member(connection_registry& r, boost::asio::any_io_executor ex);
    ~member();
    member(const member&) = delete;
    member& operator=(const member&) = delete;
    control& get() { return *control_; }

   private:
    connection_registry& r_;
    std::shared_ptr<control> control_;
    std::uint64_t id_;
  };

  std::size_t cap() const { return cap_; }
  // Connections whose coroutine has not ended. Thread-safe.
  std::size_t live() const;
  // Posts `stop` to every live connection; from now on on_last_gone may run.
  void stop_all();
  // Posts `expire` to every live connection.
  void expire_all();
  // Posts `close` to every live connection.
  void close_all();

 private:
  struct entry {
    std::shared_ptr<control> c;
    boost::asio::any_io_executor executor;
  };
  void post_to_all(std::function<void()> control::*which);

  const std::size_t cap_;
  const std::function<void()> on_last_gone_;
  std::atomic<std::size_t> places_{0};
  mutable std::mutex mutex_;  // guards the members below
  bool stopping_ = false;
  std::uint64_t next_ = 1;
  std::unordered_map<std::uint64_t, entry> live_;
};

}  // namespace reemu
