// The state file (--state-file): what a developer set up through the control
// API survives a restart. What it holds is the table of persisted parts
// (persist/parts.hpp): the registry, the fault rules, a manual clock's time.
//
// The file is a log: the whole state as one JSON document, then one record
// per save, fsynced before the client hears of the change, so a write costs
// the size of the change; a background thread compacts it once the records
// outgrow the document. Its design (the files, the records, compaction, a
// torn tail, versions) is the banner of src/persist/state_file.cpp. A kill -9
// at any moment leaves the previous state or the new one, plus at most one
// torn record that was never acknowledged; a save that cannot be made
// durable answers an error, never a success; one server per file. A file
// that cannot be read back whole stops start-up with an error naming it,
// and is left as it is.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "reemu/model/model.hpp"
#include "reemu/persist/document.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/state/services.hpp"
#include "reemu/util/atomic_file.hpp"

namespace reemu {

// A state file's text read as one document.
struct state_text {
  json document;                   // the first line, with every complete record applied
  std::size_t document_bytes = 0;  // of the first line, its newline included
  std::size_t valid_bytes = 0;     // up to the end of the last complete record
  std::size_t records = 0;         // complete records applied
  // The document is the first line, ended by its newline: records can follow.
  bool one_line = false;
};

// Reads a state file's text: its document (the first line, or the whole text
// of a file without records), then each complete record on the lines after
// it, applied to the document. A torn last line is left out. Throws
// state_file_error, prefixed with `source`, for a document or record that
// is not JSON or a record of the wrong shape; the document's contents are
// checked by restore_state.
state_text read_state_text(const std::string& text, const std::string& source);

class state_file {
 public:
  // Compacting starts once the records exceed both the document and this.
  static constexpr std::size_t default_compact_after = 1 << 20;

  // Resolves `path`'s symlinks (path() is the file itself) and takes the
  // exclusive lock on its ".lock" (created 0600 when missing; never through
  // a symlink). Ignores SIGXFSZ for the process, so a save past `ulimit -f`
  // fails with EFBIG instead of killing it. Throws state_file_error when
  // another server (or another state_file in this process) holds the lock,
  // or the lock file cannot be opened. `svc` must outlive the state_file.
  state_file(std::string path, services& svc, std::size_t compact_after = default_compact_after);
  // Stops the background saver, saves a change still waiting, then
  // releases the lock.
  ~state_file();
  state_file(const state_file&) = delete;
  state_file& operator=(const state_file&) = delete;

  const std::string& path() const noexcept { return path_; }

  // Restores the saved state (the document, then each record) when the file
  // exists and returns true; false when there is no file. Throws
  // state_file_error for an unreadable, truncated, malformed or invalid
  // file, or one with a second hard link (another name a second server
  // could lock); the only write is cutting off a torn last record.
  bool load();

  // Puts every change since the last save in the file, now: one appended,
  // fsynced record, or the whole document when there is no log to append to
  // yet (a new file, an older version, a failed append), the change is
  // most of the state, or the file was removed, renamed or replaced behind
  // the server's back (the record went to a file no start-up reads). Returns the error (naming the
  // file and the failed step) instead of throwing. Thread-safe: saves are serialised, and each
  // records the state it finds, so a change saved by another thread's save
  // costs nothing.
  std::optional<std::string> save();

  // For changes that come with emulated-API requests (a fault rule's
  // `times` used up), where a save per request would put a write on the
  // I/O threads: a background thread saves within `coalesce` of the first
  // change, one save for all changes made meanwhile. Errors are logged.
  // Thread-safe; never blocks on a save.
  void save_soon();

  static constexpr std::chrono::milliseconds coalesce{100};

  // Writes the current state as a new document followed by the records
  // appended while it was written, and puts it in place of the file. The
  // background thread calls it when the records outgrow the document.
  // Thread-safe; saves go on meanwhile.
  std::optional<std::string> compact();

  // Waits until no change waits for the background saver and no save or
  // compaction runs (the hook tests wait on instead of polling the file);
  // false when `timeout` passed first. Thread-safe.
  bool wait_saved(std::chrono::milliseconds timeout);

  // Bytes of log records after the document. Thread-safe.
  std::size_t log_bytes();

  // Tests only: the next write fails with `err`, as a full disk would.
  void inject_write_error(int err);

 private:
  // Notifies waiters when a save ends, whatever its outcome.
  struct saved_notice {
    state_file& s;
    ~saved_notice();
  };
  std::optional<std::string> save_locked();         // mutex_ held, wake_mutex_ not
  std::optional<std::string> append_locked();       // mutex_ held
  std::optional<std::string> write_whole_locked();  // mutex_ held
  // Why log_fd_ is no longer the file at path_ (removed, renamed, replaced
  // by another file), or nullopt when it still is. mutex_ held.
  std::optional<std::string> moved_away_locked() const;
  void start_log();           // after load(); mutex_ held
  void start_saver_locked();  // wake_mutex_ held
  void run_saver(const std::stop_token& stop);

  std::string path_;
  services& svc_;
  std::size_t compact_after_;
  int lock_fd_ = -1;  // holds the flock on path_ + ".lock" while open
  // Lock order: mutex_, then wake_mutex_; the saver never holds wake_mutex_
  // while it takes mutex_. Guarded by mutex_ from here to wake_mutex_:
  std::mutex mutex_;
  int log_fd_ = -1;                   // the file, open for appending; -1: none yet
  bool rewrite_ = true;               // the next save writes the whole document
  int version_ = 0;                   // of the document in the file
  bool one_line_ = false;             // the document is the file's first line
  snapshot_ptr base_;                 // the registry as the file holds it
  part_texts base_parts_;             // and the parts logged whole
  std::size_t snapshot_bytes_ = 0;    // the document's line
  std::size_t log_bytes_ = 0;         // the records after it
  std::size_t compact_retry_at_ = 0;  // after a failed compaction: not before this
  std::uint64_t generation_ = 0;      // one more for each new file put in place
  bool compacting_ = false;           // compact() is writing the new document
  std::string compaction_tail_;       // records appended meanwhile
  int injected_error_ = 0;
  std::string buffer_;  // the document of whole writes, reused
  // Guarded by wake_mutex_:
  std::mutex wake_mutex_;
  bool pending_ = false;               // a change waits for the saver
  bool compaction_wanted_ = false;     // the records outgrew the document
  bool saving_ = false;                // a save or compaction is writing
  std::condition_variable_any saved_;  // notified when a save ends
  std::condition_variable_any wake_;
  std::jthread saver_;  // started on first need; last member: joined first
};

}  // namespace reemu
