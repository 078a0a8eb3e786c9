// Two tasks take the same two locks in opposite orders, 100000 times each:
// task1 takes lock_X then lock_Y, task2 takes lock_Y then lock_X. Sooner or
// later each holds its first lock and waits for the other's: a deadlock, and
// the program never ends (the runner stops it). In a run where the timing
// happens to keep them apart, the inversion is still there in the trace: the
// same deadlock waiting for a less lucky run.
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kRounds = 100000;  // as the lesson

int run(const weft::scenarios::options&) {
  weft::mutex lock_X("lock_X");
  weft::mutex lock_Y("lock_Y");
  long done = 0;  // guarded by lock_X and lock_Y (both are held when it changes)
  weft::event first_round("first_round_done");

  auto task1 = [&] {
    for (int i = 0; i < kRounds; ++i) {
      lock_X.lock();
      lock_Y.lock();
      ++done;
      lock_Y.unlock();
      lock_X.unlock();
      if (i == 0) first_round.set();
    }
  };
  auto task2 = [&] {
    for (int i = 0; i < kRounds; ++i) {
      lock_Y.lock();
      lock_X.lock();  // the other order: the inversion
      ++done;
      lock_X.unlock();
      lock_Y.unlock();
    }
  };

  // task2 starts once task1 has done its first round, as in Python, where the
  // thread started first usually runs ahead before the second gets going.
  // Both orders are then seen complete before they collide, which is what
  // ThreadSanitizer needs to report the inversion (it learns lock orders from
  // acquisitions that succeeded; weft also from the attempts).
  weft::thread t1("task1", task1);
  first_round.wait();
  weft::thread t2("task2", task2);
  t1.join();
  t2.join();
  weft::log("both tasks finished: this run escaped the deadlock (" + std::to_string(done) + " rounds)");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "lock-order-deadlock",
    .summary = "two tasks take lock_X and lock_Y in opposite orders, 100000 times: a deadlock",
    .teaches = "Locks taken in opposite orders by two threads deadlock as soon as each holds its first lock and "
               "waits for the other's. Even a run that escapes shows the inversion: always take locks in one "
               "global order.",
    .lesson = "The Python lesson on deadlock: two threads, one acquiring lock_X then lock_Y, the other lock_Y then "
              "lock_X, 100000 times each. The C++ port keeps the loop count and the two locks, and starts task2 once "
              "task1 has done its first round (in Python the thread started first usually runs ahead); it "
              "usually hangs and weft's watchdog stops it.",
    .always = {{weft::scenarios::finding::lock_order_inversion, "lock_X, lock_Y"}},
    .sometimes = {{weft::scenarios::finding::deadlock, "lock_X, lock_Y"}},
    .shows = {"mutex.acquired", "mutex.lock.begin", "mutex.released"},
    .hangs = true,
    .run = run,
}};

}  // namespace
