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
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view text,
                                                 std::optional<std::size_t> crash_after = {},
                                                 mode_t mode = 0600);

}  // namespace reemu
