// The timeline window, one frame: gather ImGui's input, run it through
// step_timeline (timeline_input.hpp: zoom, pan, scroll, range, hover,
// click), then draw its parts (timeline_draw.hpp) in order.
#include <imgui.h>

#include <optional>

#include "app.hpp"
#include "draw_helpers.hpp"
#include "palette.hpp"
#include "timeline_draw.hpp"

namespace weft::viewer {
namespace {

// The pointer and keys, over one invisible button covering the ruler and
// the lanes (it makes ImGui track presses and drags that start there).
TimelineInput gather_input(const ScreenLayout& l) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetCursorScreenPos(v2(l.ruler.x, l.ruler.y));
  ImGui::InvisibleButton("##canvas", v2(l.ruler.w, l.ruler.h + l.lanes.h),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  TimelineInput in;
  in.mouse_x = io.MousePos.x;
  in.mouse_y = io.MousePos.y;
  in.mouse_dx = io.MouseDelta.x;
  in.mouse_dy = io.MouseDelta.y;
  in.wheel = io.MouseWheel;
  in.wheel_h = io.MouseWheelH;
  in.shift = io.KeyShift;
  in.canvas_hovered = ImGui::IsItemHovered();
  in.window_hovered = ImGui::IsWindowHovered();
  in.left_dragging = ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2);
  in.left_released = ImGui::IsMouseReleased(ImGuiMouseButton_Left);
  in.left_drag_x = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x;
  in.right_pressed = ImGui::IsMouseClicked(ImGuiMouseButton_Right);
  in.right_down = ImGui::IsMouseDown(ImGuiMouseButton_Right);
  in.home_pressed = !io.WantTextInput && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home));
  return in;
}

}  // namespace

void App::timeline(const ScreenLayout& l) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(v2(l.timeline.x, l.timeline.y), v2(l.timeline.right(), l.timeline.bottom()), colors::background);
  const Document* doc = session_.document();
  if (!doc) {
    label(dl, v2(l.lanes.x + 20, l.lanes.y + 20), colors::dim_text, error_.empty() ? "no trace open" : error_);
    return;
  }

  const TimelineStep step = step_timeline(gather_input(l), session_.view(), gesture_, doc->timeline, doc->lane_stack, l);
  session_.view() = step.view;
  gesture_ = step.gesture;
  if (step.pick) apply(*step.pick);

  const Viewport& view = session_.view().viewport();
  // Draw data for the lanes on screen only (the step's rows), through the
  // index built at open: lane_draw_[k] is step.rows[k]'s.
  visible_lanes_.clear();
  for (const LaneRow& row : step.rows) visible_lanes_.push_back(row.lane);
  build_frame(doc->timeline, doc->lod, view, visible_lanes_, lane_draw_);
  const TimelineCanvas c{dl, l, *doc, view, step.rows, step.view.scroll()};
  const Focus& focus = session_.selection().focus();
  draw_ruler(c);
  dl->PushClipRect(v2(l.lanes.x, l.lanes.y), v2(l.lanes.right(), l.lanes.bottom()), true);
  draw_lanes(c, lane_draw_, focus);
  const std::optional<analysis::CausalEdge> unblocked_by =
      step.hover ? draw_hover_tooltip(*doc, *step.hover) : std::nullopt;
  if (arrows_) {
    // A few per pixel column at most: past that, arrows are a texture.
    pick_arrows(doc->edges, doc->edges_by_from, doc->timeline, view, kArrowsPerPixel, arrow_pick_, &doc->arrow_lod);
    draw_causality(c, arrow_pick_);
  }
  if (unblocked_by) draw_edge(c, *unblocked_by, colors::cursor, 3);
  draw_focus(c, focus);
  const double cursor_ns = session_.cursor().time_ns();
  draw_cursor_line(c, cursor_ns);
  if (step.range) draw_range(c, *step.range);
  dl->PopClipRect();
  draw_cursor_head(c, cursor_ns);
  draw_lane_labels(c, focus);
}

}  // namespace weft::viewer
