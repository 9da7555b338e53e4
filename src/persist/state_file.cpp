// The state log (--state-file): what a restart keeps, in a file each save
// appends to.
//
// The files. FILE is the log. FILE.tmp is a whole document on its way to
// replacing FILE: the first save of a new file or of an older version, a
// change too large to be worth a record, the save after a failed append.
// FILE.compact is a compaction on its way to replacing FILE. FILE.lock holds
// nothing: the server keeps an exclusive flock on it while it runs, so two
// servers never write one file. FILE is taken with its symlinks resolved (a
// link finds the same lock); a FILE with a second hard link is refused.
// Leftover temporaries are removed at start-up: only a process that died
// mid-write leaves one, and the lock says none writes now.
//
// The records. Line 1 is the whole state as one JSON document
// (persist/document.hpp). Each save appends one line, a record of what
// changed since the save before (persist/record.hpp): a JSON object whose
// keys are persisted parts (persist/parts.hpp), a part logged whole with its
// new text, a part logged by entry with {"erase":[uid...],"put":[record...]}.
// It is the diff of the registry snapshot the file holds (base_) and the
// whole parts' text at that save (base_parts_) against the current ones;
// snapshots share structure, so the diff visits what changed, not the
// state. The record is fdatasync'ed before the save returns, and a request
// answers only then; after it, FILE must still be the file appended to, or
// the whole state is written there again. No change, no record.
//
// Replay. At start-up each record is applied to the document as JSON (an
// entry erased or put by uid, a part replaced), and the result is checked
// and installed as any document is (restore_state).
//
// A torn tail. A kill -9 during an append leaves a last line without its
// newline. That record was never acknowledged (its fdatasync had not
// returned): it is dropped, and cut off the file before the next append,
// which would otherwise be glued to it. A complete line that is no record
// stops start-up, naming the line: nothing acknowledged is ever dropped.
//
// When it compacts. Once the records outgrow both the document and
// state_compact_bytes, the background thread writes the state of the last
// save into FILE.compact without holding the log's mutex; then, holding it,
// appends the records saved meanwhile, fsyncs, renames it over FILE and
// appends there from then on. A whole write in the meantime (the
// generation counter) voids the compaction.
//
// Versions. A document of version 2 or 3 is brought to the current shape
// by restore_state, and the log rewrites the file whole as version 4 at the
// first change: records only follow a version 4 document. Version 1 is
// refused with the reason.
#include "reemu/persist/state_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

#include "reemu/model/validation.hpp"
#include "reemu/persist/record.hpp"
#include "reemu/state/clock.hpp"
#include "reemu/state/metrics.hpp"

namespace reemu {

namespace {

// std::strerror may share one buffer between threads; the category does not.
std::string os_error(int err) { return std::system_category().message(err); }

[[noreturn]] void fail(const std::string& source, const std::string& message) {
  throw state_file_error(source + ": " + message);
}

// The file `path` names, its symlinks resolved (a path that does not exist
// yet keeps its last components as written). Two names of one file, a
// symlink and its target, give one lock and one log; the server writes
// through to the target instead of replacing the link with a file of its own.
std::string resolved_path(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec || p.empty() ? path : p.string();
}

// A record at least this large (and half the document) is written as a
// whole document instead.
constexpr std::size_t whole_write_floor = std::size_t{64} << 10;

}  // namespace

state_text read_state_text(const std::string& text, const std::string& source) {
  // The document is the first line (as this build writes it), or the whole
  // text (a file written by hand, or by a build before the log).
  state_text out;
  const std::size_t first_end = text.find('\n');
  std::optional<json> doc;
  if (first_end != std::string::npos) {
    if (auto first = parse_untrusted_json(std::string_view(text).substr(0, first_end)))
      doc = std::move(*first);
  }
  out.one_line = doc.has_value();
  out.document_bytes = doc ? first_end + 1 : text.size();
  if (!doc) {
    auto whole = parse_untrusted_json(text);
    if (!whole) {
      try {
        const json strict = json::parse(text);
      } catch (const json::parse_error& e) {
        fail(source, std::string("not valid JSON: ") + e.what());
      }
      fail(source, whole.error().description);
    }
    doc = std::move(*whole);
  }
  out.document = std::move(*doc);
  // The records: one per line. A last line without its newline is a record
  // torn by a kill: it was never acknowledged, and is left out.
  out.valid_bytes = out.document_bytes;
  if (out.document_bytes == text.size()) return out;
  const auto version = out.document.is_object() ? out.document.find("version") : out.document.end();
  if (version == out.document.end() || *version != state_version) {
    fail(source, "only a version " + std::to_string(state_version) +
                     " document is followed by log records");
  }
  record_replay log(out.document);
  std::size_t line = 2;
  for (std::size_t at = out.document_bytes; at < text.size(); ++line) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) break;  // torn
    const std::string_view record(text.data() + at, end - at);
    at = end + 1;
    if (!record.empty()) {
      const std::string where = source + " line " + std::to_string(line);
      auto parsed = parse_untrusted_json(record);
      if (!parsed) throw state_file_error(where + ": " + parsed.error().description);
      log.apply(*parsed, where);
      ++out.records;
    }
    out.valid_bytes = at;
  }
  log.finish();
  return out;
}

