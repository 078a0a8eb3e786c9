// What the timeline draws over the lanes: causality arrows, the selected
// finding's events and links, the replay cursor and the range being
// dragged.
#include <algorithm>

#include "draw_helpers.hpp"
#include "palette.hpp"
#include "ruler.hpp"
#include "timeline_draw.hpp"

namespace weft::viewer {
namespace {

// Where event `index` sits: at its time, mid-height of its thread's lane;
// clamped a little past the canvas (an arrow to a far-off event still
// points the right way without float trouble).
std::optional<ImVec2> event_point(const TimelineCanvas& c, std::uint64_t index) {
  const format::Event& e = c.doc.trace.events[index];
  const Timeline& tl = c.doc.timeline;
  // Thread lanes come first, by thread id; the lane may be off screen.
  if (e.thread >= tl.lanes.size() || e.thread >= c.doc.lane_stack.size() || tl.lanes[e.thread].kind != LaneKind::Thread)
    return std::nullopt;
  const LaneRow row = c.doc.lane_stack.row(e.thread, c.layout.lanes, c.scroll);
  return v2(std::clamp(c.view.x_of(static_cast<double>(e.time_ns)), c.view.x0 - 50, c.view.x0 + c.view.width + 50),
            (row.y0 + row.y1) / 2);
}

}  // namespace

void draw_edge(const TimelineCanvas& c, const analysis::CausalEdge& edge, ImU32 color, float thickness) {
  if (const auto p = event_point(c, edge.from), q = event_point(c, edge.to); p && q)
    arrow(c.dl, *p, *q, color, thickness);
}

void draw_causality(const TimelineCanvas& c, const std::vector<const analysis::CausalEdge*>& edges) {
  for (const analysis::CausalEdge* e : edges)
    draw_edge(c, *e, e->unblocked ? colors::arrow : IM_COL32(236, 239, 241, 70), 1);
}

void draw_focus(const TimelineCanvas& c, const Focus& focus) {
  for (const auto& [from, to] : focus.links)
    if (const auto p = event_point(c, from), q = event_point(c, to); p && q) arrow(c.dl, *p, *q, colors::cycle, 3);
  for (std::uint64_t e : focus.events)
    if (const auto p = event_point(c, e)) {
      c.dl->AddCircleFilled(*p, 6, colors::cycle);
      c.dl->AddCircle(*p, 6, IM_COL32(255, 255, 255, 255), 0, 1.5f);
    }
}

void draw_cursor_line(const TimelineCanvas& c, double cursor_ns) {
  const ScreenLayout& l = c.layout;
  const float cx = static_cast<float>(c.view.x_of(cursor_ns));
  if (cx >= l.lanes.x && cx <= l.lanes.right())
    c.dl->AddLine(ImVec2(cx, l.lanes.y), ImVec2(cx, l.lanes.bottom()), colors::cursor, 2);
}

void draw_range(const TimelineCanvas& c, const TimeInterval& range) {
  const ScreenLayout& l = c.layout;
  const float sa = static_cast<float>(c.view.x_of(range.begin_ns)), sb = static_cast<float>(c.view.x_of(range.end_ns));
  c.dl->AddRectFilled(ImVec2(sa, l.lanes.y), ImVec2(sb, l.lanes.bottom()), colors::selection);
  label(c.dl, ImVec2(sa + 4, l.lanes.y + 4), colors::text, format_duration(range.length()));
}

void draw_cursor_head(const TimelineCanvas& c, double cursor_ns) {
  const ScreenLayout& l = c.layout;
  const float cx = static_cast<float>(c.view.x_of(cursor_ns));
  if (cx >= l.ruler.x && cx <= l.ruler.right())
    c.dl->AddTriangleFilled(ImVec2(cx - 6, l.ruler.y), ImVec2(cx + 6, l.ruler.y), ImVec2(cx, l.ruler.y + 8),
                            colors::cursor);
}

}  // namespace weft::viewer
