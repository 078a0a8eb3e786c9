// The timeline layout from hand-built traces: each lane holds exactly the
// waits, holds, marks and values the events say.
#include <catch2/catch.hpp>

#include "timeline.hpp"
#include "trace_maker.hpp"
#include "weft/analysis/model.hpp"

using namespace weft;
using namespace weft::viewer;
using test::TraceMaker;

namespace {

Timeline layout(const TraceMaker& m) {
  static analysis::Model model;  // Timeline does not keep it; the trace outlives this call
  model = analysis::build_model(m.t);
  return build_timeline(m.t, model);
}

double time_of(const TraceMaker& m, std::uint64_t event) { return static_cast<double>(m.t.events[event].time_ns); }

}  // namespace

TEST_CASE("a contended lock: the waiter's lane shows the wait, the lock's lane who held it and who queued") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto lock = m.object(format::ObjectKind::Mutex, "L");
  m.start(a);
  m.start(b);
  const auto a_locks = m.add(a, format::EventKind::MutexAcquired, lock, 1);
  const auto b_waits = m.add(b, format::EventKind::MutexLockBegin, lock);
  const auto a_unlocks = m.add(a, format::EventKind::MutexReleased, lock, 0);
  const auto b_gets = m.add({b, format::EventKind::MutexAcquired, lock, 1, format::kFlagContended, 0, false});
  const auto b_unlocks = m.add(b, format::EventKind::MutexReleased, lock, 0);
  const Timeline tl = layout(m);

  REQUIRE(tl.lanes.size() == 3);  // two threads, one lock
  CHECK(tl.lanes[a].kind == LaneKind::Thread);
  CHECK(tl.lanes[a].label == "A");
  CHECK(tl.lanes[a].spans.spans.empty());  // A never waited
  REQUIRE(tl.lanes[b].spans.spans.size() == 1);
  const Span& wait = tl.lanes[b].spans.spans[0];
  CHECK(wait.state == State::Lock);
  CHECK(wait.object == lock);
  CHECK(wait.begin_event == b_waits);
  CHECK(wait.end_event == b_gets);
  CHECK(static_cast<double>(wait.begin_ns) == time_of(m, b_waits));
  CHECK(static_cast<double>(wait.end_ns) == time_of(m, b_gets));

  const Lane& l = tl.lanes[tl.lane_of_object(lock)];
  CHECK(l.kind == LaneKind::Lock);
  CHECK(l.label == "mutex L");
  REQUIRE(l.spans.spans.size() == 2);
  CHECK(l.spans.spans[0].who == a);
  CHECK(l.spans.spans[0].begin_event == a_locks);
  CHECK(l.spans.spans[0].end_event == a_unlocks);
  CHECK(l.spans.spans[1].who == b);
  CHECK(l.spans.spans[1].end_event == b_unlocks);
  // One waiter queued from B's attempt until it got the lock (the series
  // starts at 0 where it is first needed).
  REQUIRE(l.series.steps.size() == 3);
  CHECK(l.series.steps[0].value == 0);
  CHECK(l.series.steps[1].value == 1);
  CHECK(l.series.steps[1].event == b_waits);
  CHECK(l.series.steps[2].value == 0);
  CHECK(l.series.steps[2].event == b_gets);
  CHECK(l.series.peak == 1);
}

