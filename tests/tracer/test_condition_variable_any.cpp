// weft::condition_variable_any: the events of weft::condition_variable, over
// every weft lock, held bare or through a guard; a recursive mutex is let go
// completely and taken back at its depth.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::WakeReason;
using namespace std::chrono_literals;
namespace flag = weft::format;

namespace {

// The lock's events during one wait that timed out, with `wait_for` called
// as the holding style asks: on the bare lock, a std::unique_lock or a
// weft::unique_lock.
template <class Lock>
std::cv_status timed_out_wait(Lock& m, weft::condition_variable_any& cv, int style) {
  switch (style) {
    case 0: {
      m.lock();
      const auto status = cv.wait_for(m, 5ms);
      m.unlock();
      return status;
    }
    case 1: {
      std::unique_lock<Lock> held(m);
      return cv.wait_for(held, 5ms);
    }
    default: {
      weft::unique_lock<Lock> held(m);
      return cv.wait_for(held, 5ms);
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("a timed wait over any weft lock records the wait and the lock's release and re-acquisition",
                   "[condition_any]", weft::mutex, weft::recursive_mutex, weft::shared_mutex) {
  const int style = GENERATE(0, 1, 2);
  INFO("held " << (style == 0 ? "bare" : style == 1 ? "by std::unique_lock" : "by weft::unique_lock"));
  TestType m("cv_any_lock");
  weft::condition_variable_any cv("cv_any_timeout");
  CHECK(timed_out_wait(m, cv, style) == std::cv_status::timeout);
  CHECK(m.holder() == -1);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(cv.id()).kind == weft::format::ObjectKind::Condition);
  const auto cv_events = probe.on_object(cv.id());
  REQUIRE(probe.kinds(cv.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::CondWaitBegin, EventKind::CondWaitEnd});
  CHECK(cv_events[1].arg == m.id());
  CHECK(cv_events[1].flags == flag::kFlagTimed);
  CHECK(cv_events[2].arg == std::uint64_t(WakeReason::Timeout));
  CHECK(cv_events[2].flags == flag::kFlagTimed);
  CHECK(cv_events[2].seq == cv_events[1].seq + 1);

  const auto m_events = probe.on_object(m.id());
  REQUIRE(probe.kinds(m.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::MutexAcquired,
                                                        EventKind::MutexReleased, EventKind::MutexAcquired,
                                                        EventKind::MutexReleased});
  CHECK(m_events[2].flags == flag::kFlagCondition);
  CHECK(m_events[2].arg == 0);
  CHECK(m_events[3].flags == flag::kFlagCondition);
  CHECK(m_events[3].arg == 1);
  CHECK(m_events[4].flags == 0);
  for (std::size_t i = 1; i < m_events.size(); ++i) CHECK(m_events[i].seq == i - 1);
  // The wait's own events are at the caller's line, in this file.
  CHECK(probe.site_file(cv_events[1]).find("test_condition_variable_any.cpp") != std::string::npos);
  CHECK(probe.site_file(m_events[2]).find("test_condition_variable_any.cpp") != std::string::npos);
}

TEST_CASE("a wait lets a recursive mutex go entirely and takes it back at the depth it had", "[condition_any]") {
  weft::recursive_mutex m("cv_any_rlock");
  weft::condition_variable_any cv("cv_any_depth");
  weft::test::SyncWatch watch;
  bool ready = false;
  long holder_while_waiting = -2;
  std::uint32_t waiter_id = 0;
  std::thread waiter([&] {
    waiter_id = weft::this_thread::id();
    m.lock();  // depth 1
    {
      weft::unique_lock<weft::recursive_mutex> held(m);  // depth 2
      m.lock();                                          // depth 3
      cv.wait(held, [&] { return ready; });
      m.unlock();  // back to 2: the wait restored 3
    }              // the guard's release: 1
    m.unlock();
  });
  REQUIRE(watch.wait_for(EventKind::CondWaitBegin, cv.id()));
  {
    // Free for another thread, although the waiter took it three times.
    REQUIRE(m.try_lock_for(30s));
    holder_while_waiting = m.holder();
    ready = true;
    cv.notify_one();
    m.unlock();
  }
  waiter.join();
  CHECK(holder_while_waiting == long(weft::this_thread::id()));
  // The waiter's guard released the depth it took (the rest by hand): free.
  CHECK(m.holder() == -1);
  CHECK(m.try_lock());
  m.unlock();

  const auto probe = weft::test::Probe::take();
  std::vector<std::pair<std::uint64_t, std::uint8_t>> waiter_depths;  // arg and flags, in order
  for (const auto& e : probe.on_object(m.id()))
    if (e.thread == waiter_id && (e.kind == EventKind::MutexAcquired || e.kind == EventKind::MutexReleased))
      waiter_depths.emplace_back(e.arg, e.flags);
  using D = std::pair<std::uint64_t, std::uint8_t>;
  CHECK(waiter_depths == std::vector<D>{D{1, 0}, D{2, 0}, D{3, 0}, D{0, flag::kFlagCondition},
                                        D{3, flag::kFlagCondition}, D{2, 0}, D{1, 0}, D{0, 0}});
  // And the sequence numbers put main's hold between the wait's release and
  // its re-acquisition.
  const auto events = probe.on_object(m.id());
  std::uint64_t released = 0, main_acquired = 0, reacquired = 0;
  for (const auto& e : events) {
    if (e.thread == waiter_id && e.flags == flag::kFlagCondition)
      (e.kind == EventKind::MutexReleased ? released : reacquired) = e.seq;
    if (e.thread != waiter_id && e.kind == EventKind::MutexAcquired && main_acquired == 0) main_acquired = e.seq;
  }
  CHECK(released < main_acquired);
  CHECK(main_acquired < reacquired);
}

TEST_CASE("a notified waiter wakes with reason notified, after the notification", "[condition_any]") {
  weft::shared_mutex rw("cv_any_rw");
  weft::condition_variable_any cv("cv_any_notified");
  weft::test::SyncWatch watch;
  bool ready = false;
  std::uint32_t consumer_id = 0;
  std::thread consumer([&] {
    consumer_id = weft::this_thread::id();
    std::unique_lock<weft::shared_mutex> held(rw);
    cv.wait(held, [&] { return ready; });
  });
  REQUIRE(watch.wait_for(EventKind::CondWaitBegin, cv.id()));
  {
    std::lock_guard<weft::shared_mutex> g(rw);
    ready = true;
    cv.notify_one();
  }
  consumer.join();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  REQUIRE(probe.kinds(cv.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::CondWaitBegin,
                                                         EventKind::CondNotifyOne, EventKind::CondWaitEnd});
  CHECK(events[1].thread == consumer_id);
  CHECK(events[1].flags == 0);
  CHECK(events[2].arg == 1);  // one waiter when notified
  CHECK(events[3].arg == std::uint64_t(WakeReason::Notified));
  CHECK(events[2].seq < events[3].seq);
}

TEST_CASE("notify_all wakes every waiter, whatever lock each waits with", "[condition_any]") {
  weft::mutex plain("cv_any_plain");
  weft::recursive_mutex recursive("cv_any_recursive");
  weft::shared_mutex rw("cv_any_shared");
  weft::condition_variable_any cv("cv_any_broadcast");
  weft::test::SyncWatch watch;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    std::unique_lock<weft::mutex> held(plain);
    cv.wait(held, [&] { return go.load(); });
  });
  threads.emplace_back([&] {
    weft::unique_lock<weft::recursive_mutex> held(recursive);
    cv.wait(held, [&] { return go.load(); });
  });
  threads.emplace_back([&] {
    rw.lock();
    cv.wait(rw, [&] { return go.load(); });
    rw.unlock();
  });
  REQUIRE(watch.wait_for(EventKind::CondWaitBegin, cv.id(), 3));
  go = true;
  cv.notify_all();
  for (auto& t : threads) t.join();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  std::size_t notifies = 0, woken = 0;
  for (const auto& e : events) {
    if (e.kind == EventKind::CondNotifyAll) {
      ++notifies;
      CHECK(e.arg == 3);  // all three were waiting
    }
    if (e.kind == EventKind::CondWaitEnd) woken += e.arg == std::uint64_t(WakeReason::Notified);
  }
  CHECK(notifies == 1);
  CHECK(woken >= 3);
}

TEST_CASE("wait_until and the predicate overloads return as condition_variable's do", "[condition_any]") {
  weft::recursive_mutex m;
  weft::condition_variable_any cv;
  std::unique_lock<weft::recursive_mutex> held(m);
  CHECK(cv.wait_until(held, std::chrono::steady_clock::now() + 2ms) == std::cv_status::timeout);
  CHECK(cv.wait_for(held, 1ms, [] { return true; }));
  CHECK_FALSE(cv.wait_for(held, 5ms, [] { return false; }));
  CHECK_FALSE(cv.wait_until(held, std::chrono::system_clock::now() + 5ms, [] { return false; }));
  CHECK(held.owns_lock());
  CHECK(m.holder() == long(weft::this_thread::id()));
  held.unlock();

  const auto probe = weft::test::Probe::take();
  const auto kinds = probe.kinds(cv.id());
  // No wait for the true predicate; at least one for each other call.
  CHECK(std::count(kinds.begin(), kinds.end(), EventKind::CondWaitBegin) >= 3);
  CHECK(std::count(kinds.begin(), kinds.end(), EventKind::CondWaitBegin) ==
        std::count(kinds.begin(), kinds.end(), EventKind::CondWaitEnd));
  for (const auto& e : probe.on_object(cv.id()))
    if (e.kind == EventKind::CondWaitEnd) CHECK(e.arg == std::uint64_t(WakeReason::Timeout));
}

TEST_CASE("waiting without holding the lock is recorded and refused", "[condition_any][misuse]") {
  weft::mutex plain("cv_any_unheld");
  weft::recursive_mutex recursive("cv_any_elsewhere");
  weft::condition_variable_any cv("cv_any_refused");

  // A guard that does not hold its lock.
  std::unique_lock<weft::mutex> deferred(plain, std::defer_lock);
  CHECK_THROWS_AS(cv.wait(deferred), std::system_error);
  // A bare lock nobody holds.
  CHECK_THROWS_AS(cv.wait_for(plain, 1ms), std::system_error);
  // A guard without a lock.
  std::unique_lock<weft::mutex> empty;
  CHECK_THROWS_AS(cv.wait(empty), std::system_error);
  // A lock another thread holds.
  std::atomic<bool> held{false}, done{false};
  std::thread other([&] {
    recursive.lock();
    held = true;
    while (!done) std::this_thread::yield();
    recursive.unlock();
  });
  while (!held) std::this_thread::yield();
  CHECK_THROWS_AS(cv.wait(recursive), std::system_error);
  done = true;
  other.join();
  CHECK(plain.try_lock());  // untouched by the refused waits
  plain.unlock();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(cv.id());
  REQUIRE(events.size() == 5);
  const std::uint64_t locks[] = {plain.id(), plain.id(), 0, recursive.id()};
  const std::uint8_t timed[] = {0, flag::kFlagTimed, 0, 0};
  for (int i = 0; i < 4; ++i) {
    INFO("refused wait " << i);
    CHECK(events[i + 1].kind == EventKind::CondWaitBegin);
    CHECK(events[i + 1].arg == locks[i]);
    CHECK(events[i + 1].flags == (timed[i] | flag::kFlagNotOwner));
    CHECK(events[i + 1].seq == flag::kNoSeq);
  }
  // Nothing was released on the locks' own orders.
  for (const auto& e : probe.on_object(recursive.id())) CHECK(e.flags != flag::kFlagCondition);
}
