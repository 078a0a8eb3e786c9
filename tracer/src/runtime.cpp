#include "runtime.hpp"

#include <fcntl.h>
#include <new>
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "clock.hpp"
#include "crash_handlers.hpp"
#include "explore/scheduler.hpp"
#include "weft/detail/explore.hpp"
#include "tsan_invisible.hpp"
#include "tsan_reports.hpp"
#include "cancellation_off.hpp"
#include "flush_lock.hpp"
#include "thread_binding.hpp"
#include "weft/detail/internal_scope.hpp"
#include "weft/detail/runtime_note.hpp"
#include "weft/detail/process_fork.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {
namespace {

// See runtime_note.hpp. The section name makes both compilers emit a note
// section, which the linker puts in a PT_NOTE segment.
__attribute__((section(".note.weft.runtime"), used, aligned(4))) const RuntimeNote kRuntimeNote{};

// Whether this thread's fork() took the flush lock (see Runtime::start).
thread_local bool t_flush_lock_for_fork = false;

// Set around traced_fork()'s fork(): the child traces on, under this name.
thread_local bool t_follow_this_fork = false;
thread_local const std::string* t_child_name = nullptr;

// A run's id: from the environment when a traced process started this
// program (an exec'd child of weft::process, weft record -f), else new.
std::uint64_t new_run_id(std::uint64_t ticks, std::uint64_t pid) {
  std::uint64_t x = ticks ^ (pid << 40) ^ 0x9E3779B97F4A7C15ull;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x == 0 ? 1 : x;
}

std::uint64_t env_uint(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return 0;
  char* end = nullptr;
  const unsigned long long u = std::strtoull(v, &end, 10);
  return *end == '\0' ? u : 0;
}

StartInfo capture_start() {
  StartInfo s;
  s.ticks = now();
  s.monotonic_ns = monotonic_ns();
  timespec wall{};
  clock_gettime(CLOCK_REALTIME, &wall);
  s.wall_ns = std::uint64_t(wall.tv_sec) * 1'000'000'000u + std::uint64_t(wall.tv_nsec);
  s.pid = static_cast<std::uint64_t>(::getpid());
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) s.hostname = host;
  s.run_id = env_uint("WEFT_RUN_ID");
  if (s.run_id != 0) {
    s.parent_pid = env_uint("WEFT_RUN_PARENT");
    if (const char* root = std::getenv("WEFT_RUN_ROOT")) s.run_root = root;
    if (const char* name = std::getenv("WEFT_PROCESS_NAME")) s.process_name = name;
  } else {
    s.run_id = new_run_id(s.ticks, s.pid);
  }
  return s;
}

// The clock must be chosen before the first timestamp, which is taken while
// the runtime's members are being initialized.
Config configure() {
  choose_clock();
  detect_line_instructions();
  explore::start_from_environment();  // virtual time, if a scheduler is asked for
  return read_config();
}

}  // namespace

std::atomic<Runtime*> Runtime::instance_{nullptr};

Runtime& Runtime::get() {
  // The first call creates the runtime under a static guard, which TSan
  // sees as a release by the creating thread that every later caller
  // acquires: an edge from whatever that thread did before it first used
  // weft to every thread that uses weft after. Not the program's.
  const TsanInvisible invisible;
  static Runtime* const runtime = [] {
    auto* rt = new Runtime();  // never deleted, see the class comment
    rt->start();
    instance_.store(rt, std::memory_order_release);
    return rt;
  }();
  // Not inside the creation above: recording needs the runtime, and the
  // thread's own attach (which comes here first, and again while it
  // records its thread.start) must be done: its ring holds an event.
  if (__builtin_expect(runtime->announce_pending_.load(std::memory_order_relaxed), 0) && t_buffer != nullptr &&
      t_buffer->head.load(std::memory_order_relaxed) > 0 && runtime->announce_pending_.exchange(false))
    runtime->announce_exec_child();
  return *runtime;
}

