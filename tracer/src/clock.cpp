#include "clock.hpp"

#ifdef WEFT_HAVE_TSC
#include <cpuid.h>
#endif

namespace weft::detail {

bool g_clock_is_tsc = false;
const std::atomic<std::uint64_t>* g_virtual_clock = nullptr;

// The TSC is a usable clock only when it is invariant: constant rate across
// frequency changes and sleep states (CPUID 0x80000007, EDX bit 8). Linux
// keeps invariant TSCs synchronized across cores.
void choose_clock() {
#ifdef WEFT_HAVE_TSC
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) >= 0x80000007u && __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx))
    g_clock_is_tsc = (edx & (1u << 8)) != 0;
#endif
}

const char* clock_name() { return g_clock_is_tsc ? "tsc" : g_virtual_clock ? "virtual" : "steady"; }

}  // namespace weft::detail
