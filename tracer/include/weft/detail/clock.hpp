// The clock behind every event timestamp. On x86-64 it is the time-stamp
// counter (invariant on every CPU weft targets; checked at start-up, with
// CLOCK_MONOTONIC as the fallback). Timestamps are for display: order comes
// from sequence numbers, never from clocks.
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define WEFT_HAVE_TSC 1
#endif

namespace weft::detail {

// Decided once, before the first event (see clock.cpp); read-only after.
extern bool g_clock_is_tsc;
// Under the controlled scheduler (weft explore) time is its virtual clock,
// in nanoseconds; nullptr otherwise. Set with g_clock_is_tsc.
extern const std::atomic<std::uint64_t>* g_virtual_clock;

inline std::uint64_t monotonic_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

inline std::uint64_t now() noexcept {
#ifdef WEFT_HAVE_TSC
  if (__builtin_expect(g_clock_is_tsc, 1)) return __rdtsc();
#endif
  if (g_virtual_clock != nullptr) return g_virtual_clock->load(std::memory_order_relaxed);
  return monotonic_ns();
}

}  // namespace weft::detail
