// The lanes: a thread's life in the running color under its waits (each in
// its state's color, named after what it waited on where there is room)
// and its marks and logs; a lock's holds (named after the holder; readers'
// stretches paler) over a red band of queued waiters; a queue's, semaphore's or barrier's value as
// bars; a condition's or event's waiters stacked on sub-rows in their
// threads' colors under its notifications (the unheard ones in red) with
// arrows from each to the wait it ended; and an orange mark wherever the
// trace got something wrong. Sub-pixel runs come blended by coverage from
// the draw data.
#include <algorithm>
#include <string>

#include "draw_helpers.hpp"
#include "palette.hpp"
#include "signal_lanes.hpp"
#include "timeline_draw.hpp"

namespace weft::viewer {
namespace {

// A wait's name goes inside it, unless a mark's label is in the way (marks
// sit at the edges of waits) or there is no room.
void wait_name(const TimelineCanvas& c, const Lane& lane, const SpanRect& r, const Span& s, float y0, float y1) {
  const format::Trace& trace = c.doc.trace;
  const float left = c.layout.lanes.x, font = ImGui::GetFontSize();
  const std::string name = trace.objects[s.object].name.str();
  const double text_end = c.view.t_of(std::max(r.x0, left) + text_width(name) + 12);
  const auto from = static_cast<std::uint64_t>(std::max(0.0, c.view.t_of(r.x0 - 24)));
  const auto tick = std::lower_bound(lane.ticks.begin(), lane.ticks.end(), from,
                                     [](const Tick& k, std::uint64_t v) { return k.time_ns < v; });
  bool clear = tick == lane.ticks.end() || static_cast<double>(tick->time_ns) > text_end;
  if (clear && tick != lane.ticks.begin()) {  // nor under a long label that starts before
    const Tick& prev = *(tick - 1);
    const float prev_end = static_cast<float>(c.view.x_of(static_cast<double>(prev.time_ns))) + 8 +
                           text_width(std::string(trace.text(trace.events[prev.event])));
    clear = prev_end < std::max(r.x0, left) + 4;
  }
  if (clear && text_width(name) + 8 < r.x1 - r.x0)
    label(c.dl, ImVec2(std::max(r.x0, left) + 4, y0 + (y1 - y0 - font) / 2), colors::text, name);
}

void thread_lane(const TimelineCanvas& c, const Lane& lane, const LaneDraw& d, float y0, float y1) {
  const format::Trace& trace = c.doc.trace;
  const Viewport& view = c.view;
  const float font = ImGui::GetFontSize();
  // The life, clamped just past the canvas's edges (far-off times would
  // lose float precision).
  const auto lane_x = [&](std::uint64_t t) {
    return static_cast<float>(std::clamp(view.x_of(static_cast<double>(t)), view.x0 - 2, view.x0 + view.width + 2));
  };
  // A thread the trace never saw run has no life to draw.
  if (lane.end_ns >= lane.begin_ns &&
      !(lane.begin_ns == 0 && lane.end_ns == 0 && lane.spans.spans.empty() && lane.ticks.empty())) {
    const float xa = lane_x(lane.begin_ns), xb = std::max(lane_x(lane.end_ns), xa + 1);
    c.dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), colors::running);
  }
  for (const SpanRect& r : d.spans) {
    const Span& s = lane.spans.spans[r.first];
    const ImU32 color = r.coverage >= 1 ? state_color(s.state) : mix(colors::running, state_color(s.state), r.coverage);
    c.dl->AddRectFilled(ImVec2(r.x0, y0), ImVec2(std::max(r.x1, r.x0 + 1), y1), color);
    if (r.count == 1 && s.object != 0 && r.x1 - r.x0 > 40) wait_name(c, lane, r, s, y0, y1);
  }
  for (std::size_t k = 0; k < d.ticks.size(); ++k) {
    const TickMark& m = d.ticks[k];
    const Tick& t = lane.ticks[m.first];
    const ImU32 color = t.log ? colors::log : colors::mark;
    c.dl->AddLine(ImVec2(m.x, y0), ImVec2(m.x, y1), color, 2);
    c.dl->AddTriangleFilled(ImVec2(m.x - 4, y0), ImVec2(m.x + 4, y0), ImVec2(m.x, y0 + 5), color);
    if (m.count == 1) {  // its text, up to the next mark
      const std::string text(trace.text(trace.events[t.event]));
      const float room = (k + 1 < d.ticks.size() ? d.ticks[k + 1].x : c.layout.lanes.right()) - m.x;
      if (!text.empty() && text_width(text) + 8 < room)
        label(c.dl, ImVec2(m.x + 4, y0 + (y1 - y0 - font) / 2), color, text);
    }
  }
}

