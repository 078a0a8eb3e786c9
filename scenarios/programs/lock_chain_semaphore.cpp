// Three tasks made to run in order, task1 task2 task3, by a chain of three
// binary semaphores, whatever order they start in: the fix of
// lock-chain-mutex. lock2 and lock3 start at 0 (taken); lock1 at 1 (free).
// task1 acquires lock1, runs, and releases lock2; task2, waiting for lock2,
// runs and releases lock3; task3, waiting for lock3, runs and releases
// lock1, closing the ring. A semaphore has no owner: releasing one that
// another thread acquired is exactly what it is for.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr auto kWork = 30ms;  // the lesson's time.sleep(0.5), scaled down

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options&) {
  weft::semaphore lock1(1, "lock1");  // free: task1 goes first
  weft::semaphore lock2(0, "lock2");  // taken: task2 waits for task1
  weft::semaphore lock3(0, "lock3");  // taken: task3 waits for task2

  auto task = [&](weft::semaphore& mine, weft::semaphore& next, const char* name) {
    mine.acquire();
    say(std::string("------ ") + name + " ------");
    weft::mark(name);
    weft::sleep_for(kWork);
    next.release();  // hands the turn on: a semaphore has no owner
  };

  weft::thread t1("task1", task, std::ref(lock1), std::ref(lock2), "task1");
  weft::thread t2("task2", task, std::ref(lock2), std::ref(lock3), "task2");
  weft::thread t3("task3", task, std::ref(lock3), std::ref(lock1), "task3");
  t1.join();
  t2.join();
  t3.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "lock-chain-semaphore",
    .summary = "three tasks run in order through a chain of three binary semaphores (the fix of lock-chain-mutex)",
    .teaches = "Handing a turn from one thread to another is a signal, not mutual exclusion: a semaphore has no "
               "owner, so the thread that finishes can release the next thread's semaphore. The order task1, "
               "task2, task3 is the same as with locks, without releasing anything the releaser does not own.",
    .lesson = "The fix of the Python lesson that orders three threads with three Locks released by other "
              "threads (lock-chain-mutex): the same chain with threading.Semaphore, lock1 = Semaphore(1), lock2 "
              "and lock3 = Semaphore(0). The port keeps the names lock1..lock3 so the two traces compare side by "
              "side, runs the chain once (the lesson loops forever) and works 30 ms instead of 0.5 s; at the end "
              "lock1 is back at 1 and lock2, lock3 at 0, as they started.",
    .marks = "task1 task2 task3 ",
    .shows = {"sem.acquired", "sem.acquire.begin", "sem.released", "mark"},
    .run = run,
}};

}  // namespace
