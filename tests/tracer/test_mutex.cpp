#include <atomic>
#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using namespace std::chrono_literals;

TEST_CASE("an uncontended lock is one acquired event, then a released one, in object order", "[mutex]") {
  weft::mutex m("uncontended");
  const unsigned lock_line = __LINE__ + 1;
  m.lock();
  m.unlock();
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(probe.kinds(m.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired, EventKind::MutexReleased});
  CHECK(events[1].seq == 0);
  CHECK(events[1].flags == 0);
  CHECK(events[1].arg == 1);  // depth
  CHECK(events[2].seq == 1);
  CHECK(probe.trace.object(m.id()).name == "uncontended");
  CHECK(probe.trace.object(m.id()).kind == weft::format::ObjectKind::Mutex);
  // The call site is this file, captured by the default argument.
  CHECK(probe.site_file(events[1]).find("test_mutex.cpp") != std::string::npos);
  CHECK(probe.trace.site(events[1].site).line == lock_line);
}

TEST_CASE("an unnamed mutex gets a name derived from its kind and id", "[mutex]") {
  weft::mutex m;
  CHECK(m.name() == "mutex#" + std::to_string(m.id()));
}

TEST_CASE("a lock that waits is lock.begin then acquired (contended), after the holder's release", "[mutex]") {
  weft::test::SyncWatch watch;
  weft::mutex m("contended");
  m.lock();
  std::uint32_t waiter_id = 0;
  std::thread waiter([&] {
    waiter_id = weft::this_thread::id();
    m.lock();
    m.unlock();
  });
  // The waiter records lock.begin once its try failed, just before it
  // blocks: from then on it can only get the lock after this release.
  REQUIRE(watch.wait_for(EventKind::MutexLockBegin, m.id()));
  m.unlock();
  waiter.join();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(probe.kinds(m.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired,
                                                        EventKind::MutexLockBegin, EventKind::MutexReleased,
                                                        EventKind::MutexAcquired, EventKind::MutexReleased});
  const std::uint32_t main_id = weft::this_thread::id();
  CHECK(events[1].thread == main_id);
  CHECK(events[1].flags == 0);
  CHECK(events[2].thread == waiter_id);
  CHECK(events[2].seq == weft::format::kNoSeq);  // placed by time, before the release it waited for
  CHECK(events[3].thread == main_id);
  CHECK(events[3].seq == 1);
  // The waiter got the lock right after the main thread's release.
  CHECK(events[4].thread == waiter_id);
  CHECK(events[4].flags == weft::format::kFlagContended);
  CHECK(events[4].seq == 2);
  CHECK(events[5].thread == waiter_id);
  CHECK(events[5].seq == 3);
}

TEST_CASE("try_lock records success and failure", "[mutex]") {
  weft::mutex m("try");
  REQUIRE(m.try_lock());
  bool other_got_it = true;
  std::thread([&] { other_got_it = m.try_lock(); }).join();
  CHECK_FALSE(other_got_it);
  m.unlock();
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(events.size() == 4);
  CHECK(events[1].kind == EventKind::MutexAcquired);
  CHECK(events[1].flags == weft::format::kFlagTry);
  CHECK(events[2].kind == EventKind::MutexTryFailed);
  CHECK(events[2].seq == weft::format::kNoSeq);
  CHECK(events[3].kind == EventKind::MutexReleased);
}

TEST_CASE("try_lock_for times out, or succeeds when the lock comes free in time", "[mutex]") {
  weft::mutex m("timed");
  m.lock();
  bool got = true;
  std::thread([&] { got = m.try_lock_for(30ms); }).join();
  CHECK_FALSE(got);
  weft::test::SyncWatch watch;
  // Far longer than the unlock below ever takes: a timeout would be a bug.
  std::thread later([&] { got = m.try_lock_for(60s); if (got) m.unlock(); });
  // `later` found the lock taken and begins its timed wait (lock.begin,
  // recorded just before it blocks): the release below comes after it.
  REQUIRE(watch.wait_for(EventKind::MutexLockBegin, m.id()));
  m.unlock();
  later.join();
  CHECK(got);

  const auto probe = weft::test::Probe::take();
  const auto kinds = probe.kinds(m.id());
  // create, acquired, [begin, failed] timed out, then `later` begins waiting
  // (no sequence number: placed by time) before main releases, and gets it.
  REQUIRE(kinds == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired, EventKind::MutexLockBegin,
                                          EventKind::MutexTryFailed, EventKind::MutexLockBegin, EventKind::MutexReleased,
                                          EventKind::MutexAcquired, EventKind::MutexReleased});
  const auto events = probe.on_object(m.id());
  CHECK(events[3].flags == weft::format::kFlagTimed);
  CHECK(events[3].time_ns - events[2].time_ns >= 25'000'000);
  CHECK(events[5].thread != events[6].thread);
  CHECK(events[6].flags == (weft::format::kFlagTimed | weft::format::kFlagContended));
  CHECK(events[6].seq == events[5].seq + 1);
}

