// Conditions and events on lanes of their own: from hand-built traces, each
// lane holds exactly the waits, notifications and wake arrows the events
// say; then on recorded scenario traces, the lanes agree with the trace's
// own counts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <memory>

#include "layout.hpp"
#include "signal_lanes.hpp"
#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "trace_maker.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/loader.hpp"

using namespace weft;
using namespace weft::viewer;
using format::EventKind;
using format::ObjectKind;
using test::TraceMaker;

namespace {

// What the viewer computes on opening a trace, without a window: the
// model, the timeline and the causal edges (ordered by `to`).
struct Opened {
  format::Trace trace;
  analysis::Model model;
  Timeline timeline;
  analysis::CausalEdges edges;
  explicit Opened(format::Trace t) : trace(std::move(t)) {
    model = analysis::build_model(trace);
    timeline = build_timeline(trace, model);
    edges = analysis::causal_edges(trace);
  }
  const Lane& lane_of(std::uint32_t object) const {
    const std::size_t n = timeline.lane_of_object(object);
    REQUIRE(n < timeline.lanes.size());
    REQUIRE(timeline.lanes[n].kind == LaneKind::Signal);
    REQUIRE(timeline.lanes[n].signal);
    return timeline.lanes[n];
  }
  // One frame with every span at least a pixel wide (the finest zoom over
  // the whole trace), so that every wait is drawn as itself.
  SignalDraw frame(const Lane& lane, double ns_per_px = Viewport::kMinNsPerPx) const {
    Viewport view;
    view.t0_ns = static_cast<double>(timeline.begin_ns);
    view.ns_per_px = ns_per_px;
    view.width = static_cast<double>(timeline.end_ns - timeline.begin_ns) / ns_per_px + 10;
    SignalDraw d;
    signal_frame(*lane.signal, trace, edges, view, lane.end_ns, d);
    return d;
  }
};

std::uint64_t notified() { return static_cast<std::uint64_t>(format::WakeReason::Notified); }
std::uint64_t timed_out() { return static_cast<std::uint64_t>(format::WakeReason::Timeout); }

// A condition wait as a program records it: the mutex given up inside the
// wait and taken back before it returns.
struct CondWait {
  TraceMaker& m;
  std::uint32_t thread, cond, lock;
  bool timed = false;
  std::uint64_t begin() {
    m.add(thread, EventKind::MutexAcquired, lock, 1);
    const auto b = m.add({thread, EventKind::CondWaitBegin, cond, lock, std::uint8_t(timed ? format::kFlagTimed : 0), 0, false});
    m.add({thread, EventKind::MutexReleased, lock, 0, format::kFlagCondition, 0, false});
    return b;
  }
  std::uint64_t end(std::uint64_t reason) {
    m.add({thread, EventKind::MutexAcquired, lock, 1, format::kFlagCondition, 0, false});
    const auto e = m.add({thread, EventKind::CondWaitEnd, cond, reason, std::uint8_t(timed ? format::kFlagTimed : 0), 0, false});
    m.add(thread, EventKind::MutexReleased, lock, 0);
    return e;
  }
};

}  // namespace

