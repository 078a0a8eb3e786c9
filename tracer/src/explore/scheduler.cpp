#include "scheduler.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "../clock.hpp"
#include "../flush_lock.hpp"
#include "../proc_stat.hpp"
#include "../thread_signals.hpp"
#include "../watchdog.hpp"
#include "cancellation.hpp"
#include "../runtime.hpp"
#include "weft/detail/explore.hpp"
#include "weft/detail/internal_scope.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/stop.hpp"
#include "weft/thread.hpp"

namespace weft::detail {

std::atomic<bool> g_exploring{false};

namespace explore {
namespace {

Scheduler* g_scheduler = nullptr;  // set once, before the program's threads; never freed
const char kSleepKey = 0;           // what a sleep "waits for": nothing wakes it
std::atomic<int> g_outside_threads{0};  // threads in an outside_scope now

void on_sync_point(const sync_event& ev) {
  if (exploring()) g_scheduler->step(ev.site, ev.kind == format::EventKind::ThreadEnd);
}

std::string thread_label(std::uint32_t id) {
  return "'" + Runtime::get().registry().thread_name(id) + "'";
}

std::string site_text(const source_site* site) {
  if (site == nullptr || site->file == nullptr || site->file[0] == '\0') return "";
  std::string file = site->file;
  if (const auto slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
  return " at " + file + ":" + std::to_string(site->line);
}

}  // namespace

Scheduler* scheduler() noexcept { return g_scheduler; }

void start_from_environment() {
  std::optional<Settings> settings = settings_from_environment();
  if (!settings) return;
  // One thread runs at a time: on one CPU, handing the turn over is a
  // context switch there, not a wake-up sent to another CPU (several times
  // slower). Threads inherit it; the runtime's own start after this.
  const int cpu = settings->cpu ? static_cast<int>(*settings->cpu) : sched_getcpu();
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set, &set);  // best effort: a CPU we may not use just leaves it as it was
  }
  g_scheduler = new Scheduler(std::move(*settings));
  // Virtual time from here on: every timestamp is the scheduler's clock.
  g_clock_is_tsc = false;
  g_virtual_clock = &g_scheduler->clock();
  g_exploring.store(true, std::memory_order_relaxed);
}

Scheduler::Scheduler(Settings settings) : settings_(std::move(settings)), chooser_(make_chooser(settings_)) {}

void Scheduler::start() {
  started_ = std::chrono::steady_clock::now();
  set_sync_hook(&on_sync_point);
  std::atexit([] {
    const internal_scope inside;  // under weft record the scheduler's lock is not the program's
    g_scheduler->end();
  });
  std::thread([this] { keep(); }).detach();
}

Scheduler::Slot& Scheduler::slot(std::uint32_t id) {
  if (slots_.size() <= id) slots_.resize(id + 1);
  if (!slots_[id]) slots_[id] = std::make_unique<Slot>();
  return *slots_[id];
}

std::uint32_t Scheduler::me() { return current_thread_id(); }

void Scheduler::ensure_turn(std::uint32_t id, Lock& lock) {
  Slot& s = slot(id);
  if (s.state == State::unborn) {  // the first thread, or one weft::thread did not start (adopted)
    s.state = State::runnable;
    chooser_->thread_added(id);
  }
  if (s.state == State::outside) {  // back from a wait weft did not see: a candidate again
    s.state = State::runnable;
    s.running_outside = false;
    outside_cv_.notify_one();  // a decision waiting for it (decide)
  }
  if (turn_ == kDiverged) turn_ = id;
  await_turn(id, lock);
}

void Scheduler::await_turn(std::uint32_t id, Lock& lock) {
  if (turn_.load(std::memory_order_relaxed) == id) return;
  // Asleep on the thread's own semaphore, not holding m_: the thread that
  // hands over the turn wakes exactly this one, which then finds m_ free.
  Slot& s = slot(id);
  lock.unlock();
  while (turn_.load(std::memory_order_acquire) != id) s.wakeup.acquire();
  lock.lock();
}

void Scheduler::give_turn(std::uint32_t next) {
  turn_.store(next, std::memory_order_release);
  slot(next).wakeup.release();
}

void Scheduler::fire_due_timers() {
  const std::uint64_t now = clock_.load(std::memory_order_relaxed);
  for (auto& s : slots_)
    if (s && s->state == State::blocked && s->deadline && *s->deadline <= now) s->make_runnable(true);
}

std::optional<std::uint64_t> Scheduler::next_deadline() const {
  std::optional<std::uint64_t> next;
  for (const auto& s : slots_)
    if (s && s->state == State::blocked && s->deadline && (!next || *s->deadline < *next)) next = s->deadline;
  return next;
}

bool Scheduler::all_finished() const {
  bool any = false;
  for (const auto& s : slots_) {
    if (!s || s->state == State::unborn) continue;
    if (s->state != State::finished) return false;
    any = true;
  }
  return any;
}

ThreadBuffer* Scheduler::active_buffer_of(std::uint32_t id) {
  for (ThreadBuffer* b = Runtime::get().buffers(); b; b = b->next)
    if (b->state.load(std::memory_order_acquire) == BufferState::Active &&
        b->owner_id.load(std::memory_order_relaxed) == id)
      return b;
  return nullptr;
}

std::string Scheduler::describe_stuck() {
  std::string what;
  bool any_lock = false;
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    if (slots_[id] && slots_[id]->state == State::outside) {
      what += (what.empty() ? "" : "; ") + thread_label(id) + " sleeps in a wait weft does not see" +
              site_text(slots_[id]->site);
      continue;
    }
    if (!slots_[id] || slots_[id]->state != State::blocked) continue;
    format::EventKind kind{};
    std::uint32_t object = 0;
    if (const ThreadBuffer* b = active_buffer_of(id)) {
      kind = static_cast<format::EventKind>(b->wait_kind.load(std::memory_order_acquire));
      object = b->wait_object.load(std::memory_order_relaxed);
    }
    if (kind == format::EventKind::MutexLockBegin) any_lock = true;
    what += (what.empty() ? "" : "; ") + thread_label(id);
    if (static_cast<std::uint8_t>(kind) != 0)
      what += " waits in " + std::string(format::kind_name(kind)) + (object ? " on " + object_name(object) : "");
    else
      what += " waits";
    what += site_text(slots_[id]->site);
  }
  return std::string(any_lock ? "deadlock" : "hang") +
         " under the scheduler: no thread can run and no timer is pending (" + what + ")";
}

