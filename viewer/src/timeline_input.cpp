#include "timeline_input.hpp"

#include <algorithm>
#include <cmath>

#include "signal_lanes.hpp"

namespace weft::viewer {

namespace {

// The tick strip on top holds the notifications; below it, one sub-row of
// waits each, where signal_row_y (layout.hpp) draws them.
void hover_signal(const SignalLane& lane, float lane_y0, float y, double tolerance, Hover& h) {
  const float rows_y0 = signal_row_y(lane_y0, 0);
  if (y < rows_y0) {
    // The nearest of the three kinds of tick, within the tolerance.
    double best = tolerance;
    const auto consider = [&](Hover::Notice which, const std::vector<Tick>& ticks) {
      const auto k = tick_at(ticks, h.t_ns, best);
      if (!k) return;
      best = std::fabs(static_cast<double>(ticks[*k].time_ns) - h.t_ns);
      h.notice = {which, *k};
    };
    consider(Hover::Notice::Heard, lane.heard);
    consider(Hover::Notice::Unheard, lane.unheard);
    consider(Hover::Notice::Latched, lane.latched);
    return;
  }
  const auto r = static_cast<std::size_t>((y - rows_y0) / kSignalRowHeight);
  if (r >= lane.rows.size()) return;
  h.signal_row = r;
  h.span = span_at(lane.rows[r].spans, h.t_ns, tolerance);
}

}  // namespace

const std::vector<Tick>& notice_ticks(const SignalLane& lane, Hover::Notice which) {
  switch (which) {
    case Hover::Notice::Heard:
      return lane.heard;
    case Hover::Notice::Unheard:
      return lane.unheard;
    case Hover::Notice::Latched:
      break;
  }
  return lane.latched;
}

std::optional<Hover> hover_at(const Timeline& tl, const std::vector<LaneRow>& rows, const Viewport& view, float x,
                              float y) {
  const auto row = row_at(rows, y);
  if (!row) return std::nullopt;
  Hover h;
  h.lane = rows[*row].lane;
  h.t_ns = view.t_of(x);
  const double tolerance = kHitTolerancePx * view.ns_per_px;
  const Lane& lane = tl.lanes[h.lane];
  if (lane.kind == LaneKind::Thread) {
    // A mark sits on top of a wait: it wins.
    h.tick = tick_at(lane.ticks, h.t_ns, tolerance);
    if (!h.tick) h.span = span_at(lane.spans, h.t_ns, tolerance);
    h.alive = h.t_ns >= static_cast<double>(lane.begin_ns) && h.t_ns <= static_cast<double>(lane.end_ns);
    return h;
  }
  if (lane.kind == LaneKind::Signal && lane.signal) {
    hover_signal(*lane.signal, rows[*row].y0, y, tolerance, h);
    return h;
  }
  if (lane.kind == LaneKind::Lock) h.span = span_at(lane.spans, h.t_ns, tolerance);
  if (const std::size_t k = lane.series.at(static_cast<std::uint64_t>(std::max(0.0, h.t_ns)));
      k < lane.series.steps.size())
    h.step = k;
  return h;
}

std::optional<Command> pick_of(const Timeline& tl, const Hover& hover) {
  const Lane& lane = tl.lanes[hover.lane];
  if (lane.kind == LaneKind::Thread) {
    if (hover.tick) return SelectEvent{lane.ticks[*hover.tick].event};
    if (hover.span) return SelectSpan{{hover.lane, *hover.span}};
    return std::nullopt;
  }
  // A lock's steps count its waiters, which are the hold's story: the hold
  // is what a click on a lock lane selects.
  if (lane.kind == LaneKind::Lock) {
    if (hover.span) return SelectEvent{lane.spans.spans[*hover.span].begin_event};
    return std::nullopt;
  }
  if (lane.kind == LaneKind::Signal && lane.signal) {
    const SignalLane& s = *lane.signal;
    if (hover.notice) return SelectEvent{notice_ticks(s, hover.notice->first)[hover.notice->second].event};
    if (hover.signal_row && hover.span) return SelectEvent{s.rows[*hover.signal_row].spans.spans[*hover.span].begin_event};
    return std::nullopt;
  }
  if (hover.step) return SelectEvent{lane.series.steps[*hover.step].event};
  return std::nullopt;
}

TimelineStep step_timeline(const TimelineInput& in, const ViewState& view, const TimelineGesture& gesture,
                           const Timeline& tl, const ScreenLayout& layout) {
  return step_timeline(in, view, gesture, tl, LaneStack(tl), layout);
}

TimelineStep step_timeline(const TimelineInput& in, const ViewState& view, const TimelineGesture& gesture,
                           const Timeline& tl, const LaneStack& stack, const ScreenLayout& layout) {
  TimelineStep out{view, gesture, std::nullopt, {}, std::nullopt, std::nullopt};
  ViewState& v = out.view;
  v.lay_out(layout.lanes, static_cast<float>(stack.height()), whole_trace(tl));

  // The wheel zooms over the canvas, scrolls with shift or over the names.
  const bool over_labels = in.window_hovered && layout.labels.contains(in.mouse_x, in.mouse_y);
  float scroll = v.scroll();
  if (in.canvas_hovered && in.wheel != 0 && !in.shift) v.zoom_around(in.mouse_x, std::pow(kWheelZoomFactor, in.wheel));
  if ((in.canvas_hovered && in.shift) || over_labels) scroll -= in.wheel * kWheelScrollLanes * kThreadLaneHeight;
  if (in.canvas_hovered && in.wheel_h != 0) v.pan_px(in.wheel_h * kWheelPanPx);
  if (in.left_dragging) {
    v.pan_px(in.mouse_dx);
    scroll -= in.mouse_dy;
  }

  // Right drag: a range, zoomed to when released.
  std::optional<double>& anchor = out.gesture.range_anchor_ns;
  if (in.canvas_hovered && in.right_pressed) anchor = v.viewport().t_of(in.mouse_x);
  if (anchor) {
    const double t = v.viewport().t_of(in.mouse_x);
    const TimeInterval range{std::min(*anchor, t), std::max(*anchor, t)};
    if (in.right_down) {
      out.range = range;
    } else {
      if (range.length() / v.viewport().ns_per_px >= kMinRangePx) v.zoom_to(range);
      anchor.reset();
    }
  }
  // Carried out by the next lay_out, on the next frame.
  if (in.window_hovered && in.home_pressed) v.request_fit();
  v.scroll_to(scroll);

  out.rows = stack.rows_in(layout.lanes, v.scroll());
  if (in.canvas_hovered && layout.lanes.contains(in.mouse_x, in.mouse_y) && !anchor) {
    out.hover = hover_at(tl, out.rows, v.viewport(), in.mouse_x, in.mouse_y);
    // A click: released where it was pressed, not the end of a drag.
    const bool click = in.left_released && !in.left_dragging && in.left_drag_x == 0;
    if (out.hover && click) out.pick = pick_of(tl, *out.hover);
  }
  return out;
}

}  // namespace weft::viewer
