// weft::sleep_for: std::this_thread::sleep_for, recorded, so the timeline
// shows a thread sleeping rather than running.
#pragma once

#include <chrono>

#include "weft/site.hpp"

namespace weft {

namespace detail {
void sleep_ns(std::chrono::nanoseconds duration, const source_site& site);
}

template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration, source_site site = source_site::current()) {
  detail::sleep_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(duration), site);
}

}  // namespace weft
