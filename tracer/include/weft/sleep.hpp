// Sleeping, recorded, so the timeline shows a thread sleeping rather than
// running: weft::this_thread::sleep_for and sleep_until, spelled as the
// std ones they stand for (weft::sleep_for is the same sleep_for).
//
//   weft::this_thread::sleep_for(10ms);
//   weft::this_thread::sleep_until(std::chrono::steady_clock::now() + 10ms);
//
// Events: sleep.begin (arg: the planned sleep in ns; for sleep_until, from
// the call to the time point, 0 if it has passed) and sleep.end.
#pragma once

#include <chrono>
#include <thread>

#include "weft/site.hpp"

namespace weft {

namespace detail {
// sleep.begin, then `sleep(arg)` marked blocked for the watchdog (a timed
// wait), then sleep.end.
void recorded_sleep(std::chrono::nanoseconds planned, void (*sleep)(const void*), const void* arg,
                    const source_site& site);
void sleep_ns(std::chrono::nanoseconds duration, const source_site& site);
}  // namespace detail

namespace this_thread {

template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration, source_site site = source_site::current()) {
  detail::sleep_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(duration), site);
}

// Sleeps on `time`'s own clock, as std::this_thread::sleep_until does.
template <class Clock, class Duration>
void sleep_until(const std::chrono::time_point<Clock, Duration>& time, source_site site = source_site::current()) {
  using point = std::chrono::time_point<Clock, Duration>;
  const auto planned = std::chrono::duration_cast<std::chrono::nanoseconds>(time - Clock::now());
  detail::recorded_sleep(
      planned, [](const void* t) { std::this_thread::sleep_until(*static_cast<const point*>(t)); }, &time, site);
}

}  // namespace this_thread

template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration, source_site site = source_site::current()) {
  detail::sleep_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(duration), site);
}

}  // namespace weft