state_file::state_file(std::string path, services& svc, std::size_t compact_after)
    : path_(resolved_path(path)), svc_(svc), compact_after_(compact_after) {
  if (path_ != path) spdlog::info("state file '{}' is '{}'", path, path_);
  // A save past `ulimit -f` would otherwise kill the server with SIGXFSZ;
  // ignored, the write fails with EFBIG and the request answers 500 like a
  // full disk (PostgreSQL does the same).
  (void)::signal(SIGXFSZ, SIG_IGN);
  // Two servers on one file would each save their own state over the
  // other's, silently losing acknowledged writes. The lock is on a separate
  // file, named after the resolved path (so a symlink to the file finds the
  // same lock), because every compaction replaces the state file's inode.
  // A second hard link is refused at load(). flock (not fcntl) locks
  // conflict within one process too, and the kernel drops the lock when the
  // process dies, so a kill -9 leaves nothing to clean.
  const std::string lock_path = path_ + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    throw state_file_error("cannot open lock file '" + lock_path + "': " + os_error(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd_);
    throw state_file_error(
        err == EWOULDBLOCK ? "state file '" + path_ + "' is in use by another server (it holds '" +
                                 lock_path + "'); give each server its own --state-file"
                           : "cannot lock '" + lock_path + "': " + os_error(err));
  }
}

bool state_file::load() {
  std::lock_guard lock(mutex_);
  // Temporaries a killed writer left: ours alone now that we hold the lock.
  for (const char* suffix : {".tmp", ".compact"}) {
    const std::string temp = path_ + suffix;
    if (::unlink(temp.c_str()) != 0 && errno != ENOENT && errno != EISDIR)
      spdlog::warn("cannot remove leftover '{}': {}", temp, os_error(errno));
  }
  std::error_code ec;
  const auto st = std::filesystem::status(path_, ec);
  if (st.type() == std::filesystem::file_type::not_found) return false;
  const std::string source = "state file '" + path_ + "'";
  const std::string keep =
      " (left as it is: repair it, or move it away to start from the config's seed)";
  if (ec) throw state_file_error("cannot read " + source + ": " + ec.message());
  if (st.type() != std::filesystem::file_type::regular)
    throw state_file_error(source + " is not a regular file");
  // Another name of the same file would let a second server append to it
  // under another lock: refused (a server replaces the file at its first
  // whole write anyway, which would cut a hard link off).
  if (const auto links = std::filesystem::hard_link_count(path_, ec); !ec && links > 1) {
    throw state_file_error(source + " has " + std::to_string(links) +
                           " hard links; give the server a file of its own (a copy)");
  }
  // Read at its size in one piece (no stream buffer doubling its way up to
  // a file of tens of MB, and no copy out of one).
  std::string text;
  {
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
    if (size < 0) throw state_file_error("cannot read " + source);
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!in.read(text.data(), size)) throw state_file_error("cannot read " + source);
  }
  if (text.empty()) throw state_file_error(source + " is empty" + keep);

  state_text state;
  try {
    state = read_state_text(text, source);
    restore_state(state.document, svc_, source);
  } catch (const state_file_error& e) {
    throw state_file_error(e.what() + keep);
  }
  version_ = state.document.value("version", 0);
  snapshot_bytes_ = state.document_bytes;
  log_bytes_ = state.valid_bytes - state.document_bytes;
  if (state.valid_bytes < text.size()) {
    // Appending after the torn bytes would glue the next record to them.
    spdlog::warn("{}: dropped a torn last log record ({} bytes, never acknowledged)", source,
                 text.size() - state.valid_bytes);
    if (::truncate(path_.c_str(), static_cast<off_t>(state.valid_bytes)) != 0)
      throw state_file_error("cannot truncate " + source + ": " + os_error(errno));
  }
  one_line_ = state.one_line;
  if (state.records > 0) spdlog::info("{}: replayed {} log records", source, state.records);
  start_log();
  return true;
}

