// A viewing session's state, without a window: the view (ViewState), the
// selection, the replay cursor, and the Session that keeps them in step
// (selecting a finding moves the view and the cursor; playing moves the
// view with the cursor). Each promise their headers make is checked here.
#include <catch2/catch.hpp>

#include "document.hpp"
#include "layout.hpp"
#include "session.hpp"
#include "trace_maker.hpp"

using namespace weft;
using namespace weft::viewer;
using test::TraceMaker;

namespace {

const Rect kCanvas{160, 100, 1000, 300};  // 1000 px wide, 300 high

// A takes X then Y; later B takes Y then X: one lock-order inversion.
// Events 1 us apart, the first at 1 us.
std::unique_ptr<Document> inversion() {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto x = m.object(format::ObjectKind::Mutex, "X"), y = m.object(format::ObjectKind::Mutex, "Y");
  m.start(a);
  m.start(b);
  m.nested(a, x, y);
  m.nested(b, y, x);
  return make_document(std::move(m.t), "inversion.weft");
}

// Shows exactly [begin, end] on kCanvas.
void show(ViewState& view, double begin, double end, float content_height = 0) {
  view.request_show({begin, end});
  view.lay_out(kCanvas, content_height, {0, 1});
}

}  // namespace

TEST_CASE("view: the scroll stays within the lanes' height, whatever the canvas does") {
  ViewState v;
  CHECK(v.scroll() == 0);
  v.lay_out(kCanvas, 1000, {0, 1});
  v.scroll_to(500);
  CHECK(v.scroll() == 500);
  v.scroll_to(900);
  CHECK(v.scroll() == 700);  // 1000 of content in 300 px
  v.scroll_to(-5);
  CHECK(v.scroll() == 0);
  v.scroll_to(700);
  v.lay_out(Rect{160, 100, 1000, 800}, 1000, {0, 1});  // the window grew
  CHECK(v.scroll() == 200);
  v.lay_out(Rect{160, 100, 1000, 800}, 400, {0, 1});  // all lanes fit
  CHECK(v.scroll() == 0);
}

