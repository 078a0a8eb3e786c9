// weft::semaphore and weft::bounded_semaphore: Python's threading semantics
// (acquire blocking, non-blocking or timed, release by any thread, release(n),
// a bounded one refusing to go above its initial value) and the events each
// operation records.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
using namespace std::chrono_literals;
namespace fmt = weft::format;

TEST_CASE("a semaphore counts down on acquire and up on release and records the value after each", "[semaphore]") {
  weft::semaphore s(2, "sem_basic");
  CHECK(s.value() == 2);
  const unsigned acquire_line = __LINE__ + 1;
  s.acquire();
  CHECK(s.value() == 1);
  CHECK(s.try_acquire());
  CHECK(s.value() == 0);
  CHECK_FALSE(s.try_acquire());
  CHECK(s.value() == 0);
  s.release();
  s.release(2);  // a plain semaphore may go above its initial value
  CHECK(s.value() == 3);

  const auto probe = weft::test::Probe::take();
  const auto& object = probe.trace.object(s.id());
  CHECK(object.name == "sem_basic");
  CHECK(object.kind == fmt::ObjectKind::Semaphore);
  CHECK(object.extra == 2);  // the initial value
  REQUIRE(probe.kinds(s.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::SemAcquired,
                                                        EventKind::SemAcquired, EventKind::SemAcquireFailed,
                                                        EventKind::SemReleased, EventKind::SemReleased});
  const auto e = probe.on_object(s.id());
  CHECK(e[1].seq == 0);
  CHECK(e[1].arg == 1);
  CHECK(e[1].flags == 0);
  CHECK(e[2].seq == 1);
  CHECK(e[2].arg == 0);
  CHECK(e[2].flags == fmt::kFlagTry);
  CHECK(e[3].seq == kNoSeq);
  CHECK(e[3].flags == fmt::kFlagTry);
  CHECK(e[4].seq == 2);
  CHECK(e[4].arg == 1);
  CHECK(e[4].flags == 0);
  CHECK(e[5].seq == 3);
  CHECK(e[5].arg == 3);
  for (std::size_t i = 1; i < e.size(); ++i) {
    CHECK(e[i].thread == weft::this_thread::id());
    CHECK(probe.site_file(e[i]).find("test_semaphore.cpp") != std::string::npos);
  }
  CHECK(probe.trace.site(e[1].site).line == acquire_line);
}

TEST_CASE("an acquire that blocks is woken by a release on another thread and is flagged contended", "[semaphore]") {
  weft::semaphore s(0, "sem_handoff");
  weft::test::SyncWatch watch;
  std::uint32_t waiter_id = 0;
  std::thread waiter([&] {
    waiter_id = weft::this_thread::id();
    s.acquire();
  });
  // acquire.begin is recorded under the semaphore's lock just before the
  // wait: the release below cannot come before the waiter blocks.
  REQUIRE(watch.wait_for(EventKind::SemAcquireBegin, s.id()));
  s.release();
  waiter.join();
  CHECK(s.value() == 0);

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(s.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::SemAcquireBegin,
                                                        EventKind::SemReleased, EventKind::SemAcquired});
  const auto e = probe.on_object(s.id());
  CHECK(e[1].thread == waiter_id);
  CHECK(e[1].seq == kNoSeq);
  CHECK(e[1].flags == 0);
  CHECK(e[2].thread == weft::this_thread::id());
  CHECK(e[2].seq == 0);
  CHECK(e[2].arg == 1);
  CHECK(e[3].thread == waiter_id);
  CHECK(e[3].seq == 1);  // right after the release it waited for
  CHECK(e[3].arg == 0);
  CHECK(e[3].flags == fmt::kFlagContended);
}

TEST_CASE("try_acquire_for gives up after its timeout and succeeds when released in time", "[semaphore]") {
  weft::semaphore s(0, "sem_timed");
  weft::test::SyncWatch watch;
  // It gives up no sooner than asked (measured here, on the clock the
  // timeout is on: the trace's timestamps are converted with an estimate of
  // the tick rate, which a loaded machine can make rough).
  const auto asked = std::chrono::steady_clock::now();
  CHECK_FALSE(s.try_acquire_for(20ms));
  CHECK(std::chrono::steady_clock::now() - asked >= 20ms);
  CHECK(s.value() == 0);
  std::thread releaser([&] {
    if (watch.wait_for(EventKind::SemAcquireBegin, s.id(), 2)) s.release();
  });
  const bool got = s.try_acquire_for(30s);
  releaser.join();
  CHECK(got);
  CHECK(s.value() == 0);
  s.release();
  CHECK(s.try_acquire_for(1ms));  // available: no wait at all

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(s.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::SemAcquireBegin, EventKind::SemAcquireFailed,
                                 EventKind::SemAcquireBegin, EventKind::SemReleased, EventKind::SemAcquired,
                                 EventKind::SemReleased, EventKind::SemAcquired});
  const auto e = probe.on_object(s.id());
  CHECK(e[1].flags == fmt::kFlagTimed);
  CHECK(e[2].flags == fmt::kFlagTimed);
  CHECK(e[2].seq == kNoSeq);
  CHECK(e[2].time_ns > e[1].time_ns);
  CHECK(e[3].flags == fmt::kFlagTimed);
  CHECK(e[4].thread != weft::this_thread::id());
  CHECK(e[5].flags == (fmt::kFlagTimed | fmt::kFlagContended));
  CHECK(e[5].seq == e[4].seq + 1);
  CHECK(e[7].flags == fmt::kFlagTimed);
  CHECK(e[7].arg == 0);
}

