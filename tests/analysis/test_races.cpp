#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "trace_maker.hpp"
#include "weft/analysis/happens_before.hpp"

using weft::analysis::FindingKind;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

namespace {

struct TwoThreads {
  TraceMaker tm;
  std::uint32_t main = tm.thread("main", weft::format::kThreadMain);
  std::uint32_t a = tm.thread("a");
  std::uint32_t b = tm.thread("b");
  std::uint32_t x = tm.object(ObjectKind::Shared, "x");
  std::uint32_t line_a = tm.site("prog.cpp", 10);
  std::uint32_t line_b = tm.site("prog.cpp", 20);
  TwoThreads() {
    tm.start(main);
    tm.spawn(main, a);
    tm.spawn(main, b);
  }
};

}  // namespace

TEST_CASE("unordered writes from two threads are a race that names both accesses", "[races]") {
  TwoThreads s;
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.write(s.b, s.x, s.line_b);
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  const auto& f = r.findings[0];
  CHECK(f.kind == FindingKind::DataRace);
  CHECK(f.about == "x");
  REQUIRE(f.accesses.size() == 2);
  CHECK(f.accesses[0].thread == s.a);
  CHECK(f.accesses[0].write);
  CHECK(f.accesses[1].thread == s.b);
  CHECK(f.accesses[0].site == s.line_a);
  CHECK(f.accesses[1].site == s.line_b);
  // Each side's last synchronization on the way: its thread.start.
  CHECK(s.tm.t.events[f.accesses[1].last_sync].kind == EventKind::ThreadStart);
  CHECK(f.explanation.find("prog.cpp:10") != std::string::npos);
}

TEST_CASE("reads alone never race, and a thread never races with itself", "[races]") {
  TwoThreads s;
  s.tm.read(s.a, s.x, s.line_a);
  s.tm.read(s.b, s.x, s.line_b);
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.write(s.a, s.x, s.line_a);
  // b's read vs a's later write: a race (read -> write), once.
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK_FALSE(r.findings[0].accesses[0].write);
  CHECK(r.findings[0].accesses[1].write);
}

TEST_CASE("the same lock around both accesses orders them: no race", "[races]") {
  TwoThreads s;
  const auto m = s.tm.object(ObjectKind::Mutex, "m");
  s.tm.lock(s.a, m);
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.unlock(s.a, m);
  s.tm.lock(s.b, m);
  s.tm.write(s.b, s.x, s.line_b);
  s.tm.unlock(s.b, m);
  CHECK(s.tm.check().findings.empty());
}

TEST_CASE("a race hidden behind unrelated locking is still a race", "[races]") {
  // Each thread holds *a* lock, but not the same one: nothing orders them.
  TwoThreads s;
  const auto m1 = s.tm.object(ObjectKind::Mutex, "m1");
  const auto m2 = s.tm.object(ObjectKind::Mutex, "m2");
  s.tm.lock(s.a, m1);
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.unlock(s.a, m1);
  s.tm.lock(s.b, m2);
  s.tm.read(s.b, s.x, s.line_b);
  s.tm.unlock(s.b, m2);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::DataRace, "x"}});
  // The explanation names the unrelated lock as b's last synchronization.
  CHECK(r.findings[0].explanation.find("on m2") != std::string::npos);
}

TEST_CASE("a happens-before edge that only a condition provides", "[races]") {
  TwoThreads s;
  const auto c = s.tm.object(ObjectKind::Condition, "c");
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.add(s.a, EventKind::CondNotifyOne, c, 1);
  s.tm.add(s.b, EventKind::CondWaitEnd, c, static_cast<std::uint64_t>(weft::format::WakeReason::Notified));
  s.tm.read(s.b, s.x, s.line_b);
  CHECK(s.tm.check().findings.empty());

  // A wake by timeout is no edge: the read races.
  TwoThreads t;
  const auto c2 = t.tm.object(ObjectKind::Condition, "c");
  t.tm.write(t.a, t.x, t.line_a);
  t.tm.add(t.a, EventKind::CondNotifyOne, c2, 0);
  t.tm.add(t.b, EventKind::CondWaitEnd, c2, static_cast<std::uint64_t>(weft::format::WakeReason::Timeout));
  t.tm.read(t.b, t.x, t.line_b);
  CHECK(t.tm.check().findings.size() == 1);
}

