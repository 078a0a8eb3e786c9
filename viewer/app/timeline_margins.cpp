// The timeline's margins: the time ruler above the lanes and the lanes'
// names left of them.
#include "draw_helpers.hpp"
#include "palette.hpp"
#include "ruler.hpp"
#include "timeline_draw.hpp"

namespace weft::viewer {

void draw_ruler(const TimelineCanvas& c) {
  const ScreenLayout& l = c.layout;
  c.dl->AddRectFilled(v2(l.ruler.x, l.ruler.y), v2(l.ruler.right(), l.ruler.bottom()), colors::lane_background);
  // Major ticks run on across the lanes as faint lines.
  c.dl->PushClipRect(v2(l.ruler.x, l.ruler.y), v2(l.ruler.right(), l.lanes.bottom()), true);
  for (const RulerTick& t : ruler_ticks(c.view)) {
    const float x = static_cast<float>(t.x);
    if (t.major) {
      c.dl->AddLine(ImVec2(x, l.ruler.y + 8), ImVec2(x, l.ruler.bottom()), colors::text);
      c.dl->AddLine(ImVec2(x, l.lanes.y), ImVec2(x, l.lanes.bottom()), IM_COL32(255, 255, 255, 18));
      c.dl->AddText(ImVec2(x + 3, l.ruler.y + 2), colors::text, t.label.c_str());
    } else {
      c.dl->AddLine(ImVec2(x, l.ruler.bottom() - 6), ImVec2(x, l.ruler.bottom()), colors::dim_text);
    }
  }
  c.dl->PopClipRect();
}

void draw_lane_labels(const TimelineCanvas& c, const Focus& focus) {
  const ScreenLayout& l = c.layout;
  const float font = ImGui::GetFontSize();
  c.dl->PushClipRect(v2(l.labels.x, l.labels.y), v2(l.labels.right() - 4, l.labels.bottom()), true);
  for (const LaneRow& row : c.rows) {
    if (row.y1 < l.labels.y || row.y0 > l.labels.bottom()) continue;
    const Lane& lane = c.doc.timeline.lanes[row.lane];
    const ImU32 color = in_focus(lane, focus)               ? colors::highlight
                        : lane.kind == LaneKind::Thread ? colors::text
                                                            : colors::dim_text;
    c.dl->AddText(ImVec2(l.labels.x + 6, (row.y0 + row.y1 - font) / 2), color, lane.label.c_str());
  }
  c.dl->PopClipRect();
  // A run's process headers: a band across the labels and the canvas above
  // each process's threads, its name, pid and how it ended.
  const Timeline& tl = c.doc.timeline;
  if (tl.process_headers.empty()) return;
  c.dl->PushClipRect(v2(l.labels.x, l.lanes.y), v2(l.lanes.right(), l.lanes.bottom()), true);
  for (const ProcessHeaderRow& h : process_header_rows(tl, c.rows)) {
    if (h.y1 < l.lanes.y || h.y0 > l.lanes.bottom() || h.process >= tl.process_headers.size()) continue;
    c.dl->AddRectFilled(v2(l.labels.x, h.y0), v2(l.lanes.right(), h.y1), colors::lane_background);
    c.dl->AddText(ImVec2(l.labels.x + 6, (h.y0 + h.y1 - font) / 2), colors::highlight, tl.process_headers[h.process].c_str());
  }
  c.dl->PopClipRect();
}

}  // namespace weft::viewer