void object_lane(const TimelineCanvas& c, const Lane& lane, const LaneDraw& d, float y0, float y1) {
  const float left = c.layout.lanes.x, font = ImGui::GetFontSize();
  for (const SpanRect& r : d.spans) {  // lock holds
    const Span& s = lane.spans.spans[r.first];
    const ImU32 held = s.shared ? colors::held_shared : colors::held;
    const ImU32 color = r.coverage >= 1 ? held : mix(colors::lane_background, held, r.coverage);
    c.dl->AddRectFilled(ImVec2(r.x0, y0), ImVec2(std::max(r.x1, r.x0 + 1), y1), color);
    if (r.count == 1 && r.x1 - r.x0 > 40) {
      const std::string who = s.shared ? "readers" : thread_label(c.doc, s.who);
      if (text_width(who) + 8 < r.x1 - r.x0)
        c.dl->AddText(ImVec2(std::max(r.x0, left) + 4, y0 + (y1 - y0 - font) / 2), IM_COL32(20, 20, 20, 255),
                      who.c_str());
    }
  }
  const float peak = static_cast<float>(std::max<std::int64_t>(lane.series.peak, 1));
  for (const SeriesBar& b : d.bars) {
    if (b.value <= 0) continue;
    if (lane.kind == LaneKind::Lock) {
      // Waiters queued on the lock: a red band under the holder.
      c.dl->AddRectFilled(ImVec2(b.x0, y1 - 6), ImVec2(std::max(b.x1, b.x0 + 1), y1), colors::lock_wait);
    } else {
      const float h = (y1 - y0 - 2) * std::min(1.0f, static_cast<float>(b.value) / peak);
      c.dl->AddRectFilled(ImVec2(b.x0, y1 - h), ImVec2(std::max(b.x1, b.x0 + 1), y1), colors::series);
      const std::string v = std::to_string(b.value);
      if (b.x1 - b.x0 > text_width(v) + 6)
        c.dl->AddText(ImVec2(std::max(b.x0, left) + 3, y0 + (y1 - y0 - font) / 2), IM_COL32(10, 10, 10, 255),
                      v.c_str());
    }
  }
}

