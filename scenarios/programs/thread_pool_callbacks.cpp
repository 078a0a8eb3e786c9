// Done-callbacks on a thread pool's futures. Three pages take different
// times; each future gets a callback when it is submitted, and each callback
// runs on the worker that finished the task, as soon as it finishes: in
// completion order. A callback added to a future that is already done runs
// at once, on the thread that adds it (here main).
//
// main waits for the callbacks themselves, not only for the results: a
// future's result is available (and result() returns) just before its
// callbacks run on the worker, so waiting for results alone would race the
// last callback against main's late one. Each callback releases
// callbacks_done, and main acquires it once per callback.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

// The pages finish a unit apart, and their callbacks' order is the test's:
// a unit is wide enough that a worker woken late on a loaded machine (a
// sanitizer, every core busy) keeps it. At 40 ms, a run with small trace
// rings on a machine also compiling put them out of order.
constexpr auto kUnit = std::chrono::milliseconds(150);

int get_html(int times) {
  weft::sleep_for(times * kUnit);
  return times;
}

int run(const weft::scenarios::options&) {
  weft::thread_pool executor(3, "executor");
  weft::semaphore callbacks_done(0, "callbacks_done");
  const std::uint32_t main_thread = weft::this_thread::id();
  const std::vector<int> urls{3, 1, 2};

  std::vector<weft::future<int>> futures;
  for (int url : urls) {
    weft::future<int> f = executor.submit([url] { return get_html(url); });
    f.add_done_callback([&callbacks_done, main_thread](weft::future<int> done) {
      const bool on_main = weft::this_thread::id() == main_thread;
      weft::log("callback for page " + std::to_string(done.result()) + " on " + weft::this_thread::name());
      weft::mark("callback-" + std::to_string(done.result()) + (on_main ? "-on-main" : "-on-worker"));
      callbacks_done.release();
    });
    futures.push_back(f);
  }
  for (std::size_t i = 0; i < futures.size(); ++i) callbacks_done.acquire();

  // Already done: this callback runs now, here, before add_done_callback returns.
  futures.front().add_done_callback([main_thread](weft::future<int> done) {
    const bool on_main = weft::this_thread::id() == main_thread;
    weft::mark("late-callback-" + std::to_string(done.result()) + (on_main ? "-on-main" : "-on-worker"));
  });
  weft::mark("after-add-done-callback");

  executor.shutdown();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "thread-pool-callbacks",
    .summary = "done-callbacks on a pool's futures run on the worker as tasks finish; a late one runs at once",
    .teaches = "add_done_callback runs the callback on the thread that completes the future, as soon as it "
               "completes, so callbacks come in completion order on the workers; added to a future that is "
               "already done, the callback runs immediately in the caller.",
    .lesson = "The Python concurrent.futures lesson on Future.add_done_callback. The C++ port times the pages in "
              "150 ms units rather than the lesson's seconds (wide enough that a thread woken late keeps the "
              "completion order) and has main wait on a semaphore the callbacks release, so it knows they have run "
              "before it adds the late one.",
    .marks = "callback-1-on-worker callback-2-on-worker callback-3-on-worker late-callback-3-on-main "
             "after-add-done-callback ",
    .shows = {"pool.submit", "task.end", "future.callback", "sem.released", "sem.acquired"},
    .run = run,
}};

}  // namespace
