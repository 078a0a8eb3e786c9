// The causal edges (analysis/causality.hpp) on hand-built traces: one test
// per primitive, each stating the events and exactly the edges they make.
#include <catch2/catch.hpp>

#include "trace_maker.hpp"
#include "weft/analysis/causality.hpp"

using weft::analysis::causal_edges;
using weft::analysis::CausalEdge;
using weft::analysis::CausalKind;
using weft::analysis::unblocker;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;
namespace format = weft::format;

namespace {

// Edges compared as plain tuples, so that a failure prints them.
using Edge = std::tuple<std::uint64_t, std::uint64_t, std::string_view, bool>;
std::vector<Edge> edges_of(const TraceMaker& tm) {
  std::vector<Edge> out;
  for (const CausalEdge& e : causal_edges(tm.t))
    out.emplace_back(e.from, e.to, weft::analysis::causal_kind_name(e.kind), e.unblocked);
  return out;
}

constexpr auto kNotified = static_cast<std::uint64_t>(format::WakeReason::Notified);
constexpr auto kTimedOut = static_cast<std::uint64_t>(format::WakeReason::Timeout);

struct Two {
  TraceMaker tm;
  std::uint32_t a = tm.thread("A"), b = tm.thread("B");
};

}  // namespace

TEST_CASE("unlock -> acquire links a release to the next acquisition by another thread", "[causality]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "lock_X");
  s.tm.lock(s.a, m);
  const auto waits = s.tm.add(s.b, EventKind::MutexLockBegin, m);
  const auto released = s.tm.add(s.a, EventKind::MutexReleased, m, 0);
  const auto acquired = s.tm.add({s.b, EventKind::MutexAcquired, m, 1, format::kFlagContended});
  (void)waits;
  CHECK(edges_of(s.tm) == std::vector<Edge>{{released, acquired, "unlock", true}});
}

TEST_CASE("unlock -> acquire: not unblocked when the acquirer did not wait, no edge on one thread", "[causality]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "lock_X");
  s.tm.lock(s.a, m);
  s.tm.unlock(s.a, m);
  s.tm.lock(s.a, m);  // the same thread again: program order, not an edge
  const auto released = s.tm.add(s.a, EventKind::MutexReleased, m, 0);
  const auto acquired = s.tm.add(s.b, EventKind::MutexAcquired, m, 1);
  CHECK(edges_of(s.tm) == std::vector<Edge>{{released, acquired, "unlock", false}});
}

TEST_CASE("unlock -> acquire: a contended acquisition whose lock.begin was recorded after the release is unblocked",
          "[causality]") {
  // The slow path began while A held the lock; its lock.begin may still be
  // ordered after A's release. The Contended flag says it waited.
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "lock_X");
  s.tm.lock(s.a, m);
  const auto released = s.tm.add(s.a, EventKind::MutexReleased, m, 0);
  s.tm.add(s.b, EventKind::MutexLockBegin, m);
  const auto acquired = s.tm.add({s.b, EventKind::MutexAcquired, m, 1, format::kFlagContended});
  CHECK(edges_of(s.tm) == std::vector<Edge>{{released, acquired, "unlock", true}});
}

TEST_CASE("unlock -> acquire: a misuse release that was refused (no sequence) releases nobody", "[causality]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "lock_X");
  s.tm.add({s.a, EventKind::MutexReleased, m, 0, format::kFlagNotOwner, 0, true});
  s.tm.lock(s.b, m);
  CHECK(edges_of(s.tm).empty());
}

