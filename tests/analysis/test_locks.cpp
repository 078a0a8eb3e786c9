#include <catch2/catch.hpp>

#include "trace_maker.hpp"

using weft::analysis::FindingKind;
using weft::test::EventKind;
using weft::test::ObjectKind;
using weft::test::TraceMaker;

namespace {

struct Locks {
  TraceMaker tm;
  std::uint32_t t1 = tm.thread("t1"), t2 = tm.thread("t2"), t3 = tm.thread("t3");
  std::uint32_t a = tm.object(ObjectKind::Mutex, "lock_A");
  std::uint32_t b = tm.object(ObjectKind::Mutex, "lock_B");
  std::uint32_t c = tm.object(ObjectKind::Mutex, "lock_C");
  std::uint32_t g = tm.object(ObjectKind::Mutex, "gate");
  void nested(std::uint32_t th, std::uint32_t first, std::uint32_t second) { tm.nested(th, first, second); }
};

}  // namespace

TEST_CASE("two locks taken in both orders by two threads: an inversion, though no deadlock happened", "[lock-order]") {
  Locks s;
  s.nested(s.t1, s.a, s.b);
  s.nested(s.t2, s.b, s.a);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::LockOrderInversion, "lock_A, lock_B"}});
  CHECK(r.findings[0].cycle.size() == 2);
  CHECK(r.findings[0].threads.size() == 2);
}

TEST_CASE("a three-lock cycle is found", "[lock-order]") {
  Locks s;
  s.nested(s.t1, s.a, s.b);
  s.nested(s.t2, s.b, s.c);
  s.nested(s.t3, s.c, s.a);
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].kind == FindingKind::LockOrderInversion);
  CHECK(r.findings[0].about == "lock_A, lock_B, lock_C");
  CHECK(r.findings[0].cycle.size() == 3);
}

TEST_CASE("consistently ordered locks and recursive re-acquisition are not findings", "[lock-order]") {
  Locks s;
  s.nested(s.t1, s.a, s.b);
  s.nested(s.t2, s.a, s.b);
  const auto r = s.tm.object(ObjectKind::RecursiveMutex, "rlock");
  s.tm.lock(s.t1, r);
  s.tm.lock(s.t1, s.a);
  s.tm.lock(s.t1, r);  // re-acquired while holding lock_A: not an order
  s.tm.unlock(s.t1, r);
  s.tm.unlock(s.t1, s.a);
  s.tm.unlock(s.t1, r);
  CHECK(s.tm.check().findings.empty());
}

TEST_CASE("a gate lock held around both orders suppresses the inversion", "[lock-order]") {
  Locks gated;
  for (auto [th, first, second] : {std::tuple{gated.t1, gated.a, gated.b}, std::tuple{gated.t2, gated.b, gated.a}}) {
    gated.tm.lock(th, gated.g);
    gated.nested(th, first, second);
    gated.tm.unlock(th, gated.g);
  }
  CHECK(gated.tm.check().findings.empty());

  // Once without the gate, the inversion is real again.
  Locks once;
  once.tm.lock(once.t1, once.g);
  once.nested(once.t1, once.a, once.b);
  once.tm.unlock(once.t1, once.g);
  once.nested(once.t2, once.b, once.a);
  CHECK(once.tm.check().findings.size() == 1);
}

TEST_CASE("both orders taken by one thread are an inversion that says no second thread ran them yet",
          "[lock-order]") {
  // As ThreadSanitizer, Helgrind (tc13_laog1) and lockdep judge it: the run
  // cannot deadlock, the code can.
  Locks s;
  s.nested(s.t1, s.a, s.b);
  s.nested(s.t1, s.b, s.a);
  const auto findings = s.tm.check().findings;
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].kind == FindingKind::LockOrderInversion);
  CHECK(findings[0].about == "lock_A, lock_B");
  CHECK(findings[0].threads.size() == 1);
  CHECK(findings[0].explanation.find("t1 took every order of the circle itself, so this run could not deadlock") !=
        std::string::npos);
}

