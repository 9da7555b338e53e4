// The state file (--state-file): what a developer set up through the control
// API survives a restart. One JSON document holds the registry (every action
// with its plan and timeline, users, databases, plan rules, counters), the fault rules with
// their remaining counts, and a manual clock's time.
//
// Saving writes a temporary file next to the target, fsyncs it, renames it
// over the target and fsyncs the directory, so the target is always either
// the previous complete state or the new one, even when the process is
// killed mid-write (util/atomic_file.hpp). One server per file: the
// state_file holds an exclusive flock on FILE.lock for its lifetime, and a
// second server on the same file stops at start-up. Loading never writes: a file that cannot be
// read back whole stops start-up with an error naming it, and is left as it is.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "reemu/model/model.hpp"
#include "reemu/model/services.hpp"
#include "reemu/util/atomic_file.hpp"

namespace reemu {

// Start-up error about the state file; the message names the file.
class state_file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Identifies the document and its layout; a file with another version is refused.
inline constexpr std::string_view state_format = "re-actions-emulator-state";
// Version 3 keeps each database whole (its fields, times and running state
// machine), the plan rules, the cluster-state-id and the highest database
// uid, and (since nodes came) the nodes; a version 3 file without "nodes"
// keeps the config's. Version 2 (databases as uids) is still read: its databases come back
// with the template's fields. Both store each password as
// "pbkdf2-sha256$ITERATIONS$SALT$HASH"; version 1 held unsalted SHA-256
// digests and is refused with a message.
inline constexpr int state_version = 3;

// Everything a restart must keep, as the text of one JSON document (compact,
// keys sorted: the same text for the same state). Thread-safe (reads a
// registry snapshot, the fault table under its lock, the clock).
std::string capture_state(const services& svc);
// The same, appended to `out`.
void capture_state(const services& svc, std::string& out);

// Validates `doc` whole, then installs it: the registry's contents, the fault
// rules, and the time of a manual clock (a real clock keeps running). The
// configured seed stays what reset() returns to. Throws state_file_error,
// prefixed with `source`, before changing anything.
void restore_state(const json& doc, services& svc, const std::string& source);

class state_file {
 public:
  // Takes the exclusive lock on `path` + ".lock" (created 0600 when
  // missing; never through a symlink). Throws state_file_error when another
  // server (or another state_file in this process) holds it, or the lock
  // file cannot be opened. `svc` must outlive the state_file.
  state_file(std::string path, services& svc);
  // Stops the background saver, saves a change still waiting, then
  // releases the lock.
  ~state_file();
  state_file(const state_file&) = delete;
  state_file& operator=(const state_file&) = delete;

  const std::string& path() const noexcept { return path_; }

  // Restores the saved state when the file exists and returns true; false
  // when there is no file. Throws state_file_error for an unreadable,
  // truncated, malformed or invalid file.
  bool load();

  // Writes the current state atomically, now. Returns the error (naming the
  // file and the failed step) instead of throwing. Thread-safe: saves are
  // serialised and each one captures the state after taking the lock, so
  // the last save to finish holds the latest state.
  std::optional<std::string> save();

  // For changes that come with emulated-API requests (a fault rule's
  // `times` used up), where a save per request would put a whole-state write
  // on the I/O threads: a background thread saves within `coalesce` of the
  // first change, one save for all changes made meanwhile. Errors are logged.
  // Thread-safe; never blocks on a save.
  void save_soon();

  static constexpr std::chrono::milliseconds coalesce{100};

  // Waits until no change waits for the background saver and no save runs
  // (the hook tests wait on instead of polling the file); false when
  // `timeout` passed first. Thread-safe.
  bool wait_saved(std::chrono::milliseconds timeout);

 private:
  std::optional<std::string> save_locked();  // mutex_ held, wake_mutex_ not
  void run_saver(const std::stop_token& stop);

  std::string path_;
  services& svc_;
  int lock_fd_ = -1;  // holds the flock on path_ + ".lock" while open
  // Lock order: mutex_, then wake_mutex_; the saver never holds wake_mutex_
  // while it takes mutex_.
  std::mutex mutex_;                   // serialises saves; guards buffer_ and last_size_
  std::string buffer_;                 // the document being saved
  std::size_t last_size_ = 0;          // of the previous save, to reserve the next
  std::mutex wake_mutex_;              // guards pending_ and saver_'s start
  bool pending_ = false;               // a change waits for the saver
  bool saving_ = false;                // a save is writing; guarded by wake_mutex_
  std::condition_variable_any saved_;  // notified when a save ends
  std::condition_variable_any wake_;
  std::jthread saver_;  // started by the first save_soon(); last member: joined first
};

}  // namespace reemu