TEST_CASE("notify -> wake, and the mutex a condition wait gives up and takes back", "[causality]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "turn_lock");
  const auto c = s.tm.object(ObjectKind::Condition, "turn_changed");
  s.tm.lock(s.a, m);
  s.tm.add(s.a, EventKind::CondWaitBegin, c, m);
  const auto gave_up = s.tm.add({s.a, EventKind::MutexReleased, m, 0, format::kFlagCondition});
  const auto b_locks = s.tm.add(s.b, EventKind::MutexAcquired, m, 1);
  const auto notify = s.tm.add(s.b, EventKind::CondNotifyOne, c, 1);
  const auto b_unlocks = s.tm.add(s.b, EventKind::MutexReleased, m, 0);
  const auto took_back = s.tm.add({s.a, EventKind::MutexAcquired, m, 1, format::kFlagCondition});
  const auto woke = s.tm.add(s.a, EventKind::CondWaitEnd, c, kNotified);
  CHECK(edges_of(s.tm) == std::vector<Edge>{{gave_up, b_locks, "unlock", false},
                                            {b_unlocks, took_back, "unlock", true},
                                            {notify, woke, "notify", true}});
  const auto edges = causal_edges(s.tm.t);
  REQUIRE(unblocker(edges, woke));
  CHECK(unblocker(edges, woke)->from == notify);
}

TEST_CASE("a condition wait that timed out was woken by nobody", "[causality]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "turn_lock");
  const auto c = s.tm.object(ObjectKind::Condition, "turn_changed");
  s.tm.add(s.b, EventKind::CondNotifyAll, c, 0);  // before anyone waits
  s.tm.lock(s.a, m);
  s.tm.add({s.a, EventKind::CondWaitBegin, c, m, format::kFlagTimed});
  s.tm.add({s.a, EventKind::MutexReleased, m, 0, format::kFlagCondition});
  s.tm.add({s.a, EventKind::MutexAcquired, m, 1, format::kFlagCondition});
  const auto woke = s.tm.add({s.a, EventKind::CondWaitEnd, c, kTimedOut, format::kFlagTimed});
  CHECK(edges_of(s.tm).empty());
  CHECK_FALSE(unblocker(causal_edges(s.tm.t), woke));
}

TEST_CASE("semaphore: the initial permits give no edge, a released one does", "[causality]") {
  Two s;
  const auto sem = s.tm.object(ObjectKind::Semaphore, "slots");
  s.tm.t.objects[sem].extra = 1;  // initial value
  s.tm.add(s.a, EventKind::SemAcquired, sem, 0);  // the initial permit
  s.tm.add(s.b, EventKind::SemAcquireBegin, sem);
  const auto released = s.tm.add(s.a, EventKind::SemReleased, sem, 1);
  const auto acquired = s.tm.add({s.b, EventKind::SemAcquired, sem, 0, format::kFlagContended});
  CHECK(edges_of(s.tm) == std::vector<Edge>{{released, acquired, "release", true}});
}

TEST_CASE("semaphore: initial permits are taken before released ones", "[causality]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B"), c = tm.thread("C");
  const auto sem = tm.object(ObjectKind::Semaphore, "slots");
  tm.t.objects[sem].extra = 2;
  tm.add(a, EventKind::SemAcquired, sem, 1);    // initial permit 1
  const auto released = tm.add(a, EventKind::SemReleased, sem, 2);
  tm.add(b, EventKind::SemAcquired, sem, 1);    // initial permit 2: needed nobody
  const auto third = tm.add(c, EventKind::SemAcquired, sem, 0);  // A's permit
  CHECK(edges_of(tm) == std::vector<Edge>{{released, third, "release", false}});
}

TEST_CASE("semaphore: a release of several permits releases as many acquirers", "[causality]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B"), c = tm.thread("C"), d = tm.thread("D");
  const auto sem = tm.object(ObjectKind::Semaphore, "signal");  // initial value 0
  tm.add(b, EventKind::SemAcquireBegin, sem);
  tm.add(c, EventKind::SemAcquireBegin, sem);
  const auto released = tm.add(a, EventKind::SemReleased, sem, 2);  // release(2)
  const auto b_got = tm.add({b, EventKind::SemAcquired, sem, 1, format::kFlagContended});
  const auto c_got = tm.add({c, EventKind::SemAcquired, sem, 0, format::kFlagContended});
  tm.add(d, EventKind::SemAcquireBegin, sem);  // nothing left for D
  CHECK(edges_of(tm) ==
        std::vector<Edge>{{released, b_got, "release", true}, {released, c_got, "release", true}});
}