bool Scheduler::anyone_outside() const {
  for (const auto& s : slots_)
    if (s && s->state == State::outside) return true;
  return false;
}

bool Scheduler::sleeps_unseen(std::uint32_t id) {
  const ThreadBuffer* b = active_buffer_of(id);
  if (b == nullptr || b->wait_kind.load(std::memory_order_acquire) != 0) return false;  // a wait weft knows
  return asleep_in_kernel(id);
}

bool Scheduler::asleep_in_kernel(std::uint32_t id) {
  auto& threads = Runtime::get().registry().threads();
  if (id >= threads.size()) return false;
  const std::uint64_t tid = threads[id].os_tid.load(std::memory_order_relaxed);
  if (tid == 0) return false;
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%llu/stat", static_cast<unsigned long long>(tid));
  return stat_state(path) == 'S';
}

void Scheduler::let_woken_arrive(Lock& lock) {
  std::optional<std::chrono::steady_clock::time_point> give_up;
  for (;;) {
    std::vector<Slot*> awake;
    for (std::uint32_t id = 0; id < slots_.size(); ++id) {
      Slot* s = slots_[id].get();
      if (s == nullptr || s->state != State::outside) continue;
      if (asleep_in_kernel(id))
        s->running_outside = false;  // once it wakes again, it is waited for again
      else if (!s->running_outside)
        awake.push_back(s);
    }
    if (awake.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    if (!give_up) give_up = now + kWokenArrival;
    if (now >= *give_up) {  // computing out of weft's sight: not waited for again until it comes back or sleeps
      for (Slot* s : awake) s->running_outside = true;
      return;
    }
    outside_cv_.wait_for(lock, std::chrono::milliseconds(1));  // m_ let go: it may take its turn's place
  }
}

void Scheduler::hand_over_from_sleeper(Lock& lock) {
  const std::uint32_t holder = turn_;
  Slot& h = slot(holder);
  if (h.state != State::runnable) return;
  h.state = State::outside;
  h.running_outside = false;
  Stop stop;
  const std::uint32_t next = decide(stop, lock, true);
  if (next == kDiverged || next == holder || stop.reason != format::ScheduleStop::None) {
    h.state = State::runnable;  // nobody else can run now: it keeps the turn
    return;
  }
  give_turn(next);
}

bool Scheduler::waits_outside() {
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    if (!slots_[id] || slots_[id]->state != State::blocked) continue;
    const ThreadBuffer* b = active_buffer_of(id);
    if (b && b->wait_kind.load(std::memory_order_acquire) != 0 && b->wait_external.load(std::memory_order_relaxed))
      return true;
  }
  return false;
}

