#include <catch2/catch.hpp>

#include <algorithm>

#include "trace_maker.hpp"

using weft::analysis::FindingKind;
using weft::format::EndReason;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

namespace {

struct Stuck {
  TraceMaker tm;
  std::uint32_t main = tm.thread("main", weft::format::kThreadMain);
  std::uint32_t worker = tm.thread("worker");
  std::uint32_t cond = tm.object(ObjectKind::Condition, "ready");
  std::uint32_t m = tm.object(ObjectKind::Mutex, "m");
  Stuck() {
    tm.start(main);
    tm.spawn(main, worker);
  }
  // `th` starts waiting on `cond` (and never wakes, unless the test says).
  void wait(std::uint32_t th, std::uint8_t flags = 0) {
    tm.lock(th, m);
    tm.add(th, EventKind::CondWaitBegin, cond, m, 0, flags);
    tm.add(weft::test::TraceMaker::Ev{th, EventKind::MutexReleased, m, 0, weft::format::kFlagCondition, 0, false});
  }
  void join_worker() { tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(worker), worker); }
};

}  // namespace

TEST_CASE("a thread waiting forever on a condition, in a program that was stopped, is a hang", "[hang]") {
  Stuck s;
  s.wait(s.worker);
  s.join_worker();  // main waits for the worker: part of the same hang
  s.tm.end(EndReason::Watchdog);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Hang, "ready"}});
  CHECK(r.findings[0].threads.size() == 2);
}

TEST_CASE("a hang on a condition names the thread stuck destroying it, and only while it is stuck there", "[hang]") {
  Stuck s;
  s.wait(s.worker);
  const auto destroy = s.tm.add(s.main, EventKind::ObjectDestroy, s.cond, 1);  // glibc's destroy waits for the worker
  SECTION("the destroy is main's last event: main is blocked in it") {
    s.tm.end(EndReason::Watchdog);
    const auto r = s.tm.check();
    const auto hang = std::find_if(r.findings.begin(), r.findings.end(),
                                   [](const auto& f) { return f.kind == FindingKind::Hang; });
    REQUIRE(hang != r.findings.end());
    CHECK(hang->threads == std::vector<std::uint32_t>{s.worker, s.main});
    CHECK(std::find(hang->events.begin(), hang->events.end(), destroy) != hang->events.end());
    CHECK(hang->explanation.find("main is blocked too, destroying the condition") != std::string::npos);
  }
  SECTION("main went on after it: not part of the hang") {
    s.tm.add(s.main, EventKind::Mark, 0);
    s.join_worker();
    s.tm.end(EndReason::Watchdog);
    const auto r = s.tm.check();
    const auto hang = std::find_if(r.findings.begin(), r.findings.end(),
                                   [](const auto& f) { return f.kind == FindingKind::Hang; });
    REQUIRE(hang != r.findings.end());
    CHECK(hang->explanation.find("destroying") == std::string::npos);
  }
}

TEST_CASE("a child of fork() stuck on a lock it inherited held: the hang says the holder stayed in the parent",
          "[hang]") {
  // The run: parent (logger takes log_lock, main forks), child (its main
  // waits for log_lock for ever, and the watchdog stops it).
  const auto made = [](bool parent_took_it) {
    TraceMaker tm;
    const auto main = tm.thread("main", weft::format::kThreadMain), logger = tm.thread("logger");
    const auto child = tm.thread("child-main", weft::format::kThreadMain);
    const auto lock = tm.object(ObjectKind::Mutex, "log_lock");
    const auto process = tm.object(ObjectKind::Process, "fork 1");
    tm.t.threads[child].process = 1;
    weft::format::EndRecord exited, stopped;
    exited.reason = EndReason::Exit;
    stopped.reason = EndReason::Watchdog;
    tm.t.processes.resize(2);
    tm.t.processes[0].pid = 10;
    tm.t.processes[0].end = exited;
    tm.t.processes[1].pid = 11;
    tm.t.processes[1].parent_pid = 10;
    tm.t.processes[1].object = process;
    tm.t.processes[1].end = stopped;
    tm.start(main);
    tm.spawn(main, logger);
    if (parent_took_it) tm.lock(logger, lock, tm.site("log.c", 6));
    tm.add(child, EventKind::ProcessStart, process, 11, tm.site("main.c", 8));
    tm.add(child, EventKind::MutexLockBegin, lock);
    if (parent_took_it) tm.unlock(logger, lock);  // the parent's copy: frees nothing in the child
    return tm.check().findings;
  };
  const auto hang_of = [](const std::vector<weft::analysis::Finding>& found) {
    const auto f = std::find_if(found.begin(), found.end(), [](const auto& x) { return x.kind == FindingKind::Hang; });
    REQUIRE(f != found.end());
    return f->explanation;
  };
  const std::string named = hang_of(made(true));
  INFO(named);
  CHECK(named.find("log_lock was held by logger") != std::string::npos);
  CHECK(named.find("(taken at log.c:6) when this process was forked from it at main.c:8") != std::string::npos);
  CHECK(named.find("never released it") == std::string::npos);
  CHECK(hang_of(made(false)).find("No thread of this process took log_lock after it was forked at main.c:8") !=
        std::string::npos);
}

