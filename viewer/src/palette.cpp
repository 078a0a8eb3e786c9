#include "palette.hpp"

#include <algorithm>

namespace weft::viewer {

std::uint32_t state_color(State s) {
  switch (s) {
    case State::Running: return colors::running;
    case State::Lock: return colors::lock_wait;
    case State::Condition:
    case State::Event: return colors::cond_wait;
    case State::Semaphore:
    case State::Barrier:
    case State::Queue:
    case State::Atomic: return colors::sync_wait;
    case State::Join:
    case State::Future: return colors::join_wait;
    case State::Sleep: return colors::sleeping;
  }
  return colors::running;
}

std::uint32_t thread_color(std::uint32_t thread) {
  // Away from the state colors (green running, orange, red, purple, blue,
  // grey-blue) so a waiter is not read as a thread state.
  static constexpr std::uint32_t hues[] = {
      rgba(128, 203, 196), rgba(244, 143, 177), rgba(159, 168, 218), rgba(220, 231, 117),
      rgba(188, 170, 164), rgba(255, 204, 188), rgba(179, 229, 252), rgba(225, 190, 231),
  };
  return hues[thread % (sizeof hues / sizeof hues[0])];
}

std::uint32_t mix(std::uint32_t a, std::uint32_t b, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  std::uint32_t out = 0;
  for (int shift = 0; shift < 32; shift += 8) {
    const float ca = static_cast<float>(a >> shift & 0xff), cb = static_cast<float>(b >> shift & 0xff);
    out |= static_cast<std::uint32_t>(ca + (cb - ca) * t + 0.5f) << shift;
  }
  return out;
}

}  // namespace weft::viewer