namespace {
DeadlockPolicy policy_of(const std::string& name) {
  return name == "abort" ? DeadlockPolicy::abort : name == "wait" ? DeadlockPolicy::wait : DeadlockPolicy::exit;
}
}  // namespace

Runtime::Runtime()
    : config_(configure()),
      start_(capture_start()),
      writer_(config_.path, config_.command_line, config_.program, start_, registry_, buffers_),
      watchdog_(*this, policy_of(config_.on_deadlock), config_.hang_ms) {}

void Runtime::start() {
  if (start_.run_root.empty()) start_.run_root = config_.follow_forks ? config_.follow_root : config_.path;
  for (const std::string& w : config_.warnings) std::fprintf(stderr, "weft: %s\n", w.c_str());
  if (!config_.enabled && explore::scheduler() != nullptr) {
    // Exploring is for the trace: a run nobody records finds nothing.
    std::fprintf(stderr, "weft: WEFT_EXPLORE wants a trace, and WEFT_TRACE=off turns tracing off\n");
    std::fflush(stderr);
    ::_exit(2);
  }
  if (!config_.enabled) return;
  install_crash_handlers();
  install_tsan_report_hook();
  std::atexit([] { Runtime::get().finish_at_exit(); });
  // quick_exit runs its own handlers, not atexit's: the trace is completed
  // there too (registered first, so it runs after the program's).
  std::at_quick_exit([] { Runtime::get().finish_at_exit(); });
  // A child of fork() has no writer thread, and the parent's file is not its
  // to write: its events are dropped, instead of filling its rings and
  // blocking forever. The only thread in the child is the one that forked;
  // sending its next event down the slow path lets that path say so once,
  // and only if the child records anything before exec.
  //
  // Around the fork itself the forking thread holds the flush lock, so the
  // writer is not half-way through a flush (allocating, holding locks of
  // its own) when the child is copied: a child that allocates then cannot
  // inherit an allocator lock nobody will release. glibc's malloc guards
  // itself at fork; a sanitizer's allocator may not (the fork test hung once
  // under ASan).
  pthread_atfork(
      [] {
        Runtime* rt = instance_.load(std::memory_order_relaxed);
        // The watchdog first (it may want the flush lock while it looks):
        // the child must not inherit a look half done, with the
        // allocator's or the registry's locks held by a thread it lacks.
        rt->watchdog_.hold_for_fork();
        const long self = os_thread_id();
        t_flush_lock_for_fork = false;
        for (long expected = 0; !rt->flush_owner_.compare_exchange_weak(expected, self, std::memory_order_acquire,
                                                                         std::memory_order_relaxed);
             expected = 0) {
          if (expected == self) return;  // fork() from inside a flush: it is ours already
          const timespec pause{0, 100'000};
          nanosleep(&pause, nullptr);
        }
        t_flush_lock_for_fork = true;
      },
      [] {
        Runtime* rt = instance_.load(std::memory_order_relaxed);
        if (t_flush_lock_for_fork) rt->flush_owner_.store(0, std::memory_order_release);
        rt->watchdog_.release_after_fork();
      },
      [] {
        Runtime* rt = instance_.load(std::memory_order_relaxed);
        // Held by the forking thread, under the parent's thread id.
        if (t_flush_lock_for_fork) rt->flush_owner_.store(0, std::memory_order_relaxed);
        rt->watchdog_.release_after_fork();  // the forking thread's, here as in the parent
        if (rt->config_.follow_forks || t_follow_this_fork) {
          // The scheduler's threads are the parent's: the child, with only
          // the forking thread, runs unscheduled.
          g_exploring.store(false, std::memory_order_relaxed);
          rt->continue_in_forked_child(t_child_name != nullptr ? *t_child_name : std::string());
          return;
        }
        rt->stop_in_unfollowed_child();
      });
  board_.open(start_.run_id, static_cast<pid_t>(start_.parent_pid));
  // An exec'd child of weft::process: WEFT_PROCESS_KEY names the parent's
  // process object. Only for the process the parent started: a program
  // that child execs in turn without weft inherits the variable, and is
  // not that process (its parent is not WEFT_RUN_PARENT).
  if (const std::uint64_t key = env_uint("WEFT_PROCESS_KEY");
      key != 0 && start_.parent_pid != 0 && start_.parent_pid == static_cast<std::uint64_t>(::getppid())) {
    process_key_ = key;
    announce_pending_.store(true, std::memory_order_relaxed);
  }
  start_writer();
  // Under the controlled scheduler a deadlock or hang is seen at once, by
  // the scheduler itself: no thread can run and no timer is pending.
  if (explore::Scheduler* s = explore::scheduler())
    s->start();
  else
    watchdog_.start();
}

void Runtime::stop_in_unfollowed_child() noexcept {
  g_exploring.store(false, std::memory_order_relaxed);  // the scheduler's threads are the parent's
  closed_.store(true, std::memory_order_relaxed);
  finishing_.store(true, std::memory_order_relaxed);
  forked_child_ = true;
  if (t_buffer != nullptr) t_buffer->limit = 0;
}

void Runtime::announce_exec_child() {
  const std::string name = start_.process_name.empty() ? config_.program : start_.process_name;
  const std::uint32_t object = register_shared_object(format::ObjectKind::Process, name, {}, 0, process_key_);
  sync_point(format::EventKind::ProcessStart, object, 1, static_cast<std::uint64_t>(::getpid()), source_site{});
  set_process_object(object);
}

std::string Runtime::board_env() const {
  return board_.fd() >= 0 ? "WEFT_RUN_BOARD_FD=" + std::to_string(board_.fd()) : std::string();
}

void Runtime::keep_board_across_exec() const noexcept {
  if (board_.fd() >= 0) ::fcntl(board_.fd(), F_SETFD, 0);  // in this child only: its fd table is its own
}

pid_t traced_fork(const std::string& child_name) {
  Runtime::get();
  t_follow_this_fork = true;
  t_child_name = &child_name;
  const pid_t pid = ::fork();  // the child's atfork handler reads both
  t_follow_this_fork = false;
  t_child_name = nullptr;
  return pid;
}

void Runtime::start_writer() {
  writer_thread_.start([this] { writer_tid_.store(os_thread_id(), std::memory_order_relaxed); },
                       [this] { writer_loop(); });
}

// Runs in the child, inside fork(), before it returns: only the forking
// thread exists. Every other thread's ring is given up (those threads are
// the parent's) and so are this thread's undrained events (the parent's
// writer writes them); the locks another thread may have held at the fork
// are made anew; the registry stays, so the child's trace begins with every
// thread, object and site known so far, and goes on from here.
void Runtime::continue_in_forked_child(const std::string& name) {
  new (&wake_mutex_) std::mutex();
  new (&wake_cv_) std::condition_variable();
  registry_.reset_locks_in_child();
  ThreadBuffer* const mine = t_buffer;
  auto& threads = registry_.threads();
  for (ThreadBuffer* b = buffers_.load(std::memory_order_relaxed); b != nullptr; b = b->next) {
    const std::uint64_t head = b->head.load(std::memory_order_relaxed);
    b->tail.store(head, std::memory_order_relaxed);
    b->writer_head = head;
    b->dropped.store(0, std::memory_order_relaxed);
    if (b == mine || b->state.load(std::memory_order_relaxed) == BufferState::Free) continue;
    const std::uint32_t owner = b->owner_id.load(std::memory_order_relaxed);
    if (owner < threads.size()) threads[owner].alive.store(false, std::memory_order_relaxed);
    b->wait_kind.store(0, std::memory_order_relaxed);
    b->writer_state = BufferState::Free;
    b->state.store(BufferState::Free, std::memory_order_relaxed);
  }
  // The forking thread goes on here under a new OS tid (the main thread's
  // is the child's pid): the watchdog tells weft's threads from others by it.
  // It is the child's main thread: it ends with the child (exit() runs its
  // thread_local destructors before weft's finish records the exit).
  current_thread_ends_with_process();
  if (mine != nullptr) {
    const std::uint32_t me = mine->owner_id.load(std::memory_order_relaxed);
    if (me < threads.size())
      threads[me].os_tid.store(static_cast<std::uint64_t>(os_thread_id()), std::memory_order_relaxed);
  }
  const StartInfo parent = start_;
  start_ = capture_start();
  start_.run_id = parent.run_id;
  start_.parent_pid = parent.pid;
  start_.run_root = parent.run_root;
  start_.process_name = name;
  writer_.restart_in_child(followed_trace_path(start_.run_root, ::getpid()));
  board_.join_in_child(static_cast<pid_t>(parent.pid));
  process_object_.store(0, std::memory_order_relaxed);  // the parent's own, if any, is not this process
  closed_.store(false, std::memory_order_relaxed);
  finishing_.store(false, std::memory_order_relaxed);
  exit_status_.store(-1, std::memory_order_relaxed);
  stop_ = false;
  new (&writer_thread_) OwnThread();  // the parent's writer is not here; its handle is left as is
  start_writer();
  watchdog_.restart_in_child();
}

void Runtime::writer_loop() {
  const TsanInvisible invisible;  // the writer's hand-overs are not the program's (tsan_invisible.hpp)
  std::unique_lock<std::mutex> lock(wake_mutex_);
  while (!stop_) {
    lock.unlock();
    {
      FlushLock flushing(flush_owner_, false);
      writer_.flush(false);
    }
    lock.lock();
    wake_cv_.wait_for(lock, std::chrono::milliseconds(config_.flush_ms), [this] { return wake_ || stop_; });
    wake_ = false;
  }
}

void Runtime::note_dropped_after_close() {
  static std::atomic<bool> told{false};
  if (forked_child_ && !config_.under_record && !told.exchange(true))
    std::fprintf(stderr, "weft: this child of fork() is not traced (pid %d); the parent's trace goes on\n", ::getpid());
}

void Runtime::wake_writer() {
  const TsanInvisible invisible;  // every producer locks wake_mutex_: not the program's lock
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    wake_ = true;
  }
  wake_cv_.notify_one();
}

