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

// Writes `text` to `path` through the temporary `path + ".tmp"`: a stale
// temporary (a leftover file, or a symlink planted there) is unlinked, never
// followed; the new one is created with O_CREAT|O_EXCL|O_NOFOLLOW and
// `mode`, written, fsynced, renamed over `path`, and the directory fsynced.
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
  // directory. The descriptor stays open (release_fd() takes it).
  std::optional<std::string> commit();
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
                                                 mode_t mode = 0600);

}  // namespace reemu