TEST_CASE("weft::mutex works with std::lock_guard, std::unique_lock and std::scoped_lock", "[mutex]") {
  weft::mutex a("guard_a"), b("guard_b");
  int shared = 0;
  auto work = [&] {
    for (int i = 0; i < 1000; ++i) {
      { std::lock_guard<weft::mutex> g(a); ++shared; }
      { std::unique_lock<weft::mutex> u(a); ++shared; u.unlock(); u.lock(); ++shared; }
      { std::scoped_lock both(a, b); ++shared; }
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  CHECK(shared == 8000);
  const auto probe = weft::test::Probe::take();
  // Every acquisition has its release: 4 per iteration on a, 1 on b, plus
  // the back-offs std::scoped_lock makes when its try_lock of the second
  // mutex fails (it releases the first and starts over), each recorded.
  auto count = [&](std::uint32_t id, EventKind k) {
    const auto events = probe.on_object(id);
    return std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.kind == k; });
  };
  const auto tries_failed = count(a.id(), EventKind::MutexTryFailed) + count(b.id(), EventKind::MutexTryFailed);
  CHECK(count(a.id(), EventKind::MutexAcquired) == count(a.id(), EventKind::MutexReleased));
  CHECK(count(b.id(), EventKind::MutexAcquired) == count(b.id(), EventKind::MutexReleased));
  CHECK(count(a.id(), EventKind::MutexAcquired) + count(b.id(), EventKind::MutexAcquired) == 10000 + tries_failed);
  // Sequence numbers of the acquisitions and releases are dense and ordered.
  std::uint64_t expected = 0;
  for (const auto& e : probe.on_object(a.id()))
    if (e.seq != weft::format::kNoSeq) CHECK(e.seq == expected++);
}

TEST_CASE("weft::lock_guard and weft::unique_lock record the caller's site", "[mutex]") {
  weft::mutex m("site");
  { weft::lock_guard<weft::mutex> g(m); }
  {
    weft::unique_lock<weft::mutex> u(m);
    u.unlock();
    CHECK_FALSE(u.owns_lock());
    u.lock();
    CHECK(u.owns_lock());
  }
  const auto probe = weft::test::Probe::take();
  for (const auto& e : probe.on_object(m.id()))
    if (e.kind != EventKind::ObjectCreate) CHECK(probe.site_file(e).find("test_mutex.cpp") != std::string::npos);
  CHECK(probe.on_object(m.id()).size() == 7);
}

// Misuse is undefined behaviour that ThreadSanitizer rightly reports (and
// then fails the process), so these run in the other builds only.
#ifndef WEFT_TSAN_BUILD
TEST_CASE("unlock by a thread that does not hold the mutex is recorded as misuse", "[mutex][misuse]") {
  weft::mutex m("handoff");
  m.lock();
  std::thread([&] { m.unlock(); }).join();  // allowed, as Python's Lock allows it
  CHECK(m.try_lock());
  m.unlock();
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(events.size() == 5);
  CHECK(events[2].kind == EventKind::MutexReleased);
  CHECK(events[2].flags == weft::format::kFlagNotOwner);
  CHECK(events[2].thread != events[1].thread);
  CHECK(events[4].flags == 0);
}

TEST_CASE("unlocking a mutex nobody holds throws and is recorded", "[mutex][misuse]") {
  weft::mutex m("never_locked");
  CHECK_THROWS_AS(m.unlock(), std::system_error);
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(m.id());
  REQUIRE(events.size() == 2);
  CHECK(events[1].kind == EventKind::MutexReleased);
  CHECK(events[1].seq == weft::format::kNoSeq);
  CHECK(events[1].flags == weft::format::kFlagNotOwner);
  CHECK(m.try_lock());  // and the mutex still works
  m.unlock();
}

TEST_CASE("destroying a held mutex is recorded as destroyed while in use", "[mutex][misuse]") {
  auto* held = new weft::mutex("destroyed_held");
  const std::uint32_t held_id = held->id();
  held->lock();
  delete held;
  std::uint32_t free_id = 0;
  {
    weft::mutex free("destroyed_free");
    free_id = free.id();
  }
  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.on_object(held_id).back().kind == EventKind::ObjectDestroy);
  CHECK(probe.on_object(held_id).back().arg == 1);
  REQUIRE(probe.on_object(free_id).back().kind == EventKind::ObjectDestroy);
  CHECK(probe.on_object(free_id).back().arg == 0);
}
#endif
