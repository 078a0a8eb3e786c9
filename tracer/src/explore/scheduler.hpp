// The controlled scheduler (weft/detail/explore.hpp says what the
// primitives see of it). One per process, created when the runtime starts
// under WEFT_EXPLORE.
//
// Invariants, all under m_:
//  - turn_ is the one thread allowed to run weft code; every other thread
//    the scheduler knows is parked in await_turn or has finished. Only the
//    turn holder decides; any thread may wake() a blocked one (a lock let
//    go by a thread on its way out), which only makes it a candidate.
//  - a thread is runnable, blocked (on a resource, maybe until a virtual
//    deadline), outside or finished; the runnable ones are the candidates
//    at every decision, the holder included while it is runnable. Outside:
//    it held the turn and fell asleep in the kernel in a wait weft does not
//    see (an OpenMP barrier's futex, pause(), a read from a pipe); the
//    keeper handed the turn on, the thread it waits for may then run, and
//    it joins the runnable ones at its next scheduling point.
//  - clock_ only grows: by kQuantumNs per step, and by jumps to the next
//    deadline when no thread is runnable. A deadline at or before clock_
//    has fired: its thread is runnable, timed_out set.
//  - a decision (recorded) is made wherever two or more threads could run.
//  - the run ends by the scheduler's hand only through the keeper thread
//    (keep), never the thread that found it stuck, whose wait must stay
//    open in the trace.
#pragma once

#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "settings.hpp"
#include "strategies.hpp"
#include "weft/format/schedule.hpp"
#include "weft/site.hpp"

namespace weft::detail {
struct ThreadBuffer;
}

namespace weft::detail::explore {

class Scheduler {
 public:
  // Virtual time a scheduling step costs: computation is not free, so a
  // long run reaches a timed wait's deadline even while threads can run.
  static constexpr std::uint64_t kQuantumNs = 100;
  // How long the turn may be held without a scheduling point before the run
  // is stopped (or the whole budget, if shorter).
  static constexpr std::chrono::seconds kStall{10};
  // How long the turn holder may sleep in the kernel, in a wait weft does
  // not see, before the keeper hands the turn on (see State::outside).
  static constexpr std::chrono::milliseconds kHandOver{50};
  // How long a decision waits for outside threads the kernel has woken to
  // reach their next scheduling point or sleep again (see
  // let_woken_arrive); one still running then runs on unwaited for.
  static constexpr std::chrono::milliseconds kWokenArrival{20};

  explicit Scheduler(Settings settings);
  void start();  // the keeper, the hook, the exit handler

  // `yielding`: the thread offers the turn (sched_yield), which the
  // strategy may hold against it (pct).
  void step(const source_site* site, bool thread_ends, bool yielding = false);
  bool block(const void* resource, std::optional<std::uint64_t> until_ns);
  // Whether it made a thread runnable.
  bool wake(const void* resource, bool all);
  void wake_from_outside(const void* resource);
  // Thread `id`, if blocked, may go on (its block returns as if woken):
  // see cancellation.hpp.
  void interrupt(std::uint32_t id);
  void thread_created(std::uint32_t id);
  void thread_attach(std::uint32_t id);
  void thread_exit();
  void stop_at(std::uint64_t at_ns, std::string why);

