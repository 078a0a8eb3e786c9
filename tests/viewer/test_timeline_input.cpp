// The timeline's input, frame by frame, on a hand-built timeline: the wheel
// zooms around the pointer, dragging pans and scrolls, a right drag zooms to
// a range, Home fits, and a click selects what is under the pointer. All
// bounds clamp.
#include <catch2/catch.hpp>

#include <memory>

#include "layout.hpp"
#include "signal_lanes.hpp"
#include "timeline_input.hpp"

using namespace weft::viewer;

namespace {

// Thread A: alive 0..10 us, blocked on lock 1 from 2 to 4 us (events 5..7),
// a mark at 3.5 us (event 8, inside the wait) and one at 6 us (event 9).
// Thread B: alive from 5 us, never waits. Lock 1: held by B from 1 to 4 us (events 3..7),
// one waiter from 2 to 4 us. Queue 2: depth 1 at 1 us, 2 at 3 us.
Timeline three_lanes() {
  Timeline tl;
  tl.begin_ns = 0;
  tl.end_ns = 10'000;
  Lane a;
  a.kind = LaneKind::Thread;
  a.id = 0;
  a.label = "A";
  a.begin_ns = 0;
  a.end_ns = 10'000;
  a.spans.add(Span{2'000, 4'000, 5, 7, 1, 0, State::Lock});
  a.ticks = {Tick{3'500, 8, false}, Tick{6'000, 9, true}};
  Lane b;
  b.kind = LaneKind::Thread;
  b.id = 1;
  b.label = "B";
  b.begin_ns = 5'000;
  b.end_ns = 10'000;
  Lane lock;
  lock.kind = LaneKind::Lock;
  lock.id = 1;
  lock.label = "mutex L";
  lock.begin_ns = 0;
  lock.end_ns = 10'000;
  lock.spans.add(Span{1'000, 4'000, 3, 7, 1, 1, State::Running});
  static const weft::analysis::Steps lock_steps{Step{2'000, 1, 5}, Step{4'000, 0, 7}};
  lock.series.steps = lock_steps;
  Lane queue;
  queue.kind = LaneKind::Queue;
  queue.id = 2;
  queue.label = "queue Q";
  static const weft::analysis::Steps queue_steps{Step{1'000, 1, 11}, Step{3'000, 2, 12}};
  queue.series.steps = queue_steps;
  tl.lanes = {a, b, lock, queue};
  return tl;
}

// The same threads, plus enough idle ones that the lanes need scrolling.
Timeline tall(std::size_t threads) {
  Timeline tl = three_lanes();
  for (std::size_t k = 0; k < threads; ++k) {
    Lane t;
    t.kind = LaneKind::Thread;
    t.id = static_cast<std::uint32_t>(100 + k);
    t.label = "idle";
    tl.lanes.insert(tl.lanes.begin() + 2, t);
  }
  return tl;
}

struct Scene {
  Timeline tl;
  ScreenLayout l = screen_layout(1600, 900);
  ViewState view;

  // Laid out at 10 ns a pixel, time 0 at the lanes' left edge.
  explicit Scene(Timeline timeline = three_lanes()) : tl(std::move(timeline)) {
    view.request_show({0, 10.0 * l.lanes.w});
    view.lay_out(l.lanes, lanes_height(tl), whole_trace(tl));
  }
  float x_of(double t_ns) const { return static_cast<float>(view.viewport().x_of(t_ns)); }
  float y_in(std::size_t lane) const {
    const auto rows = lane_rows(tl, l.lanes, view.scroll());
    return (rows[lane].y0 + rows[lane].y1) / 2;
  }
  // The pointer over the canvas at (x, y).
  TimelineInput at(float x, float y) const {
    TimelineInput in;
    in.mouse_x = x;
    in.mouse_y = y;
    in.canvas_hovered = l.ruler.contains(x, y) || l.lanes.contains(x, y);
    in.window_hovered = l.timeline.contains(x, y);
    return in;
  }
  TimelineInput click(float x, float y) const {
    TimelineInput in = at(x, y);
    in.left_released = true;
    return in;
  }
  // One frame; the outcome becomes the scene's view.
  TimelineStep step(const TimelineInput& in, const TimelineGesture& gesture = {}) {
    TimelineStep s = step_timeline(in, view, gesture, tl, l);
    view = s.view;
    return s;
  }
};

}  // namespace