TEST_CASE("a happens-before edge that only a queue provides: put, then get of the same item", "[races]") {
  TwoThreads s;
  const auto q = s.tm.object(ObjectKind::Queue, "q");
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.add(s.a, EventKind::QueuePut, q, /*item*/ 7);
  s.tm.add(s.b, EventKind::QueueGet, q, 7);
  s.tm.read(s.b, s.x, s.line_b);
  CHECK(s.tm.check().findings.empty());

  // Getting a different item gives no edge with this put.
  TwoThreads t;
  const auto q2 = t.tm.object(ObjectKind::Queue, "q");
  t.tm.add(t.main, EventKind::QueuePut, q2, 1);
  t.tm.write(t.a, t.x, t.line_a);
  t.tm.add(t.a, EventKind::QueuePut, q2, 2);
  t.tm.add(t.b, EventKind::QueueGet, q2, 1);
  t.tm.read(t.b, t.x, t.line_b);
  CHECK(t.tm.check().findings.size() == 1);
}

TEST_CASE("thread start and join order accesses before and after", "[races]") {
  TraceMaker tm;
  const auto main = tm.thread("main");
  const auto child = tm.thread("child");
  const auto x = tm.object(ObjectKind::Shared, "x");
  const auto s1 = tm.site("p.cpp", 1), s2 = tm.site("p.cpp", 2), s3 = tm.site("p.cpp", 3);
  tm.start(main);
  tm.write(main, x, s1);
  tm.spawn(main, child);
  tm.write(child, x, s2);
  tm.add(child, EventKind::ThreadEnd, tm.thread_object(child));
  tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(child), 1);
  tm.read(main, x, s3);
  CHECK(tm.check().findings.empty());
}

TEST_CASE("semaphores, events, barriers and futures provide their edges", "[races]") {
  SECTION("semaphore release -> acquire") {
    TwoThreads s;
    const auto sem = s.tm.object(ObjectKind::Semaphore, "sem");
    s.tm.write(s.a, s.x, s.line_a);
    s.tm.add(s.a, EventKind::SemReleased, sem, 1);
    s.tm.add(s.b, EventKind::SemAcquired, sem, 0);
    s.tm.read(s.b, s.x, s.line_b);
    CHECK(s.tm.check().findings.empty());
  }
  SECTION("event set -> successful wait") {
    TwoThreads s;
    const auto ev = s.tm.object(ObjectKind::Event, "ev");
    s.tm.write(s.a, s.x, s.line_a);
    s.tm.add(s.a, EventKind::EventSet, ev, 1);
    s.tm.add(s.b, EventKind::EventWaitEnd, ev, 1);
    s.tm.read(s.b, s.x, s.line_b);
    CHECK(s.tm.check().findings.empty());
  }
  SECTION("barrier: every arrival before every departure of the generation") {
    TwoThreads s;
    const auto bar = s.tm.object(ObjectKind::Barrier, "bar");
    s.tm.write(s.a, s.x, s.line_a);
    s.tm.add(s.a, EventKind::BarrierArrive, bar, 0);
    s.tm.add(s.b, EventKind::BarrierArrive, bar, 1);
    s.tm.add(s.b, EventKind::BarrierLeave, bar, 1);
    s.tm.read(s.b, s.x, s.line_b);
    s.tm.add(s.a, EventKind::BarrierLeave, bar, 0);
    CHECK(s.tm.check().findings.empty());
  }
  SECTION("task end -> result") {
    TwoThreads s;
    const auto pool = s.tm.object(ObjectKind::ThreadPool, "pool");
    const auto fut = s.tm.object(ObjectKind::Future, "pool.task-0");
    s.tm.add(s.b, EventKind::PoolSubmit, pool, fut);
    s.tm.add(s.a, EventKind::TaskStart, fut);
    s.tm.write(s.a, s.x, s.line_a);
    s.tm.add(s.a, EventKind::TaskEnd, fut, 0);
    s.tm.add(s.b, EventKind::FutureWaitEnd, fut, 1);
    s.tm.read(s.b, s.x, s.line_b);
    CHECK(s.tm.check().findings.empty());
  }
}

