// weft::timer: Python's threading.Timer semantics (the function runs once,
// after the interval, on the timer's own thread, unless cancelled in time;
// a started timer is waited for when destroyed) and its events.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;
using namespace std::chrono_literals;
namespace fmt = weft::format;

TEST_CASE("a timer calls its function once after its interval on a thread of its own", "[timer]") {
  weft::event fired("timer_fired");
  std::atomic<std::uint32_t> fired_on{0};
  std::atomic<int> calls{0};
  weft::timer t(
      20ms,
      [&] {
        fired_on = weft::this_thread::id();
        ++calls;
        fired.set();
      },
      "t_fire");
  CHECK_FALSE(t.is_alive());  // not started
  const auto started = std::chrono::steady_clock::now();
  const unsigned start_line = __LINE__ + 1;
  t.start();
  CHECK(fired.wait_for(30s));
  CHECK(std::chrono::steady_clock::now() - started >= 20ms);
  t.join();
  CHECK_FALSE(t.is_alive());
  CHECK(calls == 1);
  CHECK(fired_on != weft::this_thread::id());

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(t.id()).kind == fmt::ObjectKind::Timer);
  CHECK(probe.trace.object(t.id()).extra == 20'000'000);  // the interval
  REQUIRE(probe.kinds(t.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::TimerStart,
                                                        EventKind::TimerFire, EventKind::TimerDone});
  const auto e = probe.on_object(t.id());
  CHECK(e[1].arg == 20'000'000);
  CHECK(e[1].seq == 0);
  CHECK(e[1].thread == weft::this_thread::id());
  CHECK(probe.site_file(e[1]).find("test_timer.cpp") != std::string::npos);
  CHECK(probe.trace.site(e[1].site).line == start_line);
  CHECK(e[2].seq == 1);
  CHECK(e[2].thread == fired_on);
  CHECK(e[2].time_ns - e[1].time_ns >= 15'000'000);
  CHECK(e[3].seq == 2);
  CHECK(e[3].thread == fired_on);
  // The timer's thread is named after the timer and was created by start().
  CHECK(probe.trace.thread(fired_on).name == "t_fire");
  REQUIRE(probe.trace.thread(fired_on).parent.has_value());
  CHECK(*probe.trace.thread(fired_on).parent == weft::this_thread::id());
}

TEST_CASE("a timer cancelled in time never calls its function", "[timer]") {
  std::atomic<int> calls{0};
  weft::timer t(1h, [&] { ++calls; }, "t_cancel");
  t.start();
  CHECK(t.is_alive());
  t.cancel();
  CHECK_FALSE(t.is_alive());
  t.join();  // the waiting thread ends at once
  CHECK(calls == 0);

  weft::timer never(1ms, [&] { ++calls; }, "t_cancel_first");
  never.cancel();  // before start: it will not fire either
  never.start();
  never.join();
  CHECK(calls == 0);

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(t.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::TimerStart, EventKind::TimerCancel});
  const auto e = probe.on_object(t.id());
  CHECK(e[2].arg == 1);  // in time
  CHECK(e[2].seq == 1);
  CHECK(probe.site_file(e[2]).find("test_timer.cpp") != std::string::npos);
  REQUIRE(probe.kinds(never.id()) ==
          std::vector<EventKind>{EventKind::ObjectCreate, EventKind::TimerCancel, EventKind::TimerStart});
  CHECK(probe.on_object(never.id())[1].arg == 1);
}

TEST_CASE("a cancel after the timer has fired is too late and is recorded as such", "[timer]") {
  weft::event entered("t_late_entered"), release("t_late_release");
  std::atomic<int> calls{0};
  weft::timer t(
      1ms,
      [&] {
        ++calls;
        entered.set();
        release.wait_for(30s);
      },
      "t_late");
  t.start();
  REQUIRE(entered.wait_for(30s));
  CHECK(t.is_alive());  // running its function
  t.cancel();           // too late: the function has begun
  release.set();
  t.join();
  t.cancel();  // and after it is done
  CHECK(calls == 1);

  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(t.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::TimerStart,
                                                        EventKind::TimerFire, EventKind::TimerCancel,
                                                        EventKind::TimerDone, EventKind::TimerCancel});
  const auto e = probe.on_object(t.id());
  CHECK(e[3].arg == 0);
  CHECK(e[3].seq == 2);
  CHECK(e[5].arg == 0);
  for (std::size_t i = 1; i < e.size(); ++i) CHECK(e[i].seq == i - 1);
}

TEST_CASE("starting a timer twice throws", "[timer]") {
  weft::timer t(1ms, [] {}, "t_twice");
  t.start();
  CHECK_THROWS_AS(t.start(), std::logic_error);
  t.join();
  const auto probe = weft::test::Probe::take();
  const auto kinds = probe.kinds(t.id());
  CHECK(std::count(kinds.begin(), kinds.end(), EventKind::TimerStart) == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), EventKind::TimerFire) == 1);
}

TEST_CASE("destroying a started timer waits for it to fire", "[timer]") {
  bool ran = false;  // read after the destructor: it joined the timer's thread
  std::uint32_t id = 0;
  {
    weft::timer t(10ms, [&] { ran = true; }, "t_destroyed");
    id = t.id();
    t.start();
  }
  CHECK(ran);
  std::uint32_t unstarted_id = 0;
  {
    weft::timer t(1ms, [&] { ran = false; }, "t_never_started");
    unstarted_id = t.id();
  }  // never started: nothing to wait for, nothing called
  CHECK(ran);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.kinds(id) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::TimerStart, EventKind::TimerFire,
                                                  EventKind::TimerDone, EventKind::ObjectDestroy});
  CHECK(probe.kinds(unstarted_id) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::ObjectDestroy});
}
