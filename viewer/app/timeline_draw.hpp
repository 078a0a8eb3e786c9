// The timeline's parts, each drawn by one function, in the order
// timeline_view.cpp calls them (later parts paint over earlier ones).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "aggregate.hpp"
#include "document.hpp"
#include "focus.hpp"
#include "layout.hpp"
#include "timeline_input.hpp"
#include "viewport.hpp"
#include "weft/analysis/causality.hpp"

namespace weft::viewer {

// What every part draws with, for one frame.
struct TimelineCanvas {
  ImDrawList* dl;
  const ScreenLayout& layout;
  const Document& doc;
  const Viewport& view;
  const std::vector<LaneRow>& rows;  // the lanes on screen, after this frame's scroll
  float scroll;                      // this frame's: where any lane is (doc.lane_stack)
};

// Whether the selected finding involves the lane's thread or object.
inline bool in_focus(const Lane& lane, const Focus& focus) {
  return lane.kind == LaneKind::Thread ? focus.threads.count(lane.id) > 0 : focus.objects.count(lane.id) > 0;
}

// timeline_margins.cpp: the time ruler above the lanes (and the major
// ticks' faint lines across them); the lanes' names left of them.
void draw_ruler(const TimelineCanvas& c);
void draw_lane_labels(const TimelineCanvas& c, const Focus& focus);

// timeline_lanes.cpp: every visible lane's background, spans, marks and
// values (from this frame's draw data), and a frame around the lanes the
// selected finding involves.
void draw_lanes(const TimelineCanvas& c, const std::vector<LaneDraw>& draw, const Focus& focus);

// timeline_tooltip.cpp: what is under the pointer, in a tooltip. Returns
// the causal edge that ended the hovered wait, to be drawn bright.
std::optional<analysis::CausalEdge> draw_hover_tooltip(const Document& doc, const Hover& hover);

// timeline_overlays.cpp, over the lanes: causality arrows among the visible
// events (those pick_arrows chose, lod.hpp); one edge, bright; the selected finding's events and links; the
// replay cursor's line and the range being dragged. Then, over the ruler,
// the cursor's head.
void draw_causality(const TimelineCanvas& c, const std::vector<const analysis::CausalEdge*>& edges);
void draw_edge(const TimelineCanvas& c, const analysis::CausalEdge& edge, ImU32 color, float thickness);
void draw_focus(const TimelineCanvas& c, const Focus& focus);
void draw_cursor_line(const TimelineCanvas& c, double cursor_ns);
void draw_range(const TimelineCanvas& c, const TimeInterval& range);
void draw_cursor_head(const TimelineCanvas& c, double cursor_ns);

}  // namespace weft::viewer
