// Reading a task's state from /proc: whether a process or a thread has
// exited and is only a zombie (its parent, or its thread group, not gone
// yet). Used by the run board (a process that died without giving its
// slot back) and the watchdog (a main thread that left by pthread_exit).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace weft::detail {

// Whether the /proc "stat" file at `path` says its task has exited: state
// Z (zombie) or X (dead). False if it cannot be read.
inline bool stat_says_exited(const char* path) noexcept {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* paren = std::strrchr(buf, ')');  // the command name may hold anything but ends at the last ')'
  return paren != nullptr && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

}  // namespace weft::detail
