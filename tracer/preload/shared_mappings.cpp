#include "shared_mappings.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "../src/cancellation_off.hpp"

namespace weft::preload {
namespace {

// A line of /proc/self/maps: "start-end perms offset dev inode path", the
// addresses in hex; perms "rw-s" for a shared mapping, "rw-p" for private.
// Sets `shared` and returns true when the line's range holds `address`.
bool line_holds(const char* line, std::size_t n, std::uintptr_t address, bool& shared) noexcept {
  std::uintptr_t start = 0, end = 0;
  std::size_t i = 0;
  const auto hex = [&](std::uintptr_t& v) {
    std::size_t digits = 0;
    for (; i < n; ++i, ++digits) {
      const char c = line[i];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) break;
      v = v << 4 | static_cast<std::uintptr_t>(d);
    }
    return digits > 0;
  };
  if (!hex(start) || i >= n || line[i++] != '-' || !hex(end) || i + 5 > n || line[i] != ' ') return false;
  if (address < start || address >= end) return false;
  shared = line[i + 4] == 's';
  return true;
}

}  // namespace

bool in_shared_mapping(const void* address) noexcept {
  const detail::cancellation_off hold_off;  // open and read here are weft's, no cancellation points of the program's
  const int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const auto wanted = reinterpret_cast<std::uintptr_t>(address);
  // Whole lines are parsed; a line cut by the end of the buffer moves to
  // its front before the next read. A maps line is far shorter than the
  // buffer except for very long paths, whose line is then skipped whole.
  char buf[4096];
  std::size_t used = 0;
  bool shared = false, found = false, skipping = false;
  for (;;) {
    const ssize_t got = ::read(fd, buf + used, sizeof buf - used);
    if (got <= 0) break;
    used += static_cast<std::size_t>(got);
    std::size_t begin = 0;
    for (;;) {
      const void* nl = std::memchr(buf + begin, '\n', used - begin);
      if (nl == nullptr) break;
      const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - buf);
      if (!skipping && line_holds(buf + begin, end - begin, wanted, shared)) found = true;
      skipping = false;
      begin = end + 1;
      if (found) break;
    }
    if (found) break;
    if (begin == 0 && used == sizeof buf) {  // one line longer than the buffer: skip it
      if (line_holds(buf, used, wanted, shared)) found = true;
      if (found) break;
      skipping = true;
      used = 0;
      continue;
    }
    std::memmove(buf, buf + begin, used - begin);
    used -= begin;
  }
  ::close(fd);
  return found && shared;
}

}  // namespace weft::preload
