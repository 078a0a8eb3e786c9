// Which stretch of time the timeline shows and where: the mapping between
// nanoseconds and screen x, and the zoom and pan gestures on it. Doubles
// throughout: a 10-minute trace zoomed to single nanoseconds still maps
// exactly.
#pragma once

#include <algorithm>
#include <cstdint>

namespace weft::viewer {

struct Viewport {
  double t0_ns = 0;        // time at the left edge of the canvas
  double ns_per_px = 1e6;  // zoom
  double x0 = 0;           // the canvas's left edge on screen
  double width = 1000;     // the canvas's width in pixels

  // Finer than this, spans are pixels apart for no information; coarser,
  // a day per pixel: both are bounds, not preferences.
  static constexpr double kMinNsPerPx = 0.01;
  static constexpr double kMaxNsPerPx = 8.64e13;

  double x_of(double t_ns) const { return x0 + (t_ns - t0_ns) / ns_per_px; }
  double t_of(double x) const { return t0_ns + (x - x0) * ns_per_px; }
  double t1_ns() const { return t0_ns + width * ns_per_px; }

  // Zoom by `factor` (>1: in) keeping the time under screen x where it is.
  void zoom_around(double x, double factor) {
    const double t = t_of(x);
    ns_per_px = std::clamp(ns_per_px / factor, kMinNsPerPx, kMaxNsPerPx);
    t0_ns = t - (x - x0) * ns_per_px;
  }
  // Drag by dx pixels: the content follows the mouse.
  void pan_px(double dx) { t0_ns -= dx * ns_per_px; }
  // Show [a, b] with `margin` (a fraction of the width) on each side.
  void fit(double a_ns, double b_ns, double margin = 0.02) {
    const double span = std::max(b_ns - a_ns, 1.0);
    const double usable = std::max(width * (1 - 2 * margin), 1.0);
    ns_per_px = std::clamp(span / usable, kMinNsPerPx, kMaxNsPerPx);
    t0_ns = a_ns - width * margin * ns_per_px;
  }
};

}  // namespace weft::viewer
