// Where the timeline looks: which stretch of time fills the canvas (a
// Viewport) and how far the lanes are scrolled down, plus a request to show
// some time range that waits until the canvas's size is known (a trace is
// opened, or a finding selected, before the first frame lays it out).
#pragma once

#include <optional>

#include "layout.hpp"
#include "viewport.hpp"

namespace weft::viewer {

struct TimeInterval {
  double begin_ns = 0, end_ns = 0;
  double length() const { return end_ns - begin_ns; }
};

// What fitting shows: the timeline's time range, at least a nanosecond.
TimeInterval whole_trace(const Timeline& tl);

// Always true of a ViewState:
//  - its viewport's x0 and width are those of the canvas laid out last
//    (Viewport's defaults before the first lay_out);
//  - the scroll lies in [0, max(0, content height - canvas height)] of the
//    last lay_out (0 before the first one);
//  - at most one request waits for the canvas: a later request replaces an
//    earlier one, and lay_out carries it out and forgets it.
// Zoom limits are the Viewport's own (its gestures clamp them).
class ViewState {
 public:
  const Viewport& viewport() const { return viewport_; }
  float scroll() const { return scroll_; }
  bool has_request() const { return request_.has_value(); }

  // Show the whole trace (with a small margin) once the canvas is known.
  void request_fit() { request_ = Request{true, {}}; }
  // Show exactly `range` once the canvas is known.
  void request_show(TimeInterval range) { request_ = Request{false, range}; }

  // This frame's canvas: the lanes' rectangle, the height of all lanes (for
  // the scroll range) and the trace's time range, not empty (what fitting
  // shows). Carries out a waiting request; clamps the scroll.
  void lay_out(const Rect& lanes, float content_height, TimeInterval whole);

  // Zoom by `factor` (>1: in) keeping the time under screen x where it is.
  void zoom_around(double x, double factor) { viewport_.zoom_around(x, factor); }
  // The same around the canvas's middle (the toolbar's + and -).
  void zoom(double factor) { viewport_.zoom_around(viewport_.x0 + viewport_.width / 2, factor); }
  // Show exactly `range` now (a range dragged on the canvas).
  void zoom_to(TimeInterval range) { viewport_.fit(range.begin_ns, range.end_ns, 0); }
  // Drag by dx pixels: the content follows the mouse.
  void pan_px(double dx) { viewport_.pan_px(dx); }
  // Scroll the lanes to `scroll` pixels down, clamped to the content.
  void scroll_to(float scroll);
  // Replay: once t is past the right edge, the view jumps so that t sits a
  // tenth of the width from the left (a page turn, not a crawl).
  void follow(double t_ns);

 private:
  struct Request {
    bool whole = true;    // the whole trace, with a margin
    TimeInterval range;   // otherwise exactly this
  };
  Viewport viewport_;
  float scroll_ = 0;
  float max_scroll_ = 0;
  std::optional<Request> request_;
};

}  // namespace weft::viewer
