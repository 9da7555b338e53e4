// The open-file limit (include/reemu/net/fd_limit.hpp).
#include "reemu/net/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace reemu {

std::uint64_t raise_open_file_limit() noexcept {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // Refused (e.g. a hard limit above the kernel's nr_open): keep the old one.
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 0 : static_cast<std::uint64_t>(limit.rlim_cur);
}

std::size_t connection_cap(std::size_t configured, std::uint64_t fd_limit) noexcept {
  if (fd_limit == 0) return configured;
  const std::uint64_t allowed = fd_limit > fd_headroom + 1 ? fd_limit - fd_headroom : 1;
  return static_cast<std::size_t>(std::min<std::uint64_t>(configured, allowed));
}

}  // namespace reemu
