// A traced program that can never finish, for the watchdog to find
// (test_watchdog.cpp):  watchdog_child MODE
//   deadlock       "left" holds mutex "first" and wants "second", "right"
//                  holds "second" and wants "first"; main joins both: a
//                  wait-for cycle
//   deadlock-slow  main holds "first" and wants "second", "right" holds
//                  "second" and wants "first"; main is slow to block: 300 ms
//                  pass between its lock.begin event and its blocking (a
//                  thread preempted there on a loaded machine), longer than
//                  the WEFT_HANG_MS the test gives. (Main, the oldest of
//                  the threads: the watchdog's hang check sums the progress
//                  of every thread up to the first one not blocked.)
//   self-deadlock  main locks non-recursive mutex "again" twice
//   hang           "waiter" waits on event "never", main on condition "cv"
//                  (under mutex "guard"); nobody sets or notifies either: every
//                  thread blocked with no timeout
// Each first leaves the mark "ready" on main. Returning is a failure
// (status 1): the watchdog (WEFT_ON_DEADLOCK) decides how it ends.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <string>
#include <thread>

#include <weft/weft.hpp>

namespace {

std::atomic<std::uint32_t> g_slow_object{0};
thread_local bool t_slow = false;  // main, under deadlock-slow

// Runs right after each event is recorded, on the recording thread.
void slow_to_block(const weft::detail::sync_event& e) {
  if (t_slow && e.kind == weft::format::EventKind::MutexLockBegin && e.object == g_slow_object.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string mode = argv[1];
  weft::mark("ready");
  if (mode == "deadlock") {
    weft::mutex first("first"), second("second");
    std::latch both_hold(2);  // not weft's: only the two locks are the program's
    weft::thread left("left", [&] {
      first.lock();
      both_hold.arrive_and_wait();
      second.lock();
    });
    weft::thread right("right", [&] {
      second.lock();
      both_hold.arrive_and_wait();
      first.lock();
    });
    left.join();
    right.join();
  } else if (mode == "deadlock-slow") {
    weft::mutex first("first"), second("second");
    std::latch both_hold(2);
    g_slow_object = second.id();
    weft::detail::set_sync_hook(slow_to_block);
    weft::thread right("right", [&] {
      second.lock();
      both_hold.arrive_and_wait();
      first.lock();
    });
    first.lock();
    both_hold.arrive_and_wait();
    t_slow = true;
    second.lock();
    right.join();
  } else if (mode == "self-deadlock") {
    weft::mutex again("again");
    again.lock();
    again.lock();
  } else if (mode == "hang") {
    weft::event never("never");
    weft::mutex guard("guard");
    weft::condition_variable cv("cv");
    weft::thread waiter("waiter", [&] { never.wait(); });
    weft::unique_lock<weft::mutex> lock(guard);
    for (;;) cv.wait(lock);  // nobody notifies: a spurious wake-up only waits again
  } else {
    std::fprintf(stderr, "watchdog_child: unknown mode %s\n", mode.c_str());
    return 2;
  }
  return 1;
}
