// Threads: pthread_create (std::thread reaches it), joins, detach, names.
//
// A thread created by the program is registered before it runs, as
// weft::thread registers its threads: thread.create on the creator, then
// thread.start as the new thread's first event and thread.end as its last
// (after its thread_local and key destructors, also when it leaves through
// pthread_exit or cancellation), so create -> start -> end -> join is the
// thread object's own order. A thread created by weft itself (the writer,
// the watchdog) is marked ignored before its first instruction. C11's
// thrd_create, thrd_join and thrd_detach are the same calls on the same
// pthread_t (c11_threads.hpp); its thrd_exit is pthread_exit's unwinding.
#include <pthread.h>
#include <unistd.h>

#include <mutex>
#include <new>
#include <string>
#include <unordered_map>

#include "../src/explore/cancellation.hpp"
#include "../src/runtime.hpp"
#include "../src/thread_binding.hpp"
#include "c11_threads.hpp"
#include "lock_events.hpp"
#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

// Under the scheduler a thread's end is a flag its joiners wait on (at its
// address); made at creation, freed by the join.
using end_flag = std::atomic<bool>;

struct start_args {
  void* (*routine)(void*);
  void* arg;
  std::uint32_t id;
  std::uint32_t object;
  bool ignored;
  end_flag* ended = nullptr;  // under the scheduler
  int (*c11_routine)(void*) = nullptr;  // a C11 thread's, instead of `routine`: its int is what thrd_join gets
};

// What the program did with a thread's handle. A joinable thread is joined
// or detached once; joining or detaching it again is misuse (POSIX: undefined;
// glibc returns EINVAL or ESRCH, or reads a descriptor it freed), recorded
// flagged Rejected.
enum class handle_state : std::uint8_t { Joinable, Detached, Joined };

struct known_thread {
  std::uint32_t id;
  std::uint32_t object;
  end_flag* ended = nullptr;
  handle_state state = handle_state::Joinable;
};

// pthread_t -> weft's thread. An entry outlives its join or detach, so that
// a second one is known for what it is, until a new thread is created with
// the same pthread_t (glibc reuses them) and takes the entry over.
std::mutex g_threads_mutex;
std::unordered_map<pthread_t, known_thread>& threads() {
  static auto* m = new std::unordered_map<pthread_t, known_thread>();  // never freed: used until exit
  return *m;
}

bool find_thread(pthread_t t, known_thread& out) {
  std::lock_guard<std::mutex> lock(g_threads_mutex);
  auto it = threads().find(t);
  if (it == threads().end()) return false;
  out = it->second;
  return true;
}

// Thread `id` joined or detached: `state`. A joined thread's end flag is
// freed by then. Only if `t` still names that thread: once its join
// returns, glibc may give the same pthread_t to a thread another thread
// creates at that moment, whose entry this is then.
void retire_thread(pthread_t t, std::uint32_t id, handle_state state) {
  std::lock_guard<std::mutex> lock(g_threads_mutex);
  auto it = threads().find(t);
  if (it == threads().end() || it->second.id != id) return;
  it->second.state = state;
  if (state == handle_state::Joined) it->second.ended = nullptr;
}

std::uint64_t next_seq(std::uint32_t id) {
  return detail::Runtime::get().registry().threads()[id].seq.fetch_add(1, std::memory_order_relaxed);
}

// Records thread.end at the thread's very end (at_thread_end: after its
// thread_local and pthread key destructors, which may still lock and
// notify); under the scheduler, then says so to its joiners and gives the
// turn away for good. Until then the thread is scheduled as any other:
// what its destructors do runs in its turns.
void end_of_thread(void* flag) {
  const busy_scope busy;
  detail::end_current_thread();
  auto* ended = static_cast<end_flag*>(flag);  // none for the main thread, nor unscheduled
  if (ended != nullptr) ended->store(true, std::memory_order_release);
  if (!scheduled()) return;
  if (ended != nullptr) detail::explore::wake(ended);
  detail::explore::thread_exit();
}

void* trampoline(void* p) {
  const start_args a = *static_cast<start_args*>(p);
  delete static_cast<start_args*>(p);
  if (a.ignored) {
    t_state.ignored = true;
    return a.routine(a.arg);
  }
  {
    const busy_scope busy;
    // Under the scheduler nothing of the thread runs before its first turn.
    if (a.ended != nullptr && scheduled()) detail::explore::thread_attach(a.id);
    detail::bind_current_thread(a.id, a.object);
    detail::at_thread_end(&end_of_thread, a.ended);
    const auto tid = static_cast<std::uint64_t>(::gettid());
    detail::Runtime::get().registry().threads()[a.id].os_tid.store(tid, std::memory_order_relaxed);
    detail::sync_point_interned(detail::current_buffer(), format::EventKind::ThreadStart, a.object, next_seq(a.id),
                                tid, 0);
  }
  // glibc keeps a C11 thread's result as a pointer too, and thrd_join
  // converts it back.
  if (a.c11_routine != nullptr) return reinterpret_cast<void*>(static_cast<std::uintptr_t>(a.c11_routine(a.arg)));
  return a.routine(a.arg);
}

