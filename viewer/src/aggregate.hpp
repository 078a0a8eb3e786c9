// What one frame draws of a lane, computed without touching the lane's
// off-screen or sub-pixel detail: a span one pixel or wider is drawn as
// itself; a run of narrower spans becomes one pixel-wide block whose color
// says how much of that pixel the spans cover. The cost is a binary search
// per drawn rectangle, so a frame costs O(width * log n) per lane, not O(n).
// Given the lane's level-of-detail index (lod.hpp) the search is a bucket
// lookup instead, and the result is the same.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lod.hpp"
#include "timeline.hpp"
#include "viewport.hpp"

namespace weft::viewer {

struct SpanRect {
  float x0 = 0, x1 = 0;
  std::size_t first = 0;   // index of the (first) span
  std::size_t count = 1;   // >1: an aggregate of `count` sub-pixel spans
  float coverage = 1;      // fraction of [x0, x1) covered by spans (aggregates)
};

// Appends the rectangles of `list` visible in `view` to `out`, left to right.
// `index`, when given, must be built on the spans' begins (LaneLod::spans).
void span_rects(const SpanList& list, const Viewport& view, std::vector<SpanRect>& out,
                const TimeIndex* index = nullptr);

struct TickMark {
  float x = 0;
  std::size_t first = 0;   // index in the lane's ticks
  std::size_t count = 1;   // ticks folded into this pixel
};
// Visible ticks, at most one per pixel column.
void tick_marks(const std::vector<Tick>& ticks, const Viewport& view, std::vector<TickMark>& out,
                const TimeIndex* index = nullptr);

struct SeriesBar {
  float x0 = 0, x1 = 0;
  std::int64_t value = 0;  // the value over [x0, x1), or the peak of a pixel with many steps
};
// A step series as bars: one per step wider than a pixel, one per pixel
// (showing its peak) where steps are denser.
void series_bars(const Series& s, const Viewport& view, std::uint64_t end_ns, std::vector<SeriesBar>& out,
                 const TimeIndex* index = nullptr);

// The draw data of one whole frame (every lane, ticks and series),
// returned for the benchmark and the tests; the window draws from it.
struct LaneDraw {
  std::vector<SpanRect> spans;
  std::vector<TickMark> ticks;
  std::vector<SeriesBar> bars;
};
// The first form computes every lane by plain search (the reference):
// `lanes` gets one entry per lane of `tl`. The second only the lanes listed
// in `visible`, through `lod` (build_lod(tl)): lanes[k] is lane
// visible[k]'s, so a frame costs what is on screen, not one entry per lane
// (a trace of two million locks has two million lanes).
void build_frame(const Timeline& tl, const Viewport& view, std::vector<LaneDraw>& lanes);
void build_frame(const Timeline& tl, const Lod& lod, const Viewport& view,
                 std::span<const std::size_t> visible, std::vector<LaneDraw>& lanes);

}  // namespace weft::viewer
