// weft::thread_pool, weft::future and weft::as_completed: Python's
// concurrent.futures semantics (results, exceptions, cancellation, timeouts,
// done callbacks, map, as_completed, worker limit, shutdown) and the events:
// pool.submit on the pool, then task.start -> task.end -> future.wait.end in
// the future's own order.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"
#include "sync_watch.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
using weft::format::TaskOutcome;
using namespace std::chrono_literals;
namespace fmt = weft::format;

namespace {

std::vector<fmt::Event> of_kind(const std::vector<fmt::Event>& events, EventKind kind) {
  std::vector<fmt::Event> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out), [&](const fmt::Event& e) { return e.kind == kind; });
  return out;
}

std::vector<fmt::Event> sequenced(const std::vector<fmt::Event>& events) {
  std::vector<fmt::Event> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out), [](const fmt::Event& e) { return e.seq != kNoSeq; });
  return out;
}

// Index of an event in the trace's global order.
std::size_t position_of(const fmt::Trace& t, EventKind kind, std::uint32_t object, std::uint64_t arg_or_any = ~0ull) {
  for (std::size_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].kind == kind && t.events[i].object == object && (arg_or_any == ~0ull || t.events[i].arg == arg_or_any))
      return i;
  return t.events.size();
}

}  // namespace

TEST_CASE("submit returns futures that give the tasks' results for int void and string", "[pool][future]") {
  weft::thread_pool pool(2, "pool_basic");
  CHECK(pool.max_workers() == 2);
  auto answer = pool.submit([] { return 6 * 7; });
  bool ran = false;
  auto nothing = pool.submit([&] { ran = true; });
  auto text = pool.submit([] { return std::string("weft"); });
  CHECK(answer.result() == 42);
  nothing.result();
  CHECK(ran);  // the task's writes are visible once its future is done
  CHECK(text.result() == "weft");
  CHECK(text.result() == "weft");  // a result can be read again
  CHECK(answer.valid());
  CHECK(answer.done());
  CHECK_FALSE(answer.running());
  CHECK_FALSE(answer.cancelled());
  CHECK(nothing.done());
  CHECK(answer.exception() == nullptr);
  CHECK(nothing.exception() == nullptr);
  CHECK(text.exception(1s) == nullptr);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(pool.id()).kind == fmt::ObjectKind::ThreadPool);
  CHECK(probe.trace.object(pool.id()).extra == 2);
  CHECK(probe.trace.object(answer.id()).kind == fmt::ObjectKind::Future);
  CHECK(probe.trace.object(answer.id()).name.str().rfind("pool_basic.task-", 0) == 0);
  const auto submits = of_kind(probe.on_object(pool.id()), EventKind::PoolSubmit);
  REQUIRE(submits.size() == 3);
  CHECK(submits[0].arg == answer.id());
  CHECK(submits[1].arg == nothing.id());
  CHECK(submits[2].arg == text.id());
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(submits[i].seq == i);
    CHECK(probe.site_file(submits[i]).find("test_thread_pool.cpp") != std::string::npos);
  }
}

TEST_CASE("a task's exception is rethrown by result and returned by exception", "[pool][future]") {
  weft::thread_pool pool(1, "pool_throw");
  auto f = pool.submit([]() -> int { throw std::runtime_error("task failed"); });
  CHECK_THROWS_WITH(f.result(), "task failed");
  CHECK_THROWS_AS(f.result(), std::runtime_error);  // every time
  const std::exception_ptr error = f.exception();
  REQUIRE(error != nullptr);
  CHECK_THROWS_WITH(std::rethrow_exception(error), "task failed");
  CHECK(f.done());
  CHECK_FALSE(f.cancelled());
  pool.shutdown();

  const auto probe = weft::test::Probe::take();
  const auto ends = of_kind(probe.on_object(f.id()), EventKind::TaskEnd);
  REQUIRE(ends.size() == 1);
  CHECK(ends[0].arg == std::uint64_t(TaskOutcome::Threw));
}

