#include "weft/format/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older kernels say EINVAL
#endif

namespace weft::format {

void prefault(void* begin, std::size_t bytes) noexcept {
  static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto b = reinterpret_cast<std::uintptr_t>(begin);
  const std::uintptr_t first = b & ~(page - 1);
  const std::uintptr_t end = (b + bytes + page - 1) & ~(page - 1);
  if (bytes == 0 || end <= first) return;
  (void)::madvise(reinterpret_cast<void*>(first), end - first, MADV_POPULATE_WRITE);
}

void prefault_ahead(unsigned char* base, std::size_t size, std::size_t from, std::size_t to) noexcept {
  // Steps that overlap [0, from) were mapped when it entered them.
  const std::size_t done = (from + kPrefaultStep - 1) / kPrefaultStep * kPrefaultStep;
  to = std::min(to, size);
  if (to <= done) return;
  const std::size_t until = std::min(size, (to + kPrefaultStep - 1) / kPrefaultStep * kPrefaultStep);
  prefault(base + done, until - done);
}

}  // namespace weft::format