ThreadBuffer* Runtime::acquire_buffer() {
  const TsanInvisible invisible;  // see bind_current_thread (thread_buffer.cpp)
  for (ThreadBuffer* b = buffers_.load(std::memory_order_acquire); b; b = b->next) {
    BufferState expected = BufferState::Free;
    if (b->state.compare_exchange_strong(expected, BufferState::Active, std::memory_order_acq_rel)) return b;
  }
  auto* b = new ThreadBuffer();
  if (config_.enabled) {
    b->slots = new (std::align_val_t{kRingLineBytes}) RawEvent[config_.buffer_slots];  // never freed: rings are reused
    b->mask = config_.buffer_slots - 1;
  }
  b->next = buffers_.load(std::memory_order_relaxed);
  while (!buffers_.compare_exchange_weak(b->next, b, std::memory_order_release, std::memory_order_relaxed)) {
  }
  return b;
}

void Runtime::flush() {
  if (!config_.enabled || closed()) return;
  const TsanInvisible invisible;
  FlushLock flushing(flush_owner_, false);
  writer_.flush(false);
}

void Runtime::flush_before_exec() {
  if (!own_process()) return;  // a vfork child: the parent's runtime
  if (config_.enabled && !closed())
    if (const std::uint32_t process = process_object_.exchange(0, std::memory_order_acq_rel); process != 0)
      sync_point(format::EventKind::ProcessExit, process, 2, 0, source_site{});
  flush();
}

