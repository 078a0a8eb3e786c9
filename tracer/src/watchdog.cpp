#include "watchdog.hpp"

#include "tsan_invisible.hpp"

#include <new>
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <vector>

#include "explore/scheduler.hpp"
#include "flush_lock.hpp"
#include "proc_stat.hpp"
#include "run_board.hpp"
#include "thread_signals.hpp"
#include "runtime.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/event_buffer.hpp"
#include "weft/detail/registry.hpp"
#include "weft/mutex.hpp"
#include "weft/thread.hpp"
#include "weft/stop.hpp"

namespace weft::detail {
namespace {

std::set<long> os_threads() {
  std::set<long> tids;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.') tids.insert(std::strtol(e->d_name, nullptr, 10));
    ::closedir(dir);
  }
  return tids;
}

// Whether the main thread has exited (pthread_exit): the thread group's
// leader stays, a zombie, until the whole process ends.
bool main_thread_exited() {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%ld/stat", static_cast<long>(::getpid()));
  return stat_says_exited(path);
}

thread_local bool t_watchdog_thread = false;

struct Seen {
  std::uint32_t thread;
  long tid;
  format::EventKind kind;
  bool timed;
  std::uint32_t object;
  const std::atomic<std::uint32_t>* owner;
};

}  // namespace

Watchdog::Watchdog(Runtime& rt, DeadlockPolicy policy, std::uint32_t hang_ms)
    : rt_(rt), policy_(policy), hang_ms_(hang_ms), preexisting_(os_threads()) {
  preexisting_.erase(os_thread_id());  // the thread starting weft is the program's
}

Watchdog::~Watchdog() { stop(); }

bool Watchdog::on_watchdog_thread() { return t_watchdog_thread; }

void Watchdog::start() {
  thread_.start(
      [this] {
        t_watchdog_thread = true;
        ignore_thread(os_thread_id());
      },
      [this] { loop(); });
}

void Watchdog::restart_in_child() {
  judges_alone_ = true;  // a child runs unscheduled
  // The old thread object stands for a thread of the parent: it is left,
  // not destroyed or joined (it is not in this process).
  new (&thread_) OwnThread();
  new (&m_) std::mutex();
  new (&looking_) std::mutex();
  new (&cv_) std::condition_variable();
  stop_ = false;
  ignored_.clear();
  preexisting_.clear();
  last_cycle_.clear();
  last_progress_ = ~std::uint64_t{0};
  stalled_since_ms_ = 0;
  run_blocked_ = false;
  run_finding_ = false;
  claimed_ = false;
  stopping_run_ = false;
  reported_ = false;
  start();
}

void Watchdog::start_for_run() {
  judges_alone_ = false;
  start();
}

void Watchdog::hold_for_fork() { looking_.lock(); }
void Watchdog::release_after_fork() { looking_.unlock(); }

void Watchdog::stop() {
  bool acting;
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
    acting = acting_;
  }
  cv_.notify_all();
  if (!thread_.joinable() || thread_.is_current()) return;
  if (acting)
    thread_.detach();  // it waits for this finish, then ends the process itself
  else
    thread_.join();
}

void Watchdog::ignore_thread(long tid) {
  std::lock_guard<std::mutex> lock(m_);
  ignored_.insert(tid);
}

void Watchdog::loop() {
  for (;;) {
    std::string finding;
    {
      const TsanInvisible invisible;  // watching is not the program's synchronization (tsan_invisible.hpp)
      if (!watch(finding)) return;
      // Under the controlled scheduler (a run's stop): from here every
      // thread runs as it is, this one included (naming it records an
      // event), none waiting for a turn the stop would never give.
      if (!judges_alone_)
        if (explore::Scheduler* s = explore::scheduler()) s->end();
      // It is about to appear in the trace; not when it only ends a process
      // whose threads are all gone, as the last of them would have.
      if (!program_gone_) weft::this_thread::set_name("watchdog");
    }
    // In TSan's sight: acting may end the process, and TSan takes a thread
    // that ends it inside an ignore scope for an error of its own (it
    // reports it and exits with its status, not weft's 86). What act does
    // of weft's own it hides itself.
    act(finding);
  }
}

