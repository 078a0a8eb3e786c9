// Stands in for a standard library header in test_inline.cpp: its path
// contains "/include/c++/", so the symbolizer takes these functions for
// standard library code. Two levels of always-inlined calls, like
// std::lock_guard's constructor calling std::mutex::lock() calling
// __gthread_mutex_lock(), inlined in every build (-O0 included), ending in a
// real call whose return address is the site, as weft record's preload sees
// a pthread_mutex_lock call.
#pragma once

#include <cstdint>

namespace fake_std {

using Capture = std::uint64_t (*)();

[[gnu::always_inline]] inline std::uint64_t inner_call(Capture capture) {
  return capture();  // the site's innermost line: in this header
}

[[gnu::always_inline]] inline std::uint64_t outer_call(Capture capture) { return inner_call(capture); }

}  // namespace fake_std