// A condition or event: its notification strip on top, its waits below
// (one sub-row each while they overlap), then the wake arrows over both.
void signal_lane(const TimelineCanvas& c, const Lane& lane, float y0, float y1) {
  static SignalDraw d;  // reused frame to frame (drawing is on the main thread only)
  const SignalLane& s = *lane.signal;
  signal_frame(s, c.doc.trace, c.doc.edges, c.view, lane.end_ns, d);
  const float left = c.layout.lanes.x, font = ImGui::GetFontSize();
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    const float ry0 = signal_row_y(y0, r) + 1, ry1 = signal_row_y(y0, r + 1) - 1;
    for (const SpanRect& rect : d.rows[r]) {
      const Span& w = s.rows[r].spans.spans[rect.first];
      const WaitOutcome how = s.rows[r].outcomes[rect.first];
      // A wait nothing woke (timed out, spurious) is its thread's color dimmed.
      const ImU32 own = how == WaitOutcome::Woken || how == WaitOutcome::Open ? thread_color(w.who)
                                                                               : mix(thread_color(w.who), colors::timed_out, 0.6f);
      const ImU32 color = rect.coverage >= 1 ? own : mix(colors::lane_background, own, rect.coverage);
      const float x1 = std::max(rect.x1, rect.x0 + 1);
      c.dl->AddRectFilled(ImVec2(rect.x0, ry0), ImVec2(x1, ry1), color);
      if (rect.count != 1 || rect.x1 - rect.x0 < 30) continue;
      if (how == WaitOutcome::Open)  // still waiting at the end: an open right edge in red
        c.dl->AddLine(ImVec2(x1 - 1, ry0), ImVec2(x1 - 1, ry1), colors::unheard, 2);
      std::string name = thread_label(c.doc, w.who);
      if (how == WaitOutcome::TimedOut) name += " (timed out)";
      if (text_width(name) + 8 < rect.x1 - rect.x0)
        c.dl->AddText(ImVec2(std::max(rect.x0, left) + 4, (ry0 + ry1 - font) / 2), IM_COL32(20, 20, 20, 255),
                      name.c_str());
    }
  }
  // More waiters than sub-rows: how many, on the last row.
  for (const SeriesBar& b : d.waiters) {
    if (b.value <= static_cast<std::int64_t>(s.rows.size())) continue;
    const float ry0 = signal_row_y(y0, s.rows.size() - 1);
    c.dl->AddRectFilled(ImVec2(b.x0, y1 - 3), ImVec2(std::max(b.x1, b.x0 + 1), y1), colors::unheard);
    const std::string n = std::to_string(b.value) + " waiting";
    if (b.x1 - b.x0 > text_width(n) + 6) label(c.dl, ImVec2(std::max(b.x0, left) + 3, ry0), colors::text, n);
  }
  // Notifications that found a waiter (notify_all: a double head), sets;
  // event sets nobody waited for (hollow: the event stays set).
  for (const TickMark& m : d.heard) {
    const bool all = m.count == 1 && c.doc.trace.events[s.heard[m.first].event].kind == format::EventKind::CondNotifyAll;
    c.dl->AddLine(ImVec2(m.x, y0), ImVec2(m.x, y1), (colors::notify & 0x00ffffffu) | 0x78000000u, 1);  // faint across the waits
    c.dl->AddTriangleFilled(ImVec2(m.x - 4, y0), ImVec2(m.x + 4, y0), ImVec2(m.x, y0 + 6), colors::notify);
    if (all) c.dl->AddTriangleFilled(ImVec2(m.x - 4, y0 + 3), ImVec2(m.x + 4, y0 + 3), ImVec2(m.x, y0 + 9), colors::notify);
  }
  for (const TickMark& m : d.latched)
    c.dl->AddTriangle(ImVec2(m.x - 4, y0 + 1), ImVec2(m.x + 4, y0 + 1), ImVec2(m.x, y0 + 7), colors::latched, 1.5f);
  // Unheard notifications, the seed of a lost wake-up: red, across the lane.
  for (const TickMark& m : d.unheard) {
    c.dl->AddLine(ImVec2(m.x, y0), ImVec2(m.x, y1), colors::unheard, 1.5f);
    c.dl->AddCircleFilled(ImVec2(m.x, y0 + 4), 4, colors::unheard);
    c.dl->AddCircle(ImVec2(m.x, y0 + 4), 4, IM_COL32(255, 255, 255, 255), 0, 1);
  }
  for (const WakeArrow& a : d.arrows) {
    const float ry = (signal_row_y(y0, a.row) + signal_row_y(y0, a.row + 1)) / 2;
    // A dark shadow under it keeps it apart from the waiters' light colors.
    arrow(c.dl, ImVec2(a.x_from, y0 + kSignalTickStrip - 1), ImVec2(a.x_to, ry + 1), IM_COL32(0, 0, 0, 170), 2.5f);
    arrow(c.dl, ImVec2(a.x_from, y0 + kSignalTickStrip - 2), ImVec2(a.x_to, ry), colors::wake_arrow, 1.5f);
  }
}

// What the trace got wrong here: a mark at the top of the lane, whatever the zoom.
void anomalies(const TimelineCanvas& c, const Lane& lane, float y0) {
  if (lane.anomalies.empty()) return;
  std::vector<TickMark> marks;
  tick_marks(lane.anomalies, c.view, marks);
  for (const TickMark& m : marks)
    c.dl->AddTriangleFilled(ImVec2(m.x - 5, y0), ImVec2(m.x + 5, y0), ImVec2(m.x, y0 + 8), colors::anomaly);
}

}  // namespace

void draw_lanes(const TimelineCanvas& c, const std::vector<LaneDraw>& draw, const Focus& focus) {
  const ScreenLayout& l = c.layout;
  for (std::size_t k = 0; k < c.rows.size() && k < draw.size(); ++k) {
    const LaneRow& row = c.rows[k];
    if (row.y1 < l.lanes.y || row.y0 > l.lanes.bottom()) continue;
    const Lane& lane = c.doc.timeline.lanes[row.lane];
    c.dl->AddRectFilled(ImVec2(l.lanes.x, row.y0), ImVec2(l.lanes.right(), row.y1), colors::lane_background);
    if (lane.kind == LaneKind::Thread)
      thread_lane(c, lane, draw[k], row.y0, row.y1);
    else if (lane.kind == LaneKind::Signal && lane.signal)
      signal_lane(c, lane, row.y0, row.y1);
    else
      object_lane(c, lane, draw[k], row.y0, row.y1);
    anomalies(c, lane, row.y0);
    if (in_focus(lane, focus))
      c.dl->AddRect(ImVec2(l.lanes.x + 1, row.y0 - 1), ImVec2(l.lanes.right() - 1, row.y1 + 1), colors::highlight, 0,
                    0, 2);
  }
}

}  // namespace weft::viewer