TEST_CASE("marks and logs are ticks, a wait still open at the end lasts to the end of the trace") {
  TraceMaker m;
  const auto a = m.thread("A"), b = m.thread("B");
  const auto cond = m.object(format::ObjectKind::Condition, "c");
  const auto lock = m.object(format::ObjectKind::Mutex, "L");
  m.start(a);
  m.start(b);
  m.t.texts = {"hello", "step"};
  const auto mark = m.add(a, format::EventKind::Mark, 0, 0);
  const auto log = m.add(a, format::EventKind::Log, 0, 1);
  m.lock(b, lock);
  const auto wait = m.add(b, format::EventKind::CondWaitBegin, cond, lock);
  m.add({b, format::EventKind::MutexReleased, lock, 0, format::kFlagCondition, 0, false});
  const auto last = m.add(a, format::EventKind::SleepBegin, 0, 100);
  const Timeline tl = layout(m);

  REQUIRE(tl.lanes[a].ticks.size() == 2);
  CHECK(tl.lanes[a].ticks[0].event == mark);
  CHECK_FALSE(tl.lanes[a].ticks[0].log);
  CHECK(tl.lanes[a].ticks[1].event == log);
  CHECK(tl.lanes[a].ticks[1].log);
  REQUIRE(tl.lanes[b].spans.spans.size() == 1);
  const Span& w = tl.lanes[b].spans.spans[0];
  CHECK(w.state == State::Condition);
  CHECK(w.begin_event == wait);
  CHECK(w.end_event == kNoEvent);
  CHECK(w.end_ns == tl.end_ns);
  CHECK(static_cast<double>(tl.end_ns) == time_of(m, last));
  // A's sleep began at the last event: a span of zero length, still there.
  REQUIRE(tl.lanes[a].spans.spans.size() == 1);
  CHECK(tl.lanes[a].spans.spans[0].state == State::Sleep);
  // The condition released the lock: its hold ended there.
  const Lane& l = tl.lanes[tl.lane_of_object(lock)];
  REQUIRE(l.spans.spans.size() == 1);
  CHECK(l.spans.spans[0].end_event == wait + 1);
}

TEST_CASE("queue depth and semaphore value lanes follow puts, gets, acquires and releases, from their start value") {
  TraceMaker m;
  const auto p = m.thread("producer"), c = m.thread("consumer");
  const auto q = m.object(format::ObjectKind::Queue, "jobs");
  const auto s = m.object(format::ObjectKind::Semaphore, "slots");
  m.t.objects[s].extra = 3;  // its initial value
  m.start(p);
  m.start(c);
  m.add(p, format::EventKind::QueuePut, q, 1);
  m.add(p, format::EventKind::QueuePut, q, 2);
  m.add(c, format::EventKind::QueueGet, q, 1);
  m.add(c, format::EventKind::SemAcquired, s, 2);
  m.add(c, format::EventKind::SemAcquired, s, 1);
  m.add({p, format::EventKind::SemReleased, s, 3, format::kFlagRejected, 0, true});  // refused: no change
  m.add(p, format::EventKind::SemReleased, s, 2);
  const Timeline tl = layout(m);

  const Lane& ql = tl.lanes[tl.lane_of_object(q)];
  CHECK(ql.kind == LaneKind::Queue);
  std::vector<std::int64_t> depth;
  for (const Step& st : ql.series.steps) depth.push_back(st.value);
  CHECK(depth == std::vector<std::int64_t>{0, 1, 2, 1});  // empty at first
  CHECK(ql.series.peak == 2);

  const Lane& sl = tl.lanes[tl.lane_of_object(s)];
  CHECK(sl.kind == LaneKind::Semaphore);
  std::vector<std::int64_t> value;
  for (const Step& st : sl.series.steps) value.push_back(st.value);
  CHECK(value == std::vector<std::int64_t>{3, 2, 1, 2});  // its initial value first
  // Object lanes come after every thread lane, locks first, then queues.
  CHECK(tl.lane_of_object(q) == 2);
  CHECK(tl.lane_of_object(s) == 3);
  // An object with no events of its own has no lane.
  CHECK(tl.lane_of_object(m.thread_object(p)) == tl.lanes.size());
}

TEST_CASE("first_event_at finds events by time even when times step back across threads") {
  TraceMaker m;
  const auto a = m.thread("A");
  m.start(a);
  for (int k = 0; k < 5; ++k) m.add(a, format::EventKind::Mark, 0, 0);
  m.t.texts = {"x"};
  m.t.events.modify(2, [](format::Event& e) { e.time_ns = 500; });  // earlier than event 1 (2000): a clock read late
  const Timeline tl = layout(m);
  CHECK(tl.time_prefix_max[2] == 2000);
  CHECK(tl.first_event_at(0) == 0);
  CHECK(tl.first_event_at(2500) == 3);
  CHECK(tl.first_event_at(1'000'000) == m.t.events.size());
}