TEST_CASE("a race is reported once per pair of sites, with a count", "[races]") {
  TwoThreads s;
  for (int i = 0; i < 5; ++i) {
    s.tm.write(s.a, s.x, s.line_a);
    s.tm.write(s.b, s.x, s.line_b);
  }
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].count == 9);  // every access after the first races with the one before
  CHECK(r.findings[0].title.find("(9 times)") != std::string::npos);
}

TEST_CASE("a race's explanation places a thread's start by the creation it follows, and says what weft cannot see",
          "[races]") {
  TraceMaker tm;
  const auto main = tm.thread("main");
  const auto a = tm.thread("worker-a"), b = tm.thread("worker-b");
  const auto x = tm.object(ObjectKind::Shared, "x");
  const auto created = tm.site("race.cpp", 20), wrote = tm.site("race.cpp", 9);
  tm.start(main);
  tm.add(main, EventKind::ThreadCreate, tm.thread_object(a), a, created);
  tm.start(a);  // a thread's start is recorded without a site
  tm.add(main, EventKind::ThreadCreate, tm.thread_object(b), b, created);
  tm.start(b);
  tm.write(a, x, wrote);
  tm.write(b, x, wrote);
  const auto r = tm.check();
  REQUIRE(r.findings.size() == 1);
  const std::string& text = r.findings[0].explanation;
  INFO(text);
  CHECK(text.find("unknown place") == std::string::npos);
  CHECK(text.find("thread.start on worker-a, after main's thread.create at race.cpp:20") != std::string::npos);
  CHECK(text.find("std::atomic") != std::string::npos);  // synchronization weft does not see
}

TEST_CASE("where events were dropped, a finding after the loss is uncertain, and the report counts the loss",
          "[races][dropped]") {
  // The lock's release by a, dropped: what is left looks like b writing
  // without the order a's release gave it.
  TwoThreads s;
  const auto m = s.tm.object(ObjectKind::Mutex, "m");
  s.tm.lock(s.a, m);
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.add(s.a, EventKind::TraceDropped, 0, /*lost*/ 3);
  s.tm.write(s.b, s.x, s.line_b);
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.dropped == 3);
  CHECK(r.certain() == 0);
  CHECK(r.findings[0].uncertain == "3 events dropped on a before it (full buffers): the missing events could explain it");
}

TEST_CASE("a finding whose proof ends before any loss stays certain", "[races][dropped]") {
  TwoThreads s;
  s.tm.write(s.a, s.x, s.line_a);
  s.tm.write(s.b, s.x, s.line_b);
  s.tm.add(s.b, EventKind::TraceDropped, 0, 1000);
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.dropped == 1000);
  CHECK(r.certain() == 1);
  CHECK(r.findings[0].uncertain.empty());
}

namespace {

// A program that starts a thread per task, four at a time: each task takes
// the lock, reads and writes x, lets it go and ends, and main joins the
// four before it starts the next. Task `unlocked` forgets the lock.
struct TaskPerThread {
  TraceMaker tm;
  std::uint32_t main = tm.thread("main", weft::format::kThreadMain);
  std::uint32_t m = tm.object(ObjectKind::Mutex, "m");
  std::uint32_t x = tm.object(ObjectKind::Shared, "x");
  std::uint32_t reads = tm.site("task.cpp", 10), writes = tm.site("task.cpp", 11);
  std::uint32_t bare_read = tm.site("task.cpp", 99), bare_write = tm.site("task.cpp", 100);
  std::vector<std::uint32_t> task;
  TaskPerThread(unsigned tasks, unsigned unlocked) {
    tm.start(main);
    for (unsigned i = 0; i < tasks; ++i) task.push_back(tm.thread("task-" + std::to_string(i)));
    for (unsigned first = 0; first < tasks; first += 4) {
      const unsigned last = std::min(tasks, first + 4);
      for (unsigned i = first; i < last; ++i) tm.spawn(main, task[i]);
      for (unsigned i = first; i < last; ++i) {
        const bool locks = i != unlocked;
        if (locks) tm.lock(task[i], m);
        tm.read(task[i], x, locks ? reads : bare_read);
        tm.write(task[i], x, locks ? writes : bare_write);
        if (locks) tm.unlock(task[i], m);
        tm.add(task[i], EventKind::ThreadEnd, tm.thread_object(task[i]));
      }
      for (unsigned i = first; i < last; ++i) tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(task[i]), 1);
    }
  }
};

}  // namespace

