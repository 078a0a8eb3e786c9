// The viewer's colors, one place: the drawing code paints with them and the
// screenshot tests look for them at lane positions. Packed as ImGui's
// IM_COL32 does (R in the low byte, alpha in the high byte), without
// depending on ImGui so pure code and tests can use them.
#pragma once

#include <cstdint>

#include "timeline.hpp"

namespace weft::viewer {

constexpr std::uint32_t rgba(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a = 255) {
  return std::uint32_t(r) | std::uint32_t(g) << 8 | std::uint32_t(b) << 16 | std::uint32_t(a) << 24;
}
constexpr std::uint8_t red_of(std::uint32_t c) { return static_cast<std::uint8_t>(c & 0xff); }
constexpr std::uint8_t green_of(std::uint32_t c) { return static_cast<std::uint8_t>(c >> 8 & 0xff); }
constexpr std::uint8_t blue_of(std::uint32_t c) { return static_cast<std::uint8_t>(c >> 16 & 0xff); }

namespace colors {
inline constexpr std::uint32_t background = rgba(24, 26, 30);
inline constexpr std::uint32_t lane_background = rgba(34, 37, 43);
inline constexpr std::uint32_t running = rgba(76, 175, 80);      // green: doing work
inline constexpr std::uint32_t lock_wait = rgba(229, 57, 53);    // red: blocked on a lock
inline constexpr std::uint32_t cond_wait = rgba(255, 167, 38);   // orange: condition, event
inline constexpr std::uint32_t sync_wait = rgba(171, 71, 188);   // purple: semaphore, barrier, queue, atomic
inline constexpr std::uint32_t join_wait = rgba(66, 165, 245);   // blue: join, future
inline constexpr std::uint32_t sleeping = rgba(120, 144, 156);   // grey-blue: sleep
inline constexpr std::uint32_t held = rgba(255, 213, 79);        // yellow: a lock held
inline constexpr std::uint32_t held_shared = rgba(255, 236, 160); // pale yellow: a lock held shared (readers)
inline constexpr std::uint32_t anomaly = rgba(255, 112, 67);     // deep orange: what the trace got wrong
inline constexpr std::uint32_t series = rgba(77, 208, 225);      // cyan: queue depth, semaphore value
inline constexpr std::uint32_t mark = rgba(250, 250, 250);
inline constexpr std::uint32_t log = rgba(176, 190, 197);
inline constexpr std::uint32_t arrow = rgba(236, 239, 241, 150);
inline constexpr std::uint32_t highlight = rgba(255, 64, 129);   // pink: what the selected finding involves
inline constexpr std::uint32_t cycle = rgba(255, 23, 68);        // the cycle or racing pair of a finding
inline constexpr std::uint32_t cursor = rgba(0, 229, 255);
inline constexpr std::uint32_t selection = rgba(100, 181, 246, 60);
// Signal lanes (conditions, events).
inline constexpr std::uint32_t notify = rgba(250, 250, 250);     // a notification that found a waiter, a set that woke one
inline constexpr std::uint32_t unheard = rgba(255, 82, 82);      // red: a notification nobody waited for (lost wake-up's seed)
inline constexpr std::uint32_t latched = rgba(165, 214, 167);    // pale green: an event set with nobody waiting (it stays set)
inline constexpr std::uint32_t wake_arrow = rgba(255, 241, 118, 210);  // from a notification to the wait it ended
inline constexpr std::uint32_t timed_out = rgba(96, 100, 108);   // a wait that ran out: nothing woke it
inline constexpr std::uint32_t text = rgba(230, 230, 230);
inline constexpr std::uint32_t dim_text = rgba(150, 150, 150);
}  // namespace colors

std::uint32_t state_color(State s);
// A thread's own color, for telling waiters apart on a signal lane: a few
// distinct hues in turn (none of them a state's or the held color).
std::uint32_t thread_color(std::uint32_t thread);
// `a` and `b` mixed, `t` of the way from a to b (0..1).
std::uint32_t mix(std::uint32_t a, std::uint32_t b, float t);

}  // namespace weft::viewer