TEST_CASE("a hang on a lock says who holds it: a holder blocked joining the waiter, or one that ended", "[hang]") {
  Stuck s;
  const auto taken = s.tm.site("pool.c", 6), join = s.tm.site("pool.c", 8);
  s.tm.lock(s.main, s.m, taken);
  s.tm.add(s.worker, EventKind::MutexLockBegin, s.m);
  SECTION("main holds it and joins the worker: a circle through the join") {
    s.tm.add(s.main, EventKind::ThreadJoinBegin, s.tm.thread_object(s.worker), s.worker, join);
    s.tm.end(EndReason::Watchdog);
    const auto r = s.tm.check();
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].kind == FindingKind::Hang);
    INFO(r.findings[0].explanation);
    CHECK(r.findings[0].explanation.find("m is held by main (taken at pool.c:6), which is blocked itself, waiting at "
                                         "pool.c:8 for the end of thread worker: it waits for a thread that waits "
                                         "for it") != std::string::npos);
  }
  SECTION("main ended holding it") {
    s.tm.add(s.main, EventKind::ThreadEnd, s.tm.thread_object(s.main));
    s.tm.end(EndReason::Watchdog);
    const auto r = s.tm.check();
    const auto hang = std::find_if(r.findings.begin(), r.findings.end(),
                                   [](const auto& f) { return f.kind == FindingKind::Hang; });
    REQUIRE(hang != r.findings.end());
    CHECK(hang->explanation.find("m is held by main (taken at pool.c:6), which ended without releasing it.") !=
          std::string::npos);
  }
}

TEST_CASE("a notification nobody waited for, then a wait that hangs: a lost wake-up", "[hang]") {
  Stuck s;
  const auto notify = s.tm.add(s.main, EventKind::CondNotifyOne, s.cond, /*waiters*/ 0);
  s.wait(s.worker);
  s.tm.end(EndReason::Watchdog);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) ==
          decltype(weft::test::summary(r)){{FindingKind::Hang, "ready"}, {FindingKind::LostWakeup, "ready"}});
  const auto& lost = r.findings[1];
  CHECK(lost.events.front() == notify);
}

TEST_CASE("a timed wait open at the end is not a hang", "[hang]") {
  Stuck s;
  s.wait(s.worker, weft::format::kFlagTimed);
  s.tm.add(s.main, EventKind::SleepBegin, 0, 1'000'000);
  s.tm.end(EndReason::Watchdog);
  CHECK(s.tm.check().findings.empty());
}

TEST_CASE("blocked threads of a program that ended on its own, or was killed, are not hangs", "[hang]") {
  // Daemon threads blocked at exit are what daemon threads are for; a
  // program killed from outside (no END) just caught them mid-wait.
  Stuck exited;
  exited.wait(exited.worker);
  exited.tm.end(EndReason::Exit);
  CHECK(exited.tm.check().findings.empty());
  Stuck killed;
  killed.wait(killed.worker);
  CHECK(killed.tm.check().findings.empty());
}

