// Three threads print A, B and C in turn, ten times, sharing one condition
// variable and waking each other with notify_all. Each waits until the
// shared turn counter names it, prints, advances the turn and wakes everyone;
// the two threads whose turn it is not go back to sleep.
#include <cstdio>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kRounds = 10;

int run(const weft::scenarios::options&) {
  weft::mutex lock("turn_lock");
  weft::condition_variable turn_changed("turn_changed");
  int turn = 0;  // guarded by lock: 0 = A, 1 = B, 2 = C

  auto printer = [&](int me, const char* letter) {
    for (int round = 0; round < kRounds; ++round) {
      weft::unique_lock<weft::mutex> guard(lock);
      turn_changed.wait(guard, [&] { return turn == me; });
      std::fputs(letter, stdout);
      weft::mark(letter);
      turn = (turn + 1) % 3;
      turn_changed.notify_all();
    }
  };
  weft::thread a("printer-A", printer, 0, "A");
  weft::thread b("printer-B", printer, 1, "B");
  weft::thread c("printer-C", printer, 2, "C");
  a.join();
  b.join();
  c.join();
  std::fputs("\n", stdout);
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "abc-turns",
    .summary = "three threads print A, B, C in turn, ten times, with one condition and notify_all",
    .teaches = "A condition variable with a predicate: each thread waits for its turn, and notify_all wakes all "
               "three so the right one can go while the others wait again.",
    .lesson = "Three threads printing ABC in turn (threading.Condition, notify_all). The C++ port keeps the "
              "one condition and the shared turn counter.",
    .marks = "(A B C ){10}",
    .shows = {"cond.wait.begin", "cond.wait.end", "cond.notify_all", "mark"},
    .run = run,
}};

}  // namespace
