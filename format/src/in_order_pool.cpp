#include "in_order_pool.hpp"

#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace weft::format {

void run_in_order(std::size_t n, unsigned threads, const std::function<void(std::size_t, unsigned)>& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> lowest_failed{n};  // n: none failed yet
  struct Failure {
    std::size_t piece;
    std::exception_ptr error;
  };
  std::vector<Failure> failures(threads == 0 ? 1 : threads, Failure{n, nullptr});
  auto loop = [&](unsigned worker) {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      // Pieces are taken in order, so one taken before a failure was
      // noticed still runs: everything below the lowest failure does.
      if (i >= n || i > lowest_failed.load(std::memory_order_relaxed)) return;
      try {
        work(i, worker);
      } catch (...) {
        failures[worker] = {i, std::current_exception()};
        std::size_t seen = lowest_failed.load(std::memory_order_relaxed);
        while (i < seen && !lowest_failed.compare_exchange_weak(seen, i, std::memory_order_relaxed)) {
        }
        return;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned w = 1; w < threads && w < n; ++w) {
    try {
      helpers.emplace_back(loop, w);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running do the work
    }
  }
  loop(0);
  for (std::thread& t : helpers) t.join();
  const Failure* first = nullptr;
  for (const Failure& f : failures)
    if (f.error && (!first || f.piece < first->piece)) first = &f;
  if (first) std::rethrow_exception(first->error);
}

}  // namespace weft::format
