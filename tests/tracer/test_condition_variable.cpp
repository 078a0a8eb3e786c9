#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <system_error>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::WakeReason;
using namespace std::chrono_literals;

TEST_CASE("a notification nobody waits for is recorded with zero waiters", "[condition]") {
  weft::condition_variable cv("lonely");
  cv.notify_one();
  cv.notify_all();
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  REQUIRE(events.size() == 3);
  CHECK(events[1].kind == EventKind::CondNotifyOne);
  CHECK(events[1].arg == 0);
  CHECK(events[2].kind == EventKind::CondNotifyAll);
  CHECK(events[2].seq == 1);
}

TEST_CASE("a timed wait that nobody ends records its timeout, and the mutex across it", "[condition]") {
  weft::mutex m("cv_mutex");
  weft::condition_variable cv("timeout_cv");
  weft::unique_lock<weft::mutex> lock(m);
  CHECK(cv.wait_for(lock, 20ms) == std::cv_status::timeout);
  CHECK(lock.owns_lock());
  lock.unlock();

  const auto probe = weft::test::Probe::take();
  const auto cv_events = probe.on_object(cv.id());
  REQUIRE(cv_events.size() == 3);
  CHECK(cv_events[1].kind == EventKind::CondWaitBegin);
  CHECK(cv_events[1].arg == m.id());
  CHECK(cv_events[1].flags == weft::format::kFlagTimed);
  CHECK(cv_events[2].kind == EventKind::CondWaitEnd);
  CHECK(cv_events[2].arg == std::uint64_t(WakeReason::Timeout));
  CHECK(cv_events[2].time_ns - cv_events[1].time_ns >= 15'000'000);

  // The wait released and re-took the mutex, flagged as done by the wait.
  const auto m_events = probe.on_object(m.id());
  REQUIRE(probe.kinds(m.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired,
                                                        EventKind::MutexReleased, EventKind::MutexAcquired,
                                                        EventKind::MutexReleased});
  CHECK(m_events[2].flags == weft::format::kFlagCondition);
  CHECK(m_events[3].flags == weft::format::kFlagCondition);
  CHECK(m_events[4].flags == 0);
}

TEST_CASE("a notified waiter wakes with reason notified, ordered after the notification", "[condition]") {
  weft::mutex m("pc_mutex");
  weft::condition_variable cv("pc_cv");
  bool ready = false;
  std::uint32_t consumer_id = 0;
  std::thread consumer([&] {
    consumer_id = weft::this_thread::id();
    weft::unique_lock<weft::mutex> lock(m);
    cv.wait(lock, [&] { return ready; });
  });
  // Wait until the consumer is really waiting, so the notify finds it.
  for (;;) {
    std::this_thread::sleep_for(1ms);
    weft::lock_guard<weft::mutex> g(m);
    const auto probe = weft::test::Probe::take();
    const auto events = probe.on_object(cv.id());
    if (!events.empty() && events.back().kind == EventKind::CondWaitBegin) break;
  }
  {
    weft::lock_guard<weft::mutex> g(m);
    ready = true;
    cv.notify_one();
  }
  consumer.join();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  REQUIRE(probe.kinds(cv.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::CondWaitBegin, EventKind::CondNotifyOne,
                                 EventKind::CondWaitEnd});
  CHECK(events[1].thread == consumer_id);
  CHECK(events[2].arg == 1);  // one waiter when notified
  CHECK(events[3].arg == std::uint64_t(WakeReason::Notified));
  CHECK(events[2].seq < events[3].seq);
}

TEST_CASE("wait_for with a predicate returns the predicate, waiting only as needed", "[condition]") {
  weft::mutex m;
  weft::condition_variable cv;
  weft::unique_lock<weft::mutex> lock(m);
  CHECK(cv.wait_for(lock, 1ms, [] { return true; }));
  CHECK_FALSE(cv.wait_for(lock, 10ms, [] { return false; }));
  CHECK_FALSE(cv.wait_until(lock, std::chrono::system_clock::now() + 5ms, [] { return false; }));
  const auto probe = weft::test::Probe::take();
  // No wait at all for the true predicate; at least one for each false one.
  const auto kinds = probe.kinds(cv.id());
  CHECK(std::count(kinds.begin(), kinds.end(), EventKind::CondWaitBegin) >= 2);
  CHECK(std::count(kinds.begin(), kinds.end(), EventKind::CondWaitBegin) ==
        std::count(kinds.begin(), kinds.end(), EventKind::CondWaitEnd));
}

TEST_CASE("notify_all wakes every waiter", "[condition]") {
  constexpr std::size_t kWaiters = 4;
  weft::test::SyncWatch watch;
  weft::mutex m;
  weft::condition_variable cv("broadcast");
  std::size_t waiting = 0;  // under m: threads that entered the wait
  bool go = false;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kWaiters; ++i)
    threads.emplace_back([&] {
      weft::unique_lock<weft::mutex> lock(m);
      ++waiting;
      cv.wait(lock, [&] { return go; });
    });
  // Every waiter records cond.wait.begin while holding m, after counting
  // itself, and lets m go only inside the wait: once `waiting` reads 4 under
  // m, all four are in the wait (or, woken spuriously, back in line for m),
  // and the notification below finds every one of them.
  for (std::size_t begins = kWaiters;; ++begins) {
    REQUIRE(watch.wait_for(EventKind::CondWaitBegin, cv.id(), begins));
    weft::lock_guard<weft::mutex> g(m);
    if (waiting == kWaiters) {
      go = true;
      cv.notify_all();
      break;
    }
  }
  for (auto& t : threads) t.join();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  std::vector<weft::format::Event> notifies, begins, ends;
  for (const auto& e : events) {
    if (e.kind == EventKind::CondNotifyAll) notifies.push_back(e);
    if (e.kind == EventKind::CondWaitBegin) begins.push_back(e);
    if (e.kind == EventKind::CondWaitEnd) ends.push_back(e);
  }
  REQUIRE(notifies.size() == 1);
  const auto& notify = notifies[0];
  // The notification saw all four threads waiting.
  CHECK(notify.arg == kWaiters);
  // Every wait began before it, on four different threads, and every wait
  // ended; the waits that ended after it are exactly four, one per thread,
  // each woken by it (a wait that ended before it could only be spurious).
  std::set<std::uint32_t> waiters, woken;
  for (const auto& b : begins) {
    CHECK(b.seq < notify.seq);
    waiters.insert(b.thread);
  }
  CHECK(waiters.size() == kWaiters);
  CHECK(ends.size() == begins.size());
  for (const auto& e : ends) {
    if (e.seq < notify.seq) {
      CHECK(e.arg == std::uint64_t(WakeReason::Spurious));
      continue;
    }
    CHECK(e.arg == std::uint64_t(WakeReason::Notified));
    CHECK(woken.insert(e.thread).second);
  }
  CHECK(woken == waiters);
  // One wait per thread, plus one more for each spurious wake-up (rare).
  const auto spurious = std::count_if(ends.begin(), ends.end(), [&](const auto& e) { return e.seq < notify.seq; });
  CHECK(begins.size() == kWaiters + std::size_t(spurious));
}

TEST_CASE("waiting without holding the lock throws and is recorded", "[condition][misuse]") {
  weft::mutex m;
  weft::condition_variable cv("unheld");
  weft::unique_lock<weft::mutex> lock(m, std::defer_lock);
  CHECK_THROWS_AS(cv.wait(lock), std::system_error);
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  REQUIRE(events.size() == 2);
  CHECK(events[1].kind == EventKind::CondWaitBegin);
  CHECK((events[1].flags & weft::format::kFlagNotOwner) != 0);
}
