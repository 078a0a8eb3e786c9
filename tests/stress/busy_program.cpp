// A traced program that keeps its threads busy on one lock, for the stress
// tests:  busy_program THREADS ITERATIONS
// Each thread locks the mutex "the_lock" ITERATIONS times (0: until killed),
// increments a counter under it and leaves a mark "<thread>:<i>" after each
// unlock, so that a loaded trace shows, per thread, exactly which of its
// iterations it kept. Once every thread has started it prints "running".
// Exits 0 if the counter is THREADS * ITERATIONS, 1 if not.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <weft/weft.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: busy_program THREADS ITERATIONS\n");
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const long iterations = std::atol(argv[2]);
  weft::mutex lock("the_lock");
  std::atomic<int> starting{threads};
  weft::event all_started("all_started");
  long counter = 0;
  std::vector<weft::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t)
    workers.emplace_back("busy-" + std::to_string(t), [&, t] {
      if (starting.fetch_sub(1) == 1) all_started.set();
      for (long i = 0; iterations == 0 || i < iterations; ++i) {
        {
          weft::lock_guard<weft::mutex> hold(lock);
          ++counter;
        }
        weft::mark(std::to_string(t) + ":" + std::to_string(i));
      }
    });
  all_started.wait();
  std::printf("running\n");
  std::fflush(stdout);
  for (weft::thread& w : workers) w.join();
  return counter == long(threads) * iterations ? 0 : 1;
}