TEST_CASE("a waiter woken by a notify: its wait on the condition's lane, the notify as a tick, an arrow between") {
  TraceMaker m;
  const auto a = m.thread("waiter"), b = m.thread("notifier");
  const auto cond = m.object(ObjectKind::Condition, "ready");
  const auto lock = m.object(ObjectKind::Mutex, "m");
  m.start(a);
  m.start(b);
  CondWait w{m, a, cond, lock};
  const auto begin = w.begin();
  const auto notify = m.add(b, EventKind::CondNotifyOne, cond, 1);  // one thread waiting
  const auto end = w.end(notified());
  const Opened o(m.t);

  const Lane& lane = o.lane_of(cond);
  CHECK(lane.label == "condition ready");
  CHECK(lane.id == cond);
  const SignalLane& s = *lane.signal;
  CHECK(s.kind == ObjectKind::Condition);
  CHECK(s.waits == 1);
  REQUIRE(s.rows.size() == 1);
  REQUIRE(s.rows[0].spans.spans.size() == 1);
  const Span& span = s.rows[0].spans.spans[0];
  CHECK(span.who == a);
  CHECK(span.begin_event == begin);
  CHECK(span.end_event == end);
  CHECK(span.state == State::Condition);
  CHECK(s.rows[0].outcomes[0] == WaitOutcome::Woken);
  REQUIRE(s.heard.size() == 1);
  CHECK(s.heard[0].event == notify);
  CHECK(s.unheard.empty());
  CHECK(s.waiters.steps.empty());  // no count: the one row shows every waiter

  const SignalDraw d = o.frame(lane);
  REQUIRE(d.rows.size() == 1);
  CHECK(d.rows[0].size() == 1);
  CHECK(d.heard.size() == 1);
  REQUIRE(d.arrows.size() == 1);
  CHECK(d.arrows[0].notify == notify);
  CHECK(d.arrows[0].wait_end == end);
  CHECK(d.arrows[0].row == 0);
  CHECK(d.arrows[0].x_from < d.arrows[0].x_to);  // the notify came first

  // The lock keeps its lane; the condition's comes after every other kind.
  CHECK(o.timeline.lanes[o.timeline.lane_of_object(lock)].kind == LaneKind::Lock);
  CHECK(o.timeline.lane_of_object(cond) == o.timeline.lanes.size() - 1);
  // The lanes were sized once, the condition's counted with the others:
  // added to a full vector, it once moved every lane (a trace with a
  // million locks and a condition opened a third slower, with half again
  // the memory).
  CHECK(o.timeline.lanes.capacity() == o.timeline.lanes.size());
}

TEST_CASE("a notify with nobody waiting is marked unheard, and the wait that comes later and times out has no arrow") {
  TraceMaker m;
  const auto a = m.thread("late"), b = m.thread("early");
  const auto cond = m.object(ObjectKind::Condition, "c");
  const auto lock = m.object(ObjectKind::Mutex, "m");
  m.start(a);
  m.start(b);
  const auto lost = m.add(b, EventKind::CondNotifyOne, cond, 0);  // no waiter at that moment
  CondWait w{m, a, cond, lock, true};
  w.begin();
  m.add(b, EventKind::Mark, 0, 0);
  const auto end = w.end(timed_out());
  const Opened o(m.t);

  const SignalLane& s = *o.lane_of(cond).signal;
  CHECK(s.heard.empty());
  REQUIRE(s.unheard.size() == 1);
  CHECK(s.unheard[0].event == lost);
  REQUIRE(s.rows[0].spans.spans.size() == 1);
  CHECK(s.rows[0].spans.spans[0].end_event == end);
  CHECK(s.rows[0].outcomes[0] == WaitOutcome::TimedOut);
  const SignalDraw d = o.frame(o.lane_of(cond));
  CHECK(d.unheard.size() == 1);
  CHECK(d.heard.empty());
  CHECK(d.rows[0].size() == 1);
  CHECK(d.arrows.empty());  // nothing woke it
}

TEST_CASE("notify_all waking two: both waits stacked on sub-rows, two arrows from the one notify") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B"), n = m.thread("N");
  const auto cond = m.object(ObjectKind::Condition, "go");
  const auto la = m.object(ObjectKind::Mutex, "ma");
  const auto lb = m.object(ObjectKind::Mutex, "mb");
  m.start(a);
  m.start(b);
  m.start(n);
  CondWait wa{m, a, cond, la}, wb{m, b, cond, lb};
  wa.begin();
  wb.begin();
  const auto all = m.add(n, EventKind::CondNotifyAll, cond, 2);
  const auto end_a = wa.end(notified());
  const auto end_b = wb.end(notified());
  const Opened o(m.t);

  const Lane& lane = o.lane_of(cond);
  const SignalLane& s = *lane.signal;
  CHECK(s.waits == 2);
  REQUIRE(s.rows.size() == 2);  // they overlapped
  CHECK(s.rows[0].spans.spans.at(0).who == a);
  CHECK(s.rows[1].spans.spans.at(0).who == b);
  CHECK(s.undrawn == 0);
  REQUIRE(s.heard.size() == 1);
  CHECK(s.heard[0].event == all);

  const SignalDraw d = o.frame(lane);
  REQUIRE(d.arrows.size() == 2);
  CHECK(d.arrows[0].notify == all);
  CHECK(d.arrows[1].notify == all);
  CHECK(d.arrows[0].wait_end == end_a);
  CHECK(d.arrows[0].row == 0);
  CHECK(d.arrows[1].wait_end == end_b);
  CHECK(d.arrows[1].row == 1);

  // The lane grows by a sub-row per waiter it stacks.
  CHECK(lane_height(lane) == kSignalTickStrip + 2 * kSignalRowHeight);
  const std::vector<LaneRow> rows = lane_rows(o.timeline, Rect{0, 0, 800, 600}, 0);
  CHECK(rows.back().y1 - rows.back().y0 == lane_height(lane));
}

