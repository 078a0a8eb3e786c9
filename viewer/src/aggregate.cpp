#include "aggregate.hpp"

#include <algorithm>
#include <cmath>

namespace weft::viewer {
namespace {

std::uint64_t to_ns(double t) {
  if (!(t > 0)) return 0;
  if (t >= 1.8e19) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(t);
}

// Screen x kept a little outside the canvas: far-off coordinates as floats
// lose precision and some drivers clip them badly.
float clamp_x(const Viewport& v, double x) {
  return static_cast<float>(std::clamp(x, v.x0 - 2, v.x0 + v.width + 2));
}

// The first index in [from, n) whose key is >= t, for keys sorted
// ascending, searched by galloping from `from`: the next pixel's first span
// is usually a few indices on, and this touches O(log distance) memory
// instead of O(log n) cold cache lines.
template <typename Key>
std::size_t gallop(std::size_t from, std::size_t n, std::uint64_t t, Key key) {
  if (from >= n || key(from) >= t) return from;
  std::size_t lo = from, step = 1;  // key(lo) < t
  while (lo + step < n && key(lo + step) < t) {
    lo += step;
    step *= 2;
  }
  std::size_t hi = std::min(lo + step, n);  // key(hi) >= t, or hi == n
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    (key(mid) < t ? lo : hi) = mid;
  }
  return hi;
}

// The first index >= from whose key is >= t: through the index when there
// is one, else galloping.
template <typename Key>
std::size_t next_at(const TimeIndex* index, std::size_t from, std::size_t n, std::uint64_t t, Key key) {
  return index ? index->lower_bound(t, from, key) : gallop(from, n, t, key);
}

}  // namespace

void span_rects(const SpanList& list, const Viewport& view, std::vector<SpanRect>& out, const TimeIndex* index) {
  const std::size_t n = list.spans.size();
  const auto begin_of = [&](std::size_t k) { return list.begin_of(k); };
  const auto end_of = [&](std::size_t k) { return list.spans.end_ns(k); };
  const double t1 = view.t1_ns();
  std::size_t i = list.first_ending_after(to_ns(view.t0_ns));
  while (i < n) {
    const std::uint64_t begin = begin_of(i);
    if (static_cast<double>(begin) >= t1) break;
    const double x0 = view.x_of(static_cast<double>(begin));
    const double x1 = view.x_of(static_cast<double>(end_of(i)));
    if (x1 - x0 >= 1.0) {
      out.push_back({clamp_x(view, x0), clamp_x(view, x1), i, 1, 1.0f});
      ++i;
      continue;
    }
    // A sub-pixel span: fold every span that starts in the same pixel
    // column, except a last one that is itself wide (drawn on its own).
    const double px = std::floor(x0);
    std::size_t j = next_at(index, i + 1, n, to_ns(std::ceil(view.t_of(px + 1))), begin_of);
    if (j - 1 > i &&
        view.x_of(static_cast<double>(end_of(j - 1))) - view.x_of(static_cast<double>(begin_of(j - 1))) >= 1.0)
      --j;
    const double part = static_cast<double>(list.covered_before(j) - list.covered_before(i));
    const float coverage = static_cast<float>(std::min(1.0, part / view.ns_per_px));
    out.push_back({clamp_x(view, px), clamp_x(view, px + 1), i, j - i, coverage});
    i = j;
  }
}

void tick_marks(const std::vector<Tick>& ticks, const Viewport& view, std::vector<TickMark>& out,
                const TimeIndex* index) {
  const auto by_time = [](const Tick& t, std::uint64_t v) { return t.time_ns < v; };
  std::size_t i = static_cast<std::size_t>(
      std::lower_bound(ticks.begin(), ticks.end(), to_ns(view.t0_ns), by_time) - ticks.begin());
  const double t1 = view.t1_ns();
  while (i < ticks.size() && static_cast<double>(ticks[i].time_ns) <= t1) {
    const double x = view.x_of(static_cast<double>(ticks[i].time_ns));
    const std::uint64_t next = to_ns(std::ceil(view.t_of(std::floor(x) + 1)));
    const std::size_t j = next_at(index, i + 1, ticks.size(), next, [&](std::size_t k) { return ticks[k].time_ns; });
    out.push_back({static_cast<float>(x), i, j - i});
    i = j;
  }
}

void series_bars(const Series& s, const Viewport& view, std::uint64_t end_ns, std::vector<SeriesBar>& out,
                 const TimeIndex* index) {
  const auto& steps = s.steps;
  if (steps.empty()) return;
  std::size_t k = s.at(to_ns(view.t0_ns));
  if (k == steps.size()) k = 0;  // the view starts before the first step
  const double t1 = view.t1_ns();
  const auto end_of = [&](std::size_t n) { return n + 1 < steps.size() ? steps.time_ns(n + 1) : end_ns; };
  while (k < steps.size() && static_cast<double>(steps.time_ns(k)) < t1) {
    const double x0 = view.x_of(static_cast<double>(steps.time_ns(k)));
    const double x1 = view.x_of(static_cast<double>(end_of(k)));
    if (x1 - x0 >= 1.0) {
      out.push_back({clamp_x(view, x0), clamp_x(view, x1), steps[k].value});
      ++k;
      continue;
    }
    const double px = std::floor(x0);
    const std::uint64_t next = to_ns(std::ceil(view.t_of(px + 1)));
    const std::size_t j = next_at(index, k + 1, steps.size(), next, [&](std::size_t n) { return steps.time_ns(n); });
    out.push_back({clamp_x(view, px), clamp_x(view, px + 1), s.range_max.max(k, j)});
    // The last folded step lasts beyond this pixel until the next step;
    // less than a pixel more is the next pixel's business.
    const double tail = view.x_of(static_cast<double>(end_of(j - 1)));
    if (tail >= px + 2) out.push_back({clamp_x(view, px + 1), clamp_x(view, tail), steps[j - 1].value});
    k = j;
  }
}

namespace {

void lane_frame(const Lane& lane, const LaneLod* lod, const Viewport& view, LaneDraw& d) {
  d.spans.clear();
  d.ticks.clear();
  d.bars.clear();
  span_rects(lane.spans, view, d.spans, lod ? &lod->spans : nullptr);
  if (lane.kind == LaneKind::Thread)
    tick_marks(lane.ticks, view, d.ticks, lod ? &lod->ticks : nullptr);
  else
    series_bars(lane.series, view, lane.end_ns, d.bars, lod ? &lod->steps : nullptr);
}

}  // namespace

void build_frame(const Timeline& tl, const Viewport& view, std::vector<LaneDraw>& lanes) {
  lanes.resize(tl.lanes.size());
  for (std::size_t n = 0; n < tl.lanes.size(); ++n) lane_frame(tl.lanes[n], nullptr, view, lanes[n]);
}

void build_frame(const Timeline& tl, const Lod& lod, const Viewport& view,
                 std::span<const std::size_t> visible, std::vector<LaneDraw>& lanes) {
  // Resized, not rebuilt: a lane's vectors keep their room from frame to frame.
  lanes.resize(visible.size());
  for (std::size_t k = 0; k < visible.size(); ++k) {
    const std::size_t n = visible[k];
    if (n < tl.lanes.size()) {
      lane_frame(tl.lanes[n], lod.of(n), view, lanes[k]);
    } else {
      lanes[k].spans.clear();
      lanes[k].ticks.clear();
      lanes[k].bars.clear();
    }
  }
}

}  // namespace weft::viewer
