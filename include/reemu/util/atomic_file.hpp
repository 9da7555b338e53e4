// The one atomic file writer (the state file, --tls-cert-out): a reader
// sees the previous complete file or the new complete one, never a part,
// even when the process is killed mid-write.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace reemu {

// Whether a commit waits for the disk. `synced` (the default): fsync the
// file, rename, fsync the directory, so the new content survives a power
// loss. `replace_only`: the rename alone, for a file that dies with the
// process anyway (the ports file, --tls-cert-out): readers still see old or new, never a
// part, but nothing waits for the disk (an fsync took 2-7 ms at start-up,
// docs/performance.md).
enum class durability { synced, replace_only };

// Writes `text` to `path` through the temporary `path + ".tmp"`: a stale
// temporary (a leftover file, or a symlink planted there) is unlinked, never
// followed; the new one is created with O_CREAT|O_EXCL|O_NOFOLLOW and
// `mode`, written, fsynced, renamed over `path`, and the directory fsynced
// (no fsync with durability::replace_only).
// Returns nullopt, or the error naming the failed step and file ("open
// x.tmp: Permission denied"). `crash_after` (tests only) stops after that
// many bytes of the temporary file, as a kill would. Not thread-safe for the
// same `path`: callers serialise writes to one file.
// A file written under a temporary name and put in place by commit(); the
// building block of write_file_atomically, for writers (the state log's
// compaction) that write most of the file first and the rest later. Not
// committed, the temporary is removed when the pending_file goes.
class pending_file {
 public:
  pending_file() = default;
  ~pending_file();
  pending_file(const pending_file&) = delete;
  pending_file& operator=(const pending_file&) = delete;

  // Creates `path + suffix` with `mode` (a stale one, file or symlink, is
  // unlinked first and never followed). Returns the error naming the step.
  std::optional<std::string> open(const std::string& path, const std::string& suffix,
                                  mode_t mode = 0600);
  // Appends `text`, retrying short writes.
  std::optional<std::string> append(std::string_view text);
  // fsyncs the temporary, renames it over the path and fsyncs the
  // directory (the rename alone with durability::replace_only). The
  // descriptor stays open (release_fd() takes it).
  std::optional<std::string> commit(durability d = durability::synced);
  // The open descriptor, now the caller's to close; -1 when none.
  int release_fd();
  // Closes the temporary and leaves it where it is, as a killed writer
  // would (tests).
  void abandon();

 private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes all of `text` to `fd`, retrying short writes and EINTR. Returns
// errno, or 0.
int write_fully(int fd, std::string_view text);

// The step that failed with `err`, as "STEP: message".
std::string step_failed(const std::string& step, int err);

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view text,
                                                 std::optional<std::size_t> crash_after = {},
                                                 mode_t mode = 0600,
                                                 durability d = durability::synced);

}  // namespace reemu