// Clocks have a component per slot, and a thread's slot goes to the next
// thread once it has ended and no access of its can still race: 3,000
// tasks, four at a time, need a handful of slots, not 3,001.
TEST_CASE("a thread per task: thousands of threads share a few clock slots, and the task without the lock races",
          "[races]") {
  const TaskPerThread s(3'000, 1'234);
  weft::analysis::HappensBefore hb(s.tm.t);
  for (std::uint64_t i = 0; i < s.tm.t.events.size(); ++i) hb.step(i, s.tm.t.events[i]);
  CHECK(hb.slots() <= 6);

  const auto findings = s.tm.check().findings;
  std::size_t races = 0;
  for (const auto& f : findings) {
    if (f.kind != FindingKind::DataRace) continue;
    ++races;
    REQUIRE(f.accesses.size() == 2);
    // Between the bare task and one of its batch, which the lock does not
    // order with it.
    const bool bare_first = f.accesses[0].thread == s.task[1'234];
    const auto other = f.accesses[bare_first ? 1 : 0].thread;
    CHECK((bare_first || f.accesses[1].thread == s.task[1'234]));
    CHECK(other >= s.task[1'232]);
    CHECK(other <= s.task[1'235]);
  }
  CHECK(races >= 2);
  CHECK(races <= 4);  // at most one per pair of sites, a bare one against a locked one
  CHECK(TaskPerThread(3'000, 5'000).tm.check().findings.empty());  // no bare task: clean
}

// The slot of a thread whose write may still race is not handed on: a
// later thread in it would count on from its clock, and a join of that
// thread would seem to order the write.
TEST_CASE("a write of a thread long ended still races with an access after thousands of other threads", "[races]") {
  TaskPerThread s(2'000, 5'000);  // all locked
  const auto lone = s.tm.thread("lone");
  const auto y = s.tm.object(ObjectKind::Shared, "y");
  const auto lone_writes = s.tm.site("lone.cpp", 5), main_reads = s.tm.site("main.cpp", 9);
  // After the first 2,000 tasks, the lone thread writes y and ends, never
  // joined; then 2,000 more tasks run, and main reads y.
  TraceMaker& tm = s.tm;
  tm.spawn(s.main, lone);
  tm.write(lone, y, lone_writes);
  tm.add(lone, EventKind::ThreadEnd, tm.thread_object(lone));
  for (unsigned i = 0; i < 2'000; ++i) {
    const auto t = tm.thread("late-" + std::to_string(i));
    tm.spawn(s.main, t);
    tm.lock(t, s.m);
    tm.write(t, s.x, s.writes);
    tm.unlock(t, s.m);
    tm.add(t, EventKind::ThreadEnd, tm.thread_object(t));
    tm.add(s.main, EventKind::ThreadJoinEnd, tm.thread_object(t), 1);
  }
  tm.read(s.main, y, main_reads);
  std::vector<const weft::analysis::Finding*> races;
  const auto report = tm.check();
  for (const auto& f : report.findings)
    if (f.kind == FindingKind::DataRace) races.push_back(&f);
  REQUIRE(races.size() == 1);
  CHECK(races[0]->about == "y");
  REQUIRE(races[0]->accesses.size() == 2);
  CHECK(races[0]->accesses[0].thread == lone);
  CHECK(races[0]->accesses[1].thread == s.main);
}