TEST_CASE("a task's events go pool.submit then task.start task.end and future.wait.end in order", "[pool][future]") {
  weft::thread_pool pool(1, "pool_events");
  weft::test::SyncWatch watch;
  weft::event go("pool_events_go");
  auto f = pool.submit([&] {
    go.wait();
    return 1;
  });
  std::thread starter([&] {
    // The main thread is waiting for the result before the task may finish.
    if (watch.wait_for(EventKind::FutureWaitBegin, f.id())) go.set();
  });
  CHECK(f.result() == 1);
  starter.join();
  pool.shutdown();

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(f.id());
  const auto ordered = sequenced(events);
  REQUIRE(ordered.size() == 3);
  CHECK(ordered[0].kind == EventKind::TaskStart);
  CHECK(ordered[1].kind == EventKind::TaskEnd);
  CHECK(ordered[1].arg == std::uint64_t(TaskOutcome::Returned));
  CHECK(ordered[2].kind == EventKind::FutureWaitEnd);
  CHECK(ordered[2].arg == 1);
  for (std::size_t i = 0; i < 3; ++i) CHECK(ordered[i].seq == i);
  // The task ran on a worker, the wait was the main thread's.
  const std::uint32_t worker = ordered[0].thread;
  CHECK(worker != weft::this_thread::id());
  CHECK(ordered[1].thread == worker);
  CHECK(ordered[2].thread == weft::this_thread::id());
  CHECK(probe.trace.thread(worker).name == "pool_events-worker-0");
  const auto begins = of_kind(events, EventKind::FutureWaitBegin);
  REQUIRE(begins.size() == 1);
  CHECK(begins[0].thread == weft::this_thread::id());
  CHECK(probe.site_file(ordered[2]).find("test_thread_pool.cpp") != std::string::npos);
  // In the global order: submit, start, end, wait.end.
  const auto& t = probe.trace;
  const std::size_t submit = position_of(t, EventKind::PoolSubmit, pool.id(), f.id());
  const std::size_t start = position_of(t, EventKind::TaskStart, f.id());
  const std::size_t end = position_of(t, EventKind::TaskEnd, f.id());
  const std::size_t wait_end = position_of(t, EventKind::FutureWaitEnd, f.id());
  CHECK(submit < start);
  CHECK(start < end);
  CHECK(end < wait_end);
  CHECK(wait_end < t.events.size());
  // And the pool's shutdown after it.
  const auto pool_kinds = probe.kinds(pool.id());
  CHECK(pool_kinds == std::vector<EventKind>{EventKind::ObjectCreate, EventKind::PoolSubmit,
                                             EventKind::PoolShutdownBegin, EventKind::PoolShutdownEnd});
}

TEST_CASE("a task cancelled before it starts never runs and a running task cannot be cancelled", "[pool][future]") {
  weft::thread_pool pool(1, "pool_cancel");  // one worker, kept busy
  weft::test::SyncWatch watch;
  weft::event gate("pool_cancel_gate");
  auto busy = pool.submit([&] {
    gate.wait_for(30s);
    return 1;
  });
  REQUIRE(watch.wait_for(EventKind::TaskStart, busy.id()));
  CHECK(busy.running());
  CHECK_FALSE(busy.done());
  std::atomic<bool> ran{false};
  auto queued = pool.submit([&] {
    ran = true;
    return 2;
  });
  CHECK_FALSE(queued.running());
  int callbacks = 0;
  queued.add_done_callback([&](weft::future<int> f) { callbacks += f.cancelled() ? 1 : 100; });
  CHECK(queued.cancel());
  CHECK(callbacks == 1);  // run by cancel, on this thread
  CHECK(queued.cancelled());
  CHECK(queued.done());
  CHECK(queued.cancel());  // cancelling again still says cancelled
  CHECK_THROWS_AS(queued.result(), weft::cancelled_error);
  CHECK_THROWS_AS(queued.exception(), weft::cancelled_error);
  CHECK_FALSE(busy.cancel());  // running: too late
  CHECK_FALSE(busy.cancelled());
  gate.set();
  CHECK(busy.result() == 1);
  CHECK_FALSE(busy.cancel());  // done: too late as well
  pool.shutdown();  // the worker has dequeued the cancelled task by now
  CHECK_FALSE(ran);

  const auto probe = weft::test::Probe::take();
  const auto q = probe.on_object(queued.id());
  const auto cancels = of_kind(q, EventKind::FutureCancel);
  REQUIRE(cancels.size() == 2);
  CHECK(cancels[0].arg == 1);
  CHECK(cancels[0].seq == 0);
  CHECK(cancels[1].arg == 1);
  CHECK(of_kind(q, EventKind::TaskStart).empty());
  const auto ends = of_kind(q, EventKind::TaskEnd);
  REQUIRE(ends.size() == 1);
  CHECK(ends[0].arg == std::uint64_t(TaskOutcome::Cancelled));
  CHECK(ends[0].thread != weft::this_thread::id());
  CHECK(of_kind(q, EventKind::FutureCallback).size() == 1);
  const auto busy_cancels = of_kind(probe.on_object(busy.id()), EventKind::FutureCancel);
  REQUIRE(busy_cancels.size() == 2);
  CHECK(busy_cancels[0].arg == 0);
  CHECK(busy_cancels[1].arg == 0);
}