// Looks a few times a second until there is something to act on (true) or
// the watchdog is stopped (false).
bool Watchdog::watch(std::string& finding) {
  std::unique_lock<std::mutex> lock(m_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_; })) {
    lock.unlock();
    bool found;
    {
      // A look allocates and takes the registry's locks: never while a
      // thread forks (hold_for_fork), or the child could inherit them held.
      std::lock_guard<std::mutex> looking(looking_);
      // A circle seen once, not yet confirmed, is no time to call a hang:
      // its threads are blocked, and with a short WEFT_HANG_MS (or a thread
      // slow to get from its lock.begin event to blocking) the hang would be
      // called first, and the deadlock, which says more, never.
      run_finding_ = false;
      program_gone_ = program_gone();
      if (judges_alone_) {
        found = program_gone_ || check_deadlock(finding) || (last_cycle_.empty() && check_hang(finding)) ||
                check_run(finding);
      } else {
        std::string alone;  // a hang of this process alone: the scheduler's to call
        (void)check_hang(alone);  // publishes this process's state on the board
        found = program_gone_ || check_run(finding);
      }
    }
    if (found && !reported_) return true;
    lock.lock();
  }
  return false;
}

void Watchdog::act(const std::string& finding) {
  if (program_gone_) {
    // What glibc does on the last thread's exit, which weft's own threads
    // kept from happening: exit(0), with the atexit handlers (weft's own
    // among them: the trace is completed). Those run on this thread: open
    // to the program's signals first, as the program's last thread was (a
    // handler that signals its own process, glibc's tst-basic3, had the
    // signal left pending and the process exit 0).
    const sigset_t blocked = asynchronous_signals();
    pthread_sigmask(SIG_UNBLOCK, &blocked, nullptr);
    std::exit(0);
  }
  if (run_finding_) {
    act_on_run(finding);
    return;
  }
  {
    // Not once the trace is being finished (stop): too late to stop the
    // program, and the finisher may be about to join this thread.
    const TsanInvisible invisible;  // the watchdog's lock, not the program's
    std::lock_guard<std::mutex> lock(m_);
    if (stop_) return;
    if (policy_ != DeadlockPolicy::wait) acting_ = true;
  }
  switch (policy_) {
    case DeadlockPolicy::exit: stop_process(finding);  // a finding of this process: it alone is stopped
    case DeadlockPolicy::abort:
      // Once: a thread that self-deadlocks may race the watchdog's look.
      // The loser returns to its wait, and the winner's abort ends both.
      if (reported_.exchange(true)) return;
      // Recorded, as under `exit` and `wait`: the trace says why it ended.
      emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0, "weft stopped the program: " + finding,
                source_site{});
      std::fprintf(stderr, "weft: %s; aborting (WEFT_ON_DEADLOCK=abort)\n", finding.c_str());
      rt_.finish(format::EndReason::Watchdog, kStoppedExitStatus);
      std::abort();
    case DeadlockPolicy::wait:
      // Once: a self-deadlock is reported by the locking thread, which may
      // race the watchdog's own look.
      if (reported_.exchange(true)) return;
      emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0, "weft watchdog: " + finding, source_site{});
      std::fprintf(stderr, "weft: %s; waiting on (WEFT_ON_DEADLOCK=wait)\n", finding.c_str());
      return;
  }
}

// Threads waiting for mutexes held by threads waiting for mutexes... back to
// the first: a circle nobody can leave. Reported when the same circle is
// there two looks in a row (a lock released just now may not show yet).
bool Watchdog::check_deadlock(std::string& why) {
  std::map<std::uint32_t, Seen> by_thread;
  for (ThreadBuffer* b = rt_.buffers(); b; b = b->next) {
    if (b->state.load(std::memory_order_acquire) != BufferState::Active) continue;
    const auto kind = static_cast<format::EventKind>(b->wait_kind.load(std::memory_order_acquire));
    if (kind != format::EventKind::MutexLockBegin || b->wait_timed.load(std::memory_order_relaxed)) continue;
    const std::uint32_t id = b->owner_id.load(std::memory_order_relaxed);
    by_thread[id] = {id, 0, kind, false, b->wait_object.load(std::memory_order_relaxed),
                     b->wait_owner.load(std::memory_order_relaxed)};
  }
  for (const auto& [start, seen] : by_thread) {
    std::vector<std::uint32_t> path{start};
    std::uint32_t current = start;
    for (;;) {
      const auto it = by_thread.find(current);
      if (it == by_thread.end() || !it->second.owner) break;
      const std::uint32_t holder = it->second.owner->load(std::memory_order_relaxed);
      if (holder == kNoOwner) break;
      current = holder - 1;
      if (current == start) {
        std::string cycle;
        for (std::uint32_t t : path) {
          const Seen& s = by_thread[t];
          cycle += (cycle.empty() ? "" : ", ") + rt_.registry().thread_name(t) + " waits for " + object_name(s.object);
        }
        const std::uint64_t t = board_now_ms();
        const bool confirmed = cycle == last_cycle_;
        if (!confirmed) cycle_seen_ms_ = t;
        last_cycle_ = cycle;
        if (!confirmed) return false;
        if (path.size() > 1) {
          why = "deadlock: " + cycle + ", each held by the next";
          return true;
        }
        // A thread waiting for a lock it holds itself (a normal pthread
        // mutex or spin lock, which glibc lets another thread unlock; the
        // classic "mutex as a semaphore"): a self-deadlock once nobody has
        // unlocked it for WEFT_HANG_MS, as long as a hang is given.
        if (t - cycle_seen_ms_ < hang_ms_) return false;
        why = "self-deadlock: " + rt_.registry().thread_name(start) + " locks " + object_name(seen.object) +
              ", which it already holds";
        return true;
      }
      if (std::find(path.begin(), path.end(), current) != path.end()) break;
      path.push_back(current);
    }
  }
  last_cycle_.clear();
  return false;
}

