// Temporary file, fsync, rename, fsync the directory.
#include "reemu/util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace reemu {

namespace {

std::string step_failed(const std::string& step, int err) {
  // std::strerror may share one buffer between threads; the category does not.
  return step + ": " + std::system_category().message(err);
}

// Writes all of `text`, retrying short writes and EINTR. Returns errno or 0.
int write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// The rename is durable once the directory entry is.
std::optional<std::string> sync_directory_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return step_failed("open directory " + dir, errno);
  const int rc = ::fsync(dfd);
  const int err = errno;
  ::close(dfd);
  if (rc != 0) return step_failed("fsync directory " + dir, err);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view text,
                                                 std::optional<std::size_t> crash_after,
                                                 mode_t mode) {
  const std::string temp = path + ".tmp";
  // A leftover from a killed writer, or a symlink someone planted to have
  // us overwrite its target: unlink removes the name itself, never what it
  // points to. O_EXCL|O_NOFOLLOW then refuses anything that reappears, and
  // a fresh inode gets `mode`, whatever the leftover's mode was.
  if (::unlink(temp.c_str()) != 0 && errno != ENOENT)
    return step_failed("remove stale " + temp, errno);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return step_failed("open " + temp, errno);
  const std::size_t limit = crash_after ? std::min(*crash_after, text.size()) : text.size();
  if (const int err = write_all(fd, text.substr(0, limit)); err != 0) {
    ::close(fd);
    return step_failed("write " + temp, err);
  }
  if (crash_after) {  // the test's "kill": stop before the data is durable or renamed
    ::close(fd);
    return "stopped after " + std::to_string(limit) + " bytes (test)";
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return step_failed("fsync " + temp, err);
  }
  if (::close(fd) != 0) return step_failed("close " + temp, errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) return step_failed("rename " + temp, errno);
  return sync_directory_of(path);
}

}  // namespace reemu
