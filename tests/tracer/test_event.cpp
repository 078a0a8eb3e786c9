// weft::event: Python's threading.Event semantics (set, clear, is_set, wait
// returning at once when set, wait_for returning false on timeout, set
// waking every waiter) and its events, ordered by the event's sequence.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
using namespace std::chrono_literals;
namespace fmt = weft::format;

TEST_CASE("an event is set and cleared and is_set records every answer", "[event]") {
  weft::event e("ev_flag");
  CHECK_FALSE(e.is_set());
  e.set();
  CHECK(e.is_set());
  e.set();  // setting twice is harmless
  CHECK(e.is_set());
  e.clear();
  CHECK_FALSE(e.is_set());

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(e.id()).kind == fmt::ObjectKind::Event);
  CHECK(probe.trace.object(e.id()).name == "ev_flag");
  REQUIRE(probe.kinds(e.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::EventIsSet,
                                                        EventKind::EventSet, EventKind::EventIsSet, EventKind::EventSet,
                                                        EventKind::EventIsSet, EventKind::EventClear,
                                                        EventKind::EventIsSet});
  const auto ev = probe.on_object(e.id());
  const std::uint64_t answers[] = {0, 1, 1, 0};
  std::size_t next_answer = 0;
  for (std::size_t i = 1; i < ev.size(); ++i) {
    CHECK(ev[i].seq == i - 1);
    CHECK(probe.site_file(ev[i]).find("test_event.cpp") != std::string::npos);
    if (ev[i].kind == EventKind::EventIsSet) CHECK(ev[i].arg == answers[next_answer++]);
    if (ev[i].kind == EventKind::EventSet) CHECK(ev[i].arg == 0);  // nobody waiting
  }
}

TEST_CASE("waiting on an event already set returns at once and records the end alone", "[event]") {
  weft::event e("ev_already");
  e.set();
  CHECK(e.wait());
  CHECK(e.wait_for(0ms));
  CHECK(e.wait_for(1h));
  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(e.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::EventSet,
                                                        EventKind::EventWaitEnd, EventKind::EventWaitEnd,
                                                        EventKind::EventWaitEnd});
  const auto ev = probe.on_object(e.id());
  CHECK(ev[2].arg == 1);
  CHECK(ev[2].seq == 1);
  CHECK(ev[2].flags == 0);
  CHECK(ev[3].flags == fmt::kFlagTimed);
  CHECK(ev[4].seq == 3);
}

TEST_CASE("wait_for on an event nobody sets times out and returns false", "[event]") {
  weft::event e("ev_timeout");
  CHECK_FALSE(e.wait_for(20ms));
  CHECK_FALSE(e.is_set());
  const auto probe = weft::test::Probe::take();
  REQUIRE(probe.kinds(e.id()) == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::EventWaitBegin,
                                                        EventKind::EventWaitEnd, EventKind::EventIsSet});
  const auto ev = probe.on_object(e.id());
  CHECK(ev[1].flags == fmt::kFlagTimed);
  CHECK(ev[2].flags == fmt::kFlagTimed);
  CHECK(ev[2].arg == 0);
  CHECK(ev[2].seq == kNoSeq);  // a timeout passes nothing on
  CHECK(ev[2].time_ns - ev[1].time_ns >= 15'000'000);
  CHECK(ev[3].seq == 0);
}

TEST_CASE("set wakes every waiter and each wake is ordered after the set", "[event]") {
  weft::event e("ev_broadcast");
  weft::test::SyncWatch watch;
  constexpr int kWaiters = 4;
  std::atomic<int> woke{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i)
    waiters.emplace_back([&, i] {
      const bool set = i % 2 ? e.wait() : e.wait_for(30s);
      if (set) ++woke;
    });
  REQUIRE(watch.wait_for(EventKind::EventWaitBegin, e.id(), kWaiters));
  e.set();
  for (auto& t : waiters) t.join();
  CHECK(woke == kWaiters);

  const auto probe = weft::test::Probe::take();
  const auto ev = probe.on_object(e.id());
  const auto set = std::find_if(ev.begin(), ev.end(), [](const auto& x) { return x.kind == EventKind::EventSet; });
  REQUIRE(set != ev.end());
  CHECK(set->arg == kWaiters);  // waiters woken
  CHECK(set->seq == 0);
  CHECK(set->thread == weft::this_thread::id());
  std::vector<std::uint64_t> end_seqs;
  for (auto it = ev.begin(); it != ev.end(); ++it) {
    if (it->kind == EventKind::EventWaitBegin) CHECK(it < set);
    if (it->kind == EventKind::EventWaitEnd) {
      CHECK(it > set);
      CHECK(it->arg == 1);
      end_seqs.push_back(it->seq);
    }
  }
  std::sort(end_seqs.begin(), end_seqs.end());
  CHECK(end_seqs == std::vector<std::uint64_t>{1, 2, 3, 4});
}

TEST_CASE("a cleared event blocks waiters again until the next set", "[event]") {
  weft::event e("ev_again");
  weft::test::SyncWatch watch;
  e.set();
  e.clear();
  CHECK_FALSE(e.wait_for(10ms));
  bool woke = false;
  std::thread waiter([&] { woke = e.wait(); });
  REQUIRE(watch.wait_for(EventKind::EventWaitBegin, e.id(), 2));
  e.set();
  waiter.join();
  CHECK(woke);
  const auto probe = weft::test::Probe::take();
  std::vector<EventKind> sequenced;
  for (const auto& x : probe.on_object(e.id()))
    if (x.seq != kNoSeq) sequenced.push_back(x.kind);
  CHECK(sequenced ==
        std::vector<EventKind>{EventKind::EventSet, EventKind::EventClear, EventKind::EventSet, EventKind::EventWaitEnd});
}

// Python's Event.wait() returns True to every thread that was waiting when
// set() was called, even if clear() follows at once ("All threads waiting for
// it to become true are awakened"); weft's event.set records those waiters as
// woken (arg), and the waiter returns true: a clear() that gets the lock
// before the woken waiter runs again does not send it back to sleep.
TEST_CASE("set followed at once by clear still releases the threads that were waiting", "[event]") {
  weft::event e("ev_pulse");
  weft::test::SyncWatch watch;
  bool woke = false;
  std::thread waiter([&] { woke = e.wait_for(2s); });
  REQUIRE(watch.wait_for(EventKind::EventWaitBegin, e.id()));
  e.set();
  e.clear();
  waiter.join();
  const auto probe = weft::test::Probe::take();
  const auto ev = probe.on_object(e.id());
  const auto set = std::find_if(ev.begin(), ev.end(), [](const auto& x) { return x.kind == EventKind::EventSet; });
  REQUIRE(set != ev.end());
  CHECK(set->arg == 1);  // the trace says one waiter was woken ...
  CHECK(woke);           // ... so that waiter must return true
}