// Every thread blocked in an untimed wait and nothing recorded for a while.
bool Watchdog::check_hang(std::string& why) {
  std::uint64_t progress = 0;
  std::vector<Seen> blocked;
  bool all_blocked = true;
  bool external = false;
  std::set<long> known;
  auto& threads = rt_.registry().threads();
  for (ThreadBuffer* b = rt_.buffers(); b; b = b->next) {
    progress += b->head.load(std::memory_order_acquire);
    if (b->state.load(std::memory_order_acquire) != BufferState::Active) continue;
    const std::uint32_t id = b->owner_id.load(std::memory_order_relaxed);
    if (id >= threads.size() || !threads[id].alive.load(std::memory_order_acquire)) continue;
    const long tid = static_cast<long>(threads[id].os_tid.load(std::memory_order_relaxed));
    {
      std::lock_guard<std::mutex> lock(m_);
      if (ignored_.count(tid)) continue;
    }
    known.insert(tid);
    const auto kind = static_cast<format::EventKind>(b->wait_kind.load(std::memory_order_acquire));
    if (kind == format::EventKind{} || b->wait_timed.load(std::memory_order_relaxed)) {
      all_blocked = false;
      break;
    }
    external = external || b->wait_external.load(std::memory_order_relaxed);
    blocked.push_back({id, tid, kind, false, b->wait_object.load(std::memory_order_relaxed), nullptr});
  }
  // The board's clock: the run compares these times across processes.
  const std::uint64_t t = board_now_ms();
  if (progress != last_progress_) {
    last_progress_ = progress;
    stalled_since_ms_ = t;
  }
  bool quiet = all_blocked && !blocked.empty();
  // Any thread weft cannot see might still wake them; not the remains of a
  // main thread that left by pthread_exit.
  if (quiet)
    for (long tid : os_threads()) {
      if (tid == ::getpid() && main_thread_exited()) continue;
      std::lock_guard<std::mutex> lock(m_);
      if (!known.count(tid) && !ignored_.count(tid) && !preexisting_.count(tid) && tid != rt_.writer_tid()) {
        quiet = false;
        break;
      }
    }
  run_blocked_ = quiet && external;
  std::string waits;
  if (run_blocked_) {
    waits = (rt_.process_name().empty() ? rt_.config().program : rt_.process_name()) + " (pid " +
            std::to_string(::getpid()) + "):";
    for (const Seen& s : blocked)
      waits += " " + rt_.registry().thread_name(s.thread) + " in " + std::string(format::kind_name(s.kind)) +
               (s.object ? " on " + object_name(s.object) : "") + ",";
    waits.pop_back();
  }
  rt_.board().publish(run_blocked_ ? BoardState::Blocked : BoardState::Running, progress, stalled_since_ms_, waits);
  // A wait another process may end is the run's to judge (check_run).
  if (!quiet || external || t - stalled_since_ms_ < hang_ms_) return false;
  why = "hang: every thread is blocked with no timeout and nothing has happened for " + std::to_string(hang_ms_) +
        " ms:";
  for (const Seen& s : blocked)
    why += " " + rt_.registry().thread_name(s.thread) + " in " + std::string(format::kind_name(s.kind)) +
           (s.object ? " on " + object_name(s.object) : "") + ";";
  why.pop_back();
  return true;
}