std::uint32_t Scheduler::decide(Stop& stop, Lock& lock, bool for_keeper) {
  if (!for_keeper && anyone_outside()) let_woken_arrive(lock);
  for (;;) {
    enabled_.clear();
    for (std::uint32_t id = 0; id < slots_.size(); ++id)
      if (slots_[id] && slots_[id]->state == State::runnable) enabled_.push_back(id);
    if (!enabled_.empty()) {
      outside_grace_.reset();
      break;
    }
    const std::optional<std::uint64_t> next = next_deadline();
    if (!next) {
      if (for_keeper) return kDiverged;
      bool anyone_blocked = false;
      for (auto& s : slots_) anyone_blocked = anyone_blocked || (s && s->state == State::blocked);
      if (anyone_blocked && !ending_ && waits_outside()) {
        // Another process will end a wait: no decision until it does (the
        // decision that follows is the same whenever it comes).
        outside_cv_.wait_for(lock, std::chrono::milliseconds(20));
        continue;
      }
      // A thread outside the scheduler may be about to let a lock go that a
      // blocked thread waits for: a moment for it, then the run is stuck.
      // One asleep in a wait weft does not see (State::outside) is given
      // as long as the watchdog gives a wait before calling it a hang.
      const bool sleeper = anyone_outside();
      if (anyone_blocked && !ending_ && (sleeper || g_outside_threads.load(std::memory_order_relaxed) > 0)) {
        if (!outside_grace_)
          outside_grace_ = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(sleeper ? Runtime::get().config().hang_ms : 50);
        if (std::chrono::steady_clock::now() < *outside_grace_) {
          outside_cv_.wait_until(lock, *outside_grace_);
          continue;
        }
      }
      if (anyone_blocked) stop = {format::ScheduleStop::Stuck, describe_stuck()};
      // Nobody left at all: every thread has finished, or sleeps outside
      // (it takes the turn back at its next scheduling point).
      return kDiverged;
    }
    // Nothing can run before the next deadline: time jumps there.
    clock_.store(std::max(clock_.load(std::memory_order_relaxed), *next), std::memory_order_relaxed);
    fire_due_timers();
  }
  if (stop_at_ns_ && clock_.load(std::memory_order_relaxed) >= *stop_at_ns_) {
    stop = {format::ScheduleStop::Deadline, stop_why_};
    return kDiverged;
  }
  // With early timers the next timer may also fire now, as if the threads
  // that could run had been slow: a timeout that can fire is one of the
  // choices, its threads candidates beside the runnable ones. (Without,
  // computation is fast and sleeps are long, as a scenario's timing
  // assumes.)
  const std::optional<std::uint64_t> next_timer = settings_.early_timers ? next_deadline() : std::nullopt;
  if (next_timer)
    for (std::uint32_t id = 0; id < slots_.size(); ++id)
      if (slots_[id] && slots_[id]->state == State::blocked && slots_[id]->deadline == next_timer)
        enabled_.insert(std::upper_bound(enabled_.begin(), enabled_.end(), id), id);
  if (enabled_.size() == 1) return enabled_.front();
  const std::uint32_t running = turn_;
  const std::uint32_t chosen = chooser_->choose(enabled_, running);
  if (chosen == kDiverged) {
    std::string can;
    for (std::uint32_t t : enabled_) can += (can.empty() ? "" : ", ") + thread_label(t);
    const std::size_t n = decisions_.size();
    stop.reason = format::ScheduleStop::Diverged;
    stop.why = "the replay diverged at decision " + std::to_string(n + 1) + ": " +
           (n < settings_.forced.size() ? "the schedule gives the turn to thread " +
                                              thread_label(settings_.forced[n]) + ", which cannot run here"
                                        : std::string("the schedule has no more decisions")) +
           " (threads that can: " + can + "); thread " + thread_label(running) + " was" +
           (slot(running).site ? site_text(slot(running).site) : std::string(" starting")) +
           ". The program took another path than in the recorded run (it read the clock, a random number, or "
           "input that changed?)";
    return kDiverged;
  }
  if (slot(chosen).state == State::blocked) {  // its timer fires now
    clock_.store(*slot(chosen).deadline, std::memory_order_relaxed);
    fire_due_timers();
  }
  format::ScheduleDecision d{chosen, running, {}};
  if (settings_.strategy == Strategy::dfs) d.enabled = enabled_;
  decisions_.push_back(std::move(d));
  return chosen;
}