TEST_CASE("semaphore: a rejected over-release (no sequence) gives no permit", "[causality]") {
  Two s;
  const auto sem = s.tm.object(ObjectKind::BoundedSemaphore, "pool");
  s.tm.add({s.a, EventKind::SemReleased, sem, 0, format::kFlagRejected, 0, true});
  s.tm.add(s.b, EventKind::SemAcquireBegin, sem);
  CHECK(edges_of(s.tm).empty());
}

TEST_CASE("barrier: the last arrival of a generation lets each waiter of it leave", "[causality]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B"), c = tm.thread("C");
  const auto bar = tm.object(ObjectKind::Barrier, "start_line");
  const auto gen = [](std::uint64_t g, std::uint64_t i) { return g << 32 | i; };
  tm.add(a, EventKind::BarrierArrive, bar, gen(0, 0));
  tm.add(b, EventKind::BarrierArrive, bar, gen(0, 1));
  const auto last = tm.add(c, EventKind::BarrierArrive, bar, gen(0, 2));
  tm.add(c, EventKind::BarrierLeave, bar, gen(0, 2));  // the last one's own leave: same thread
  const auto a_leaves = tm.add(a, EventKind::BarrierLeave, bar, gen(0, 0));
  const auto b_leaves = tm.add(b, EventKind::BarrierLeave, bar, gen(0, 1));
  // Generation 1 breaks: a broken leave is no edge.
  tm.add(a, EventKind::BarrierArrive, bar, gen(1, 0));
  tm.add(b, EventKind::BarrierAbort, bar, 1);
  tm.add({a, EventKind::BarrierLeave, bar, gen(1, 0), format::kFlagBroken, 0, true});
  CHECK(edges_of(tm) == std::vector<Edge>{{last, a_leaves, "barrier", true}, {last, b_leaves, "barrier", true}});
}

TEST_CASE("event: set -> the waits that saw it set, a clear or a timeout ends that", "[causality]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B"), c = tm.thread("C");
  const auto ev = tm.object(ObjectKind::Event, "ready");
  tm.add(a, EventKind::EventWaitBegin, ev);
  const auto set = tm.add(b, EventKind::EventSet, ev, 1);
  const auto a_sees = tm.add(a, EventKind::EventWaitEnd, ev, 1);
  const auto c_sees = tm.add(c, EventKind::EventWaitEnd, ev, 1);  // already set: did not wait
  tm.add(b, EventKind::EventClear, ev);
  tm.add({c, EventKind::EventWaitBegin, ev, 0, format::kFlagTimed});
  tm.add({c, EventKind::EventWaitEnd, ev, 0, format::kFlagTimed, 0, true});  // timed out
  CHECK(edges_of(tm) == std::vector<Edge>{{set, a_sees, "set", true}, {set, c_sees, "set", false}});
}

TEST_CASE("queue: put -> get of the same item, by item id and queue", "[causality]") {
  Two s;
  const auto q = s.tm.object(ObjectKind::Queue, "urls");
  const auto r = s.tm.object(ObjectKind::Queue, "results");
  const auto put7 = s.tm.add(s.a, EventKind::QueuePut, q, 7);
  const auto put8 = s.tm.add(s.a, EventKind::QueuePut, q, 8);
  const auto other7 = s.tm.add(s.a, EventKind::QueuePut, r, 7);  // same id, another queue
  s.tm.add(s.b, EventKind::QueueGetBegin, r);
  const auto get8 = s.tm.add(s.b, EventKind::QueueGet, q, 8);
  const auto get7 = s.tm.add(s.b, EventKind::QueueGet, q, 7);
  CHECK(edges_of(s.tm) == std::vector<Edge>{{put8, get8, "item", false}, {put7, get7, "item", false}});
  (void)other7;
}

