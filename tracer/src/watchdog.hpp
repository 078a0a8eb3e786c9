// The watchdog: a thread of the runtime's own that looks, a few times a
// second, for a program that can no longer make progress, and stops it with
// its trace complete (WEFT_ON_DEADLOCK=exit, the default), aborts it
// (=abort) or only records what it saw (=wait):
//  - threads waiting for each other's mutexes in a circle (a deadlock), if
//    the circle is still there at the next look;
//  - every thread blocked in an untimed wait, with no event recorded for
//    WEFT_HANG_MS (default 1000) milliseconds (a hang). Only when every
//    thread of the process is one weft knows: a thread weft cannot see
//    (plain std::thread that never used weft, a library's worker) might
//    still wake the others, so then it never declares a hang. Threads that
//    existed before weft started (a sanitizer's helper thread) and threads
//    that asked to be ignored do not count.
// A self-deadlock is caught at once by the locking thread (blocking.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace weft::detail {

enum class DeadlockPolicy { exit, abort, wait };

class Runtime;

class Watchdog {
 public:
  Watchdog(Runtime& rt, DeadlockPolicy policy, std::uint32_t hang_ms);
  ~Watchdog();
  void start();
  void stop();
  // In a followed child of fork(): the parent's watchdog thread is not
  // here; a new one watches this process.
  void restart_in_child();
  // Around fork() (runtime.cpp): the forking thread waits for a look in
  // progress to end, and none starts until the fork is done.
  void hold_for_fork();
  void release_after_fork();
  // Acts on a finding per the policy; returns only under `wait`.
  void act(const std::string& finding);

  // Threads (OS tids) that are not part of the program's logic.
  void ignore_thread(long tid);

 private:
  void loop();
  bool watch(std::string& finding);
  bool check_deadlock(std::string& why);
  bool check_hang(std::string& why);

  Runtime& rt_;
  const DeadlockPolicy policy_;
  const std::uint32_t hang_ms_;
  std::thread thread_;
  std::mutex m_;
  std::mutex looking_;  // held while the watchdog looks; see hold_for_fork
  std::condition_variable cv_;
  bool stop_ = false;                    // guarded by m_
  // Guarded by m_: the watchdog is stopping the program (act). The thread
  // finishing the trace then leaves it be instead of joining it: it is
  // waiting for that finish (Runtime::finish) and exits with the process.
  bool acting_ = false;
  std::set<long> ignored_;               // guarded by m_
  std::set<long> preexisting_;           // threads alive before weft started
  std::string last_cycle_;               // seen at the previous look
  std::uint64_t last_progress_ = ~std::uint64_t{0};
  std::uint64_t stalled_since_ms_ = 0;
  std::atomic<bool> reported_{false};    // under `wait` and `abort`: say it once (the watchdog or a self-deadlocking thread)
};

}  // namespace weft::detail
