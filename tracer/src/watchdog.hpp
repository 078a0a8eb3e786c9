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
//  - across the processes of a run (run_board.hpp): a wait another process
//    can end (blocked_scope's `external`: a join on a child, a pipe receive,
//    a process-shared lock) is no hang of this process alone, which then
//    only tells the run board it is blocked. When every process of the run
//    (two at least) is so blocked and none has recorded anything for
//    WEFT_HANG_MS, the first watchdog to see it claims the stop and writes
//    the finding ("hang across processes: ..."); every process then logs it
//    in its own trace and acts per the policy: under `exit` each completes
//    its trace and exits 86, only the claimer printing the one stderr line
//    (the others stay quiet: one finding, one line); a process waits up to
//    1 s for its parent to complete its trace before it ends (so that the
//    parent's join of it, or its receive on a pipe to it, cannot return
//    first and show the wait over, or let the parent go on) and
//    up to 2 s for its children to complete their traces before it ends
//    (so that whoever reads the files after the first process is gone
//    finds them complete). `abort`: the same, ending in abort(); `wait`:
//    logged in every trace ("weft watchdog: ..."), printed by the claimer.
// A self-deadlock is caught at once by the locking thread (blocking.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "own_thread.hpp"

namespace weft::detail {

enum class DeadlockPolicy { exit, abort, wait };

// Stops this process alone (weft::stop_program stops every process of the
// run): the reason logged, the trace completed, one line, exit 86.
[[noreturn]] void stop_process(std::string_view why);

class Runtime;

class Watchdog {
 public:
  Watchdog(Runtime& rt, DeadlockPolicy policy, std::uint32_t hang_ms);
  ~Watchdog();
  void start();
  // Under weft's controlled scheduler, which sees this process's own
  // deadlocks and hangs itself: a watchdog that only takes part in the
  // run's judgement (the board: a wait another process can end, such as a
  // pipe's), publishing this process's state and acting on the run's stop;
  // and ending the process once every thread of the program has (the main
  // thread by pthread_exit). Started once, when the run has stood still or
  // its threads have all ended (the scheduler's keeper).
  void start_for_run();
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
  // This process is acting on a stop of the whole run: a thread that ends
  // the program meanwhile (its join of a stopped child returned) must not
  // end it first, with another status (Runtime::finish parks it).
  bool stopping_run() const { return stopping_run_.load(std::memory_order_acquire); }
  // The calling thread is the watchdog's (the one that ends a stop).
  static bool on_watchdog_thread();
  // weft::stop_program (a scenario's deadline, say) in a process with others
  // of its run on the board: claims the run's stop for `why` (or takes up
  // one claimed already), so that every process logs it, completes its trace
  // and exits 86, as for a hang across processes; then ends this one, after
  // its parent's and its children's: it does not return. It returns (false),
  // having done nothing, when this process is alone on the board.
  bool stop_run(const std::string& why);

  // Threads (OS tids) that are not part of the program's logic.
  void ignore_thread(long tid);

 private:
  void loop();
  bool watch(std::string& finding);
  bool check_deadlock(std::string& why);
  bool check_hang(std::string& why);
  // The run's stop, claimed here or by another process (run_board.hpp).
  bool check_run(std::string& finding);
  void act_on_run(const std::string& finding);
  // Every thread of the program has ended, the main thread by pthread_exit.
  bool program_gone();

  Runtime& rt_;
  const DeadlockPolicy policy_;
  const std::uint32_t hang_ms_;
  // False under the controlled scheduler (start_for_run): this process's own
  // hangs and deadlocks are the scheduler's to call.
  bool judges_alone_ = true;
  OwnThread thread_;
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
  std::uint64_t cycle_seen_ms_ = 0;      // when last_cycle_ was first seen (board_now_ms)
  std::uint64_t last_progress_ = ~std::uint64_t{0};
  std::uint64_t stalled_since_ms_ = 0;
  // What the last look saw, for the run board.
  bool run_blocked_ = false;             // every thread blocked, untimed, some wait external
  // The finding at hand is the run's (claimed_ if this process called it).
  bool run_finding_ = false;
  bool claimed_ = false;
  // The program's threads are all gone: the process ends as glibc ends it
  // when its last thread exits (act).
  bool program_gone_ = false;
  std::atomic<bool> stopping_run_{false};
  std::atomic<bool> reported_{false};    // under `wait` and `abort`: say it once (the watchdog or a self-deadlocking thread)
};

}  // namespace weft::detail
