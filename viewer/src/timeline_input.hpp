// The timeline's input as a pure function of one frame's pointer and keys:
// zoom (wheel, around the pointer), pan (left drag, horizontal wheel),
// scroll (shift+wheel, wheel over the lane names, vertical drag), zoom to a
// range (right drag), fit the trace (Home), and what lies under the pointer:
// the hover the tooltip describes and what a click selects. The app gathers
// the input from ImGui and draws the result; the tests feed it by hand.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "command.hpp"
#include "layout.hpp"
#include "timeline.hpp"
#include "view_state.hpp"

namespace weft::viewer {

// One frame of input over the timeline window, in screen pixels.
struct TimelineInput {
  float mouse_x = 0, mouse_y = 0;
  float mouse_dx = 0, mouse_dy = 0;  // the pointer's motion since the last frame
  float wheel = 0;                   // vertical wheel, in notches (+: away from the user)
  float wheel_h = 0;                 // horizontal wheel
  bool shift = false;
  bool canvas_hovered = false;  // over the ruler and the lanes, no other window in front
  bool window_hovered = false;  // over the timeline window, lane names included
  bool left_dragging = false;   // the left button, pressed on the canvas, moved past the drag threshold
  bool left_released = false;   // the left button went up this frame
  float left_drag_x = 0;        // its horizontal travel since pressed, 0 below ImGui's drag threshold
  bool right_pressed = false;   // the right button went down this frame
  bool right_down = false;
  bool home_pressed = false;  // and not typing text
};

// What the timeline's input remembers from one frame to the next besides
// the view: a right drag in progress, from the time where it started.
struct TimelineGesture {
  std::optional<double> range_anchor_ns;
};

// What is under the pointer on the lanes.
struct Hover {
  std::size_t lane = 0;
  double t_ns = 0;
  // Thread lanes: the mark or log under the pointer, else the wait; with
  // neither, `alive` says whether the thread was running at t.
  std::optional<std::size_t> tick;
  std::optional<std::size_t> span;  // thread lanes: a wait; lock lanes: a hold; signal lanes: a wait on `signal_row`
  bool alive = false;
  std::optional<std::size_t> step;  // object lanes: the series' step at t
  // Signal lanes: over the tick strip, the notification (or set) under the
  // pointer, from which of the lane's lists; over a sub-row, that row, and
  // in `span` the wait under the pointer on it.
  enum class Notice : std::uint8_t { Heard, Unheard, Latched };
  std::optional<std::pair<Notice, std::size_t>> notice;
  std::optional<std::size_t> signal_row;
};

// The list of a signal lane's ticks that `which` names.
const std::vector<Tick>& notice_ticks(const SignalLane& lane, Hover::Notice which);

// The outcome of one frame of input.
struct TimelineStep {
  ViewState view;                     // laid out, then zoomed, panned, scrolled
  TimelineGesture gesture;            // for the next frame
  std::optional<TimeInterval> range;  // the range being right-dragged, to draw
  std::vector<LaneRow> rows;          // where the lanes on screen are, after the scroll
  std::optional<Hover> hover;         // none while a range is dragged
  std::optional<Command> pick;        // what a click selected
};

// The gestures' sizes.
inline constexpr double kWheelZoomFactor = 1.25;  // per notch
inline constexpr int kWheelScrollLanes = 3;       // thread lanes per notch
inline constexpr float kWheelPanPx = 40;          // per horizontal notch
inline constexpr double kMinRangePx = 4;          // a shorter right drag is a stray click
inline constexpr double kHitTolerancePx = 3;      // how near a span or mark counts as on it

// Lays `view` out on `layout` for `tl` (ViewState::lay_out), then applies
// `in`. Left dragging pans in time and scrolls the lanes at once. `stack`
// is LaneStack(tl), kept from frame to frame; the second form makes one.
TimelineStep step_timeline(const TimelineInput& in, const ViewState& view, const TimelineGesture& gesture,
                           const Timeline& tl, const LaneStack& stack, const ScreenLayout& layout);
TimelineStep step_timeline(const TimelineInput& in, const ViewState& view, const TimelineGesture& gesture,
                           const Timeline& tl, const ScreenLayout& layout);

// What is at (x, y) on the lanes, given their rows; none off the lanes.
std::optional<Hover> hover_at(const Timeline& tl, const std::vector<LaneRow>& rows, const Viewport& view, float x,
                              float y);
// What clicking on `hover` selects: a mark's event, a wait (and its begin
// event), a lock hold's first event, a queue's or semaphore's step event.
std::optional<Command> pick_of(const Timeline& tl, const Hover& hover);

}  // namespace weft::viewer
