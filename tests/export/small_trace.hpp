// A small hand-built trace that exercises every part of the Chrome export:
// a contended lock (wait, hold, unlock flow), a mark and a log, a queue
// (put -> get flow, depth counter), a semaphore (value counter, release
// flow), a condition wait (notify flow, the hold split around the wait),
// threads started and joined, and a data race (a finding). Deterministic:
// the golden file and the exact-event tests are built from it.
#pragma once

#include "../analysis/trace_maker.hpp"

namespace weft::test {

struct SmallTrace {
  TraceMaker tm;
  std::uint32_t main = tm.thread("main", format::kThreadMain);
  std::uint32_t a = tm.thread("printer-A");
  std::uint32_t b = tm.thread("printer-B");
  std::uint32_t lock = tm.object(ObjectKind::Mutex, "lock_X");
  std::uint32_t cv = tm.object(ObjectKind::Condition, "turn_changed");
  std::uint32_t queue = tm.object(ObjectKind::Queue, "urls");
  std::uint32_t sem = tm.object(ObjectKind::Semaphore, "slots");
  std::uint32_t counter = tm.object(ObjectKind::Shared, "counter");
  std::uint32_t site_a = tm.site("/src/demo.cpp", 10);
  std::uint32_t site_b = tm.site("/src/demo.cpp", 20);

  // Indices of the events the tests look at.
  std::uint64_t a_locks, b_waits, a_mark, a_unlocks, b_acquires, b_puts, a_gets, b_notifies, a_woken, a_releases_sem,
      b_takes_sem, join_end, queue_created;

  SmallTrace() {
    tm.t.info.program = "demo";
    tm.t.info.pid = 4242;
    tm.t.info.weft_version = "0.1.0";
    tm.t.objects[sem].extra = 1;
    tm.start(main);
    tm.add(main, EventKind::Log, 0, text("scenario demo"));
    queue_created = tm.add(main, EventKind::ObjectCreate, queue);
    tm.spawn(main, a);
    tm.spawn(main, b);
    tm.write(a, counter, site_a);  // unordered with B's write: a data race
    tm.write(b, counter, site_b);

    a_locks = tm.add(a, EventKind::MutexAcquired, lock, 1, site_a);
    b_waits = tm.add(b, EventKind::MutexLockBegin, lock, 0, site_b);
    a_mark = tm.add(a, EventKind::Mark, 0, text("A"), site_a);
    a_unlocks = tm.add(a, EventKind::MutexReleased, lock, 0, site_a);
    b_acquires = tm.add({b, EventKind::MutexAcquired, lock, 1, format::kFlagContended, site_b});
    b_puts = tm.add(b, EventKind::QueuePut, queue, 0, site_b);
    tm.add(b, EventKind::MutexReleased, lock, 0, site_b);

    a_gets = tm.add(a, EventKind::QueueGet, queue, 0, site_a);
    tm.add(a, EventKind::SemAcquired, sem, 0, site_a);  // the initial permit

    // A waits on the condition; B takes the lock meanwhile and notifies.
    tm.add(a, EventKind::MutexAcquired, lock, 1, site_a);
    tm.add(a, EventKind::CondWaitBegin, cv, lock, site_a);
    tm.add({a, EventKind::MutexReleased, lock, 0, format::kFlagCondition, site_a});
    tm.add(b, EventKind::MutexAcquired, lock, 1, site_b);
    b_notifies = tm.add(b, EventKind::CondNotifyOne, cv, 1, site_b);
    tm.add(b, EventKind::MutexReleased, lock, 0, site_b);
    tm.add({a, EventKind::MutexAcquired, lock, 1, format::kFlagCondition, site_a});
    a_woken = tm.add(a, EventKind::CondWaitEnd, cv, 0, site_a);
    tm.add(a, EventKind::MutexReleased, lock, 0, site_a);

    tm.add(b, EventKind::SemAcquireBegin, sem, 0, site_b);
    a_releases_sem = tm.add(a, EventKind::SemReleased, sem, 1, site_a);
    b_takes_sem = tm.add({b, EventKind::SemAcquired, sem, 0, format::kFlagContended, site_b});
    tm.add(a, EventKind::Mark, 0, text("B"), site_a);

    tm.add(main, EventKind::ThreadJoinBegin, tm.thread_object(a), a);
    tm.add(a, EventKind::ThreadEnd, tm.thread_object(a));
    join_end = tm.add(main, EventKind::ThreadJoinEnd, tm.thread_object(a), 1);
    tm.end(format::EndReason::Exit);
  }

  format::Event at(std::uint64_t i) const { return tm.t.events[i]; }

 private:
  std::uint64_t text(const std::string& s) {
    tm.t.texts.push_back(s);
    return tm.t.texts.size() - 1;
  }
};

}  // namespace weft::test