void Scheduler::switch_from(std::uint32_t id, Lock& lock, bool leaving) {
  Stop stop;
  const std::uint32_t next = decide(stop, lock);
  if (stop.reason != format::ScheduleStop::None) request_stop(lock, std::move(stop));
  if (next == kDiverged) {  // every thread has finished
    turn_ = kDiverged;
    return;
  }
  if (next == id) return;
  give_turn(next);
  if (!leaving) await_turn(id, lock);
}

void Scheduler::let_go() {
  ending_ = true;
  g_exploring.store(false, std::memory_order_relaxed);
}

void Scheduler::request_stop(Lock& lock, Stop stop) {
  stopped_ = std::move(stop);
  let_go();
  stop_requested_ = true;
  keeper_cv_.notify_one();
  Slot& s = slot(me());
  lock.unlock();
  for (;;) s.wakeup.acquire();  // no turn comes again: the keeper ends the process
}

void Scheduler::step(const source_site* site, bool thread_ends, bool yielding) {
  const std::uint32_t id = me();
  Lock lock(m_);
  if (ending_) return;
  ensure_turn(id, lock);
  Slot& s = slot(id);
  if (site != nullptr) s.site = site;
  const std::uint64_t step = steps_.load(std::memory_order_relaxed) + 1;
  steps_.store(step, std::memory_order_relaxed);
  clock_.store(clock_.load(std::memory_order_relaxed) + kQuantumNs, std::memory_order_relaxed);
  fire_due_timers();
  chooser_->at_step(step, id);
  if (yielding) chooser_->yielded(id);
  // A thread weft::thread did not start ends without telling us otherwise.
  const bool leaving = thread_ends && !s.managed;
  if (leaving) s.state = State::finished;
  switch_from(id, lock, leaving);
}

bool Scheduler::block(const void* resource, std::optional<std::uint64_t> until_ns) {
  const std::uint32_t id = me();
  Lock lock(m_);
  if (ending_) {
    // The program is ending and runs unscheduled: wait a moment, let the
    // caller try again.
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return true;
  }
  ensure_turn(id, lock);
  // Woken from outside before it got here: it goes on, and looks again.
  if (const auto kept = std::find(outside_wakes_.begin(), outside_wakes_.end(), resource); kept != outside_wakes_.end()) {
    outside_wakes_.erase(kept);
    return true;
  }
  Slot& s = slot(id);
  s.state = State::blocked;
  s.resource = resource;
  s.deadline = until_ns;
  s.timed_out = false;
  s.blocked_at = ++blocks_;
  fire_due_timers();  // a deadline already past fires now
  switch_from(id, lock, false);
  return !s.timed_out;
}

bool Scheduler::wake_blocked(const void* resource, bool all) {
  Slot* first = nullptr;
  bool woke = false;
  for (auto& s : slots_) {
    if (!s || s->state != State::blocked || s->resource != resource) continue;
    if (!all) {
      if (!first || s->blocked_at < first->blocked_at) first = s.get();
      continue;
    }
    s->make_runnable(false);
    woke = true;
  }
  if (first) first->make_runnable(false);
  return woke || first != nullptr;
}