TEST_CASE("a wait that ended is not a hang", "[hang]") {
  Stuck s;
  s.wait(s.worker);
  s.tm.add(s.main, EventKind::CondNotifyOne, s.cond, 1);
  s.tm.lock(s.worker, s.m);
  s.tm.add(s.worker, EventKind::CondWaitEnd, s.cond, 0);
  s.tm.end(EndReason::Watchdog);
  CHECK(s.tm.check().findings.empty());
}

TEST_CASE("threads blocked on a queue are grouped into one hang about the queue", "[hang]") {
  TraceMaker tm;
  const auto main = tm.thread("main");
  const auto q = tm.object(ObjectKind::Queue, "urls");
  tm.start(main);
  std::vector<std::uint32_t> consumers;
  for (int i = 0; i < 3; ++i) {
    consumers.push_back(tm.thread("consumer-" + std::to_string(i)));
    tm.spawn(main, consumers.back());
    tm.add(consumers.back(), EventKind::QueueGetBegin, q);
  }
  tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(consumers[0]), consumers[0]);
  tm.end(EndReason::Watchdog);
  const auto r = tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Hang, "urls"}});
  CHECK(r.findings[0].threads.size() == 4);
  CHECK(r.findings[0].title == "hang: 4 threads wait forever for an item from queue urls");
}

TEST_CASE("a lost wake-up names the waiter, not a thread joining it, and a notification after the join began counts",
          "[hang]") {
  Stuck s;
  const auto notifier = s.tm.thread("notifier");
  s.tm.spawn(s.main, notifier);
  s.join_worker();  // main joins the worker first...
  const auto notify = s.tm.add(notifier, EventKind::CondNotifyAll, s.cond, /*waiters*/ 0);  // ...then nobody waits
  const auto wait_begin = s.tm.t.events.size();
  s.wait(s.worker);  // the wait that needed it
  s.tm.end(EndReason::Watchdog);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) ==
          decltype(weft::test::summary(r)){{FindingKind::Hang, "ready"}, {FindingKind::LostWakeup, "ready"}});
  const auto& lost = r.findings[1];
  CHECK(lost.events == std::vector<std::uint64_t>{notify, wait_begin + 1});  // the notify, the worker's wait
  CHECK(lost.threads == std::vector<std::uint32_t>{notifier, s.worker});
  CHECK(lost.explanation.find("worker began the wait") != std::string::npos);
}

TEST_CASE("a notify_all that woke the others before a thread's first wait is that thread's lost wake-up", "[hang]") {
  Stuck s;
  const auto early = s.tm.thread("early");
  s.tm.spawn(s.main, early);
  s.wait(early);
  const auto notify = s.tm.add(s.main, EventKind::CondNotifyAll, s.cond, /*waiters*/ 1);
  s.tm.lock(early, s.m);
  s.tm.add(early, EventKind::CondWaitEnd, s.cond, 0);
  const auto wait_begin = s.tm.t.events.size();
  s.wait(s.worker);  // late: its first wait began after the broadcast
  s.tm.end(EndReason::Watchdog);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) ==
          decltype(weft::test::summary(r)){{FindingKind::Hang, "ready"}, {FindingKind::LostWakeup, "ready"}});
  const auto& lost = r.findings[1];
  CHECK(lost.events == std::vector<std::uint64_t>{notify, wait_begin + 1});
  CHECK(lost.title.find("before worker waited") != std::string::npos);
}

TEST_CASE("a broadcast before a thread waits again is not its lost wake-up: it may have been for the earlier wait",
          "[hang]") {
  Stuck s;
  s.wait(s.worker);
  s.tm.add(s.main, EventKind::CondNotifyAll, s.cond, /*waiters*/ 1);
  s.tm.lock(s.worker, s.m);
  s.tm.add(s.worker, EventKind::CondWaitEnd, s.cond, 0);
  s.tm.unlock(s.worker, s.m);
  s.wait(s.worker);  // waits again, for something nobody sends
  s.tm.end(EndReason::Watchdog);
  const auto r = s.tm.check();
  CHECK(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Hang, "ready"}});
}