TEST_CASE("result with a timeout throws timeout_error while the task runs", "[pool][future]") {
  weft::thread_pool pool(1, "pool_timeout");
  weft::test::SyncWatch watch;
  weft::event gate("pool_timeout_gate");
  auto f = pool.submit([&] {
    gate.wait_for(30s);
    return 5;
  });
  REQUIRE(watch.wait_for(EventKind::TaskStart, f.id()));
  CHECK_THROWS_AS(f.result(20ms), weft::timeout_error);
  CHECK_THROWS_AS(f.exception(1ms), weft::timeout_error);
  CHECK_FALSE(f.wait_for(1ms));
  CHECK(f.running());
  CHECK_FALSE(f.done());
  gate.set();
  CHECK(f.result(30s) == 5);
  CHECK(f.wait_for(0ms));
  CHECK_FALSE(f.running());

  const auto probe = weft::test::Probe::take();
  const auto ends = of_kind(probe.on_object(f.id()), EventKind::FutureWaitEnd);
  REQUIRE(ends.size() == 5);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(ends[i].arg == 0);
    CHECK(ends[i].seq == kNoSeq);
    CHECK(ends[i].flags == fmt::kFlagTimed);
  }
  CHECK(ends[3].arg == 1);
  CHECK(ends[3].seq != kNoSeq);
  CHECK(ends[4].arg == 1);
}

TEST_CASE("done callbacks run when the task completes or at once if it already has", "[pool][future]") {
  weft::thread_pool pool(1, "pool_callbacks");
  weft::event gate("pool_callbacks_gate");
  auto f = pool.submit([&] {
    gate.wait_for(30s);
    return 3;
  });
  std::mutex m;
  std::vector<std::string> order;
  std::uint32_t first_on = 0;
  f.add_done_callback([&](weft::future<int> done) {
    std::lock_guard<std::mutex> lock(m);
    order.push_back("first:" + std::to_string(done.result()));
    first_on = weft::this_thread::id();
  });
  f.add_done_callback([&](weft::future<int>) { throw std::runtime_error("callback boom"); });
  f.add_done_callback([&](weft::future<int>) {
    std::lock_guard<std::mutex> lock(m);
    order.push_back("second");
  });
  {
    std::lock_guard<std::mutex> lock(m);
    CHECK(order.empty());  // not done yet
  }
  gate.set();
  f.wait();
  pool.shutdown();  // the callbacks have run on the worker by now
  CHECK(order == std::vector<std::string>{"first:3", "second"});
  CHECK(first_on != weft::this_thread::id());
  bool immediate = false;
  std::uint32_t immediate_on = 0;
  f.add_done_callback([&](weft::future<int> done) {
    immediate = done.done();
    immediate_on = weft::this_thread::id();
  });
  CHECK(immediate);  // already done: run before add_done_callback returned
  CHECK(immediate_on == weft::this_thread::id());

  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(f.id());
  const auto callbacks = of_kind(events, EventKind::FutureCallback);
  REQUIRE(callbacks.size() == 4);
  const auto end = of_kind(events, EventKind::TaskEnd);
  REQUIRE(end.size() == 1);
  for (const auto& c : callbacks) CHECK(c.seq > end[0].seq);
  CHECK(callbacks[3].thread == weft::this_thread::id());
  // A callback's exception is logged, not lost, and does not stop the others.
  bool logged = false;
  for (const auto& e : probe.trace.events)
    if (e.kind == EventKind::Log &&
        probe.trace.text(e) == "exception in a future's done callback: callback boom")
      logged = true;
  CHECK(logged);
}

