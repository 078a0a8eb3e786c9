// Where things go on screen, as a pure function of the window size and the
// lanes: the app places its ImGui windows with it, hit-testing maps the
// mouse with it, and the screenshot tests find lanes in a PNG with it.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "timeline.hpp"

namespace weft::viewer {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool contains(float px, float py) const { return px >= x && px < x + w && py >= y && py < y + h; }
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

inline constexpr float kToolbarHeight = 66;
inline constexpr float kLabelWidth = 160;
inline constexpr float kRulerHeight = 28;
inline constexpr float kThreadLaneHeight = 26;
inline constexpr float kObjectLaneHeight = 22;
inline constexpr float kLaneGap = 4;
inline constexpr float kGroupGap = 14;  // between the thread lanes and the object lanes
inline constexpr float kProcessHeaderHeight = 20;  // a run's process header, above its threads' lanes
// A signal lane (a condition or event): a strip for its notifications on
// top, then one sub-row per waiter it stacks; with one sub-row it is as
// tall as any object lane.
inline constexpr float kSignalTickStrip = 8;
inline constexpr float kSignalRowHeight = 14;
static_assert(kSignalTickStrip + kSignalRowHeight == kObjectLaneHeight);

struct ScreenLayout {
  Rect toolbar;   // top: open a trace, zoom, replay controls
  Rect timeline;  // the timeline window: labels, ruler, lanes
  Rect labels;    // lane names, left of the lanes
  Rect ruler;     // time ruler, above the lanes
  Rect lanes;     // the canvas
  Rect side;      // right: findings, state, details, lock graph, statistics
};
ScreenLayout screen_layout(float width, float height);

struct LaneRow {
  std::size_t lane = 0;
  float y0 = 0, y1 = 0;
};

// Where every lane sits, top to bottom, worked out once for a timeline: a
// frame asks only for the rows on screen, a binary search away, however
// many lanes there are. A trace of two million locks has two million lanes;
// placing all of them every frame (twice: the scroll range, then the rows)
// was that frame. Lane n's row is [top(n), top(n) + lane_height(n)) below
// the area's top, before scrolling; tops are doubles, which stay exact far
// past a float's 2^24 pixels.
class LaneStack {
 public:
  LaneStack() = default;
  explicit LaneStack(const Timeline& tl);

  std::size_t size() const { return top_.size(); }
  double height() const { return height_; }  // total, for the scroll range
  // The rows of the lanes that reach into `area`, and of those whose
  // process header does, top to bottom, `scroll` pixels scrolled down.
  std::vector<LaneRow> rows_in(const Rect& area, float scroll) const;
  // Lane n's row (it may lie outside `area`: the caller clips).
  LaneRow row(std::size_t lane, const Rect& area, float scroll) const;

 private:
  std::vector<double> top_;
  std::vector<float> height_of_;
  double height_ = 0;
};

// Rows of every lane, top to bottom, `scroll` pixels scrolled down (rows
// may lie outside `area`: the caller clips). For a few lanes; a frame asks
// a LaneStack for those on screen.
std::vector<LaneRow> lane_rows(const Timeline& tl, const Rect& area, float scroll);
float lanes_height(const Timeline& tl);  // total, for the scroll range
float lane_height(const Lane& lane);     // a signal lane's grows with its sub-rows
// Top of sub-row `row` of a signal lane whose row begins at `lane_y0`.
inline float signal_row_y(float lane_y0, std::size_t row) {
  return lane_y0 + kSignalTickStrip + kSignalRowHeight * static_cast<float>(row);
}
// A run of several processes: the header row above each process's thread
// lanes (none for a single process), from the rows lane_rows placed.
struct ProcessHeaderRow {
  std::uint32_t process = 0;
  float y0 = 0, y1 = 0;
};
std::vector<ProcessHeaderRow> process_header_rows(const Timeline& tl, const std::vector<LaneRow>& rows);
std::optional<std::size_t> row_at(const std::vector<LaneRow>& rows, float y);

// Hit-testing in time. The span containing t, or the nearest within
// `tolerance_ns`.
std::optional<std::size_t> span_at(const SpanList& list, double t_ns, double tolerance_ns);
// The tick nearest to t within `tolerance_ns`.
std::optional<std::size_t> tick_at(const std::vector<Tick>& ticks, double t_ns, double tolerance_ns);

}  // namespace weft::viewer
