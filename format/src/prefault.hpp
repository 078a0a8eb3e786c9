// Large event arrays are written once, front to back, right after they are
// allocated. Touching each fresh page faults it in one at a time, and on a
// virtual machine those faults cost as much as decoding the events (a
// quarter of `weft check`'s time on an 11-million-event trace). Asking the
// kernel to map the whole range up front does the same work in one call.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <vector>

namespace weft::format {

template <class T>
void prefault_capacity(std::vector<T>& v) {
#ifdef MADV_POPULATE_WRITE
  constexpr std::uintptr_t kPage = 4096;
  constexpr std::size_t kWorthIt = std::size_t{1} << 22;  // small arrays fault cheaply anyway
  const std::size_t bytes = v.capacity() * sizeof(T);
  if (bytes < kWorthIt) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(v.data()) + kPage - 1) & ~(kPage - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(v.data()) + bytes) & ~(kPage - 1);
  // Best effort: a kernel without MADV_POPULATE_WRITE (before 5.14) says
  // EINVAL and the pages fault in as they are written, as before.
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)v;
#endif
}

}  // namespace weft::format