TEST_CASE("release(n) lets n blocked threads through", "[semaphore]") {
  weft::semaphore s(0, "sem_many");
  weft::test::SyncWatch watch;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) waiters.emplace_back([&] { s.acquire(); });
  REQUIRE(watch.wait_for(EventKind::SemAcquireBegin, s.id(), 3));
  s.release(3);
  for (auto& t : waiters) t.join();
  CHECK(s.value() == 0);

  const auto probe = weft::test::Probe::take();
  std::vector<fmt::Event> ordered;
  for (const auto& e : probe.on_object(s.id()))
    if (e.seq != kNoSeq) ordered.push_back(e);
  REQUIRE(ordered.size() == 4);
  CHECK(ordered[0].kind == EventKind::SemReleased);
  CHECK(ordered[0].arg == 3);
  for (std::size_t i = 0; i < ordered.size(); ++i) CHECK(ordered[i].seq == i);
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(ordered[i].kind == EventKind::SemAcquired);
    CHECK(ordered[i].arg == 3 - i);
    CHECK(ordered[i].flags == fmt::kFlagContended);
  }
}

TEST_CASE("a bounded semaphore refuses a release above its initial value and records the refusal", "[semaphore][bounded]") {
  weft::bounded_semaphore b(2, "bsem");
  b.acquire();
  b.release();
  CHECK(b.value() == 2);
  const unsigned refused_line = __LINE__ + 1;
  CHECK_THROWS_AS(b.release(), weft::semaphore_error);
  CHECK(b.value() == 2);  // unchanged
  b.acquire();
  CHECK_THROWS_WITH(b.release(2), Catch::Contains("released too many times"));
  CHECK(b.value() == 1);
  b.release();
  CHECK(b.value() == 2);
  CHECK(b.try_acquire());  // still works
  b.release();

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(b.id()).kind == fmt::ObjectKind::BoundedSemaphore);
  REQUIRE(probe.kinds(b.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::SemAcquired, EventKind::SemReleased,
                                 EventKind::SemReleased, EventKind::SemAcquired, EventKind::SemReleased,
                                 EventKind::SemReleased, EventKind::SemAcquired, EventKind::SemReleased});
  const auto e = probe.on_object(b.id());
  CHECK(e[2].seq == 1);
  CHECK(e[2].flags == 0);
  // The refused release: flag Rejected, no sequence number (it did not
  // happen), the value it left unchanged, and the caller's site.
  CHECK(e[3].flags == fmt::kFlagRejected);
  CHECK(e[3].seq == kNoSeq);
  CHECK(e[3].arg == 2);
  CHECK(probe.site_file(e[3]).find("test_semaphore.cpp") != std::string::npos);
  CHECK(probe.trace.site(e[3].site).line == refused_line);
  CHECK(e[4].seq == 2);
  CHECK(e[5].flags == fmt::kFlagRejected);
  CHECK(e[5].seq == kNoSeq);
  CHECK(e[5].arg == 1);
  CHECK(e[6].seq == 3);
  CHECK(e[6].arg == 2);
  CHECK(e[6].flags == 0);
}

TEST_CASE("a bounded semaphore of one keeps a counter consistent across threads", "[semaphore][bounded]") {
  weft::bounded_semaphore guard(1, "bsem_guard");
  long counter = 0;
  constexpr int kThreads = 4, kRounds = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        guard.acquire();
        ++counter;
        guard.release();
      }
    });
  for (auto& t : threads) t.join();
  CHECK(counter == kThreads * kRounds);
  CHECK(guard.value() == 1);

  const auto probe = weft::test::Probe::take();
  std::size_t acquired = 0, released = 0;
  std::uint64_t next_seq = 0;
  for (const auto& e : probe.on_object(guard.id())) {
    if (e.kind == EventKind::SemAcquired) {
      ++acquired;
      CHECK(e.arg == 0);
    } else if (e.kind == EventKind::SemReleased) {
      ++released;
      CHECK(e.arg == 1);
      CHECK(e.flags == 0);
    }
    if (e.seq != kNoSeq) CHECK(e.seq == next_seq++);
  }
  CHECK(acquired == kThreads * kRounds);
  CHECK(released == kThreads * kRounds);
}

TEST_CASE("a negative initial value or a release of less than one is an error", "[semaphore]") {
  CHECK_THROWS_AS(weft::semaphore(-1), std::invalid_argument);
  CHECK_THROWS_AS(weft::bounded_semaphore(-1), std::invalid_argument);
  weft::semaphore s(0, "sem_invalid");
  CHECK_THROWS_AS(s.release(0), std::invalid_argument);
  CHECK(s.value() == 0);
  const auto probe = weft::test::Probe::take();
  CHECK(probe.kinds(s.id()) == std::vector<EventKind>{EventKind::ObjectCreate});
}