// The main thread called pthread_exit and every other thread of the
// program has ended too. glibc ends a process when its last thread exits,
// but weft's own threads (this one, the writer) are threads of the process
// too: without this the process lived on, a program's classic "main ends
// with pthread_exit and lets its workers finish" never ended. A thread
// weft does not know of (one alive before weft started) is the program's.
bool Watchdog::program_gone() {
  if (!main_thread_exited()) return false;
  const long main_tid = ::getpid();
  for (long tid : os_threads()) {
    if (tid == main_tid) continue;  // the main thread's remains
    std::lock_guard<std::mutex> lock(m_);
    if (!ignored_.count(tid) && tid != rt_.writer_tid()) return false;
  }
  return true;
}

// The run's stop: taken up when another process claimed it, or claimed
// here when every process of the run is blocked and still (run_board.hpp).
bool Watchdog::check_run(std::string& finding) {
  // A thread of this process is stopping the run (stop_run): it is its stop.
  if (stopping_run_.load(std::memory_order_acquire)) return false;
  RunBoard& board = rt_.board();
  bool mine = false;
  if (!board.stopped(finding, mine)) {
    if (!run_blocked_ || !board.run_hung(hang_ms_, board_now_ms(), finding) || !board.claim(finding)) return false;
    mine = true;
  }
  run_finding_ = true;
  claimed_ = mine;
  return true;
}

bool Watchdog::stop_run(const std::string& why) {
  RunBoard& board = rt_.board();
  if (!board.others_on_board()) return false;
  // The thread stopping the run finishes the trace itself: it is exempt from
  // the parking of program threads that Runtime::finish does meanwhile.
  t_watchdog_thread = true;
  // Once per process, and before the claim: this process's watchdog may be
  // stopping the run at this moment (it saw the run hung). It logs, reports
  // and ends the process; this thread waits for that. Taken first, the flag
  // also keeps the watchdog from taking up the claim below as its own
  // (check_run): one stop, logged once, by the thread that called it.
  if (stopping_run_.exchange(true, std::memory_order_acq_rel))
    for (;;) ::pause();
  std::string finding = why;
  bool mine = board.claim(why);
  if (!mine) board.stopped(finding, mine);  // another process's stop came first: that one, for every process
  emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0, "weft stopped the program: " + finding,
            source_site{});
  rt_.finish(format::EndReason::Watchdog, kStoppedExitStatus);
  if (mine) {
    const std::string path = rt_.trace_path();
    std::fprintf(stderr, "weft: stopped the program: %s%s%s\n", finding.c_str(), path.empty() ? "" : "; trace: ",
                 path.c_str());
    std::fflush(stderr);
  }
  std::fflush(stdout);
  board.wait_for_parent(1000);
  board.wait_for_children(2000);
  ::_exit(kStoppedExitStatus);
}

void Watchdog::act_on_run(const std::string& finding) {
  if (policy_ == DeadlockPolicy::wait) {
    if (reported_.exchange(true)) return;
    emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0, "weft watchdog: " + finding, source_site{});
    if (claimed_) std::fprintf(stderr, "weft: %s; waiting on (WEFT_ON_DEADLOCK=wait)\n", finding.c_str());
    return;
  }
  {
    const TsanInvisible invisible;  // the watchdog's lock, not the program's
    std::lock_guard<std::mutex> lock(m_);
    if (stop_) return;  // the trace is being finished already: too late to stop
    acting_ = true;
  }
  if (reported_.exchange(true)) return;
  // In this order: first no thread of the program may end the process (a
  // join of a stopped child may return any moment now), then the trace is
  // completed, which lets the children go (they wait for this process to
  // leave the board), and only then they end.
  // Once per process: a weft::stop_program here (stop_run) may have come
  // first; it ends the process.
  if (stopping_run_.exchange(true, std::memory_order_acq_rel)) return;
  emit_text(static_cast<std::uint8_t>(format::EventKind::Log), 0, "weft stopped the program: " + finding,
            source_site{});
  rt_.finish(format::EndReason::Watchdog, kStoppedExitStatus);
  if (claimed_) {
    const std::string path = rt_.trace_path();
    if (policy_ == DeadlockPolicy::abort)
      std::fprintf(stderr, "weft: %s; aborting (WEFT_ON_DEADLOCK=abort)\n", finding.c_str());
    else
      std::fprintf(stderr, "weft: stopped the program: %s%s%s\n", finding.c_str(), path.empty() ? "" : "; trace: ",
                   path.c_str());
    std::fflush(stderr);
  }
  std::fflush(stdout);
  rt_.board().wait_for_parent(1000);
  rt_.board().wait_for_children(2000);
  if (policy_ == DeadlockPolicy::abort) std::abort();
  ::_exit(kStoppedExitStatus);
}

}  // namespace weft::detail