void Runtime::finish_before_exit_call(std::uint64_t status) {
  if (own_process() && config_.enabled && !closed()) finish(format::EndReason::Exit, status);
}

void Runtime::note_exit_status(int status) noexcept {
  if (!own_process()) return;
  int unknown = -1;
  exit_status_.compare_exchange_strong(unknown, status & 0xff, std::memory_order_relaxed);
}

void Runtime::finish_at_exit() {
  const int status = exit_status_.load(std::memory_order_relaxed);
  finish(format::EndReason::Exit, status < 0 ? 0 : static_cast<std::uint64_t>(status));
}

bool Runtime::help_flush() {
  const TsanInvisible invisible;  // draining every ring is not the program's synchronization
  FlushLock flushing(flush_owner_, FlushLock::try_only_t{});
  if (!flushing.held()) return false;
  writer_.flush(false);
  return true;
}

void Runtime::retarget(const std::string& path) {
  const TsanInvisible invisible;
  FlushLock flushing(flush_owner_, false);
  writer_.retarget(path);
}

std::string Runtime::trace_path() {
  if (!config_.enabled) return {};
  const TsanInvisible invisible;
  FlushLock flushing(flush_owner_, false);
  return writer_.path();
}

void Runtime::finish(format::EndReason reason, std::uint64_t status) {
  const TsanInvisible invisible;  // stopping weft's threads is not the program's synchronization
  const internal_scope inside;    // nor, under weft record, its pthread calls
  const cancellation_off hold_off;  // nor are its waits and writes cancellation points of the program's
  if (!config_.enabled) return;
  static thread_local bool t_finishing = false;
  if (t_finishing) return;  // re-entered on the finishing thread itself
  // The watchdog is stopping the whole run (watchdog.hpp): this thread, out
  // of a join of a stopped child, say, must not end the process with its
  // own status; the watchdog ends it once the run's traces are complete.
  const bool parked = watchdog_.stopping_run() && !Watchdog::on_watchdog_thread();
  if (parked || finishing_.exchange(true)) {
    // Another thread is writing the trace's end (exit, a stop): wait for it,
    // up to 10 s, so that this caller's own end (a stop's _exit) does not
    // cut the trace short. The finisher waits for no thread that can be
    // here: it leaves an acting watchdog be (Watchdog::stop), and the
    // writer never finishes.
    for (int waited_ms = 0; waited_ms < 10'000 && !closed_.load(std::memory_order_acquire); ++waited_ms) {
      const timespec pause{0, 1'000'000};
      nanosleep(&pause, nullptr);
    }
    if (parked)
      for (;;) ::pause();
    return;
  }
  t_finishing = true;
  // A program that ends before anything announced its start: now, then its end.
  if (announce_pending_.exchange(false)) announce_exec_child();
  // The process's own end, on its process object, before the END.
  if (const std::uint32_t process = process_object_.exchange(0, std::memory_order_acq_rel); process != 0)
    sync_point(format::EventKind::ProcessExit, process, 2,
               reason == format::EndReason::Exit || reason == format::EndReason::Watchdog ? status : 0,
               source_site{});
  end_current_thread();  // the thread calling exit() ends here (main, usually)
  watchdog_.stop();
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stop_ = true;
  }
  wake_cv_.notify_one();
  if (writer_thread_.joinable()) writer_thread_.join();
  FlushLock flushing(flush_owner_, false);
  writer_.finalize(reason, status, false);
  closed_.store(true, std::memory_order_release);
  board_.leave();  // complete: the run's other processes need not wait for this one
}

void Runtime::finish_in_crash(format::EndReason reason, std::uint64_t status) noexcept {
  if (!config_.enabled || closed()) return;
  const internal_scope inside;
  const TsanInvisible invisible;
  FlushLock flushing(flush_owner_, true);
  writer_.finalize(reason, status, true);  // no-op if already complete
  closed_.store(true, std::memory_order_release);
  board_.leave();
}

}  // namespace weft::detail