bool Scheduler::wake(const void* resource, bool all) {
  Lock lock(m_);
  const bool woke = wake_blocked(resource, all);
  outside_cv_.notify_one();  // a turn holder waiting for a wake from outside (decide)
  return woke;
}

void Scheduler::wake_from_outside(const void* resource) {
  Lock lock(m_);
  if (!wake_blocked(resource, true) &&
      std::find(outside_wakes_.begin(), outside_wakes_.end(), resource) == outside_wakes_.end())
    outside_wakes_.push_back(resource);
  outside_cv_.notify_one();
}

void Scheduler::interrupt(std::uint32_t id) {
  Lock lock(m_);
  if (id < slots_.size() && slots_[id] && slots_[id]->state == State::blocked) slots_[id]->make_runnable(false);
}

void Scheduler::thread_created(std::uint32_t id) {
  Lock lock(m_);
  Slot& s = slot(id);
  s.managed = true;
  if (s.state == State::unborn) {
    s.state = State::runnable;
    chooser_->thread_added(id);
  }
}

void Scheduler::thread_attach(std::uint32_t id) {
  Lock lock(m_);
  slot(id).managed = true;
  if (ending_) return;
  await_turn(id, lock);
}

void Scheduler::thread_exit() {
  const std::uint32_t id = me();
  Lock lock(m_);
  if (ending_) return;
  slot(id).state = State::finished;
  if (turn_ != id) return;
  switch_from(id, lock, true);
}

void Scheduler::stop_at(std::uint64_t at_ns, std::string why) {
  Lock lock(m_);
  stop_at_ns_ = at_ns;
  stop_why_ = std::move(why);
}

void Scheduler::end() {
  Lock lock(m_);
  let_go();
}

format::Schedule Scheduler::record() {
  Lock lock(m_);
  format::Schedule s = settings_record();
  s.decisions = decisions_;
  return s;
}

format::Schedule Scheduler::settings_record() const {
  format::Schedule s;
  s.strategy = strategy_name(settings_.strategy);
  s.seed = settings_.seed;
  s.depth = settings_.strategy == Strategy::pct ? settings_.depth : 0;
  s.horizon = settings_.strategy == Strategy::pct ? settings_.horizon : 0;
  s.bound = settings_.strategy == Strategy::dfs ? settings_.bound : 0;
  s.steps = steps_.load(std::memory_order_relaxed);
  s.virtual_ns = clock_.load(std::memory_order_relaxed);
  s.quantum_ns = kQuantumNs;
  s.stop = stopped_.reason;
  s.stopped = stopped_.why;
  s.enabled_recorded = settings_.strategy == Strategy::dfs;
  s.early_timers = settings_.early_timers;
  return s;
}

