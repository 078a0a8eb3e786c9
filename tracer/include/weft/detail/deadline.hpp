// Timeouts, as the primitives take them: any std::chrono duration or time
// point in, one steady-clock deadline inside. Under the controlled scheduler
// a deadline is a point on its virtual clock (explore.hpp), which a
// relative timeout is measured from; an absolute time point the program
// gives keeps its distance from the program's own clock.
#pragma once

#include <chrono>
#include <optional>
#include <type_traits>

#include "weft/detail/explore.hpp"

namespace weft::detail {

using steady_time = std::chrono::steady_clock::time_point;
using deadline = std::optional<steady_time>;  // nullopt: wait as long as it takes

// The clock deadlines are on: the scheduler's while it runs.
inline steady_time deadline_clock_now() { return exploring() ? explore::now() : std::chrono::steady_clock::now(); }

template <class Rep, class Period>
steady_time deadline_after(const std::chrono::duration<Rep, Period>& timeout) {
  return deadline_clock_now() + std::chrono::ceil<std::chrono::steady_clock::duration>(timeout);
}

template <class Clock, class Duration>
steady_time to_steady(const std::chrono::time_point<Clock, Duration>& t) {
  if constexpr (std::is_same_v<Clock, std::chrono::steady_clock>)
    if (!exploring()) return std::chrono::time_point_cast<std::chrono::steady_clock::duration>(t);
  return deadline_clock_now() + std::chrono::ceil<std::chrono::steady_clock::duration>(t - Clock::now());
}

}  // namespace weft::detail
