// The GIL lesson's other half: the same CPU-bound countdown in four threads,
// without a global lock. Nothing is shared, so nothing needs one, and the
// threads run at the same time, one per core: on a machine with more than one
// core, four threads finish sooner than one thread doing all the work. main
// times both and logs the speed-up. Compare with gil-switch-interval, where
// the same work takes turns under the GIL.
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kThreads = 4;
constexpr std::int64_t kCount = 100'000'000;  // each thread's countdown; main alone does 4 x this

// Counts n down to 0. The empty asm keeps the compiler from replacing the loop
// by its result.
void countdown(std::int64_t n) {
  while (n > 0) {
    --n;
    __asm__ volatile("" : "+r"(n));
  }
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

int run(const weft::scenarios::options&) {
  auto start = std::chrono::steady_clock::now();
  countdown(kThreads * kCount);
  const double alone = ms_since(start);
  weft::log("one thread, all the work: " + std::to_string(static_cast<long>(alone)) + " ms");

  start = std::chrono::steady_clock::now();
  {
    std::vector<weft::thread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back(weft::thread_options("countdown-" + std::to_string(i + 1)), countdown, kCount);
    for (weft::thread& t : threads) t.join();
  }
  const double together = ms_since(start);
  weft::log(std::to_string(kThreads) + " threads, no GIL, " + std::to_string(std::thread::hardware_concurrency()) +
            " cores: " + std::to_string(static_cast<long>(together)) + " ms, speed-up " +
            std::to_string(alone / together).substr(0, 4) + "x");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "no-gil",
    .summary = "the same CPU-bound countdown in four threads without a global lock: they run in parallel",
    .teaches = "Without a global lock, CPU-bound threads that share nothing run on all the cores at once and "
               "finish sooner than one thread doing all the work: the timeline shows them side by side, where "
               "gil-switch-interval shows them taking turns.",
    .lesson = "The other half of the Python GIL lesson: what the countdown threads would do without the GIL (a "
              "free-threaded build, or processes). The C++ port runs 4 x 100 million steps in four weft threads "
              "and logs the time against one thread doing all of it.",
    .shows = {"thread.start", "thread.end", "thread.join.end", "log"},
    .run = run,
}};

}  // namespace