TEST_CASE("view: requests wait for the canvas, and the last one wins") {
  ViewState v;
  v.request_show({2'000, 3'000});
  CHECK(v.has_request());
  v.request_fit();
  v.lay_out(kCanvas, 0, {0, 10'000});
  CHECK_FALSE(v.has_request());
  CHECK(v.viewport().x0 == kCanvas.x);
  CHECK(v.viewport().width == kCanvas.w);
  CHECK(v.viewport().t0_ns < 0);  // the whole trace, with a margin
  CHECK(v.viewport().t1_ns() > 10'000);

  v.request_fit();
  v.request_show({2'000, 3'000});
  v.lay_out(kCanvas, 0, {0, 10'000});
  CHECK(v.viewport().t0_ns == Approx(2'000));
  CHECK(v.viewport().t1_ns() == Approx(3'000));

  // Once carried out, a request is forgotten: the next frame keeps the zoom.
  v.zoom(2);
  v.lay_out(kCanvas, 0, {0, 10'000});
  CHECK(v.viewport().ns_per_px == Approx(0.5));
}

TEST_CASE("view: the toolbar's zoom keeps the middle of the canvas, zoom_to shows a range exactly") {
  ViewState v;
  show(v, 0, 10'000);
  v.zoom(1.5);
  CHECK(v.viewport().t_of(kCanvas.x + kCanvas.w / 2) == Approx(5'000));
  CHECK(v.viewport().ns_per_px == Approx(10.0 / 1.5));
  v.zoom_to({100, 600});
  CHECK(v.viewport().t0_ns == Approx(100));
  CHECK(v.viewport().t1_ns() == Approx(600));
}

TEST_CASE("view: following a time turns the page only once it is past the right edge") {
  ViewState v;
  show(v, 0, 10'000);
  v.follow(9'000);
  CHECK(v.viewport().t0_ns == Approx(0));
  v.follow(12'000);
  CHECK(v.viewport().t0_ns == Approx(12'000 - 1'000));  // a tenth of the width from the left
  CHECK(v.viewport().ns_per_px == Approx(10));
}

TEST_CASE("selection: a span brings its begin event, another event drops the span") {
  const auto doc = inversion();
  Selection s;
  CHECK_FALSE(s.event());
  CHECK_FALSE(s.span());
  // Find a lock hold on a lock lane (a span with a begin event).
  const Timeline& tl = doc->timeline;
  const std::size_t lane = tl.lane_of_object(3);  // X
  REQUIRE(lane < tl.lanes.size());
  REQUIRE_FALSE(tl.lanes[lane].spans.spans.empty());
  CHECK(s.select_span(tl, {lane, 0}));
  CHECK(s.span() == std::optional<SpanRef>(SpanRef{lane, 0}));
  CHECK(s.event() == std::optional<std::uint64_t>(tl.lanes[lane].spans.spans[0].begin_event));
  s.select_event(0);
  CHECK(s.event() == std::optional<std::uint64_t>(0));
  CHECK_FALSE(s.span());

  CHECK_FALSE(s.select_span(tl, {lane, 99}));  // no such span: nothing changes
  CHECK_FALSE(s.select_span(tl, {99, 0}));
  CHECK(s.event() == std::optional<std::uint64_t>(0));
  CHECK_FALSE(s.span());
}

TEST_CASE("selection: a finding brings its focus, no such finding changes nothing") {
  const auto doc = inversion();
  REQUIRE(doc->report.findings.size() == 1);
  Selection s;
  CHECK(s.focus().events.empty());
  CHECK_FALSE(s.select_finding(*doc, 1));
  CHECK_FALSE(s.finding());
  REQUIRE(s.select_finding(*doc, 0));
  CHECK(s.finding() == std::optional<std::size_t>(0));
  const Focus expected = focus_of(doc->report.findings[0], doc->trace);
  CHECK(s.focus().events == expected.events);
  CHECK(s.focus().threads == expected.threads);
  CHECK_FALSE(s.select_finding(*doc, 5));
  CHECK(s.finding() == std::optional<std::size_t>(0));
  CHECK(s.focus().events == expected.events);
}

TEST_CASE("replay cursor: starts at the end, stays within the trace, its state always matches") {
  const auto doc = inversion();
  ReplayCursor c(doc->model, doc->timeline);
  const std::uint64_t n = doc->trace.events.size();
  CHECK(c.size() == n);
  CHECK(c.position() == n);
  CHECK(c.state().applied == n);
  c.step_forward();
  CHECK(c.position() == n);
  c.seek(n + 100);
  CHECK(c.position() == n);
  c.seek(3);
  CHECK(c.position() == 3);
  CHECK(c.state().applied == 3);
  c.seek(0);
  c.step_back();
  CHECK(c.position() == 0);
  CHECK(c.state().applied == 0);
  c.step_forward();
  CHECK(c.state().applied == 1);
}

TEST_CASE("replay cursor: its time is the latest time applied, or the timeline's start before any event") {
  const auto doc = inversion();
  ReplayCursor c(doc->model, doc->timeline);
  c.seek(0);
  CHECK(c.time_ns() == static_cast<double>(doc->timeline.begin_ns));
  c.seek(4);
  CHECK(c.time_ns() == static_cast<double>(doc->timeline.time_prefix_max[3]));
}

TEST_CASE("replay cursor: play from the end starts over, each frame moves at least one event, the end stops it") {
  const auto doc = inversion();
  const std::uint64_t n = doc->trace.events.size();
  ReplayCursor c(doc->model, doc->timeline);
  c.advance(1, 1e9);  // not playing: nothing moves
  CHECK(c.position() == n);
  c.toggle_play();
  CHECK(c.playing());
  CHECK(c.position() == 0);
  c.advance(0, 1'000);  // no time passed: still one event on
  CHECK(c.position() == 1);
  // 1 s of a 10 us visible range played in kPlaySeconds: 1 us of the trace,
  // one event here.
  c.advance(ReplayCursor::kPlaySeconds / 10, 10'000);
  CHECK(c.position() == 2);
  c.toggle_play();
  CHECK_FALSE(c.playing());
  c.advance(1, 1e9);
  CHECK(c.position() == 2);
  c.toggle_play();  // resumes where it was
  CHECK(c.position() == 2);
  c.advance(100, 1e9);
  CHECK(c.position() == n);
  CHECK_FALSE(c.playing());
}

TEST_CASE("session: the cursor reads the replay index the open built, and lands where a cursor of its own does") {
  auto doc = inversion();
  REQUIRE(doc->replay_index);  // built while the trace opened, not by the window's thread
  const Document& d = *doc;
  ReplayCursor own(d.model, d.timeline);
  Session s;
  s.open(std::move(doc));
  CHECK(s.cursor().position() == own.position());
  for (std::uint64_t k = 0; k <= own.size(); ++k) {
    INFO("cursor " << k);
    REQUIRE(s.apply(SeekCursor{k}));
    own.seek(k);
    CHECK(s.cursor().state().holders.size() == own.state().holders.size());
    for (const auto& [lock, h] : own.state().holders) {
      REQUIRE(s.cursor().state().holders.count(lock));
      CHECK(s.cursor().state().holders.at(lock).thread == h.thread);
    }
    CHECK(s.cursor().state().alive == own.state().alive);
    CHECK(s.cursor().time_ns() == own.time_ns());
  }
}

TEST_CASE("session: without a document nothing can be selected") {
  Session s;
  CHECK_FALSE(s.document());
  CHECK_FALSE(s.select_finding(0));
  CHECK_FALSE(s.select_event(0));
  CHECK_FALSE(s.select_span({0, 0}));
  CHECK_FALSE(s.apply(SeekCursor{3}));
  s.play(1);  // nothing to play
  CHECK_FALSE(s.selection().event());
}

TEST_CASE("session: opening a trace starts over: fitted, cursor at the end, nothing selected") {
  Session s;
  s.open(inversion());
  REQUIRE(s.document());
  CHECK(s.view().has_request());
  CHECK(s.cursor().position() == s.document()->trace.events.size());
  REQUIRE(s.select_finding(0));
  REQUIRE(s.select_event(2));
  s.view().lay_out(kCanvas, 1000, {0, 1});
  s.view().scroll_to(100);

  s.open(inversion());
  CHECK_FALSE(s.selection().finding());
  CHECK(s.selection().focus().events.empty());
  CHECK_FALSE(s.selection().event());
  CHECK(s.view().scroll() == 0);
  CHECK(s.cursor().position() == s.document()->trace.events.size());
  s.view().lay_out(kCanvas, 1000, whole_trace(s.document()->timeline));
  CHECK(s.view().viewport().t0_ns < static_cast<double>(s.document()->timeline.begin_ns));
}

TEST_CASE("session: selecting a finding shows its events with context and moves the cursor past the last") {
  Session s;
  s.open(inversion());
  REQUIRE(s.select_finding(0));
  const Focus& f = s.selection().focus();
  REQUIRE(f.events.size() == 2);
  CHECK(s.cursor().position() == f.events.back() + 1);
  // A quarter of the proof's length each side, at least 5 us.
  const double begin = static_cast<double>(f.begin_ns), end = static_cast<double>(f.end_ns);
  const double pad = std::max((end - begin) / 4, 5'000.0);
  s.view().lay_out(kCanvas, 0, whole_trace(s.document()->timeline));
  CHECK(s.view().viewport().t0_ns == Approx(std::max(0.0, begin - pad)));
  CHECK(s.view().viewport().t1_ns() == Approx(end + pad));

  CHECK_FALSE(s.select_finding(1));  // there is one finding
  CHECK(s.selection().finding() == std::optional<std::size_t>(0));
}

TEST_CASE("session: commands select and seek as their methods do") {
  Session s;
  s.open(inversion());
  CHECK(s.apply(SelectEvent{4}));
  CHECK(s.selection().event() == std::optional<std::uint64_t>(4));
  CHECK(s.apply(SeekCursor{3}));
  CHECK(s.cursor().position() == 3);
  CHECK(s.apply(SeekCursor{1'000}));
  CHECK(s.cursor().position() == s.document()->trace.events.size());
  CHECK(s.apply(SelectFinding{0}));
  CHECK(s.selection().finding() == std::optional<std::size_t>(0));
  CHECK_FALSE(s.apply(SelectSpan{{99, 0}}));
  CHECK(s.selection().event() == std::optional<std::uint64_t>(4));
}

TEST_CASE("session: playing moves the cursor by the visible time and the view follows it") {
  Session s;
  s.open(inversion());
  // 2 us visible from 0; events every microsecond from 1 us.
  s.view().request_show({0, 2'000});
  s.view().lay_out(kCanvas, 0, whole_trace(s.document()->timeline));
  s.cursor().seek(0);
  s.cursor().toggle_play();
  // 20 s at 2 us per kPlaySeconds (10 s): 4 us on, to the first event at or
  // after 5 us, which is event 4; the cursor stands at 4 us, past the view.
  s.play(20);
  CHECK(s.cursor().position() == 4);
  CHECK(s.cursor().time_ns() == 4'000);
  CHECK(s.view().viewport().t0_ns == Approx(4'000 - 200));
}