void Scheduler::keep() {
  const auto budget = std::chrono::milliseconds(settings_.budget_ms);
  const auto run_watch_after = std::chrono::milliseconds(Runtime::get().config().hang_ms);
  bool run_watched = false;
  std::uint64_t last_steps = 0;
  auto last_progress = std::chrono::steady_clock::now();
  // Not one of the program's threads, for the watchdog's count of them, nor
  // for the program's signals.
  Runtime::get().watchdog().ignore_thread(os_thread_id());
  const sigset_t blocked = asynchronous_signals();
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  Lock lock(m_);
  while (!stop_requested_) {
    keeper_cv_.wait_for(lock, std::chrono::milliseconds(20));
    if (stop_requested_) break;
    if (ending_) return;  // the program ends by itself
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t steps = steps_.load(std::memory_order_relaxed);
    if (steps != last_steps) {
      last_steps = steps;
      last_progress = now;
    }
    // A thread that reaches no scheduling point for a while (a spin on a
    // variable weft does not see) is stopped sooner than a run that goes
    // on stepping (a livelock, or only a long run).
    const auto idle = now - last_progress;
    // The turn holder asleep in the kernel, in a wait weft does not see,
    // likely waits for a thread that cannot run without the turn (an
    // OpenMP worker at its team's barrier, a pause() for a signal another
    // thread sends): the turn goes on without it. A decision, recorded.
    if (idle >= kHandOver && turn_ != kDiverged && sleeps_unseen(turn_)) {
      hand_over_from_sleeper(lock);
      if (stop_requested_) break;
      if (ending_) return;
    }
    // Standing still, maybe on a wait another process ends (a pipe's
    // receive, a child's join: the thread blocks in the kernel, holding the
    // turn): whether the run's processes wait for each other is the run
    // board's to tell, as without the scheduler. Its watchdog starts then
    // (never in a run that keeps stepping), outside the lock. At once when
    // every thread has ended, the main thread by pthread_exit: the watchdog
    // ends the process then, as glibc would at its last thread's exit had
    // weft's own threads not been there.
    if (!run_watched && (idle >= run_watch_after || all_finished())) {
      run_watched = true;
      lock.unlock();
      Runtime::get().watchdog().start_for_run();
      lock.lock();
      if (stop_requested_) break;
      if (ending_) return;
    }
    if (idle < std::min<std::chrono::steady_clock::duration>(budget, kStall) && now - started_ < budget) continue;
    const bool stalled = idle >= std::chrono::milliseconds(500);
    const auto ms = [](auto d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
    const std::string holder = turn_ == kDiverged ? std::string("no thread") : "thread " + thread_label(turn_);
    std::string why = "the explored run was stopped after " + ms(now - started_) + " ms: ";
    if (stalled && turn_ != kDiverged && sleeps_unseen(turn_))
      why += holder + " has slept for " + ms(idle) +
             " ms in a wait weft does not see, and no other thread could run";
    else if (stalled)
      why += holder + " has run for " + ms(idle) +
             " ms without reaching a scheduling point (a loop on a variable weft does not see?)";
    else
      why += std::to_string(steps) + " scheduling steps and still going (a livelock, or raise --time-limit)";
    stopped_ = {format::ScheduleStop::Budget, why};
    let_go();
    break;
  }
  const std::string why = stopped_.why;
  lock.unlock();
  weft::this_thread::set_name("scheduler");  // as the watchdog names itself in the trace when it acts
  weft::stop_program(why);
}

// --- explore.hpp ---

steady_time now() noexcept {
  return steady_time(std::chrono::nanoseconds(g_scheduler->clock().load(std::memory_order_relaxed)));
}

bool block(const void* resource, const std::optional<steady_time>& until) {
  std::optional<std::uint64_t> ns;
  if (until) ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, until->time_since_epoch().count()));
  return g_scheduler->block(resource, ns);
}

void wake(const void* resource, bool all) { g_scheduler->wake(resource, all); }

void released(const void* resource) {
  if (g_scheduler->wake(resource, true)) g_scheduler->step(nullptr, false);
}

void wake_from_outside(const void* resource) { g_scheduler->wake_from_outside(resource); }

namespace {
thread_local bool t_outside = false;
}  // namespace

outside_scope::outside_scope() {
  t_outside = true;
  g_outside_threads.fetch_add(1, std::memory_order_relaxed);
}

outside_scope::~outside_scope() {
  g_outside_threads.fetch_sub(1, std::memory_order_relaxed);
  t_outside = false;
}

bool outside() noexcept { return t_outside; }

// --- cancellation.hpp ---

void interrupt(std::uint32_t thread) { g_scheduler->interrupt(thread); }

void sleep_for(std::chrono::nanoseconds duration) {
  const std::int64_t ns = std::max<std::int64_t>(0, duration.count());
  g_scheduler->block(&kSleepKey, g_scheduler->clock().load(std::memory_order_relaxed) + static_cast<std::uint64_t>(ns));
}

void yield() { g_scheduler->step(nullptr, false, true); }

void thread_created(std::uint32_t id) { g_scheduler->thread_created(id); }
void thread_attach(std::uint32_t id) { g_scheduler->thread_attach(id); }
void thread_exit() { g_scheduler->thread_exit(); }

void stop_at(std::chrono::nanoseconds after_start, const char* why) {
  g_scheduler->stop_at(static_cast<std::uint64_t>(std::max<std::int64_t>(0, after_start.count())), why);
}

}  // namespace explore
}  // namespace weft::detail
