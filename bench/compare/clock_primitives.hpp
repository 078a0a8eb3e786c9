// The floor under the recording goals: std's primitives, plus one read of
// the clock weft stamps its events with at each event weft would record,
// and nothing else of a tracer (no ring, no ids, no writer thread).
// compare_clock uses this.
//
// Why it is measured: a timeline needs every lock and unlock stamped, and
// on the machines weft is measured on a time-stamp counter read takes
// 10-14 ns back to back, about what an untraced uncontended lock/unlock pair
// takes whole. What any tracer that reads this clock per event must pay is
// then this variant's time; weft-compare prints it beside weft's, so a
// reader sees in the same run how much of weft's cost is the clock and how
// much is weft (issue 16's goals table).
//
// Only the uncontended loop is modelled (clock_primitives::models): it is
// the one workload without a second thread on its lock. Under contention
// the clock read lengthens each hold, and with it the waits, so a variant
// that adds only the clock is no floor there: with two threads on one lock
// (contended-2, and share, whose adder and subtractor share theirs) it ran
// as slow as weft or slower. A condition wait or a queue item is several
// events inside the std primitive, which this policy cannot stamp.
#pragma once

#include <time.h>

#include <cstdint>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "std_primitives.hpp"

namespace weft::compare {

// The clock weft's runtime chooses (tracer/src/clock.cpp): the time-stamp
// counter on x86-64 (the trace's metadata says `clock tsc` on the machines
// measured), CLOCK_MONOTONIC elsewhere.
inline std::uint64_t event_clock() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
#endif
}

// Each stamp is stored, as an event's would be, in a small per-thread
// array that stays in the core's cache: the store costs what a store does,
// and the compiler cannot drop the read.
inline constexpr unsigned kStampSlots = 64;
inline thread_local std::uint64_t t_stamps[kStampSlots];
inline thread_local unsigned t_next_stamp = 0;
inline void stamp() noexcept { t_stamps[t_next_stamp++ % kStampSlots] = event_clock(); }

struct clock_primitives : std_primitives {
  static bool models(std::string_view workload) {
    return workload == "uncontended";
  }

  // Stamped where weft records: mutex.acquired just after the lock is
  // taken, mutex.released just before it is let go.
  class mutex : public std::mutex {
   public:
    explicit mutex(std::string_view /*name*/) {}
    void lock() {
      std::mutex::lock();
      stamp();
    }
    void unlock() {
      stamp();
      std::mutex::unlock();
    }
  };
};

}  // namespace weft::compare
