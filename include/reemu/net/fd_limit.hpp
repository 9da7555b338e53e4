// The process's open-file limit, and the number of connections it allows:
// every connection holds one descriptor, and the server needs a few more
// (listeners, epoll, timers, the log, the state file).
#pragma once

#include <cstddef>
#include <cstdint>

namespace reemu {

// Descriptors kept back from connections for everything else.
inline constexpr std::size_t fd_headroom = 64;

// Raises the soft RLIMIT_NOFILE to the hard limit. Returns the soft limit
// now in force, or 0 when it cannot be read or is unlimited.
std::uint64_t raise_open_file_limit() noexcept;

// The connection cap for `configured` (server.max_connections) under an
// open-file limit of `fd_limit` (0: no limit known): the lower of
// `configured` and fd_limit less fd_headroom (that at least 1).
std::size_t connection_cap(std::size_t configured, std::uint64_t fd_limit) noexcept;

}  // namespace reemu
