// A "pool" of four threads drains a queue of the numbers 0..9: each takes
// numbers with get_nowait() until the queue is empty (weft::queue_empty,
// Python's queue.Empty), squares them, and appends the square to a shared
// results list. The queue is safe; the list is not. In Python,
// list.append() is atomic under the GIL, so the lesson gets away with it; in
// C++ an append is a read of the length, a store of the item and a store of
// the new length, and two threads appending at once can both write the same
// slot and lose a square. That is the data race this port keeps.
//
// The model of the list, and why. Three ways to hold the results were
// weighed:
//  - a std::vector reserved up front, in a weft::shared, appended to with
//    modify(): weft sees the race, but a push_back that loses the race can
//    still decide to reallocate in another implementation or if anyone ever
//    appends more than was reserved, and a racing reallocation frees memory
//    another thread is writing to: a real crash, not a lesson;
//  - a plain std::array plus a weft::shared<std::size_t> length: cannot
//    crash, but weft would see only the length, while ThreadSanitizer would
//    also report the item slots, a variable weft does not know;
//  - (chosen) one weft::shared<py_list>: fixed storage for every square plus
//    the length, no pointers, as in the pipeline and crawler-flag scenarios.
//    Every append is a recorded read and write of "results" (what weft
//    reports), ThreadSanitizer sees the same unsynchronized plain loads and
//    stores of that one object, and since the length only ever becomes a
//    length read earlier plus one, it never exceeds the number of appends:
//    every index stays inside the storage, whatever the interleaving.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kNumbers = 10;  // range(10)
constexpr int kWorkers = 4;

struct py_list {
  std::array<int, kNumbers> items{};
  std::size_t len = 0;
  void append(int v) {
    if (len < items.size()) items[len++] = v;
  }
};

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options& opt) {
  weft::queue<int> q(0, "q");
  weft::shared<py_list> results(py_list{}, "results");
  for (int n = 0; n < kNumbers; ++n) q.put(n);

  // How long each square takes to compute, drawn before any thread starts.
  std::mt19937_64 rng(opt.seed);
  std::array<int, kNumbers> compute_ms{};
  for (int& ms : compute_ms) ms = static_cast<int>(rng() % 5) + 2;

  auto worker = [&] {
    for (;;) {
      int n = 0;
      try {
        n = q.get_nowait();
      } catch (const weft::queue_empty&) {
        say("the queue is empty: done");
        return;
      }
      weft::sleep_for(std::chrono::milliseconds(compute_ms[static_cast<std::size_t>(n)]));  // the work
      results.modify([&](py_list& l) { l.append(n * n); });  // results.append(n * n): unsynchronized
      say(std::to_string(n) + " squared is " + std::to_string(n * n));
    }
  };

  std::vector<weft::thread> pool;
  pool.reserve(kWorkers);
  for (int i = 1; i <= kWorkers; ++i)
    pool.emplace_back(weft::thread_options("worker-" + std::to_string(i)), worker);
  for (weft::thread& w : pool) w.join();

  const py_list done = results.get();  // after the joins: ordered after every append
  std::vector<int> squares(done.items.begin(), done.items.begin() + static_cast<std::ptrdiff_t>(done.len));
  std::sort(squares.begin(), squares.end());
  std::string shown;
  for (int s : squares) shown += (shown.empty() ? "" : ", ") + std::to_string(s);
  say("results (sorted): [" + shown + "]: " + std::to_string(squares.size()) + " of " + std::to_string(kNumbers) +
      " squares" + (squares.size() < static_cast<std::size_t>(kNumbers) ? ", some appends were lost to the race" : ""));
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "queue-nowait-squares",
    .summary = "four threads drain a queue with get_nowait and append squares to an unsynchronized shared list",
    .teaches = "get_nowait() never blocks: on an empty queue it raises queue_empty, the workers' signal to stop. "
               "The queue is thread-safe, but the results list the workers append to is not: in C++ two appends "
               "at once race, and a square can be lost. Guard the list with a lock, or send results back "
               "through a second queue.",
    .lesson = "The Python lesson on Queue.get_nowait(): a queue of range(10), a pool of 4 threads each looping "
              "`n = q.get_nowait()` until queue.Empty and doing `results.append(n * n)`. Python's list.append "
              "is atomic under the GIL, so the lesson has no race; C++ has no GIL, and the port keeps the "
              "unsynchronized list, making it a data race. The list is a weft::shared fixed-size list (the "
              "items and the length in one value, no pointers) so the race cannot crash; each square takes "
              "2-6 ms (from --seed) so that all four threads get work, where one thread could otherwise drain "
              "the queue before the others start.",
    .always = {{weft::scenarios::finding::data_race, "results"}},
    .shows = {"queue.get", "queue.get.failed", "shared.read", "shared.write"},
    .run = run,
}};

}  // namespace
