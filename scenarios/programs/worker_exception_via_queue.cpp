// An exception in a worker thread does not reach the thread that started it:
// it ends the worker, and main never hears of it. The lesson's fix: each
// worker catches what it raises and puts it on a queue; main, after joining
// the workers, takes the exceptions off the queue and re-raises (here:
// rethrows, catches and logs) them in its own thread.
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kWorkers = 3;
constexpr int kFailing = 2;  // worker-2 gets bad input

int run(const weft::scenarios::options&) {
  weft::queue<std::exception_ptr> errors(0, "errors");

  auto worker = [&](int n) {
    try {
      if (n == kFailing) throw std::invalid_argument("worker-" + std::to_string(n) + ": bad input");
      weft::log("worker-" + std::to_string(n) + ": done");
    } catch (...) {
      errors.put(std::current_exception());  // hand it to main
    }
  };

  std::vector<weft::thread> workers;
  workers.reserve(kWorkers);
  for (int n = 1; n <= kWorkers; ++n)
    workers.emplace_back(weft::thread_options("worker-" + std::to_string(n)), worker, n);
  for (weft::thread& w : workers) w.join();

  int caught = 0;
  for (;;) {
    std::exception_ptr error;
    try {
      error = errors.get_nowait();
    } catch (const weft::queue_empty&) {
      weft::mark("no-more-errors");
      break;
    }
    try {
      std::rethrow_exception(error);  // raised again, in main
    } catch (const std::invalid_argument& e) {
      ++caught;
      weft::log(std::string("main caught a worker's exception: ") + e.what());
      weft::mark("main-caught-invalid_argument");
    }
  }
  return caught == 1 ? 0 : 1;
}

const weft::scenarios::registrar registered{{
    .name = "worker-exception-via-queue",
    .summary = "a worker catches its exception and hands it to main through a queue; main rethrows it",
    .teaches = "An exception ends only the thread that raised it. To let the main thread know, catch it in the "
               "worker and pass it on (a queue of exception_ptr); main takes it off the queue and rethrows it "
               "where it can handle it.",
    .lesson = "The Python lesson passing a worker's exception (sys.exc_info) to the main thread through a "
              "queue.Queue and re-raising it there. The C++ port passes std::exception_ptr through a "
              "weft::queue, and main drains the queue with get_nowait() after joining three workers.",
    .marks = "main-caught-invalid_argument no-more-errors ",
    .shows = {"queue.put", "queue.get", "queue.get.failed", "thread.join.end"},
    .run = run,
}};

}  // namespace
