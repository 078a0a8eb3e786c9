#include "layout.hpp"

#include <algorithm>
#include <cmath>

#include "signal_lanes.hpp"

namespace weft::viewer {

ScreenLayout screen_layout(float width, float height) {
  ScreenLayout l;
  const float side_w = std::clamp(width * 0.3f, 300.0f, 520.0f);
  l.toolbar = {0, 0, width, kToolbarHeight};
  l.timeline = {0, kToolbarHeight, std::max(width - side_w, 100.0f), std::max(height - kToolbarHeight, 50.0f)};
  l.side = {l.timeline.right(), kToolbarHeight, width - l.timeline.w, l.timeline.h};
  l.labels = {0, l.timeline.y + kRulerHeight, kLabelWidth, l.timeline.h - kRulerHeight};
  l.ruler = {kLabelWidth, l.timeline.y, l.timeline.w - kLabelWidth, kRulerHeight};
  l.lanes = {kLabelWidth, l.ruler.bottom(), l.ruler.w, l.labels.h};
  return l;
}

float lane_height(const Lane& lane) {
  if (lane.kind == LaneKind::Thread) return kThreadLaneHeight;
  if (lane.kind == LaneKind::Signal && lane.signal && !lane.signal->rows.empty())
    return kSignalTickStrip + kSignalRowHeight * static_cast<float>(lane.signal->rows.size());
  return kObjectLaneHeight;
}

namespace {
// Whether lane n is the first thread lane of a process in a run: a header
// row goes above it.
bool starts_process(const Timeline& tl, std::size_t n) {
  if (tl.process_headers.empty() || tl.lanes[n].kind != LaneKind::Thread) return false;
  return n == 0 || tl.lanes[n - 1].kind != LaneKind::Thread || tl.lanes[n - 1].process != tl.lanes[n].process;
}
}  // namespace

std::vector<ProcessHeaderRow> process_header_rows(const Timeline& tl, const std::vector<LaneRow>& rows) {
  std::vector<ProcessHeaderRow> headers;
  for (const LaneRow& row : rows)
    if (row.lane < tl.lanes.size() && starts_process(tl, row.lane))
      headers.push_back({tl.lanes[row.lane].process, row.y0 - kProcessHeaderHeight, row.y0 - kLaneGap});
  return headers;
}

LaneStack::LaneStack(const Timeline& tl) {
  top_.reserve(tl.lanes.size());
  height_of_.reserve(tl.lanes.size());
  double y = kLaneGap;
  for (std::size_t n = 0; n < tl.lanes.size(); ++n) {
    if (n > 0 && tl.lanes[n].kind != LaneKind::Thread && tl.lanes[n - 1].kind == LaneKind::Thread) y += kGroupGap;
    if (starts_process(tl, n)) y += kProcessHeaderHeight;
    const float h = lane_height(tl.lanes[n]);
    top_.push_back(y);
    height_of_.push_back(h);
    y += h + kLaneGap;
  }
  height_ = top_.empty() ? 0 : y;
}

LaneRow LaneStack::row(std::size_t lane, const Rect& area, float scroll) const {
  const double y0 = double{area.y} + top_[lane] - double{scroll};
  return {lane, static_cast<float>(y0), static_cast<float>(y0 + height_of_[lane])};
}

std::vector<LaneRow> LaneStack::rows_in(const Rect& area, float scroll) const {
  // A lane reaches into the area if its row, or the process header above
  // it, does: the first such lane is the first whose bottom is at or below
  // the area's top; the last, the last whose top (less a header) is at or
  // above its bottom.
  const double top = double{scroll}, bottom = double{scroll} + area.h + kProcessHeaderHeight;
  // The first lane at or after `from` for which `before` is false (it is
  // true for the lanes above some point, false below).
  const auto first_not = [&](std::size_t from, auto before) {
    std::size_t lo = from, hi = top_.size();
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (before(mid))
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  };
  const std::size_t first = first_not(0, [&](std::size_t n) { return top_[n] + height_of_[n] < top; });
  const std::size_t last = first_not(first, [&](std::size_t n) { return top_[n] <= bottom; });
  std::vector<LaneRow> rows;
  rows.reserve(last - first);
  for (std::size_t n = first; n < last; ++n) rows.push_back(row(n, area, scroll));
  return rows;
}

std::vector<LaneRow> lane_rows(const Timeline& tl, const Rect& area, float scroll) {
  const LaneStack stack(tl);
  std::vector<LaneRow> rows;
  rows.reserve(stack.size());
  for (std::size_t n = 0; n < stack.size(); ++n) rows.push_back(stack.row(n, area, scroll));
  return rows;
}

float lanes_height(const Timeline& tl) { return static_cast<float>(LaneStack(tl).height()); }

std::optional<std::size_t> row_at(const std::vector<LaneRow>& rows, float y) {
  for (std::size_t k = 0; k < rows.size(); ++k)
    if (y >= rows[k].y0 && y < rows[k].y1) return k;
  return std::nullopt;
}

std::optional<std::size_t> span_at(const SpanList& list, double t_ns, double tolerance_ns) {
  const auto& spans = list.spans;
  if (spans.empty()) return std::nullopt;
  const std::uint64_t t = t_ns <= 0 ? 0 : static_cast<std::uint64_t>(t_ns);
  const std::size_t i = list.first_ending_after(t);
  if (i < spans.size() && static_cast<double>(spans[i].begin_ns) <= t_ns) return i;  // contains t
  std::optional<std::size_t> best;
  double best_d = tolerance_ns;
  if (i < spans.size() && static_cast<double>(spans[i].begin_ns) - t_ns <= best_d) {
    best = i;
    best_d = static_cast<double>(spans[i].begin_ns) - t_ns;
  }
  if (i > 0 && t_ns - static_cast<double>(spans[i - 1].end_ns) <= best_d) best = i - 1;
  return best;
}

std::optional<std::size_t> tick_at(const std::vector<Tick>& ticks, double t_ns, double tolerance_ns) {
  const std::uint64_t t = t_ns <= 0 ? 0 : static_cast<std::uint64_t>(t_ns);
  const auto it = std::lower_bound(ticks.begin(), ticks.end(), t,
                                   [](const Tick& k, std::uint64_t v) { return k.time_ns < v; });
  std::optional<std::size_t> best;
  double best_d = tolerance_ns;
  for (auto c : {it, it == ticks.begin() ? ticks.end() : it - 1}) {
    if (c == ticks.end()) continue;
    const double d = std::fabs(static_cast<double>(c->time_ns) - t_ns);
    if (d <= best_d) {
      best = static_cast<std::size_t>(c - ticks.begin());
      best_d = d;
    }
  }
  return best;
}

}  // namespace weft::viewer
