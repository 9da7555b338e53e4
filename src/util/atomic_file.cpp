// Temporary file, fsync, rename, fsync the directory.
#include "reemu/util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace reemu {

std::string step_failed(const std::string& step, int err) {
  // std::strerror may share one buffer between threads; the category does not.
  return step + ": " + std::system_category().message(err);
}

int write_fully(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

namespace {

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

pending_file::~pending_file() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

std::optional<std::string> pending_file::open(const std::string& path, const std::string& suffix,
                                              mode_t mode) {
  path_ = path;
  temp_ = path + suffix;
  // A leftover from a killed writer, or a symlink someone planted to have
  // us overwrite its target: unlink removes the name itself, never what it
  // points to. O_EXCL|O_NOFOLLOW then refuses anything that reappears, and
  // a fresh inode gets `mode`, whatever the leftover's mode was.
  if (::unlink(temp_.c_str()) != 0 && errno != ENOENT) {
    const int err = errno;
    temp_.clear();  // not ours to remove
    return step_failed("remove stale " + path + suffix, err);
  }
  fd_ =
      ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_APPEND, mode);
  if (fd_ < 0) {
    const int err = errno;
    temp_.clear();
    return step_failed("open " + path + suffix, err);
  }
  return std::nullopt;
}

std::optional<std::string> pending_file::append(std::string_view text) {
  if (const int err = write_fully(fd_, text); err != 0) return step_failed("write " + temp_, err);
  return std::nullopt;
}

std::optional<std::string> pending_file::commit(durability d) {
  const bool synced = d == durability::synced;
  if (synced && ::fsync(fd_) != 0) return step_failed("fsync " + temp_, errno);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) return step_failed("rename " + temp_, errno);
  committed_ = true;
  return synced ? sync_directory_of(path_) : std::nullopt;
}

int pending_file::release_fd() { return std::exchange(fd_, -1); }

void pending_file::abandon() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  temp_.clear();
}

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view text,
                                                 std::optional<std::size_t> crash_after,
                                                 mode_t mode, durability d) {
  pending_file file;
  if (auto err = file.open(path, ".tmp", mode)) return err;
  const std::size_t limit = crash_after ? std::min(*crash_after, text.size()) : text.size();
  if (auto err = file.append(text.substr(0, limit))) return err;
  if (crash_after) {  // the test's "kill": stop before the data is durable or renamed
    file.abandon();
    return "stopped after " + std::to_string(limit) + " bytes (test)";
  }
  return file.commit(d);
}

}  // namespace reemu
