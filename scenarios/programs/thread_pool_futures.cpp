// A thread pool and its futures, as concurrent.futures: submit() returns a
// future at once; done() says whether the task has finished; cancel() works
// only on a task that has not started; result() waits for the value (and
// rethrows the task's exception); exception() returns that exception instead.
//
// The pool has one worker, so what is cancellable is certain: task1 (a slow
// page) occupies the worker, task2 waits behind it and is cancelled before it
// can start, task3 throws.
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr auto kUnit = std::chrono::milliseconds(50);  // the lesson's second, scaled down

int get_html(int times) {
  weft::sleep_for(times * kUnit);
  weft::log("get page " + std::to_string(times) + " success");
  return times;
}

int run(const weft::scenarios::options&) {
  weft::thread_pool executor(1, "executor");

  weft::future<int> task1 = executor.submit([] { return get_html(3); });
  weft::future<int> task2 = executor.submit([] { return get_html(2); });
  weft::mark(task1.done() ? "task1-done" : "task1-not-done");  // submit does not wait
  weft::mark(task2.cancel() ? "task2-cancelled" : "task2-not-cancelled");  // still queued behind task1
  weft::future<int> task3 = executor.submit([]() -> int { throw std::runtime_error("get page 404: not found"); });

  const int page = task1.result();  // waits for task1
  weft::mark("task1-result-" + std::to_string(page));
  weft::mark(task1.done() ? "task1-done" : "task1-not-done");

  try {
    task2.result();
    weft::mark("task2-ran");
  } catch (const weft::cancelled_error&) {
    weft::mark("task2-result-cancelled");  // Python: CancelledError
  }

  if (const std::exception_ptr error = task3.exception()) {  // waits, returns the exception, does not throw
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      weft::log(std::string("task3.exception(): ") + e.what());
    }
    weft::mark("task3-exception");
  }
  try {
    task3.result();  // rethrows it
    weft::mark("task3-returned");
  } catch (const std::runtime_error& e) {
    weft::log(std::string("task3.result() raised: ") + e.what());
    weft::mark("task3-result-raised");
  }

  executor.shutdown();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "thread-pool-futures",
    .summary = "a thread pool's futures: submit, done, cancel before start, result, and a task that throws",
    .teaches = "submit() returns a future at once; done() is false until the task ends; cancel() succeeds only "
               "for a task still waiting for a worker; result() waits, and rethrows the exception a task raised, "
               "which exception() returns instead.",
    .lesson = "The Python concurrent.futures lesson (ThreadPoolExecutor, submit, done, cancel, result). The C++ "
              "port uses one worker instead of two so that the second task is certain to be still queued when it "
              "is cancelled, scales the lesson's seconds to 50 ms, and adds a task that throws to show result() "
              "and exception().",
    .marks = "task1-not-done task2-cancelled task1-result-3 task1-done task2-result-cancelled task3-exception "
             "task3-result-raised ",
    .shows = {"pool.submit", "task.start", "task.end", "future.cancel", "future.wait.begin", "future.wait.end",
              "pool.shutdown.begin", "pool.shutdown.end"},
    .run = run,
}};

}  // namespace
