// The fix of shared-value-race: each process takes the value's lock around
// `value += 1`, so every update lands and the total is exactly 200,000.
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <weft/process.hpp>
#include <weft/shared_memory.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kProcesses = 2;
constexpr int kIncrements = 100'000;

int run(const weft::scenarios::options&) {
  weft::shared_value<long> value(0, "value");
  std::vector<weft::process> workers;
  for (int i = 1; i <= kProcesses; ++i)
    workers.push_back(weft::process(
        [&] {
          for (int k = 0; k < kIncrements; ++k) {
            std::lock_guard<weft::process_mutex> hold(value.get_lock());  // Python's `with v.get_lock():`
            value += 1;
          }
        },
        "adder-" + std::to_string(i)));
  for (weft::process& w : workers) w.start();
  for (weft::process& w : workers) w.join();
  const long final_value = value.get();
  weft::mark("final:" + std::to_string(final_value));
  std::printf("final value: %ld (expected %d)\n", final_value, kProcesses * kIncrements);
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "shared-value-locked",
    .summary = "two processes take the shared value's lock around each += 1; the final value is exactly 200,000",
    .teaches = "The fix for shared-value-race: `with v.get_lock(): v.value += 1`. The lock is process-shared, so "
               "the two processes take turns and every update lands; the trace shows each process's holds of the "
               "one lock, and no race.",
    .lesson = "The multiprocessing.Value lesson's fix, with get_lock(). The port's "
              "weft::shared_value<long>::get_lock() is a weft::process_mutex in the same shared memory; 100,000 "
              "increments per process, as the lesson has them.",
    .marks = "final:200000 ",
    .shows = {"shared.read", "shared.write", "mutex.acquired", "mutex.released"},
    .run = run,
}};

}  // namespace
