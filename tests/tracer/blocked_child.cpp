// A traced program whose threads block for good on a weft::shared_mutex or
// a weft::condition_variable_any, to show that the watchdog sees them
// (test_blocked_watchdog.cpp):
//
//   blocked_child MODE
//     reader-behind-writer  main holds "rw" exclusively and joins "reader",
//                           which waits in lock_shared: a hang
//     writer-behind-reader  main holds "rw" shared and joins "writer", which
//                           waits in lock: a hang
//     upgrade               main holds "rw" shared and asks for it
//                           exclusively: a self-deadlock
//     downgrade             main holds "rw" exclusively and asks for it
//                           shared: a self-deadlock
//     deadlock              main holds "rw" exclusively and waits for
//                           mutex "m", which "other" holds while it waits
//                           for "rw": a wait-for cycle
//     cond-any              main holds recursive mutex "r" twice and waits
//                           on "cv", which nobody notifies: a hang
//
// Each should be stopped by the watchdog (exit status 86); returning is a
// failure (status 1).
#include <cstdio>
#include <latch>
#include <string>

#include <weft/weft.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string mode = argv[1];
  weft::shared_mutex rw("rw");
  if (mode == "reader-behind-writer") {
    rw.lock();
    weft::thread reader("reader", [&] { rw.lock_shared(); });
    reader.join();
  } else if (mode == "writer-behind-reader") {
    rw.lock_shared();
    weft::thread writer("writer", [&] { rw.lock(); });
    writer.join();
  } else if (mode == "upgrade") {
    rw.lock_shared();
    rw.lock();
  } else if (mode == "downgrade") {
    rw.lock();
    rw.lock_shared();
  } else if (mode == "deadlock") {
    weft::mutex m("m");
    std::latch both_hold(2);
    rw.lock();
    weft::thread other("other", [&] {
      m.lock();
      both_hold.arrive_and_wait();
      rw.lock();
    });
    both_hold.arrive_and_wait();
    m.lock();
    other.join();
  } else if (mode == "cond-any") {
    weft::recursive_mutex r("r");
    weft::condition_variable_any cv("cv");
    r.lock();
    r.lock();
    cv.wait(r);
  } else {
    std::fprintf(stderr, "blocked_child: unknown mode %s\n", mode.c_str());
    return 2;
  }
  return 1;
}