TEST_CASE("more waiters at once than sub-rows: the rest are counted, not drawn") {
  TraceMaker m;
  const auto n = m.thread("N");
  const auto cond = m.object(ObjectKind::Condition, "crowd");
  m.start(n);
  std::vector<CondWait> waits;
  for (std::size_t k = 0; k < kMaxSignalRows + 2; ++k) {
    const auto t = m.thread("W" + std::to_string(k));
    m.start(t);
    waits.push_back({m, t, cond, m.object(ObjectKind::Mutex, "m" + std::to_string(k))});
  }
  for (CondWait& w : waits) w.begin();
  m.add(n, EventKind::CondNotifyAll, cond, waits.size());
  for (CondWait& w : waits) w.end(notified());
  const Opened o(m.t);

  const SignalLane& s = *o.lane_of(cond).signal;
  CHECK(s.rows.size() == kMaxSignalRows);
  CHECK(s.waits == kMaxSignalRows + 2);
  CHECK(s.undrawn == 2);
  CHECK(s.waiters.peak == static_cast<std::int64_t>(kMaxSignalRows + 2));
  REQUIRE_FALSE(s.waiters.steps.empty());
  CHECK(s.waiters.steps.front().value == 1);
  CHECK(s.waiters.steps.back().value == 0);  // all woken
  // The drawn waits get their arrows; the count shows the peak.
  const SignalDraw d = o.frame(o.lane_of(cond));
  CHECK(d.arrows.size() == kMaxSignalRows);
  std::int64_t most = 0;
  for (const SeriesBar& bar : d.waiters) most = std::max(most, bar.value);
  CHECK(most == static_cast<std::int64_t>(kMaxSignalRows + 2));
}

TEST_CASE("an event set before any wait stays set: marked as latched, not unheard, and a later set wakes a waiter") {
  TraceMaker m;
  const auto a = m.thread("waiter"), b = m.thread("setter");
  const auto ev = m.object(ObjectKind::Event, "done");
  m.start(a);
  m.start(b);
  const auto early = m.add(b, EventKind::EventSet, ev, 0);  // nobody waiting: it stays set
  m.add(a, EventKind::EventWaitEnd, ev, 1);                 // passes at once: a wait.end alone
  m.add(b, EventKind::EventClear, ev);
  const auto begin = m.add(a, EventKind::EventWaitBegin, ev);
  const auto set = m.add(b, EventKind::EventSet, ev, 1);
  const auto end = m.add(a, EventKind::EventWaitEnd, ev, 1);
  const Opened o(m.t);

  const Lane& lane = o.lane_of(ev);
  CHECK(lane.label == "event done");
  const SignalLane& s = *lane.signal;
  CHECK(s.kind == ObjectKind::Event);
  CHECK(s.unheard.empty());
  REQUIRE(s.latched.size() == 1);
  CHECK(s.latched[0].event == early);
  REQUIRE(s.heard.size() == 1);
  CHECK(s.heard[0].event == set);
  CHECK(s.waits == 1);  // the wait that passed at once never blocked
  REQUIRE(s.rows[0].spans.spans.size() == 1);
  CHECK(s.rows[0].spans.spans[0].begin_event == begin);
  CHECK(s.rows[0].spans.spans[0].state == State::Event);

  const SignalDraw d = o.frame(lane);
  CHECK(d.latched.size() == 1);
  REQUIRE(d.arrows.size() == 1);
  CHECK(d.arrows[0].notify == set);
  CHECK(d.arrows[0].wait_end == end);
}