void state_file::start_log() {
  base_ = svc_.registry.snapshot();
  base_parts_ = whole_parts_of({base_->data(), svc_, svc_.clock.now()});
  // An older version, or a document on several lines or without its
  // newline (written by hand), is rewritten whole before anything is
  // appended to it.
  if (version_ == state_version && one_line_)
    log_fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  rewrite_ = log_fd_ < 0;
}

std::optional<std::string> state_file::save() {
  std::lock_guard lock(mutex_);
  return save_locked();
}

std::optional<std::string> state_file::save_locked() {
  {
    // This save holds every change made before it: nothing waits any more.
    std::lock_guard wake_lock(wake_mutex_);
    pending_ = false;
    saving_ = true;
  }
  // Whatever the outcome, waiters learn that this save is over.
  const saved_notice notice{*this};
  const auto started = std::chrono::steady_clock::now();
  auto err = rewrite_ ? write_whole_locked() : append_locked();
  svc_.metrics.count_save(
      !err, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
  if (err) return "cannot save state file '" + path_ + "': " + *err;
  return std::nullopt;
}

state_file::saved_notice::~saved_notice() {
  {
    std::lock_guard wake_lock(s.wake_mutex_);
    s.saving_ = false;
  }
  s.saved_.notify_all();
}

std::optional<std::string> state_file::append_locked() {
  const snapshot_ptr snap = svc_.registry.snapshot();
  part_texts now_parts = whole_parts_of({snap->data(), svc_, svc_.clock.now()});
  std::string record = record_text(base_->data(), base_parts_, snap->data(), now_parts);
  if (record.empty()) {
    // Nothing a restart keeps (or another save wrote it already).
    base_ = snap;
    base_parts_ = std::move(now_parts);
    return std::nullopt;
  }
  // A change of most of the state: a new document is as cheap.
  if (record.size() > std::max(snapshot_bytes_ / 2, whole_write_floor)) return write_whole_locked();
  record.push_back('\n');
  const auto size_before = static_cast<off_t>(snapshot_bytes_ + log_bytes_);
  int err = std::exchange(injected_error_, 0);
  if (err == 0) err = write_fully(log_fd_, record);
  if (err == 0 && ::fdatasync(log_fd_) != 0) err = errno;
  if (err != 0) {
    // Take back what part of the record got in; whatever happened, the
    // next save writes the whole document.
    (void)::ftruncate(log_fd_, size_before);
    rewrite_ = true;
    return step_failed("append to " + path_, err);
  }
  if (auto moved = moved_away_locked()) {
    // The record went into a file nobody will read again: write the whole
    // state where the path says, so what this save acknowledges is found
    // at the next start.
    spdlog::warn("{}; writing the whole state to '{}' again", *moved, path_);
    return write_whole_locked();
  }
  log_bytes_ += record.size();
  if (compacting_) compaction_tail_ += record;
  base_ = snap;
  base_parts_ = std::move(now_parts);
  if (!compacting_ && log_bytes_ > std::max(snapshot_bytes_, compact_after_) &&
      log_bytes_ >= compact_retry_at_) {
    std::lock_guard wake_lock(wake_mutex_);
    compaction_wanted_ = true;
    start_saver_locked();
    wake_.notify_one();
  }
  return std::nullopt;
}

std::optional<std::string> state_file::moved_away_locked() const {
  struct stat open {};
  struct stat named {};
  if (::fstat(log_fd_, &open) != 0) return step_failed("fstat " + path_, errno);
  if (::stat(path_.c_str(), &named) != 0) {
    return errno == ENOENT ? "state file '" + path_ + "' was removed or renamed while in use"
                           : step_failed("stat " + path_, errno);
  }
  if (open.st_dev != named.st_dev || open.st_ino != named.st_ino || open.st_nlink == 0)
    return "state file '" + path_ + "' was replaced while in use";
  return std::nullopt;
}

std::optional<std::string> state_file::write_whole_locked() {
  const snapshot_ptr snap = svc_.registry.snapshot();
  const part_source from{snap->data(), svc_, svc_.clock.now()};
  part_texts now_parts = whole_parts_of(from);
  // One buffer for every whole write: a large state is not reallocated
  // (and the heap not fragmented) each time.
  buffer_.clear();
  buffer_.reserve(snapshot_bytes_ + snapshot_bytes_ / 8);
  write_document(from, now_parts, buffer_);
  buffer_.push_back('\n');
  pending_file file;
  auto err = file.open(path_, ".tmp");
  if (!err && injected_error_ != 0) err = step_failed("write " + path_ + ".tmp", injected_error_);
  injected_error_ = 0;
  if (!err) err = file.append(buffer_);
  if (!err) err = file.commit();
  if (err) return err;
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = file.release_fd();
  version_ = state_version;
  one_line_ = true;
  snapshot_bytes_ = buffer_.size();
  log_bytes_ = 0;
  compact_retry_at_ = 0;
  rewrite_ = false;
  ++generation_;  // a compaction under way is of an older file
  base_ = snap;
  base_parts_ = std::move(now_parts);
  return std::nullopt;
}

std::optional<std::string> state_file::compact() {
  snapshot_ptr snap;
  part_texts parts;
  std::uint64_t generation = 0;
  std::size_t expected_size = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto err = save_locked()) return err;  // what waits is in the file first
    if (compacting_) return std::nullopt;
    expected_size = snapshot_bytes_ + snapshot_bytes_ / 8;
    snap = base_;
    parts = base_parts_;
    generation = generation_;
    compacting_ = true;
    compaction_tail_.clear();
  }
  // The bulk is written without the lock: saves go on appending to the
  // current file meanwhile, and are copied into the new one below.
  std::string doc;
  doc.reserve(expected_size);
  write_document({snap->data(), svc_, svc_.clock.now()}, parts, doc);
  doc.push_back('\n');
  pending_file file;
  auto err = file.open(path_, ".compact");
  if (!err) err = file.append(doc);
  std::lock_guard lock(mutex_);
  compacting_ = false;
  if (generation != generation_) return std::nullopt;  // the file was rewritten whole meanwhile
  if (!err) err = file.append(compaction_tail_);
  if (!err) err = file.commit();
  if (err) {
    compact_retry_at_ = log_bytes_ + std::max(snapshot_bytes_, compact_after_);
    return "cannot compact state file '" + path_ + "': " + *err;
  }
  ::close(log_fd_);
  log_fd_ = file.release_fd();
  snapshot_bytes_ = doc.size();
  log_bytes_ = compaction_tail_.size();
  compaction_tail_.clear();
  compact_retry_at_ = 0;
  ++generation_;
  return std::nullopt;
}

