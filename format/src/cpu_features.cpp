#include "cpu_features.hpp"

#if defined(__x86_64__)
#include <cpuid.h>

#include <atomic>
#endif

namespace weft::format {

#if defined(__x86_64__)
// Asked of the CPU on first use, not in a static initializer: the tracer's
// writer thread may checksum while other translation units are still being
// initialized. Racing first callers compute the same answer; an atomic keeps
// that benign, and cpuid keeps it async-signal-safe.
bool have_sse42() noexcept {
  static std::atomic<int> known{0};  // 0: not asked yet, 1: yes, 2: no
  int v = known.load(std::memory_order_relaxed);
  if (v == 0) {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    v = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_SSE4_2) ? 1 : 2;
    known.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}
#endif

}  // namespace weft::format
