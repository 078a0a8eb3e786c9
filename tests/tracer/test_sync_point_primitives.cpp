// Every operation of the semaphores, barrier, event, queue, timer, thread
// pool and futures, shared values and sleep_for passes through
// weft::detail::sync_point: what the hook saw, event for event (thread, kind,
// object, seq, arg, flags, site), is exactly what the trace holds for those
// objects. Object creation and destruction are bookkeeping, not
// synchronization, and are left out on both sides.
#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using namespace std::chrono_literals;

namespace {

using Key = std::tuple<std::uint32_t, int, std::uint32_t, std::uint64_t, std::uint64_t, int, std::string, unsigned>;

bool is_sleep(EventKind k) { return k == EventKind::SleepBegin || k == EventKind::SleepEnd; }
bool from_this_file(const std::string& file) { return file.find("test_sync_point_primitives.cpp") != std::string::npos; }

}  // namespace

TEST_CASE("every operation of the other primitives passes through the sync point", "[sync_point]") {
  std::set<std::uint32_t> objects;
  std::vector<weft::test::SeenEvent> seen;
  {
    weft::test::SyncWatch watch;
    {
      // Semaphores.
      weft::semaphore sem(1, "hooked_sem");
      weft::bounded_semaphore bsem(1, "hooked_bsem");
      objects.insert({sem.id(), bsem.id()});
      sem.acquire();
      CHECK_FALSE(sem.try_acquire());
      CHECK_FALSE(sem.try_acquire_for(1ms));
      std::thread sem_waiter([&] { sem.acquire(); });
      REQUIRE(watch.wait_for(EventKind::SemAcquireBegin, sem.id(), 2));
      sem.release(2);
      sem_waiter.join();
      bsem.acquire();
      bsem.release();
      CHECK_THROWS_AS(bsem.release(), weft::semaphore_error);

      // Barrier.
      weft::barrier bar(2, "hooked_barrier");
      objects.insert(bar.id());
      std::thread partner([&] { bar.wait(); });
      bar.wait();
      partner.join();
      CHECK_THROWS_AS(bar.wait_for(1ms), weft::broken_barrier_error);
      CHECK_THROWS_AS(bar.wait(), weft::broken_barrier_error);
      bar.reset();
      bar.abort();
      bar.reset();

      // Event.
      weft::event ev("hooked_event");
      objects.insert(ev.id());
      CHECK_FALSE(ev.wait_for(1ms));
      std::thread ev_waiter([&] { ev.wait(); });
      REQUIRE(watch.wait_for(EventKind::EventWaitBegin, ev.id(), 2));
      ev.set();
      ev_waiter.join();
      CHECK(ev.is_set());
      CHECK(ev.wait());
      ev.clear();

      // Queue.
      weft::queue<int> q(1, "hooked_queue");
      objects.insert(q.id());
      q.put(1);
      CHECK_THROWS_AS(q.put_nowait(2), weft::queue_full);
      CHECK_THROWS_AS(q.put(2, 1ms), weft::queue_full);
      std::thread producer([&] { q.put(3); });
      REQUIRE(watch.wait_for(EventKind::QueuePutBegin, q.id(), 2));
      CHECK(q.get() == 1);
      producer.join();
      CHECK(q.get() == 3);
      CHECK_THROWS_AS(q.get_nowait(), weft::queue_empty);
      CHECK_THROWS_AS(q.get(1ms), weft::queue_empty);
      int got = 0;
      std::thread consumer([&] { got = q.get(); });
      REQUIRE(watch.wait_for(EventKind::QueueGetBegin, q.id(), 2));
      q.put(4);
      consumer.join();
      CHECK(got == 4);
      std::thread finisher([&] {
        if (!watch.wait_for(EventKind::QueueJoinBegin, q.id())) return;
        for (int i = 0; i < 3; ++i) q.task_done();
      });
      q.join();
      finisher.join();
      CHECK_THROWS_AS(q.task_done(), std::logic_error);

      // Timers.
      weft::event fired("hooked_timer_fired");
      weft::timer fires(1ms, [&] { fired.set(); }, "hooked_timer");
      weft::timer cancelled(1h, [] {}, "hooked_timer_cancelled");
      objects.insert({fires.id(), cancelled.id()});
      fires.start();
      cancelled.start();
      cancelled.cancel();
      fired.wait();
      fires.join();
      fires.cancel();  // too late

      // Thread pool and futures.
      weft::thread_pool pool(1, "hooked_pool");
      weft::event gate("hooked_pool_gate");
      auto running = pool.submit([&] {
        gate.wait();
        return 1;
      });
      auto queued = pool.submit([] { return 2; });
      auto fails = pool.submit([]() -> int { throw std::runtime_error("hooked"); });
      objects.insert({pool.id(), running.id(), queued.id(), fails.id()});
      REQUIRE(watch.wait_for(EventKind::TaskStart, running.id()));
      CHECK(queued.cancel());
      running.add_done_callback([](weft::future<int>) {});
      std::thread opener([&] {
        if (watch.wait_for(EventKind::FutureWaitBegin, running.id())) gate.set();
      });
      CHECK(running.result() == 1);
      opener.join();
      CHECK_THROWS_AS(fails.result(), std::runtime_error);
      CHECK_FALSE(running.cancel());
      pool.shutdown();

      // A shared value and a sleep.
      weft::shared<int> value(1, "hooked_shared");
      objects.insert(value.id());
      value += 1;
      value.set(value.get() * 3);
      value.modify([](int& v) { ++v; });
      weft::sleep_for(1ms);
    }  // destructors (pool shutdown, timer joins) while the hook is in place
    seen = watch.seen();
  }

  const auto probe = weft::test::Probe::take();
  std::vector<Key> expected;
  for (const auto& e : probe.trace.events) {
    if (e.kind == EventKind::ObjectCreate || e.kind == EventKind::ObjectDestroy) continue;
    const auto& site = probe.trace.site(e.site);
    if (!objects.count(e.object) && !(is_sleep(e.kind) && from_this_file(site.file))) continue;
    expected.emplace_back(e.thread, int(e.kind), e.object, e.seq, e.arg, int(e.flags), site.file, site.line);
  }
  std::vector<Key> hooked;
  std::set<EventKind> kinds;
  for (const auto& s : seen) {
    if (!objects.count(s.object) && !(is_sleep(s.kind) && from_this_file(s.file))) continue;
    hooked.emplace_back(s.thread, int(s.kind), s.object, s.seq, s.arg, int(s.flags), s.file, s.line);
    kinds.insert(s.kind);
  }
  std::sort(expected.begin(), expected.end());
  std::sort(hooked.begin(), hooked.end());
  CHECK(hooked.size() == expected.size());
  CHECK(hooked == expected);
  // Every kind of these primitives was exercised.
  for (EventKind k :
       {EventKind::SemAcquireBegin, EventKind::SemAcquired, EventKind::SemAcquireFailed, EventKind::SemReleased,
        EventKind::BarrierArrive, EventKind::BarrierLeave, EventKind::BarrierAbort, EventKind::BarrierReset,
        EventKind::EventSet, EventKind::EventClear, EventKind::EventWaitBegin, EventKind::EventWaitEnd,
        EventKind::EventIsSet, EventKind::QueuePutBegin, EventKind::QueuePut, EventKind::QueuePutFailed,
        EventKind::QueueGetBegin, EventKind::QueueGet, EventKind::QueueGetFailed, EventKind::QueueTaskDone,
        EventKind::QueueJoinBegin, EventKind::QueueJoinEnd, EventKind::TimerStart, EventKind::TimerCancel,
        EventKind::TimerFire, EventKind::TimerDone, EventKind::PoolSubmit, EventKind::TaskStart, EventKind::TaskEnd,
        EventKind::FutureCancel, EventKind::FutureWaitBegin, EventKind::FutureWaitEnd, EventKind::FutureCallback,
        EventKind::PoolShutdownBegin, EventKind::PoolShutdownEnd, EventKind::SharedRead, EventKind::SharedWrite,
        EventKind::SleepBegin, EventKind::SleepEnd}) {
    INFO("kind " << weft::format::kind_name(k));
    CHECK(kinds.count(k) == 1);
  }
}