bool state_file::wait_saved(std::chrono::milliseconds timeout) {
  std::unique_lock wake_lock(wake_mutex_);
  return saved_.wait_for(wake_lock, timeout,
                         [&] { return !pending_ && !saving_ && !compaction_wanted_; });
}

void state_file::save_soon() {
  std::lock_guard wake_lock(wake_mutex_);  // never mutex_: a save may be running
  if (pending_) return;                    // the saver is already on its way
  pending_ = true;
  start_saver_locked();
  wake_.notify_one();
}

void state_file::start_saver_locked() {
  if (!saver_.joinable())
    saver_ = std::jthread([this](const std::stop_token& stop) { run_saver(stop); });
}

void state_file::inject_write_error(int err) {
  std::lock_guard lock(mutex_);
  injected_error_ = err;
}

std::size_t state_file::log_bytes() {
  std::lock_guard lock(mutex_);
  return log_bytes_;
}

void state_file::run_saver(const std::stop_token& stop) {
  std::unique_lock wake_lock(wake_mutex_);
  while (!stop.stop_requested()) {
    wake_.wait(wake_lock, stop, [&] { return pending_ || compaction_wanted_; });
    if (stop.stop_requested()) return;  // the destructor saves what waits
    if (pending_) {
      // Let the burst of changes that woke us gather into one save.
      wake_.wait_for(wake_lock, stop, coalesce, [] { return false; });
      if (pending_) {
        wake_lock.unlock();  // save_soon() must not wait for the save
        {
          std::lock_guard lock(mutex_);
          if (auto err = save_locked()) spdlog::error("{}", *err);
        }
        wake_lock.lock();
      }
    }
    if (compaction_wanted_ && !stop.stop_requested()) {
      saving_ = true;
      wake_lock.unlock();
      const auto started = std::chrono::steady_clock::now();
      if (auto err = compact()) {
        spdlog::error("{}", *err);
      } else {
        spdlog::info("state file {} compacted in {} ms", path_,
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count());
      }
      wake_lock.lock();
      compaction_wanted_ = false;
      saving_ = false;
      saved_.notify_all();
    }
  }
}

state_file::~state_file() {
  if (saver_.joinable()) {
    saver_.request_stop();
    saver_.join();
  }
  {
    std::lock_guard lock(mutex_);
    bool waiting = false;
    {
      std::lock_guard wake_lock(wake_mutex_);
      waiting = pending_;
    }
    if (waiting)
      if (auto err = save_locked()) spdlog::error("{}", *err);
    if (log_fd_ >= 0) ::close(log_fd_);
  }
  ::close(lock_fd_);  // releases the flock
}

}  // namespace reemu