TEST_CASE("a wait-for cycle still there at the end is a deadlock", "[deadlock]") {
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.lock(s.t2, s.b);
  s.tm.add(s.t1, EventKind::MutexLockBegin, s.b);
  const auto closing = s.tm.add(s.t2, EventKind::MutexLockBegin, s.a);
  s.tm.end(weft::format::EndReason::Watchdog);
  const auto r = s.tm.check();
  std::vector<FindingKind> kinds;
  for (const auto& f : r.findings) kinds.push_back(f.kind);
  CHECK(std::count(kinds.begin(), kinds.end(), FindingKind::Deadlock) == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), FindingKind::Hang) == 0);  // the deadlock is not also a hang
  const auto& d = *std::find_if(r.findings.begin(), r.findings.end(), [](const auto& f) { return f.kind == FindingKind::Deadlock; });
  CHECK(d.about == "lock_A, lock_B");
  CHECK(std::find(d.events.begin(), d.events.end(), closing) != d.events.end());  // the moment it formed
}

TEST_CASE("a circle broken by a timed lock giving up is not a deadlock", "[deadlock]") {
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.lock(s.t2, s.b);
  s.tm.add(s.t1, EventKind::MutexLockBegin, s.b, 0, 0, weft::format::kFlagTimed);
  s.tm.add(s.t2, EventKind::MutexLockBegin, s.a);
  s.tm.add(s.t1, EventKind::MutexTryFailed, s.b, 0, 0, weft::format::kFlagTimed);
  s.tm.unlock(s.t1, s.a);
  s.tm.add(s.t2, EventKind::MutexAcquired, s.a, 1, 0, weft::format::kFlagContended);
  const auto r = s.tm.check();
  for (const auto& f : r.findings) CHECK(f.kind != FindingKind::Deadlock);
}

TEST_CASE("locking a lock one holds that refuses it at once (error-checking: EDEADLK) is misuse, not a deadlock",
          "[deadlock][misuse]") {
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.add(s.t1, EventKind::MutexLockBegin, s.a);
  s.tm.add(s.t1, EventKind::MutexTryFailed, s.a);  // the lock call returned: EDEADLK
  s.tm.unlock(s.t1, s.a);
  s.tm.end(weft::format::EndReason::Exit);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Misuse, "lock_A"}});
  CHECK(r.findings[0].title.find("t1 locks lock_A again while holding it") == 0);
  CHECK(r.findings[0].events.size() == 3);
}

TEST_CASE("a reader-writer lock's writer read-locking it, refused (EDEADLK), is misuse said in its own words",
          "[deadlock][misuse]") {
  Locks s;
  const auto rw = s.tm.object(ObjectKind::SharedMutex, "table_lock");
  s.tm.lock(s.t1, rw);
  s.tm.add(s.t1, EventKind::MutexLockSharedBegin, rw);
  s.tm.add(s.t1, EventKind::MutexTrySharedFailed, rw);  // pthread_rwlock_rdlock returned EDEADLK
  s.tm.unlock(s.t1, rw);
  s.tm.end(weft::format::EndReason::Exit);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Misuse, "table_lock"}});
  CHECK(r.findings[0].title.find("t1 read-locks table_lock, which it holds for writing") == 0);
  CHECK(r.findings[0].explanation.find("releasing its write lock instead") != std::string::npos);
  CHECK(r.findings[0].events.size() == 3);
}

TEST_CASE("locking a non-recursive lock one holds is a self-deadlock", "[deadlock]") {
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.add(s.t1, EventKind::MutexLockBegin, s.a);
  s.tm.end(weft::format::EndReason::Watchdog);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::SelfDeadlock, "lock_A"}});

  // A recursive mutex is meant for it.
  Locks rec;
  const auto rm = rec.tm.object(ObjectKind::RecursiveMutex, "rlock");
  rec.tm.lock(rec.t1, rm);
  rec.tm.lock(rec.t1, rm);
  CHECK(rec.tm.check().findings.empty());
}