TEST_CASE("queue: a get that waited for the item was unblocked by its put", "[causality]") {
  Two s;
  const auto q = s.tm.object(ObjectKind::Queue, "urls");
  s.tm.add(s.b, EventKind::QueueGetBegin, q);
  const auto put = s.tm.add(s.a, EventKind::QueuePut, q, 0);
  const auto get = s.tm.add({s.b, EventKind::QueueGet, q, 0, format::kFlagContended});
  CHECK(edges_of(s.tm) == std::vector<Edge>{{put, get, "item", true}});
}

TEST_CASE("queue: the last task_done -> join", "[causality]") {
  Two s;
  const auto q = s.tm.object(ObjectKind::Queue, "jobs");
  s.tm.add(s.a, EventKind::QueueJoinBegin, q);
  s.tm.add(s.b, EventKind::QueueTaskDone, q, 1);
  const auto last = s.tm.add(s.b, EventKind::QueueTaskDone, q, 0);
  const auto joined = s.tm.add(s.a, EventKind::QueueJoinEnd, q);
  CHECK(edges_of(s.tm) == std::vector<Edge>{{last, joined, "task_done", true}});
}

TEST_CASE("threads: create -> start and end -> join, a timed-out join joined nothing", "[causality]") {
  TraceMaker tm;
  const auto main = tm.thread("main", format::kThreadMain);
  const auto w = tm.thread("worker");
  const auto x = tm.thread("slow");
  tm.start(main);
  const auto created = tm.add(main, EventKind::ThreadCreate, tm.thread_object(w), w);
  const auto started = tm.add(w, EventKind::ThreadStart, tm.thread_object(w), 1234);
  tm.spawn(main, x);
  tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(w), w);
  const auto ended = tm.add(w, EventKind::ThreadEnd, tm.thread_object(w));
  const auto joined = tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(w), 1);
  tm.add({main, EventKind::ThreadJoinBegin, tm.thread_object(x), x, format::kFlagTimed});
  tm.add({main, EventKind::ThreadJoinEnd, tm.thread_object(x), 0, format::kFlagTimed, 0, true});
  const auto edges = edges_of(tm);
  REQUIRE(edges.size() == 3);  // both starts, one join
  CHECK(edges[0] == Edge{created, started, "start", false});
  CHECK(std::get<2>(edges[1]) == "start");
  CHECK(edges[2] == Edge{ended, joined, "join", true});
}

TEST_CASE("thread pool: submit -> task start, task end -> result and callbacks", "[causality]") {
  TraceMaker tm;
  const auto main = tm.thread("main"), worker = tm.thread("pool-worker-0"), other = tm.thread("other");
  const auto pool = tm.object(ObjectKind::ThreadPool, "pool");
  const auto f = tm.object(ObjectKind::Future, "pool.task-0");
  const auto submit = tm.add(main, EventKind::PoolSubmit, pool, f);
  const auto start = tm.add(worker, EventKind::TaskStart, f);
  tm.add(main, EventKind::FutureWaitBegin, f);
  const auto end = tm.add(worker, EventKind::TaskEnd, f, 0);
  const auto result = tm.add(main, EventKind::FutureWaitEnd, f, 1);
  const auto later = tm.add(other, EventKind::FutureWaitEnd, f, 1);  // already done
  const auto callback = tm.add(main, EventKind::FutureCallback, f);
  CHECK(edges_of(tm) == std::vector<Edge>{{submit, start, "submit", false},
                                          {end, result, "result", true},
                                          {end, later, "result", false},
                                          {end, callback, "result", false}});
}

