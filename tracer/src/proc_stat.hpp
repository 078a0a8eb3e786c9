// Reading a task's state from /proc: whether a process or a thread has
// exited and is only a zombie (its parent, or its thread group, not gone
// yet), or sleeps in the kernel. Used by the run board (a process that died
// without giving its slot back), the watchdog (a main thread that left by
// pthread_exit) and the explorer (a thread holding the turn asleep in a
// wait weft does not see).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace weft::detail {

// The state letter of the task whose /proc "stat" file is at `path` (R
// running, S asleep in the kernel, D in an uninterruptible wait, Z a
// zombie, X dead...), or '\0' if it cannot be read.
inline char stat_state(const char* path) noexcept {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return '\0';
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return '\0';
  buf[n] = '\0';
  const char* paren = std::strrchr(buf, ')');  // the command name may hold anything but ends at the last ')'
  return paren != nullptr && paren[1] == ' ' ? paren[2] : '\0';
}

// Whether the /proc "stat" file at `path` says its task has exited: state
// Z (zombie) or X (dead). False if it cannot be read.
inline bool stat_says_exited(const char* path) noexcept {
  const char state = stat_state(path);
  return state == 'Z' || state == 'X';
}

}  // namespace weft::detail