TEST_CASE("an atomic word gets a lane: its waits in the atomic state, its wakes, one that woke nobody latched, no arrows") {
  // As weft record writes a std::latch: one thread sleeps on the word, a
  // wake that found nobody, then the wake that ended the wait; a second
  // wait found the word already changed and never slept.
  TraceMaker m;
  const auto a = m.thread("waiter"), b = m.thread("counter");
  const auto word = m.object(ObjectKind::AtomicWord, "workers_ready");
  const auto cond = m.object(ObjectKind::Condition, "c");
  const auto ev = m.object(ObjectKind::Event, "e");
  m.start(a);
  m.start(b);
  m.add(b, EventKind::CondNotifyOne, cond, 0);
  m.add(b, EventKind::EventSet, ev, 0);
  const auto nobody = m.add(b, EventKind::AtomicWake, word, 0);
  const auto begin = m.add(a, EventKind::AtomicWaitBegin, word, 0);
  const auto wake = m.add(b, EventKind::AtomicWake, word, 1);
  const auto end = m.add(a, EventKind::AtomicWaitEnd, word, std::uint64_t(format::AtomicWaitResult::Woken));
  m.add(a, EventKind::AtomicWaitBegin, word, 1);
  m.add(a, EventKind::AtomicWaitEnd, word, std::uint64_t(format::AtomicWaitResult::Changed));
  const Opened o(m.t);

  const Lane& lane = o.lane_of(word);
  CHECK(lane.label == "atomic workers_ready");
  const SignalLane& s = *lane.signal;
  CHECK(s.kind == ObjectKind::AtomicWord);
  CHECK(s.waits == 2);
  REQUIRE(s.rows[0].spans.spans.size() == 2);
  const Span& span = s.rows[0].spans.spans[0];
  CHECK(span.who == a);
  CHECK(span.begin_event == begin);
  CHECK(span.end_event == end);
  CHECK(span.state == State::Atomic);
  CHECK(s.rows[0].outcomes == std::vector<WaitOutcome>{WaitOutcome::Woken, WaitOutcome::Woken});
  REQUIRE(s.heard.size() == 1);
  CHECK(s.heard[0].event == wake);
  // A wake that woke nobody lost nothing: the word keeps its value, which
  // a waiter checks before it sleeps (as an event stays set).
  CHECK(s.unheard.empty());
  REQUIRE(s.latched.size() == 1);
  CHECK(s.latched[0].event == nobody);
  CHECK(o.frame(lane).arrows.empty());  // which wake ended the wait, the kernel does not say
  // The thread's own lane shows it waiting on an atomic.
  CHECK(std::string(state_name(State::Atomic)) == "waiting on an atomic");
  // Conditions, then events, then atomic words.
  CHECK(o.timeline.lane_of_object(cond) < o.timeline.lane_of_object(ev));
  CHECK(o.timeline.lane_of_object(ev) < o.timeline.lane_of_object(word));
}

TEST_CASE("a signal lane zoomed out folds its waits and ticks into pixels, and draws no arrows there") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto cond = m.object(ObjectKind::Condition, "tick");
  const auto lock = m.object(ObjectKind::Mutex, "m");
  m.start(a);
  m.start(b);
  CondWait w{m, a, cond, lock};
  for (int k = 0; k < 200; ++k) {
    w.begin();
    m.add(b, EventKind::CondNotifyOne, cond, 1);
    w.end(notified());
  }
  const Opened o(m.t);
  const Lane& lane = o.lane_of(cond);
  CHECK(lane.signal->rows.size() == 1);
  CHECK(lane.signal->waits == 200);
  CHECK(o.frame(lane).arrows.size() == 200);
  // The whole trace in a few pixels.
  const double span = static_cast<double>(o.timeline.end_ns - o.timeline.begin_ns);
  const SignalDraw d = o.frame(lane, span / 4);
  CHECK(d.rows[0].size() <= 6);
  CHECK(d.heard.size() <= 6);
  std::size_t folded = 0;
  for (const SpanRect& r : d.rows[0]) folded += r.count;
  CHECK(folded == 200);
  CHECK(d.arrows.empty());
}

