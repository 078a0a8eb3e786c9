// The GIL: four threads doing CPU-bound work (counting down, David Beazley's
// countdown) that, like Python threads, may only run while holding one global
// lock, the GIL. The holder runs for one switch interval, then drops the GIL
// so the next thread can run, and waits to get it back. Only one thread ever
// runs: four threads take as long as one thread doing all the work (a little
// longer: the switches cost). main first does all the work alone, then with
// the four threads, and logs both times.
//
// The model of the GIL. The lock itself is the weft::mutex "GIL": a thread
// holds it for as long as it runs. A plain unlock-then-lock at each interval
// would let the dropping thread take it straight back (a mutex is not fair),
// starving the others; CPython avoids that by having the dropping thread wait
// until another one has taken the GIL (FORCE_SWITCHING). Here the threads take
// turns round-robin: at each interval the holder passes the turn to the next
// unfinished thread and waits on gil_cond (which releases the GIL and takes it
// back) until the turn is its own again.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kThreads = 4;
constexpr std::int64_t kCount = 100'000'000;  // each thread's countdown; main alone does 4 x this
constexpr std::int64_t kChunk = 1 << 16;       // iterations between looks at the clock
constexpr auto kSwitchInterval = std::chrono::milliseconds(1);  // CPython: 5 ms (sys.getswitchinterval())

// Counts n down by at most `steps`; returns what is left. The empty asm keeps
// the compiler from replacing the loop by its result.
std::int64_t countdown(std::int64_t n, std::int64_t steps) {
  for (; n > 0 && steps > 0; --steps) {
    --n;
    __asm__ volatile("" : "+r"(n));
  }
  return n;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

struct interpreter {
  weft::mutex GIL{"GIL"};
  weft::condition_variable gil_cond{"gil_cond"};  // where threads wait for their turn with the GIL
  int turn = 0;                                    // guarded by GIL: the thread allowed to run
  std::array<bool, kThreads> finished{};           // guarded by GIL

  // With the GIL held: the next unfinished thread after `me` may run.
  void pass_turn(int me) {
    for (int k = 1; k <= kThreads; ++k) {
      const int next = (me + k) % kThreads;
      if (!finished[static_cast<std::size_t>(next)]) {
        turn = next;
        break;
      }
    }
    gil_cond.notify_all();
  }
};

void python_thread(interpreter& py, int me, std::int64_t work) {
  weft::unique_lock<weft::mutex> gil(py.GIL);
  py.gil_cond.wait(gil, [&] { return py.turn == me; });
  while (work > 0) {
    const auto slice_end = std::chrono::steady_clock::now() + kSwitchInterval;
    do {
      work = countdown(work, kChunk);
    } while (work > 0 && std::chrono::steady_clock::now() < slice_end);
    if (work > 0) {  // the switch interval is over: drop the GIL, wait for it again
      py.pass_turn(me);
      py.gil_cond.wait(gil, [&] { return py.turn == me; });
    }
  }
  py.finished[static_cast<std::size_t>(me)] = true;
  py.pass_turn(me);
}  // the last release of the GIL

int run(const weft::scenarios::options&) {
  interpreter py;

  auto start = std::chrono::steady_clock::now();
  {
    weft::lock_guard<weft::mutex> gil(py.GIL);  // one thread: it keeps the GIL, nobody asks for it
    countdown(kThreads * kCount, kThreads * kCount);
  }
  const double alone = ms_since(start);
  weft::log("one thread, all the work: " + std::to_string(static_cast<long>(alone)) + " ms");

  start = std::chrono::steady_clock::now();
  {
    std::vector<weft::thread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back(weft::thread_options("countdown-" + std::to_string(i + 1)), python_thread, std::ref(py), i,
                           kCount);
    for (weft::thread& t : threads) t.join();
  }
  const double together = ms_since(start);
  weft::log(std::to_string(kThreads) + " threads with the GIL: " + std::to_string(static_cast<long>(together)) +
            " ms, speed-up " + std::to_string(alone / together).substr(0, 4) + "x");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "gil-switch-interval",
    .summary = "the GIL: four CPU-bound threads take turns holding one global lock, so they are no faster than one",
    .teaches = "With a global interpreter lock only the thread holding it runs; the others wait. The holder lets "
               "go every switch interval, and the timeline shows the threads taking turns, one at a time: CPU-bound "
               "work gets no speed-up from threads (see no-gil for the same work without the lock).",
    .lesson = "The Python lesson on the GIL and sys.setswitchinterval: a countdown in several threads is no faster "
              "than in one. The C++ port models the GIL as a weft::mutex named GIL held while a thread runs, "
              "passed round-robin through a condition every 1 ms (CPython: 5 ms, with a forced switch), and scales "
              "the work to 4 x 100 million steps so the whole run takes about a second.",
    .shows = {"mutex.acquired", "mutex.released", "cond.wait.begin", "cond.wait.end", "cond.notify_all", "log"},
    .run = run,
}};

}  // namespace
