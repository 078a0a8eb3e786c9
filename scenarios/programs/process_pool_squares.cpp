// A pool of four worker processes maps a square function over 1..20; the
// results come back in the order of the inputs, whichever worker ran each.
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <weft/process_pool.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kWorkers = 4;
constexpr int kInputs = 20;

// A plain function: a forked worker has the same code at the same address.
int square(int x) { return x * x; }

int run(const weft::scenarios::options&) {
  std::vector<int> inputs(kInputs);
  std::iota(inputs.begin(), inputs.end(), 1);
  weft::process_pool pool(kWorkers, "pool");
  const std::vector<int> results = pool.map(square, inputs);
  pool.shutdown();
  std::string line;
  for (int r : results) {
    weft::mark(std::to_string(r));
    line += (line.empty() ? "" : " ") + std::to_string(r);
  }
  std::printf("[%s]\n", line.c_str());
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "process-pool-squares",
    .summary = "a pool of 4 worker processes maps a square function over 1..20; the results come back in input order",
    .teaches = "Pool.map hands the inputs out to worker processes, which finish in whatever order they finish, and "
               "still returns the results in the order of the inputs: each result travels back with its task, and "
               "map waits for each in turn. The timeline shows each task submitted by the parent, run by some "
               "worker, and its result read back.",
    .lesson = "The multiprocessing.Pool lesson: `with Pool(4) as p: print(p.map(square, range(1, 21)))`. The "
              "port's weft::process_pool has four workers; square is a plain function (a forked worker has the "
              "same code at the same address). The parent marks the results in order.",
    .marks = "1 4 9 16 25 36 49 64 81 100 121 144 169 196 225 256 289 324 361 400 ",
    .shows = {"pool.submit", "task.start", "task.end", "process.spawn"},
    .run = run,
}};

}  // namespace
