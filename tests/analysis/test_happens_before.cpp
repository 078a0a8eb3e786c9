// Happens-before (analysis/happens_before.hpp) on hand-built traces: each
// primitive's release orders what came before it with what follows its
// acquire, and nothing else does; and every causal edge is a
// happens-before edge (hb_property.hpp).
#include <catch2/catch.hpp>

#include "hb_property.hpp"
#include "trace_maker.hpp"
#include "weft/analysis/happens_before.hpp"

using weft::analysis::HappensBefore;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;
namespace format = weft::format;

namespace {

// Whether event `a` happens before event `b` (a before b in the trace).
bool ordered(const TraceMaker& tm, std::uint64_t a, std::uint64_t b) {
  HappensBefore hb(tm.t);
  weft::analysis::Epoch at_a;
  for (std::uint64_t i = 0; i <= b; ++i) {
    if (i == a) hb.keep(at_a = hb.now(tm.t.events[a].thread));
    hb.step(i, tm.t.events[i]);
  }
  return hb.ordered_before(at_a, tm.t.events[b].thread);
}

struct Two {
  TraceMaker tm;
  std::uint32_t a = tm.thread("A"), b = tm.thread("B");
  std::uint32_t var = tm.object(ObjectKind::Shared, "x");
  // A writes, then does `release`; B does `acquire`, then reads.
  std::uint64_t a_writes = 0;
  std::uint64_t mark_a() { return a_writes = tm.add(a, EventKind::SharedWrite, var); }
  std::uint64_t b_reads() { return tm.add(b, EventKind::SharedRead, var); }
};

constexpr auto kNotified = static_cast<std::uint64_t>(format::WakeReason::Notified);
constexpr auto kTimedOut = static_cast<std::uint64_t>(format::WakeReason::Timeout);

}  // namespace

TEST_CASE("happens-before: program order, and nothing across threads without synchronization", "[hb]") {
  Two s;
  const auto w1 = s.mark_a();
  const auto w2 = s.tm.add(s.a, EventKind::SharedWrite, s.var);
  const auto r = s.b_reads();
  CHECK(ordered(s.tm, w1, w2));
  CHECK_FALSE(ordered(s.tm, w1, r));
}

TEST_CASE("happens-before: a mutex's unlock before the next lock, a refused unlock releases nothing", "[hb]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "L");
  s.tm.lock(s.a, m);
  const auto w = s.mark_a();
  s.tm.add({s.a, EventKind::MutexReleased, m, 0, format::kFlagNotOwner, 0, true});  // refused: no sequence
  const auto r1 = s.b_reads();
  CHECK_FALSE(ordered(s.tm, w, r1));
  s.tm.unlock(s.a, m);
  s.tm.lock(s.b, m);
  const auto r2 = s.b_reads();
  CHECK(ordered(s.tm, w, r2));
}