TEST_CASE("map returns the results in the order of its items", "[pool]") {
  weft::thread_pool pool(3, "pool_map");
  std::vector<int> items;
  for (int i = 0; i < 20; ++i) items.push_back(i);
  const auto squares = pool.map([](int x) { return x * x; }, items);
  REQUIRE(squares.size() == items.size());
  for (std::size_t i = 0; i < items.size(); ++i) CHECK(squares[i] == items[i] * items[i]);
  const std::vector<std::string> words{"a", "bb", "ccc"};
  CHECK(pool.map([](const std::string& w) { return w.size(); }, words) == std::vector<std::size_t>{1, 2, 3});
  CHECK_THROWS_WITH(pool.map(
                        [](int x) {
                          if (x == 3) throw std::runtime_error("item 3");
                          return x;
                        },
                        items),
                    "item 3");
  const auto probe = weft::test::Probe::take();
  CHECK(of_kind(probe.on_object(pool.id()), EventKind::PoolSubmit).size() == 43);
}

TEST_CASE("as_completed yields futures in the order they complete", "[pool]") {
  weft::event seen[3] = {weft::event("seen0"), weft::event("seen1"), weft::event("seen2")};
  weft::thread_pool pool(3, "pool_completed");
  weft::event gates[3] = {weft::event("gate0"), weft::event("gate1"), weft::event("gate2")};
  std::vector<weft::future<int>> futures;
  for (int i = 0; i < 3; ++i)
    futures.push_back(pool.submit([&gates, i] {
      gates[i].wait_for(30s);
      return i;
    }));
  weft::as_completed<int> completed(futures);
  // as_completed learns of a completion through a done callback, which runs
  // after the future's waiters are released; callbacks run in the order they
  // were added, so one added now has run only once as_completed has seen
  // the completion. Waiting for it (not for the future) keeps the order.
  // (`seen` is declared before the pool: the workers that set it are joined
  // before it goes.)
  for (int i = 0; i < 3; ++i)
    futures[static_cast<std::size_t>(i)].add_done_callback([&seen, i](weft::future<int>) { seen[i].set(); });
  for (int i : {2, 0, 1}) {
    gates[i].set();
    REQUIRE(seen[i].wait_for(30s));
  }
  std::vector<int> order;
  for (auto& f : completed) order.push_back(f.result());
  CHECK(order == std::vector<int>{2, 0, 1});
  // Over futures that are all done already: each at once.
  std::vector<int> again;
  for (auto& f : weft::as_completed<int>(futures)) again.push_back(f.result());
  std::sort(again.begin(), again.end());
  CHECK(again == std::vector<int>{0, 1, 2});
  // None at all: nothing to wait for.
  weft::as_completed<int> none(std::vector<weft::future<int>>{});
  CHECK(none.begin() == none.end());
}