TEST_CASE("locking a normal mutex one holds until another thread unlocks it is that unlock's misuse and no self-deadlock",
          "[deadlock][misuse]") {
  // glibc's tst-join1, the "mutex as a semaphore": main locks a mutex it
  // holds, and its worker unlocks it (glibc lets any thread unlock a normal
  // mutex); main's second lock then returns.
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.add(s.t1, EventKind::MutexLockBegin, s.a);
  s.tm.add(s.t2, EventKind::MutexReleased, s.a, 0, 0, weft::format::kFlagNotOwner);  // performed: it has a sequence
  s.tm.add(s.t1, EventKind::MutexAcquired, s.a, 0, 0, weft::format::kFlagContended);
  s.tm.unlock(s.t1, s.a);
  s.tm.end(weft::format::EndReason::Exit);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Misuse, "lock_A"}});
  CHECK(r.findings[0].title.find("t2 unlocks lock_A, held by t1") == 0);
}

TEST_CASE("an inversion is seen in the attempts of a deadlock that struck at once", "[lock-order]") {
  // Both threads block on their second lock: neither is ever acquired.
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.lock(s.t2, s.b);
  s.tm.add(s.t1, EventKind::MutexLockBegin, s.b);
  s.tm.add(s.t2, EventKind::MutexLockBegin, s.a);
  s.tm.end(weft::format::EndReason::Watchdog);
  const auto r = s.tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Deadlock, "lock_A, lock_B"},
                                                                      {FindingKind::LockOrderInversion, "lock_A, lock_B"}});
}

TEST_CASE("std::lock's back-off (lock one, try the rest) in both orders is no inversion: it cannot deadlock",
          "[lock-order]") {
  // std::scoped_lock lk(a, b) in one thread, std::scoped_lock lk(b, a) in
  // the other: each takes its first lock blocking and the second with
  // try_lock (backing off when it fails).
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.add({s.t1, EventKind::MutexAcquired, s.b, 1, weft::format::kFlagTry});
  s.tm.unlock(s.t1, s.b);
  s.tm.unlock(s.t1, s.a);
  s.tm.lock(s.t2, s.b);
  s.tm.add({s.t2, EventKind::MutexTryFailed, s.a, 0, weft::format::kFlagTry});  // backs off...
  s.tm.unlock(s.t2, s.b);
  s.tm.lock(s.t2, s.a);  // ...and starts again from the other one
  s.tm.add({s.t2, EventKind::MutexAcquired, s.b, 1, weft::format::kFlagTry});
  s.tm.unlock(s.t2, s.b);
  s.tm.unlock(s.t2, s.a);
  CHECK(s.tm.check().findings.empty());
}

TEST_CASE("timed attempts that give up or succeed show no order: backing off with try_lock_for is no inversion",
          "[lock-order]") {
  Locks s;
  s.tm.lock(s.t1, s.a);
  s.tm.add({s.t1, EventKind::MutexLockBegin, s.b, 0, weft::format::kFlagTimed});
  s.tm.lock(s.t2, s.b);
  s.tm.add({s.t2, EventKind::MutexLockBegin, s.a, 0, weft::format::kFlagTimed});
  s.tm.add({s.t1, EventKind::MutexTryFailed, s.b, 0, weft::format::kFlagTimed});
  s.tm.unlock(s.t1, s.a);
  s.tm.add({s.t2, EventKind::MutexAcquired, s.a, 1, weft::format::kFlagTimed | weft::format::kFlagContended});
  s.tm.unlock(s.t2, s.a);
  s.tm.unlock(s.t2, s.b);
  CHECK(s.tm.check().findings.empty());
}