  const std::atomic<std::uint64_t>& clock() const { return clock_; }
  // What the trace's SCHD chunk says.
  format::Schedule record();
  // The same for a trace completed in a crash (a failed assert's abort, a
  // fault): `f(settings, decisions)`, the decisions not copied (nothing is
  // allocated but the strategy's short name). The lock is tried for up to
  // 50 ms (the keeper holds it for moments); false, and `f` not called, if
  // it stays taken (the crash came inside the scheduler).
  template <class F>
  bool record_in_crash(F&& f) {
    std::unique_lock<std::mutex> lock(m_, std::defer_lock);
    for (int tries = 0; !lock.try_lock(); ++tries) {
      if (tries == 100) return false;
      const timespec pause{0, 500'000};
      nanosleep(&pause, nullptr);  // async-signal-safe, as a crash handler needs
    }
    f(settings_record(), decisions_);
    return true;
  }
  // The program is ending (exit): the scheduler lets go.
  void end();

 private:
  enum class State : std::uint8_t { unborn, runnable, blocked, outside, finished };
  struct Slot {
    State state = State::unborn;
    bool managed = false;       // a weft::thread (it says when it exits)
    const void* resource = nullptr;
    std::optional<std::uint64_t> deadline;
    bool timed_out = false;
    std::uint64_t blocked_at = 0;  // for "the longest-waiting" in wake(one)
    const source_site* site = nullptr;
    bool running_outside = false;  // outside, awake, and waited for once already (let_woken_arrive)
    std::binary_semaphore wakeup{0};  // released when the thread is given the turn

    // Its wait is over: woken, or its deadline passed (`timed_out`).
    void make_runnable(bool by_timeout) {
      state = State::runnable;
      timed_out = by_timeout;
      resource = nullptr;
      deadline.reset();
    }
  };
  using Lock = std::unique_lock<std::mutex>;

  Slot& slot(std::uint32_t id);
  format::Schedule settings_record() const;  // record() but the decisions; under m_
  std::uint32_t me();
  // Registers the caller if new, and waits for the turn if it lacks it.
  void ensure_turn(std::uint32_t id, Lock& lock);
  void await_turn(std::uint32_t id, Lock& lock);
  void give_turn(std::uint32_t next);
  void fire_due_timers();
  // The earliest deadline of a blocked thread, if any has one.
  std::optional<std::uint64_t> next_deadline() const;
  // Every thread the scheduler knows has ended (the main thread too, by
  // pthread_exit): the run's threads are gone.
  bool all_finished() const;
  // Why the run must end, if it must.
  struct Stop {
    format::ScheduleStop reason = format::ScheduleStop::None;
    std::string why;
  };
  // Who runs next; sets `stop` (and returns kDiverged) when nobody can, or
  // the run must end. `lock` holds m_: released while it waits for a wake
  // from outside the scheduler (waits_outside).
  // `for_keeper`: asked by the keeper for a thread to hand the turn to;
  // kDiverged, and no stop, when none can run now.
  std::uint32_t decide(Stop& stop, Lock& lock, bool for_keeper = false);
  // Whether thread `id` sleeps in the kernel in a wait weft does not see
  // (none it recorded: its buffer publishes no wait).
  bool sleeps_unseen(std::uint32_t id);
  // The keeper's hand-over from a turn holder that sleeps so (State::outside).
  void hand_over_from_sleeper(Lock& lock);
  bool anyone_outside() const;
  // Whether thread `id`'s task sleeps in the kernel (/proc: state S).
  bool asleep_in_kernel(std::uint32_t id);
  // Before a decision: outside threads the kernel has woken (a futex wake
  // weft did not see, a signal, a pipe's data) run code weft does not see
  // until their next scheduling point, where they join the candidates, or
  // their next sleep. They are given up to kWokenArrival to get to either,
  // so that who the candidates are does not hang on how soon the kernel
  // ran them (on the one CPU the run is pinned to it runs them only once
  // the deciding thread waits), and a replay sees the same ones.
  void let_woken_arrive(Lock& lock);
  std::string describe_stuck();
  // The buffer thread `id` records into, where it publishes its wait; null
  // if it has none.
  ThreadBuffer* active_buffer_of(std::uint32_t id);
  // Makes the threads blocked on `resource` runnable: all, or the longest
  // blocked. Whether there was one.
  bool wake_blocked(const void* resource, bool all);
  // A blocked thread whose wait another process ends (a process pool's
  // future: its result reader, a thread the scheduler does not run, wakes
  // it). With nothing else to run, the turn holder waits for that wake
  // instead of calling the run stuck; the keeper's stall limit still ends
  // a wait that never ends.
  bool waits_outside();
  // Hands the turn from the caller to the decided thread and waits for it
  // back (unless `leaving`); ends the program if the decision says so.
  void switch_from(std::uint32_t id, Lock& lock, bool leaving);
  // The run must end: the keeper stops the program, as the watchdog would,
  // from a thread of its own, so that the threads' waits stay open in the
  // trace; the caller waits for the end.
  [[noreturn]] void request_stop(Lock& lock, Stop stop);
  // The scheduler lets go: the hook does nothing, nobody waits for a turn.
  void let_go();
  // The keeper: stops the program when asked to, or when the run's
  // real-time budget has run out.
  void keep();

  const Settings settings_;
  std::unique_ptr<Chooser> chooser_;
  std::mutex m_;
  std::vector<std::unique_ptr<Slot>> slots_;  // by weft thread id
  // Who holds the turn (kDiverged: nobody yet, the first to arrive takes
  // it). Written under m_; read without it by a thread spinning for its turn.
  std::atomic<std::uint32_t> turn_{kDiverged};
  std::atomic<std::uint64_t> clock_{0};
  std::atomic<std::uint64_t> steps_{0};  // written under m_; the keeper reads it without
  std::uint64_t blocks_ = 0;
  std::vector<format::ScheduleDecision> decisions_;
  std::vector<std::uint32_t> enabled_;        // scratch
  std::optional<std::uint64_t> stop_at_ns_;
  std::string stop_why_;
  Stop stopped_;
  bool ending_ = false;
  bool stop_requested_ = false;
  std::condition_variable keeper_cv_;
  std::condition_variable outside_cv_;  // wake() from a thread outside the scheduler, for decide
  std::vector<const void*> outside_wakes_;  // kept: they found nobody blocked (wake_from_outside)
  std::optional<std::chrono::steady_clock::time_point> outside_grace_;  // see decide
  std::chrono::steady_clock::time_point started_;
};

// The process's scheduler, if the runtime started one.
Scheduler* scheduler() noexcept;
// Called by the runtime as it starts, before the first timestamp: a
// scheduler if the environment asks for one.
void start_from_environment();

}  // namespace weft::detail::explore
