// Three tasks made to run in order, task1 task2 task3, by a chain of three
// locks, whatever order they start in. lock2 and lock3 are taken by main at
// the start; task1 takes lock1 (free), runs, and releases lock2; task2,
// waiting for lock2, runs and releases lock3; task3, waiting for lock3,
// runs and releases lock1, closing the ring. Python's Lock allows a thread
// to release a lock another thread acquired, so the lesson works. In C++ a
// mutex belongs to the thread that locked it, and unlocking it from another
// thread is undefined behaviour: every release in the chain is that misuse.
// weft::mutex performs it, as Python does, and records it.
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
  weft::mutex lock1("lock1");
  weft::mutex lock2("lock2");
  weft::mutex lock3("lock3");
  lock2.lock();  // taken by main: task2 must wait until task1 releases it
  lock3.lock();  // likewise task3, until task2 releases it

  auto task = [&](weft::mutex& mine, weft::mutex& next, const char* name) {
    mine.lock();
    say(std::string("------ ") + name + " ------");
    weft::mark(name);
    weft::sleep_for(kWork);
    next.unlock();  // a lock this thread does not hold: allowed in Python, misuse in C++
  };

  weft::thread t1("task1", task, std::ref(lock1), std::ref(lock2), "task1");
  weft::thread t2("task2", task, std::ref(lock2), std::ref(lock3), "task2");
  weft::thread t3("task3", task, std::ref(lock3), std::ref(lock1), "task3");
  t1.join();
  t2.join();
  t3.join();

  // task2 and task3 end holding lock2 and lock3. Python does not mind; C++
  // must not destroy a locked mutex (undefined behaviour), so main releases
  // them, once more on behalf of threads that locked them.
  lock2.unlock();
  lock3.unlock();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "lock-chain-mutex",
    .summary = "three tasks run in order through a chain of three locks, each released by another thread",
    .teaches = "A chain of locks does force the order task1, task2, task3, but only because each lock is "
               "released by a thread that did not acquire it. Python's Lock permits that; a C++ mutex is owned "
               "by its locker, and unlocking it from another thread is undefined behaviour. A lock is for mutual "
               "exclusion; to hand a turn from one thread to another, use a semaphore (lock-chain-semaphore).",
    .lesson = "The Python lesson that orders three threads with three Locks: lock2 and lock3 acquired up front, "
              "task1 acquires lock1 and releases lock2, task2 acquires lock2 and releases lock3, task3 acquires "
              "lock3 and releases lock1. The lesson's tasks repeat this in `while True` loops; the port runs the "
              "chain once (task1 locking lock1 again while it still holds it would be taken by weft for a "
              "self-deadlock and stopped) with 30 ms of work instead of 0.5 s, and at the end main releases "
              "lock2 and lock3, which task2 and task3 leave locked, because destroying a locked mutex is "
              "undefined behaviour in C++. Every release by a thread that does not hold the lock is recorded as "
              "misuse.",
    .always = {{weft::scenarios::finding::misuse, "lock1"},
               {weft::scenarios::finding::misuse, "lock2"},
               {weft::scenarios::finding::misuse, "lock3"}},
    .marks = "task1 task2 task3 ",
    .shows = {"mutex.acquired", "mutex.lock.begin", "mutex.released", "mark"},
    .run = run,
}};

}  // namespace