TEST_CASE("shared mutexes: readers only in both orders are no inversion, a writer in the cycle is", "[lock-order]") {
  TraceMaker tm;
  const auto t1 = tm.thread("t1"), t2 = tm.thread("t2");
  const auto x = tm.object(ObjectKind::SharedMutex, "x"), y = tm.object(ObjectKind::SharedMutex, "y");
  const auto read = [&](std::uint32_t th, std::uint32_t first, std::uint32_t second) {
    tm.add(th, EventKind::MutexAcquiredShared, first, 1);
    tm.add(th, EventKind::MutexAcquiredShared, second, 1);
    tm.add(th, EventKind::MutexReleasedShared, second, 0);
    tm.add(th, EventKind::MutexReleasedShared, first, 0);
  };
  read(t1, x, y);
  read(t2, y, x);
  CHECK(tm.check().findings.empty());  // readers never wait for readers
  tm.lock(t2, y);                       // a writer takes y, then x shared: x -> y (shared) and y -> x
  tm.add(t2, EventKind::MutexAcquiredShared, x, 1);
  tm.add(t2, EventKind::MutexReleasedShared, x, 0);
  tm.unlock(t2, y);
  const auto r = tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::LockOrderInversion, "x, y"}});
}

TEST_CASE("a shared mutex: a writer waiting for a reader that waits for the writer's lock is a deadlock", "[deadlock]") {
  TraceMaker tm;
  const auto t1 = tm.thread("t1"), t2 = tm.thread("t2");
  const auto rw = tm.object(ObjectKind::SharedMutex, "table");
  const auto m = tm.object(ObjectKind::Mutex, "m");
  tm.add(t1, EventKind::MutexAcquiredShared, rw, 1);
  tm.lock(t2, m);
  tm.add(t2, EventKind::MutexLockBegin, rw);  // the writer waits for the reader
  tm.add(t1, EventKind::MutexLockBegin, m);   // the reader waits for the writer's other lock
  tm.end(weft::format::EndReason::Watchdog);
  const auto r = tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::Deadlock, "m, table"},
                                                                     {FindingKind::LockOrderInversion, "m, table"}});
}

TEST_CASE("a second shared hold of a shared mutex one holds shared is no self-deadlock, an exclusive one is",
          "[deadlock]") {
  TraceMaker tm;
  const auto t1 = tm.thread("t1");
  const auto rw = tm.object(ObjectKind::SharedMutex, "table");
  tm.add(t1, EventKind::MutexAcquiredShared, rw, 1);
  tm.add(t1, EventKind::MutexLockSharedBegin, rw);
  tm.add(t1, EventKind::MutexAcquiredShared, rw, 2);
  CHECK(tm.check().findings.empty());
  tm.add(t1, EventKind::MutexLockBegin, rw);
  const auto r = tm.check();
  REQUIRE(weft::test::summary(r) == decltype(weft::test::summary(r)){{FindingKind::SelfDeadlock, "table"}});
}

TEST_CASE("an inversion whose locks were taken inside the standard library says so, and what records the user's line",
          "[lock-order]") {
  Locks s;
  const auto std_site = s.tm.site("/usr/include/c++/12/bits/std_mutex.h", 95);
  const auto user_site = s.tm.site("/src/bank.cpp", 12);
  s.tm.lock(s.t1, s.a, user_site);
  s.tm.lock(s.t1, s.b, std_site);
  s.tm.unlock(s.t1, s.b);
  s.tm.unlock(s.t1, s.a);
  s.nested(s.t2, s.b, s.a);
  const auto r = s.tm.check();
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].explanation.find("inside the C++ standard library") != std::string::npos);
  CHECK(r.findings[0].explanation.find("weft::scoped_lock") != std::string::npos);
  Locks plain;
  plain.nested(plain.t1, plain.a, plain.b);
  plain.nested(plain.t2, plain.b, plain.a);
  CHECK(plain.tm.check().findings.at(0).explanation.find("standard library") == std::string::npos);
}