// The joined thread's object, or false if weft does not know the thread
// (created before recording began, or by weft).
bool begin_join(pthread_t t, const void* ra, object_call& c, known_thread& k) {
  if (!find_thread(t, k)) {
    // The caller itself, which weft did not see created (main): the join
    // fails (EDEADLK) and is recorded as the self-join it is.
    if (!pthread_equal(t, pthread_self())) return false;
    k.id = detail::current_buffer()->thread_id;
    k.object = detail::Runtime::get().registry().threads()[k.id].object;
    k.ended = nullptr;
  }
  c.b = detail::current_buffer();
  c.site = site_of(ra);
  c.object = k.object;
  return true;
}

template <class Join>
int join(pthread_t t, const void* ra, std::uint8_t flags, bool timed, Join&& native_join) {
  const busy_scope busy;
  object_call c{};
  known_thread k{};
  if (!begin_join(t, ra, c, k)) return native_join(k);
  // Joined or detached already: the C library alone answers (no scheduled
  // wait for an end that was waited for, or that nobody may wait for).
  const bool again = k.state != handle_state::Joinable;
  if (again) {
    k.ended = nullptr;
    flags |= format::kFlagRejected;
  }
  c.record(format::EventKind::ThreadJoinBegin, format::kNoSeq, k.id, flags);
  int rc;
  {
    const detail::blocked_scope blocked(format::EventKind::ThreadJoinBegin, k.object, timed);
    rc = native_join(k);
  }
  if (rc == 0 && !again) {
    retire_thread(t, k.id, handle_state::Joined);
    delete k.ended;  // the thread has exited: nobody reads it any more (null outside the scheduler)
    c.record(format::EventKind::ThreadJoinEnd, next_seq(k.id), 1, flags);
  } else {
    c.record(format::EventKind::ThreadJoinEnd, format::kNoSeq, 0, flags);
  }
  return rc;
}

// Under the scheduler, a join that would block: the joiner waits on the
// thread's end flag (which its end wakes) until `until`, if any, or tries
// once (`try_only`); the native join that follows finds the thread on its
// way out and returns at once. -1: the scheduler is not exploring this
// thread; the native join does it all.
int scheduled_join(pthread_t t, void** ret, const known_thread& k, const std::optional<virtual_time>& until,
                   bool try_only) {
  if (k.ended == nullptr || !scheduled()) return -1;
  // A cancellation point, as the native join is (but not a try): a cancel
  // acts on entry or when pthread_cancel wakes it (explore/cancellation.hpp).
  if (!try_only) pthread_testcancel();
  while (!k.ended->load(std::memory_order_acquire) && !try_only) {
    if (!detail::explore::block(k.ended, until)) break;
    pthread_testcancel();
  }
  if (!k.ended->load(std::memory_order_acquire)) return try_only ? EBUSY : ETIMEDOUT;
  return next.pthread_join.get()(t, ret);
}

// A thread of the program's, recorded: `routine` or (C11) `c11_routine`
// runs in it; `ra` is the creating call's return address.
int create_recorded(pthread_t* thread, const pthread_attr_t* attr, void* (*routine)(void*), int (*c11_routine)(void*),
                    void* arg, const void* ra) {
  const busy_scope busy;
  detail::ThreadBuffer* b = detail::current_buffer();
  const std::uint32_t site = site_of(ra);
  const auto ids = detail::Runtime::get().registry().add_thread("", 0, b->thread_id + 1, 0);
  detail::sync_point_interned(b, format::EventKind::ThreadCreate, ids.object, next_seq(ids.id), ids.id, site);
  end_flag* ended = scheduled() ? new end_flag(false) : nullptr;
  auto* a = new start_args{routine, arg, ids.id, ids.object, false, ended, c11_routine};
  std::lock_guard<std::mutex> lock(g_threads_mutex);  // the thread's entry before anyone can join it
  const int rc = next.pthread_create.get()(thread, attr, trampoline, a);
  if (rc != 0) {
    delete a;
    delete ended;
    static const char text[] = "pthread_create failed: the thread never ran";
    detail::emit_text_interned(static_cast<std::uint8_t>(format::EventKind::Log), ids.object, text, site);
    return rc;
  }
  threads()[*thread] = {ids.id, ids.object, ended};
  // Created detached: as if detached at once (nobody is to join it). No
  // attributes: the process's defaults (pthread_setattr_default_np).
  int detach_state = PTHREAD_CREATE_JOINABLE;
  pthread_attr_t defaults;
  const pthread_attr_t* used = attr;
  if (used == nullptr && pthread_getattr_default_np(&defaults) == 0) used = &defaults;
  const bool detached = used != nullptr && pthread_attr_getdetachstate(used, &detach_state) == 0 &&
                        detach_state == PTHREAD_CREATE_DETACHED;
  if (used == &defaults) pthread_attr_destroy(&defaults);
  if (detached) {
    threads()[*thread].state = handle_state::Detached;
    detail::sync_point_interned(b, format::EventKind::ThreadDetach, ids.object, format::kNoSeq, 0, site);
  }
  // The scheduler may give it the turn from now on (it waits for it first).
  if (ended != nullptr) detail::explore::thread_created(ids.id);
  return rc;
}

