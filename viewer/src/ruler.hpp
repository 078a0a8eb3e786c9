// The time ruler: tick positions at a round step (1, 2 or 5 times a power
// of ten nanoseconds) chosen so labels do not collide, and times written
// with the unit that suits the step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "viewport.hpp"

namespace weft::viewer {

struct RulerTick {
  double x = 0;
  double t_ns = 0;
  bool major = false;  // labelled
  std::string label;   // empty for minor ticks
};

// The smallest round step at least `min_px` pixels wide at this zoom.
double ruler_step_ns(double ns_per_px, double min_px);
// Major ticks every step (labelled), minor ticks at a fifth of it.
std::vector<RulerTick> ruler_ticks(const Viewport& view, double min_label_px = 90);

// "0", "250 ns", "1.5 µs", "12 ms", "3.25 s": as many decimals as `step_ns`
// needs to tell neighbouring ticks apart.
std::string format_time(double t_ns, double step_ns);
// A duration for people: "830 ns", "12.4 µs", "1.20 s".
std::string format_duration(double ns);

}  // namespace weft::viewer