TEST_CASE("a trace without conditions or events has no signal lanes") {
  TraceMaker m;
  const auto a = m.thread("A");
  const auto lock = m.object(ObjectKind::Mutex, "m");
  m.start(a);
  m.lock(a, lock);
  m.unlock(a, lock);
  const Opened o(m.t);
  for (const Lane& lane : o.timeline.lanes) CHECK(lane.kind != LaneKind::Signal);
}

namespace {

// A scenario recorded by the scenarios program, loaded and laid out.
std::unique_ptr<Opened> recorded(const test::TempDir& dir, const std::string& scenario) {
  const std::string path = (dir.path() / (scenario + ".weft")).string();
  const auto r = test::run_child({WEFT_SCENARIOS, "run", scenario}, test::with_env({{"WEFT_TRACE", path}}));
  INFO(r.err);
  REQUIRE(std::filesystem::exists(path));
  auto trace = format::load_trace(path);
  REQUIRE(trace.end.has_value());  // complete: the program ended, or weft stopped it
  return std::make_unique<Opened>(std::move(trace));
}

// What the trace itself says about a condition: its notifications (and how
// many found nobody), its waits, and the waits a notification ended.
struct Counts {
  std::size_t notifies = 0, unheard = 0, waits = 0, woken = 0, open = 0;
};
Counts count(const format::Trace& t, std::uint32_t cond) {
  Counts c;
  std::map<std::uint32_t, int> waiting;
  for (const format::Event& e : t.events) {
    if (e.object != cond) continue;
    if (e.kind == EventKind::CondNotifyOne || e.kind == EventKind::CondNotifyAll) {
      ++c.notifies;
      c.unheard += e.arg == 0;
    } else if (e.kind == EventKind::CondWaitBegin) {
      ++c.waits;
      ++waiting[e.thread];
    } else if (e.kind == EventKind::CondWaitEnd) {
      c.woken += e.arg == notified();
      --waiting[e.thread];
    }
  }
  for (const auto& [thread, n] : waiting) c.open += static_cast<std::size_t>(n);
  return c;
}

}  // namespace

TEST_CASE("recorded scenarios: the condition's lane agrees with the trace's own counts") {
  const test::TempDir dir;
  SECTION("speakers-a-first: A's notify finds nobody, and B waits forever for it") {
    const auto o = recorded(dir, "speakers-a-first");
    std::uint32_t cond = 0;
    for (std::uint32_t id = 1; id < o->trace.objects.size(); ++id)
      if (o->trace.objects[id].kind == ObjectKind::Condition) cond = id;
    REQUIRE(cond != 0);
    const Counts c = count(o->trace, cond);
    const SignalLane& s = *o->lane_of(cond).signal;
    CHECK(s.heard.size() + s.unheard.size() == c.notifies);
    CHECK(s.unheard.size() == c.unheard);
    CHECK(s.unheard.size() >= 1);  // the lost wake-up's seed
    CHECK(s.waits == c.waits);
    std::size_t open = 0;
    for (const SignalRow& row : s.rows)
      for (const WaitOutcome how : row.outcomes) open += how == WaitOutcome::Open;
    CHECK(open == c.open);
    CHECK(open >= 1);  // the hang
    CHECK(o->frame(o->lane_of(cond)).arrows.size() == c.woken);
  }
  SECTION("abc-turns: three printers on one condition, every notified wake with its arrow") {
    const auto o = recorded(dir, "abc-turns");
    std::size_t lanes = 0;
    for (const Lane& lane : o->timeline.lanes) {
      if (lane.kind != LaneKind::Signal) continue;
      ++lanes;
      const Counts c = count(o->trace, lane.id);
      const SignalLane& s = *lane.signal;
      CHECK(s.waits == c.waits);
      CHECK(s.heard.size() + s.unheard.size() == c.notifies);
      CHECK(s.undrawn == 0);
      std::size_t drawn = 0;
      for (const SignalRow& row : s.rows) drawn += row.spans.spans.size();
      CHECK(drawn == c.waits);
      CHECK(o->frame(lane).arrows.size() == c.woken);
      CHECK(c.open == 0);  // a clean run
    }
    CHECK(lanes == 1);
  }
}
