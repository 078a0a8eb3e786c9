#include "trace_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace weft::detail {
namespace {

// Appends `text` to the NUL-terminated `buffer` of `size` bytes; false when
// it does not fit.
bool append(char* buffer, std::size_t size, const char* text) noexcept {
  const std::size_t have = std::strlen(buffer), more = std::strlen(text);
  if (have + more + 1 > size) return false;
  std::memcpy(buffer + have, text, more + 1);
  return true;
}

bool append_number(char* buffer, std::size_t size, unsigned long value) noexcept {
  char digits[24];
  char* p = digits + sizeof digits;
  *--p = '\0';
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return append(buffer, size, p);
}

// The directory `path` names its file in: "dir/x.weft" -> "dir", "x.weft" -> ".".
bool directory_of(const char* path, char* out, std::size_t size) noexcept {
  out[0] = '\0';
  const char* slash = std::strrchr(path, '/');
  if (slash == nullptr) return append(out, size, ".");
  const std::size_t n = slash == path ? 1 : static_cast<std::size_t>(slash - path);  // "/x.weft" -> "/"
  if (n + 1 > size) return false;
  std::memcpy(out, path, n);
  out[n] = '\0';
  return true;
}

// The fallback for file systems without O_TMPFILE: "<path>.<pid>.part",
// made anew (one left by a killed process of the same pid is removed).
int create_named(const char* path, char* name, std::size_t size) noexcept {
  name[0] = '\0';
  if (!append(name, size, path) || !append(name, size, ".") ||
      !append_number(name, size, static_cast<unsigned long>(::getpid())) || !append(name, size, ".part")) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = ::open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST && ::unlink(name) == 0) fd = ::open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) name[0] = '\0';
  return fd;
}

// Gives `file` the name `path`; fails with EEXIST when something is there.
bool link_in(const UnpublishedFile& file, const char* path) noexcept {
  if (file.temporary_name[0] != '\0') return ::link(file.temporary_name, path) == 0;
  if (::linkat(file.fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0) return true;
  // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH (ENOENT without it): the
  // descriptor's /proc link does the same for anyone.
  if (errno != ENOENT && errno != EPERM) return false;
  char proc[48] = "/proc/self/fd/";
  append_number(proc, sizeof proc, static_cast<unsigned long>(file.fd));
  return ::linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0;
}

}  // namespace

UnpublishedFile create_unpublished(const char* path) noexcept {
  UnpublishedFile file;
  char directory[PATH_MAX];
  if (!directory_of(path, directory, sizeof directory)) {
    errno = ENAMETOOLONG;
    return file;
  }
  file.fd = ::open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  // EOPNOTSUPP: a file system without it; EISDIR or EINVAL: a kernel without it.
  if (file.fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    file.fd = create_named(path, file.temporary_name, sizeof file.temporary_name);
  // A new file: nobody else can hold its lock.
  if (file.fd >= 0) ::flock(file.fd, LOCK_EX | LOCK_NB);
  return file;
}

Published publish(UnpublishedFile& file, const char* path) noexcept {
  // Each turn either links the file in or finds the path changed under it
  // (another process replacing a stale trace at the same moment); a few
  // turns settle it.
  for (int turn = 0; turn < 64; ++turn) {
    if (link_in(file, path)) {
      if (file.temporary_name[0] != '\0') ::unlink(file.temporary_name);
      file.temporary_name[0] = '\0';
      return Published::done;
    }
    if (errno != EEXIST) return Published::failed;
    const int old = ::open(path, O_RDONLY | O_CLOEXEC);
    if (old < 0) {
      if (errno == ENOENT) continue;  // removed meanwhile: link again
      return Published::failed;
    }
    if (::flock(old, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(old);
      if (err == EWOULDBLOCK) return Published::taken;
      errno = err;
      return Published::failed;
    }
    // Its writer has gone. Replaced only if it is still the file at the
    // path: the lock may have come from one that another process has
    // already replaced.
    struct stat held {}, now {};
    const bool current = ::fstat(old, &held) == 0 && ::stat(path, &now) == 0 && held.st_dev == now.st_dev &&
                         held.st_ino == now.st_ino;
    const bool removed = !current || ::unlink(path) == 0 || errno == ENOENT;
    const int err = errno;
    ::close(old);
    if (!removed) {
      errno = err;
      return Published::failed;
    }
  }
  errno = EBUSY;
  return Published::failed;
}

void abandon(UnpublishedFile& file) noexcept {
  if (file.fd >= 0) ::close(file.fd);
  file.fd = -1;
  if (file.temporary_name[0] != '\0') ::unlink(file.temporary_name);
  file.temporary_name[0] = '\0';
}

int open_in_place(const char* path) noexcept {
  const int fd = ::open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::ftruncate(fd, 0) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

bool written_by_another(const char* path) noexcept {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool busy = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return busy;
}

std::string with_pid(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) dot = path.size();
  return path.substr(0, dot) + "." + std::to_string(::getpid()) + path.substr(dot);
}

}  // namespace weft::detail