TEST_CASE("futures: a cancel in time releases the waiters, a cancel too late does not", "[causality]") {
  TraceMaker tm;
  const auto main = tm.thread("main"), worker = tm.thread("worker"), waiter = tm.thread("waiter");
  const auto other = tm.thread("other");
  const auto early = tm.object(ObjectKind::Future, "early");
  const auto late = tm.object(ObjectKind::Future, "late");

  tm.add(waiter, EventKind::FutureWaitBegin, early);
  const auto cancel = tm.add(main, EventKind::FutureCancel, early, 1);
  const auto released = tm.add(waiter, EventKind::FutureWaitEnd, early, 1);
  tm.add(worker, EventKind::TaskEnd, early, static_cast<std::uint64_t>(format::TaskOutcome::Cancelled));  // skipped
  const auto again = tm.add(other, EventKind::FutureWaitEnd, early, 1);  // already settled: did not wait

  const auto ended = tm.add(worker, EventKind::TaskEnd, late, 0);
  tm.add(main, EventKind::FutureCancel, late, 0);  // too late: settled nothing
  const auto got = tm.add(waiter, EventKind::FutureWaitEnd, late, 1);

  CHECK(edges_of(tm) == std::vector<Edge>{{cancel, released, "result", true},
                                          {cancel, again, "result", false},
                                          {ended, got, "result", false}});
}

TEST_CASE("timer: start -> fire on the timer's thread", "[causality]") {
  Two s;
  const auto timer = s.tm.object(ObjectKind::Timer, "tick");
  const auto start = s.tm.add(s.a, EventKind::TimerStart, timer, 1'000'000);
  const auto fire = s.tm.add(s.b, EventKind::TimerFire, timer);
  s.tm.add(s.b, EventKind::TimerDone, timer);
  CHECK(edges_of(s.tm) == std::vector<Edge>{{start, fire, "fire", false}});
}

TEST_CASE("edges are ordered by their target, then their source", "[causality]") {
  TraceMaker tm;
  const auto a = tm.thread("A"), b = tm.thread("B"), c = tm.thread("C");
  const auto bar = tm.object(ObjectKind::Barrier, "b");
  const auto q = tm.object(ObjectKind::Queue, "q");
  const auto put = tm.add(a, EventKind::QueuePut, q, 1);
  tm.add(a, EventKind::BarrierArrive, bar, 0);
  const auto last = tm.add(b, EventKind::BarrierArrive, bar, 1);
  const auto got = tm.add(c, EventKind::QueueGet, q, 1);
  const auto leave = tm.add(a, EventKind::BarrierLeave, bar, 0);
  const auto edges = causal_edges(tm.t);
  REQUIRE(edges.size() == 2);
  CHECK(edges[0].from == put);
  CHECK(edges[0].to == got);
  CHECK(edges[1].from == last);
  CHECK(edges[1].to == leave);
}

TEST_CASE("unblocker() answers only for a blocked event", "[causality]") {
  Two s;
  const auto m = s.tm.object(ObjectKind::Mutex, "lock_X");
  s.tm.lock(s.a, m);
  s.tm.add(s.b, EventKind::MutexLockBegin, m);
  const auto released = s.tm.add(s.a, EventKind::MutexReleased, m, 0);
  const auto blocked = s.tm.add({s.b, EventKind::MutexAcquired, m, 1, format::kFlagContended});
  s.tm.unlock(s.b, m);
  const auto free = s.tm.add(s.a, EventKind::MutexAcquired, m, 1);  // an edge, but A did not wait
  const auto edges = causal_edges(s.tm.t);
  REQUIRE(edges.size() == 2);
  const auto u = unblocker(edges, blocked);
  REQUIRE(u);
  CHECK(u->from == released);
  CHECK(u->kind == CausalKind::Unlock);
  CHECK_FALSE(unblocker(edges, free));
  CHECK_FALSE(unblocker(edges, released));  // not the target of any edge
  CHECK_FALSE(unblocker({}, blocked));
}

TEST_CASE("every causal kind has a name", "[causality]") {
  using weft::analysis::causal_kind_name;
  for (int k = static_cast<int>(CausalKind::Unlock); k <= static_cast<int>(CausalKind::TimerFire); ++k)
    CHECK(causal_kind_name(static_cast<CausalKind>(k)) != "?");
  CHECK(causal_kind_name(CausalKind::Unlock) == "unlock");
  CHECK(causal_kind_name(CausalKind::QueueItem) == "item");
}
