// A barrier for three parties, but only two threads ever come to it: they
// would wait forever for the third. Main gives them time to arrive, then
// aborts the barrier. The abort breaks it: both waiters are sent away with
// weft::broken_barrier_error (Python's BrokenBarrierError), which each
// catches and reports, and the program ends instead of hanging.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kParties = 3;
constexpr auto kGrace = 100ms;  // time for both workers to reach the barrier

void say(const std::string& text) {
  weft::log(text);
  std::printf("(%s) %s\n", weft::this_thread::name().c_str(), text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options&) {
  weft::barrier barrier(kParties, "barrier");

  auto worker = [&] {
    say("waiting for the barrier with " + std::to_string(barrier.n_waiting()) + " others");
    try {
      const std::size_t index = barrier.wait();
      say("after the barrier, arrival index " + std::to_string(index));  // never: the third party never comes
      weft::mark("passed");
    } catch (const weft::broken_barrier_error& e) {
      say(std::string("the barrier is broken: ") + e.what());
      weft::mark("broken");
    }
  };

  weft::thread w1("worker-1", worker);
  weft::thread w2("worker-2", worker);
  weft::sleep_for(kGrace);
  say("aborting the barrier (" + std::to_string(barrier.n_waiting()) + " of " + std::to_string(kParties) +
      " parties waiting)");
  weft::mark("abort");
  barrier.abort();
  w1.join();
  w2.join();
  say(std::string("the barrier is ") + (barrier.broken() ? "broken" : "not broken"));
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "barrier-aborted",
    .summary = "two threads wait at a barrier for three; main aborts it and both get broken_barrier_error",
    .teaches = "A barrier that can never fill (two threads at a barrier for three) holds its waiters forever. "
               "abort() breaks it: every thread waiting, and every thread arriving later, gets an error instead "
               "of passing. The errors are the expected outcome here: the way out of a meeting that cannot "
               "happen.",
    .lesson = "The Python Barrier.abort() lesson: threading.Barrier(3), two threads call wait(), the main thread "
              "calls abort() and both waits raise threading.BrokenBarrierError, caught and printed. The port waits "
              "100 ms before the abort so that both workers are waiting when it comes (a worker arriving after "
              "the abort gets the same error at once); the error is weft::broken_barrier_error.",
    .marks = "abort (broken ){2}",
    .shows = {"barrier.arrive", "barrier.abort", "barrier.leave", "mark"},
    .run = run,
}};

}  // namespace