TEST_CASE("happens-before: a shared mutex orders a reader's unlock before a writer's lock", "[hb]") {
  Two s;
  const auto rw = s.tm.object(ObjectKind::SharedMutex, "table");
  s.tm.add(s.a, EventKind::MutexAcquiredShared, rw, 1);
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::MutexReleasedShared, rw, 0);
  s.tm.add(s.b, EventKind::MutexAcquired, rw, 1);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: a notification reaches a wait it woke, not one that timed out", "[hb]") {
  Two s;
  const auto c = s.tm.object(ObjectKind::Condition, "C");
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::CondNotifyAll, c, 1);
  s.tm.add(s.b, EventKind::CondWaitEnd, c, kTimedOut);
  const auto r1 = s.b_reads();
  CHECK_FALSE(ordered(s.tm, w, r1));
  s.tm.add(s.b, EventKind::CondWaitEnd, c, kNotified);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: a semaphore's release before an acquire, a rejected release releases nothing", "[hb]") {
  Two s;
  const auto sem = s.tm.object(ObjectKind::BoundedSemaphore, "S");
  const auto w = s.mark_a();
  s.tm.add({s.a, EventKind::SemReleased, sem, 1, format::kFlagRejected, 0, true});
  s.tm.add(s.b, EventKind::SemAcquired, sem, 0);
  const auto r1 = s.b_reads();
  CHECK_FALSE(ordered(s.tm, w, r1));
  s.tm.add(s.a, EventKind::SemReleased, sem, 1);
  s.tm.add(s.b, EventKind::SemAcquired, sem, 0);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: every arrival of a barrier's generation before its departures, not the next's", "[hb]") {
  Two s;
  const auto bar = s.tm.object(ObjectKind::Barrier, "B");
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::BarrierArrive, bar, format::barrier_position(1, 0));
  s.tm.add(s.b, EventKind::BarrierArrive, bar, format::barrier_position(0, 0));
  s.tm.add(s.b, EventKind::BarrierLeave, bar, format::barrier_position(0, 0));  // generation 0: A was not in it
  const auto r1 = s.b_reads();
  CHECK_FALSE(ordered(s.tm, w, r1));
  s.tm.add(s.b, EventKind::BarrierArrive, bar, format::barrier_position(1, 1));
  s.tm.add(s.b, EventKind::BarrierLeave, bar, format::barrier_position(1, 1));
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: an event's set before a wait or is_set that saw it set, not one that did not", "[hb]") {
  Two s;
  const auto ev = s.tm.object(ObjectKind::Event, "E");
  s.tm.add(s.b, EventKind::EventIsSet, ev, 0);
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::EventSet, ev, 0);
  s.tm.add({s.b, EventKind::EventWaitEnd, ev, 0, format::kFlagTimed, 0, true});  // timed out before the set
  const auto r1 = s.b_reads();
  CHECK_FALSE(ordered(s.tm, w, r1));
  s.tm.add(s.b, EventKind::EventIsSet, ev, 1);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: a queue item's put before its own get, not another item's", "[hb]") {
  Two s;
  const auto q = s.tm.object(ObjectKind::Queue, "Q");
  s.tm.add(s.b, EventKind::QueuePut, q, 1);
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::QueuePut, q, 2);
  s.tm.add(s.b, EventKind::QueueGet, q, 1);
  const auto r1 = s.b_reads();
  CHECK_FALSE(ordered(s.tm, w, r1));
  s.tm.add(s.b, EventKind::QueueGet, q, 2);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: task_done before the queue's join", "[hb]") {
  Two s;
  const auto q = s.tm.object(ObjectKind::Queue, "Q");
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::QueueTaskDone, q, 0);
  s.tm.add(s.b, EventKind::QueueJoinEnd, q, 0);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("happens-before: a thread's creation before its start, its end before a join that joined it", "[hb]") {
  TraceMaker tm;
  const auto main = tm.thread("main"), child = tm.thread("child");
  const auto var = tm.object(ObjectKind::Shared, "x");
  const auto before = tm.add(main, EventKind::SharedWrite, var);
  tm.spawn(main, child);
  tm.start(child);
  const auto in_child = tm.add(child, EventKind::SharedWrite, var);
  CHECK(ordered(tm, before, in_child));
  tm.add({main, EventKind::ThreadJoinEnd, tm.thread_object(child), 0, format::kFlagTimed, 0, true});  // timed out
  const auto r1 = tm.add(main, EventKind::SharedRead, var);
  CHECK_FALSE(ordered(tm, in_child, r1));
  tm.add(child, EventKind::ThreadEnd, tm.thread_object(child));
  tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(child), 1);
  CHECK(ordered(tm, in_child, tm.add(main, EventKind::SharedRead, var)));
}

TEST_CASE("happens-before: a pool's submit before the task, its end before the result, a late cancel settles nothing",
          "[hb]") {
  Two s;
  const auto pool = s.tm.object(ObjectKind::ThreadPool, "P");
  const auto fut = s.tm.object(ObjectKind::Future, "task");
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::PoolSubmit, pool, fut);
  s.tm.add(s.b, EventKind::TaskStart, fut);
  CHECK(ordered(s.tm, w, s.b_reads()));

  const auto in_task = s.tm.add(s.b, EventKind::SharedWrite, s.var);
  s.tm.add(s.a, EventKind::FutureCancel, fut, 0);  // too late: it runs
  s.tm.add(s.a, EventKind::FutureWaitEnd, fut, 1);  // (a hand-built trace: no end yet)
  const auto r1 = s.tm.add(s.a, EventKind::SharedRead, s.var);
  CHECK_FALSE(ordered(s.tm, in_task, r1));
  s.tm.add(s.b, EventKind::TaskEnd, fut, 0);
  s.tm.add(s.a, EventKind::FutureWaitEnd, fut, 1);
  CHECK(ordered(s.tm, in_task, s.tm.add(s.a, EventKind::SharedRead, s.var)));
}