TEST_CASE("a pool never runs more than max_workers worker threads", "[pool]") {
  weft::thread_pool pool(2, "pool_limit");
  weft::event gate("pool_limit_gate");
  std::mutex m;
  std::set<std::uint32_t> workers;
  std::atomic<int> running{0}, most{0};
  std::vector<weft::future<void>> futures;
  for (int i = 0; i < 8; ++i)
    futures.push_back(pool.submit([&] {
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      {
        std::lock_guard<std::mutex> lock(m);
        workers.insert(weft::this_thread::id());
      }
      gate.wait_for(30s);
      --running;
    }));
  // Both workers are busy (every task blocks on the gate) before any task
  // may finish, so the pool had to start its second worker.
  for (int waited = 0; running < 2 && waited < 30'000; ++waited) std::this_thread::sleep_for(1ms);
  gate.set();
  for (auto& f : futures) f.result();
  CHECK(most <= 2);
  CHECK(workers.size() == 2);  // every task blocks: both workers are started
  pool.shutdown();

  const auto probe = weft::test::Probe::take();
  std::size_t worker_threads = 0;
  for (const auto& t : probe.trace.threads)
    if (t.name.rfind("pool_limit-worker-", 0) == 0) ++worker_threads;
  CHECK(worker_threads == 2);
}

TEST_CASE("a task may submit tasks to its own pool and wait for them", "[pool]") {
  weft::thread_pool pool(2, "pool_nested");
  auto outer = pool.submit([&] {
    auto inner = pool.submit([] { return 20; });
    return inner.result() + 22;
  });
  CHECK(outer.result() == 42);
  pool.shutdown();
  const auto probe = weft::test::Probe::take();
  const auto submits = of_kind(probe.on_object(pool.id()), EventKind::PoolSubmit);
  REQUIRE(submits.size() == 2);
  CHECK(submits[0].thread == weft::this_thread::id());
  CHECK(submits[1].thread != weft::this_thread::id());  // from the worker running `outer`
}

TEST_CASE("shutdown waits for the tasks already submitted and refuses new ones", "[pool]") {
  weft::thread_pool pool(1, "pool_shutdown");
  int done = 0;  // written by the one worker, read after shutdown joined it
  for (int i = 0; i < 5; ++i) pool.submit([&] { ++done; });
  pool.shutdown();
  CHECK(done == 5);
  CHECK_THROWS_AS(pool.submit([] { return 1; }), std::runtime_error);
  pool.shutdown();  // again: harmless
  const auto probe = weft::test::Probe::take();
  const auto events = probe.on_object(pool.id());
  const auto begins = of_kind(events, EventKind::PoolShutdownBegin);
  REQUIRE(begins.size() == 2);
  CHECK(begins[0].arg == 1);  // waits
  CHECK(of_kind(events, EventKind::PoolShutdownEnd).size() == 2);
  CHECK(of_kind(events, EventKind::PoolSubmit).size() == 5);  // the refused one is not recorded
}

TEST_CASE("a default-constructed future has no state", "[future]") {
  weft::future<int> none;
  CHECK_FALSE(none.valid());
  CHECK_THROWS_AS(none.result(), std::logic_error);
  CHECK_THROWS_AS(none.done(), std::logic_error);
}

TEST_CASE("max_workers of zero is an error", "[pool]") { CHECK_THROWS_AS(weft::thread_pool(0), std::invalid_argument); }

// Python's rule for starting workers (ThreadPoolExecutor._adjust_thread_count):
// a submit claims one idle worker, or starts a new one when none is left to
// claim. Two tasks submitted back to back to a pool with one idle worker and
// room for more therefore run on two workers: the first may wait for the
// second without deadlocking.
TEST_CASE("two tasks submitted together to a pool with one idle worker run at the same time", "[pool]") {
  weft::thread_pool pool(2, "pool_idle");
  const weft::detail::ThreadBuffer* first_worker = nullptr;
  pool.submit([&] { first_worker = weft::detail::current_buffer(); }).result();
  REQUIRE(first_worker != nullptr);
  // The worker is idle once it is back waiting for work: it counts itself
  // idle, then (in a later critical section of the pool's lock) begins to
  // wait, as the watchdog sees it. Only then is the pool's one idle worker
  // there for the first submit below to claim.
  REQUIRE(weft::test::wait_until_blocked(first_worker, EventKind::QueueGetBegin, pool.id()));
  weft::event b_started("pool_idle_b_started");
  // Far longer than b ever needs: a timeout here would be the bug (b queued
  // behind a on the one worker), not a slow machine.
  auto a = pool.submit([&] { return b_started.wait_for(60s); });
  auto b = pool.submit([&] { b_started.set(); });
  CHECK(a.result());  // b ran while a waited for it
  b.result();
  pool.shutdown();

  // The first submit claimed the idle worker, the second started another.
  const auto probe = weft::test::Probe::take();
  std::set<std::uint32_t> workers;
  for (const auto& t : probe.trace.threads)
    if (t.name.rfind("pool_idle-worker-", 0) == 0) workers.insert(t.id);
  CHECK(workers.size() == 2);
  // a and b ran on the two of them, one each.
  const auto a_start = of_kind(probe.on_object(a.id()), EventKind::TaskStart);
  const auto b_start = of_kind(probe.on_object(b.id()), EventKind::TaskStart);
  REQUIRE(a_start.size() == 1);
  REQUIRE(b_start.size() == 1);
  CHECK(workers.count(a_start[0].thread) == 1);
  CHECK(workers.count(b_start[0].thread) == 1);
  CHECK(a_start[0].thread != b_start[0].thread);
}
