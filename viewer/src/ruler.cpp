#include "ruler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace weft::viewer {

double ruler_step_ns(double ns_per_px, double min_px) {
  const double want = ns_per_px * min_px;
  for (double step = 1;; step *= 10) {
    if (step >= want) return step;
    if (2 * step >= want) return 2 * step;
    if (5 * step >= want) return 5 * step;
  }
}

namespace {

struct Unit {
  double ns;
  const char* name;
};
Unit unit_for(double magnitude_ns) {
  if (magnitude_ns >= 1e9) return {1e9, "s"};
  if (magnitude_ns >= 1e6) return {1e6, "ms"};
  if (magnitude_ns >= 1e3) return {1e3, "\xC2\xB5s"};  // µs
  return {1, "ns"};
}

std::string with_decimals(double value, int decimals, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f %s", decimals, value, unit);
  return buf;
}

}  // namespace

std::string format_time(double t_ns, double step_ns) {
  if (t_ns == 0) return "0";
  // The unit suits the time (3.25 s, not 3250 ms); the decimals show the
  // step exactly, so neighbouring labels always differ.
  const Unit u = unit_for(std::max(std::fabs(t_ns), step_ns));
  const double step_in_unit = step_ns / u.ns;
  int decimals = 0;
  while (decimals < 6) {
    const double scaled = step_in_unit * std::pow(10.0, decimals);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) break;
    ++decimals;
  }
  return with_decimals(t_ns / u.ns, decimals, u.name);
}

std::string format_duration(double ns) {
  const Unit u = unit_for(std::fabs(ns));
  const double v = ns / u.ns;
  const int decimals = u.ns == 1 ? 0 : std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
  return with_decimals(v, decimals, u.name);
}

std::vector<RulerTick> ruler_ticks(const Viewport& view, double min_label_px) {
  std::vector<RulerTick> out;
  const double step = ruler_step_ns(view.ns_per_px, min_label_px);
  const double minor = step / 5;
  const double first = std::floor(view.t0_ns / minor) * minor;
  const double end = view.t1_ns();
  for (long k = 0;; ++k) {
    const double t = first + static_cast<double>(k) * minor;
    if (t > end) break;
    if (t < view.t0_ns) continue;
    RulerTick tick;
    tick.t_ns = t;
    tick.x = view.x_of(t);
    const double q = t / step;
    tick.major = std::fabs(q - std::round(q)) < 1e-6;
    if (tick.major) tick.label = format_time(t, step);
    out.push_back(std::move(tick));
  }
  return out;
}

}  // namespace weft::viewer