// pthread_join's and thrd_join's body; `ra`: the call's return address.
__attribute__((always_inline)) inline int join_at(pthread_t t, void** ret, const void* ra) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_join.get()(t, ret));
  return join(t, ra, 0, false, [t, ret](const known_thread& k) {
    const int rc = scheduled_join(t, ret, k, std::nullopt, false);
    return rc >= 0 ? rc : next.pthread_join.get()(t, ret);
  });
}

// pthread_detach's and thrd_detach's body.
__attribute__((always_inline)) inline int detach_at(pthread_t t, const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_detach.get()(t));
  const busy_scope busy;
  object_call c{};
  known_thread k{};
  if (begin_join(t, ra, c, k)) {
    const bool again = k.state != handle_state::Joinable;
    c.record(format::EventKind::ThreadDetach, format::kNoSeq, 0, again ? format::kFlagRejected : 0);
    if (!again) retire_thread(t, k.id, handle_state::Detached);
  }
  return next.pthread_detach.get()(t);
}

// A timed join's deadline as the scheduler's virtual time; none (null)
// waits for ever, as glibc's does. Only under the scheduler: its clock is
// what virtual_deadline reads (a plain timed join crashed reading it).
std::optional<virtual_time> timed_until(clockid_t clock, const struct timespec* abstime) {
  if (abstime == nullptr) return std::nullopt;
  return virtual_deadline(clock, abstime);
}

}  // namespace

void reset_thread_table_lock_in_child() noexcept { new (&g_threads_mutex) std::mutex(); }

}  // namespace weft::preload

using namespace weft::preload;
using weft::format::EventKind;

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*routine)(void*), void* arg) noexcept {
  if (t_state.ignored) return next.pthread_create.get()(thread, attr, routine, arg);
  if (busy()) {
    // weft's own thread (the writer, the watchdog): ignored for its life.
    auto* a = new start_args{routine, arg, 0, 0, true};
    const int rc = next.pthread_create.get()(thread, attr, trampoline, a);
    if (rc != 0) delete a;
    return rc;
  }
  if (!g_recording.load(std::memory_order_relaxed)) return next.pthread_create.get()(thread, attr, routine, arg);
  return create_recorded(thread, attr, routine, nullptr, arg, __builtin_return_address(0));
}

int pthread_join(pthread_t t, void** ret) { return join_at(t, ret, __builtin_return_address(0)); }

int pthread_tryjoin_np(pthread_t t, void** ret) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_tryjoin_np.get()(t, ret));
  return join(t, __builtin_return_address(0), weft::format::kFlagTry, false,
              [t, ret](const known_thread& k) {
                const int rc = scheduled_join(t, ret, k, std::nullopt, true);
                return rc >= 0 ? rc : next.pthread_tryjoin_np.get()(t, ret);
              });
}

int pthread_timedjoin_np(pthread_t t, void** ret, const struct timespec* abstime) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_timedjoin_np.get()(t, ret, abstime));
  // No deadline (null) waits for ever, as glibc's does.
  const bool timed = abstime != nullptr;
  return join(t, __builtin_return_address(0), timed ? weft::format::kFlagTimed : 0, timed,
              [t, ret, abstime](const known_thread& k) {
                // The deadline is virtual time only under the scheduler, which has the clock.
                const int rc = scheduled() ? scheduled_join(t, ret, k, timed_until(CLOCK_REALTIME, abstime), false) : -1;
                return rc >= 0 ? rc : next.pthread_timedjoin_np.get()(t, ret, abstime);
              });
}

int pthread_clockjoin_np(pthread_t t, void** ret, clockid_t clock, const struct timespec* abstime) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_clockjoin_np.get()(t, ret, clock, abstime));
  const bool timed = abstime != nullptr;  // null: for ever, as glibc's
  return join(t, __builtin_return_address(0), timed ? weft::format::kFlagTimed : 0, timed,
              [t, ret, clock, abstime](const known_thread& k) {
                const int rc = scheduled() ? scheduled_join(t, ret, k, timed_until(clock, abstime), false) : -1;
                return rc >= 0 ? rc : next.pthread_clockjoin_np.get()(t, ret, clock, abstime);
              });
}