TEST_CASE("the wheel zooms around the pointer: the time under it stays where it is") {
  Scene s;
  const float x = s.x_of(3'000);
  TimelineInput in = s.at(x, s.y_in(0));
  in.wheel = 1;
  s.step(in);
  CHECK(s.view.viewport().ns_per_px == Approx(10 / 1.25));
  CHECK(s.view.viewport().t_of(x) == Approx(3'000));
  in.wheel = -3;
  s.step(in);
  CHECK(s.view.viewport().ns_per_px == Approx(10 * 1.25 * 1.25));
  CHECK(s.view.viewport().t_of(x) == Approx(3'000));
}

TEST_CASE("zoom stops at the viewport's limits, still around the pointer") {
  Scene s;
  const float x = s.x_of(6'000);
  TimelineInput in = s.at(x, s.y_in(1));
  in.wheel = 200;
  s.step(in);
  CHECK(s.view.viewport().ns_per_px == Viewport::kMinNsPerPx);
  CHECK(s.view.viewport().t_of(x) == Approx(6'000));
  in.wheel = -400;
  s.step(in);
  CHECK(s.view.viewport().ns_per_px == Viewport::kMaxNsPerPx);
  // A day a pixel: the time under the pointer is kept to within the
  // doubles' precision at that scale.
  CHECK(s.view.viewport().t_of(x) == Approx(6'000).margin(64));
}

TEST_CASE("the wheel does not zoom off the canvas, nor with shift held") {
  Scene s;
  TimelineInput in = s.at(s.x_of(1'000), s.y_in(0));
  in.wheel = 1;
  in.canvas_hovered = false;  // another window in front
  s.step(in);
  CHECK(s.view.viewport().ns_per_px == 10);
  in = s.at(s.x_of(1'000), s.y_in(0));
  in.wheel = 1;
  in.shift = true;
  s.step(in);
  CHECK(s.view.viewport().ns_per_px == 10);
}

TEST_CASE("dragging pans: the content follows the pointer, the horizontal wheel pans too") {
  Scene s;
  TimelineInput in = s.at(s.x_of(5'000), s.y_in(0));
  in.left_dragging = true;
  in.mouse_dx = 30;  // 30 px right: 300 ns earlier at the left edge
  s.step(in);
  CHECK(s.view.viewport().t0_ns == Approx(-300));
  CHECK(s.view.viewport().ns_per_px == 10);

  in = s.at(s.x_of(5'000), s.y_in(0));
  in.wheel_h = -1;  // one notch: 40 px
  s.step(in);
  CHECK(s.view.viewport().t0_ns == Approx(-300 + 400));
}

TEST_CASE("the lanes scroll with shift+wheel, with the wheel over their names, and by dragging, within their height") {
  Scene s(tall(40));
  const float content = lanes_height(s.tl);
  REQUIRE(content > s.l.lanes.h);
  const float most = content - s.l.lanes.h;

  TimelineInput in = s.at(s.x_of(1'000), s.l.lanes.y + 50);
  in.shift = true;
  in.wheel = -1;  // towards the user: down, three thread lanes
  s.step(in);
  CHECK(s.view.scroll() == 3 * kThreadLaneHeight);
  CHECK(s.view.viewport().ns_per_px == 10);  // and no zoom

  in = s.at(s.l.labels.x + 10, s.l.labels.y + 50);  // over the names, no shift
  in.wheel = -1;
  s.step(in);
  CHECK(s.view.scroll() == 6 * kThreadLaneHeight);
  CHECK(s.view.viewport().ns_per_px == 10);

  in = s.at(s.x_of(1'000), s.l.lanes.y + 50);
  in.left_dragging = true;
  in.mouse_dy = -10;  // dragged up: the lanes follow, scrolled further down
  s.step(in);
  CHECK(s.view.scroll() == 6 * kThreadLaneHeight + 10);

  in = s.at(s.x_of(1'000), s.l.lanes.y + 50);
  in.shift = true;
  in.wheel = -100;
  s.step(in);
  CHECK(s.view.scroll() == most);
  in.wheel = 100;
  s.step(in);
  CHECK(s.view.scroll() == 0);
}

TEST_CASE("the rows follow the scroll") {
  Scene s(tall(40));
  TimelineInput in = s.at(s.x_of(1'000), s.l.lanes.y + 50);
  in.shift = true;
  in.wheel = -1;
  const TimelineStep step = s.step(in);
  const auto unscrolled = lane_rows(s.tl, s.l.lanes, 0);
  // The rows on screen only, each where scrolling put it: the first lanes
  // went up out of the canvas.
  REQUIRE_FALSE(step.rows.empty());
  CHECK(step.rows.front().lane > 0);
  CHECK(step.rows.size() < unscrolled.size());
  for (const LaneRow& row : step.rows) {
    CHECK(row.y0 == unscrolled[row.lane].y0 - 3 * kThreadLaneHeight);
    CHECK(row.y1 >= s.l.lanes.y);
    CHECK(row.y0 <= s.l.lanes.bottom() + kProcessHeaderHeight);
  }
}

TEST_CASE("a right drag marks a range and zooms to it when released") {
  Scene s;
  TimelineInput in = s.at(s.x_of(5'000), s.y_in(0));
  in.right_pressed = in.right_down = true;
  TimelineStep step = s.step(in);
  REQUIRE(step.gesture.range_anchor_ns);
  CHECK(*step.gesture.range_anchor_ns == Approx(5'000));
  CHECK_FALSE(step.hover);  // no tooltip while dragging a range

  in = s.at(s.x_of(2'000), s.y_in(0));  // leftwards: the range is still [2, 5] us
  in.right_down = true;
  step = s.step(in, step.gesture);
  REQUIRE(step.range);
  CHECK(step.range->begin_ns == Approx(2'000));
  CHECK(step.range->end_ns == Approx(5'000));
  CHECK(s.view.viewport().ns_per_px == 10);  // not yet

  in = s.at(s.x_of(2'000), s.y_in(0));  // released
  step = s.step(in, step.gesture);
  CHECK_FALSE(step.gesture.range_anchor_ns);
  CHECK_FALSE(step.range);
  CHECK(s.view.viewport().t0_ns == Approx(2'000));
  CHECK(s.view.viewport().t1_ns() == Approx(5'000));
}

TEST_CASE("a right click that hardly moves is not a range: no zoom") {
  Scene s;
  TimelineInput in = s.at(s.x_of(5'000), s.y_in(0));
  in.right_pressed = in.right_down = true;
  TimelineStep step = s.step(in);
  in = s.at(s.x_of(5'000) + 3, s.y_in(0));  // released 3 px on
  step = s.step(in, step.gesture);
  CHECK_FALSE(step.gesture.range_anchor_ns);
  CHECK(s.view.viewport().t0_ns == Approx(0));
  CHECK(s.view.viewport().ns_per_px == 10);
}

TEST_CASE("Home asks for the whole trace, fitted when the view is next laid out") {
  Scene s;
  TimelineInput in = s.at(s.x_of(5'000), s.y_in(0));
  in.home_pressed = true;
  s.step(in);
  CHECK(s.view.has_request());
  CHECK(s.view.viewport().ns_per_px == 10);
  s.step(s.at(0, 0));
  CHECK_FALSE(s.view.has_request());
  // The whole 10 us, with 2% of the width each side.
  CHECK(s.view.viewport().t0_ns < 0);
  CHECK(s.view.viewport().t1_ns() > 10'000);
  CHECK(s.view.viewport().ns_per_px == Approx(10'000 / (s.l.lanes.w * 0.96)));

  in = s.at(s.x_of(5'000), s.y_in(0));
  in.home_pressed = true;
  in.window_hovered = false;  // the key belongs to whatever the pointer is over
  s.step(in);
  CHECK_FALSE(s.view.has_request());
}

TEST_CASE("a click on a wait selects the wait, on a mark, the mark's event, even inside a wait") {
  Scene s;
  TimelineStep step = s.step(s.click(s.x_of(2'500), s.y_in(0)));
  REQUIRE(step.pick);
  CHECK(std::get<SelectSpan>(*step.pick).span == SpanRef{0, 0});
  REQUIRE(step.hover);
  CHECK(step.hover->lane == 0);
  CHECK(step.hover->span == std::optional<std::size_t>(0));

  step = s.step(s.click(s.x_of(3'500) + 2, s.y_in(0)));  // 2 px off the mark: on it
  REQUIRE(step.pick);
  CHECK(std::get<SelectEvent>(*step.pick).index == 8);
  REQUIRE(step.hover);
  CHECK(step.hover->tick == std::optional<std::size_t>(0));
  CHECK_FALSE(step.hover->span);  // the tooltip tells of the mark, not the wait under it

  step = s.step(s.click(s.x_of(6'000) - 2, s.y_in(0)));
  REQUIRE(step.pick);
  CHECK(std::get<SelectEvent>(*step.pick).index == 9);
}

TEST_CASE("near a wait is on it, within three pixels, further off the thread is running, and nothing is picked") {
  Scene s;
  TimelineStep step = s.step(s.click(s.x_of(4'000) + 2, s.y_in(0)));
  REQUIRE(step.pick);
  CHECK(std::get<SelectSpan>(*step.pick).span == SpanRef{0, 0});

  step = s.step(s.click(s.x_of(4'000) + 8, s.y_in(0)));
  CHECK_FALSE(step.pick);
  REQUIRE(step.hover);
  CHECK_FALSE(step.hover->span);
  CHECK_FALSE(step.hover->tick);
  CHECK(step.hover->alive);

  step = s.step(s.click(s.x_of(1'000), s.y_in(1)));  // before B started
  REQUIRE(step.hover);
  CHECK_FALSE(step.hover->alive);
}

TEST_CASE("the zoom sets how near is near: three pixels at any zoom") {
  Scene s;
  TimelineInput in = s.at(s.x_of(4'000), s.y_in(0));
  in.wheel = 10;  // 1.25^10 = 9.3x in: 3 px is ~3 ns
  s.step(in);
  TimelineStep step = s.step(s.click(s.x_of(4'000) + 2, s.y_in(0)));
  CHECK(step.pick);
  step = s.step(s.click(s.x_of(4'000) + 5, s.y_in(0)));
  CHECK_FALSE(step.pick);
}

TEST_CASE("on an object lane a click selects the lock hold's first event, or the queue step's event") {
  Scene s;
  TimelineStep step = s.step(s.click(s.x_of(3'000), s.y_in(2)));
  REQUIRE(step.pick);
  CHECK(std::get<SelectEvent>(*step.pick).index == 3);
  REQUIRE(step.hover);
  CHECK(step.hover->step == std::optional<std::size_t>(0));  // one waiter, in the tooltip

  step = s.step(s.click(s.x_of(7'000), s.y_in(2)));  // free, no waiters: the waiters' step is not clickable
  CHECK_FALSE(step.pick);
  REQUIRE(step.hover);
  CHECK(step.hover->step == std::optional<std::size_t>(1));

  step = s.step(s.click(s.x_of(3'500), s.y_in(3)));
  REQUIRE(step.pick);
  CHECK(std::get<SelectEvent>(*step.pick).index == 12);
  step = s.step(s.click(s.x_of(500), s.y_in(3)));  // before the first step
  CHECK_FALSE(step.pick);
  REQUIRE(step.hover);
  CHECK_FALSE(step.hover->step);
}

TEST_CASE("a drag is not a click, and neither is a press that moved past the drag threshold") {
  Scene s;
  TimelineInput in = s.click(s.x_of(2'500), s.y_in(0));
  in.left_dragging = true;
  CHECK_FALSE(s.step(in).pick);
  in = s.click(s.x_of(2'500), s.y_in(0));
  in.left_drag_x = 12;
  CHECK_FALSE(s.step(in).pick);
}

TEST_CASE("nothing is hovered off the lanes: over the ruler, the gaps between lanes, or another window") {
  Scene s;
  CHECK_FALSE(s.step(s.click(s.x_of(2'500), s.l.ruler.y + 5)).hover);
  const auto rows = lane_rows(s.tl, s.l.lanes, 0);
  CHECK_FALSE(s.step(s.click(s.x_of(2'500), rows[0].y1 + 1)).hover);  // the gap under A
  TimelineInput in = s.click(s.x_of(2'500), s.y_in(0));
  in.canvas_hovered = false;
  const TimelineStep step = s.step(in);
  CHECK_FALSE(step.hover);
  CHECK_FALSE(step.pick);
}

TEST_CASE("a request waiting for the canvas is carried out by the first frame") {
  Scene s;
  ViewState fresh;
  fresh.request_fit();
  const TimelineStep step = step_timeline(s.at(0, 0), fresh, {}, s.tl, s.l);
  CHECK_FALSE(step.view.has_request());
  CHECK(step.view.viewport().x0 == s.l.lanes.x);
  CHECK(step.view.viewport().width == s.l.lanes.w);
  CHECK(step.view.viewport().t_of(s.l.lanes.x + s.l.lanes.w * 0.02) == Approx(0).margin(1e-6));
}

// A condition's lane: the tick strip on top holds its notifications, the
// sub-row below its waits. The tooltip tells of what is under the pointer
// there, and a click selects it.
TEST_CASE("on a condition's lane the pointer finds a notification on the tick strip, a wait on its row") {
  Timeline tl = three_lanes();
  auto signal = std::make_shared<SignalLane>();
  signal->object = 4;
  SignalRow row;
  row.spans.add(Span{2'000, 4'000, 20, 22, 4, 0, State::Condition});
  row.outcomes = {WaitOutcome::Woken};
  signal->rows = {row};
  signal->heard = {Tick{3'900, 21, false}};
  signal->unheard = {Tick{6'000, 30, false}};
  signal->waits = 1;
  Lane cond;
  cond.kind = LaneKind::Signal;
  cond.id = 4;
  cond.label = "condition C";
  cond.end_ns = 10'000;
  cond.signal = signal;
  tl.lanes.push_back(cond);
  Scene s(tl);
  const float strip_y = lane_rows(s.tl, s.l.lanes, s.view.scroll())[4].y0 + kSignalTickStrip / 2;
  const float row_y = strip_y + kSignalTickStrip / 2 + kSignalRowHeight / 2;

  TimelineStep step = s.step(s.click(s.x_of(6'000) + 2, strip_y));
  REQUIRE(step.hover);
  CHECK(step.hover->lane == 4);
  REQUIRE(step.hover->notice);
  CHECK(step.hover->notice->first == Hover::Notice::Unheard);
  CHECK(step.hover->notice->second == 0);
  REQUIRE(step.pick);
  CHECK(std::get<SelectEvent>(*step.pick).index == 30);

  step = s.step(s.click(s.x_of(3'900), strip_y));
  REQUIRE(step.hover);
  REQUIRE(step.hover->notice);
  CHECK(step.hover->notice->first == Hover::Notice::Heard);
  CHECK(std::get<SelectEvent>(*step.pick).index == 21);

  step = s.step(s.click(s.x_of(3'000), row_y));  // the wait, under the heard notify's time range
  REQUIRE(step.hover);
  CHECK_FALSE(step.hover->notice);
  CHECK(step.hover->signal_row == std::optional<std::size_t>(0));
  CHECK(step.hover->span == std::optional<std::size_t>(0));
  REQUIRE(step.pick);
  CHECK(std::get<SelectEvent>(*step.pick).index == 20);

  step = s.step(s.click(s.x_of(8'000), row_y));  // no wait there
  REQUIRE(step.hover);
  CHECK_FALSE(step.hover->span);
  CHECK_FALSE(step.pick);
  step = s.step(s.click(s.x_of(8'000), strip_y));  // no notification near
  REQUIRE(step.hover);
  CHECK_FALSE(step.hover->notice);
  CHECK_FALSE(step.pick);
}