TEST_CASE("happens-before: a timer's start before its callback", "[hb]") {
  Two s;
  const auto timer = s.tm.object(ObjectKind::Timer, "T");
  const auto w = s.mark_a();
  s.tm.add(s.a, EventKind::TimerStart, timer, 1000);
  s.tm.add(s.b, EventKind::TimerFire, timer);
  CHECK(ordered(s.tm, w, s.b_reads()));
}

TEST_CASE("every causal edge is a happens-before edge, on a trace of every primitive", "[hb][causality]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B"), c = tm.thread("C");
  const auto m = tm.object(ObjectKind::Mutex, "L");
  const auto cv = tm.object(ObjectKind::Condition, "C");
  const auto sem = tm.object(ObjectKind::Semaphore, "S");
  const auto bar = tm.object(ObjectKind::Barrier, "B");
  const auto ev = tm.object(ObjectKind::Event, "E");
  const auto q = tm.object(ObjectKind::Queue, "Q");
  const auto pool = tm.object(ObjectKind::ThreadPool, "P");
  const auto fut = tm.object(ObjectKind::Future, "F");
  const auto timer = tm.object(ObjectKind::Timer, "T");
  tm.start(a);
  tm.spawn(a, b);
  tm.start(b);
  tm.spawn(a, c);
  tm.start(c);
  tm.lock(a, m);
  tm.add(b, EventKind::MutexLockBegin, m);
  tm.add(a, EventKind::CondWaitBegin, cv, m);
  tm.add({a, EventKind::MutexReleased, m, 0, format::kFlagCondition});
  tm.add({b, EventKind::MutexAcquired, m, 1, format::kFlagContended});
  tm.add(b, EventKind::CondNotifyOne, cv, 1);
  tm.unlock(b, m);
  tm.add({a, EventKind::MutexAcquired, m, 1, format::kFlagCondition});
  tm.add(a, EventKind::CondWaitEnd, cv, kNotified);
  tm.unlock(a, m);
  tm.add(c, EventKind::SemAcquireBegin, sem);
  tm.add(b, EventKind::SemReleased, sem, 1);
  tm.add({c, EventKind::SemAcquired, sem, 0, format::kFlagContended});
  tm.add(a, EventKind::BarrierArrive, bar, format::barrier_position(0, 0));
  tm.add(b, EventKind::BarrierArrive, bar, format::barrier_position(0, 1));
  tm.add(b, EventKind::BarrierLeave, bar, format::barrier_position(0, 1));
  tm.add(a, EventKind::BarrierLeave, bar, format::barrier_position(0, 0));
  tm.add(c, EventKind::EventWaitBegin, ev);
  tm.add(a, EventKind::EventSet, ev, 1);
  tm.add(c, EventKind::EventWaitEnd, ev, 1);
  tm.add(b, EventKind::EventIsSet, ev, 1);
  tm.add(a, EventKind::QueuePut, q, 1);
  tm.add(b, EventKind::QueueGet, q, 1);
  tm.add(b, EventKind::QueueTaskDone, q, 0);
  tm.add(a, EventKind::QueueJoinEnd, q);
  tm.add(a, EventKind::PoolSubmit, pool, fut);
  tm.add(c, EventKind::TaskStart, fut);
  tm.add(c, EventKind::TaskEnd, fut, 0);
  tm.add(a, EventKind::FutureWaitEnd, fut, 1);
  tm.add(b, EventKind::FutureCallback, fut);
  tm.add(a, EventKind::TimerStart, timer, 100);
  tm.add(c, EventKind::TimerFire, timer);
  tm.add(b, EventKind::ThreadEnd, tm.thread_object(b));
  tm.add(a, EventKind::ThreadJoinEnd, tm.thread_object(b), 1);
  const auto edges = weft::analysis::causal_edges(tm.t);
  CHECK(edges.size() >= 14);  // one at least per primitive
  const auto missing = weft::test::causal_edges_not_in_happens_before(tm.t);
  std::string listed;
  for (const auto& line : missing) listed += "\n  " + line;
  INFO("causal edges that are not happens-before edges:" << listed);
  CHECK(missing.empty());
}