int pthread_detach(pthread_t t) noexcept { return detach_at(t, __builtin_return_address(0)); }

// A thread that sets a key of the program's has destructors to run as it
// ends, which may lock and notify (libstdc++'s notify_all_at_thread_exit
// sets one): its end waits for them (thread_binding.hpp). Not recorded
// otherwise. C11's tss_set reaches glibc's setspecific by an internal name.
int pthread_setspecific(pthread_key_t key, const void* value) noexcept {
  const int rc = next.pthread_setspecific.get()(key, value);
  if (rc == 0 && value != nullptr && recording()) weft::detail::end_after_key_destructors();
  return rc;
}

// weft's own key (made at a thread's first setspecific) is given back when
// the program asks for a key and none is left, as if weft held none.
int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) noexcept {
  const int rc = next.pthread_key_create.get()(key, destructor);
  if (rc == EAGAIN && weft::detail::give_back_thread_end_key()) return next.pthread_key_create.get()(key, destructor);
  return rc;
}

int tss_create(tss_t* key, tss_dtor_t destructor) {
  const int rc = next.tss_create.get()(key, destructor);
  if (rc != thrd_success && weft::detail::give_back_thread_end_key()) return next.tss_create.get()(key, destructor);
  return rc;
}

int tss_set(tss_t key, void* value) {
  const int rc = next.tss_set.get()(key, value);
  if (rc == thrd_success && value != nullptr && recording()) weft::detail::end_after_key_destructors();
  return rc;
}

// The main thread leaving while its workers go on (a C program's classic
// end of main): it ends as the threads weft started do, after its key
// destructors (which may unlock what it held), not at the process's end;
// the watchdog's looks no longer count it then (a hang of the workers is
// still called), and under the scheduler it gives its turn away for good.
void pthread_exit(void* value) {  // noreturn, as glibc's declaration says
  if (recording() && ::gettid() == ::getpid()) {
    const busy_scope busy;
    weft::detail::at_thread_end(&end_of_thread, nullptr);
    weft::detail::main_thread_leaves();
  }
  next.pthread_exit.get()(value);
  __builtin_unreachable();
}

// Not recorded (the target's end is, when the cancel acts). Under the
// scheduler the target may be blocked on the scheduler rather than in the
// kernel, where no cancel reaches: it is woken, and its scheduled wait acts
// on the cancel as the real call would (explore/cancellation.hpp).
int pthread_cancel(pthread_t t) {  // not noexcept, as glibc declares it
  const int rc = next.pthread_cancel.get()(t);
  if (rc != 0 || !scheduled_program_call()) return rc;
  const busy_scope busy;
  known_thread k{};
  if (find_thread(t, k) && k.state != handle_state::Joined) weft::detail::explore::interrupt(k.id);
  return rc;
}

int pthread_setname_np(pthread_t t, const char* name) noexcept {
  const int rc = next.pthread_setname_np.get()(t, name);
  if (rc != 0 || !recording()) return rc;
  const busy_scope busy;
  weft::detail::ThreadBuffer* b = weft::detail::current_buffer();
  known_thread k{};
  if (pthread_equal(t, pthread_self()))
    k = {b->thread_id, b->thread_object};
  else if (!find_thread(t, k) || k.state == handle_state::Joined)
    return rc;
  weft::detail::Runtime::get().registry().set_thread_name(k.id, name);
  weft::detail::emit_text_interned(static_cast<std::uint8_t>(EventKind::ThreadRename), k.object, name,
                                   site_of(__builtin_return_address(0)));
  return rc;
}

// C11. Not recorded (weft's own threads, tracing off): the C library's own
// thrd_create, whose threads thrd_join and thrd_detach handle either way.
int thrd_create(thrd_t* thread, thrd_start_t routine, void* arg) {
  if (t_state.ignored || busy() || !g_recording.load(std::memory_order_relaxed))
    return next.thrd_create.get()(thread, routine, arg);
  return thrd_result(
      create_recorded(reinterpret_cast<pthread_t*>(thread), nullptr, nullptr, routine, arg, __builtin_return_address(0)));
}

int thrd_join(thrd_t t, int* result) {
  void* ret = nullptr;
  const int rc = join_at(t, &ret, __builtin_return_address(0));
  if (rc == 0 && result != nullptr) *result = static_cast<int>(reinterpret_cast<std::uintptr_t>(ret));
  return thrd_result(rc);
}

int thrd_detach(thrd_t t) { return thrd_result(detach_at(t, __builtin_return_address(0))); }

}  // extern "C"
