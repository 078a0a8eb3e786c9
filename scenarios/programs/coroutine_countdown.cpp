// The asyncio lesson: concurrency without threads. Three countdowns are
// coroutines on ONE thread (main); each counts one step, then yields to the
// event loop (asyncio.sleep(0)), which resumes the next ready one, round
// robin. The steps interleave (A3 B2 C4 A2 ...) though nothing runs in
// parallel, and there is nothing to lock: a task is only ever interrupted
// where it says so, at its co_await.
//
// The port: C++20 coroutines (no library), a task type whose coroutine starts
// suspended, an awaitable that always suspends (the yield), and an event loop
// that is a queue of coroutine handles resumed in turn.
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <string>
#include <utility>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

// A coroutine that the event loop drives; it owns its frame.
class task {
 public:
  struct promise_type {
    task get_return_object() { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }  // the loop starts it
    std::suspend_always final_suspend() noexcept { return {}; }    // the task frees it
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };

  task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  task& operator=(task&&) = delete;
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() {
    if (handle_) handle_.destroy();
  }
  std::coroutine_handle<> handle() const noexcept { return handle_; }

 private:
  explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

// co_await yield_now{}: asyncio.sleep(0), back to the event loop.
struct yield_now {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

// Round robin over the ready coroutines, on the calling thread.
class event_loop {
 public:
  void create_task(const task& t) { ready_.push_back(t.handle()); }
  void run_until_complete() {
    while (!ready_.empty()) {
      const std::coroutine_handle<> next = ready_.front();
      ready_.pop_front();
      next.resume();  // runs until its next co_await, or to its end
      if (!next.done()) ready_.push_back(next);
    }
  }

 private:
  std::deque<std::coroutine_handle<>> ready_;
};

task countdown(std::string name, int n, std::uint32_t loop_thread) {
  while (n > 0) {
    // Every step on the event loop's thread; a mark of its own if not.
    weft::mark(weft::this_thread::id() == loop_thread ? name + std::to_string(n) : "not-on-the-loop-thread");
    co_await yield_now{};
    --n;
  }
  weft::log("countdown " + name + " done");
}

int run(const weft::scenarios::options&) {
  const std::uint32_t loop_thread = weft::this_thread::id();
  event_loop loop;
  const task a = countdown("A", 3, loop_thread);
  const task b = countdown("B", 2, loop_thread);
  const task c = countdown("C", 4, loop_thread);
  loop.create_task(a);
  loop.create_task(b);
  loop.create_task(c);
  loop.run_until_complete();
  weft::log("event loop done: " + std::to_string(weft::active_count()) + " thread(s) alive");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "coroutine-countdown",
    .summary = "three coroutine countdowns interleave on one thread, yielding to a round-robin event loop",
    .teaches = "Coroutines give concurrency without threads: each task runs until it awaits, then the event loop "
               "resumes the next one. The steps interleave, all on the main thread, and since a task can only be "
               "interrupted at an await there is nothing to lock.",
    .lesson = "The Python asyncio lesson: async def countdown(name, n) printing and awaiting asyncio.sleep(0), "
              "several run together by the event loop. The C++ port uses C++20 coroutines with a small "
              "round-robin loop of coroutine handles on the main thread (co_await of an always-suspending "
              "awaitable is the sleep(0)), and marks each step instead of printing.",
    .marks = "A3 B2 C4 A2 B1 C3 A1 C2 C1 ",
    .shows = {"mark"},
    .run = run,
}};

}  // namespace
