// The slow paths behind the inline hot path in event_buffer.hpp: a thread's
// first event, a ring past half full, a site seen for the first time, and
// events that carry text.
//
// Every function here runs in a TsanInvisible scope: rings are handed from
// a thread that ended to the next one that starts, and a visible hand-over
// was a happens-before edge between the two for ThreadSanitizer, which then
// missed every race between them (see bind_current_thread).
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "cancellation_off.hpp"
#include "flush_lock.hpp"
#include "runtime.hpp"
#include "weft/detail/internal_scope.hpp"
#include "thread_binding.hpp"
#include "tsan_invisible.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/format/schema.hpp"

namespace weft::detail {

constinit thread_local ThreadBuffer* t_buffer __attribute__((tls_model("initial-exec"))) = nullptr;
thread_local bool t_in_signal_handler __attribute__((tls_model("initial-exec"))) = false;

bool g_claim_lines = false;
bool g_evict_lines = false;

void detect_line_instructions() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  g_claim_lines = static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) >= 0x80000001u &&
                  __get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 8)) != 0;
  g_evict_lines = static_cast<unsigned>(__get_cpuid_max(0, nullptr)) >= 7u &&
                  __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & (1u << 23)) != 0;
#else
  g_claim_lines = true;
  g_evict_lines = false;  // no eviction written for other CPUs: the writer leaves lines where they are
#endif
}

namespace {

// Where a thread's events go after it has ended (from destructors of other
// thread_local objects that run later): nowhere, but counted.
ThreadBuffer g_after_exit;

// Records the calling thread's end and gives its ring back: it is no
// longer alive (the watchdog's looks skip it).
void retire_current_thread(ThreadBuffer* b, ThreadEntry& entry) {
  end_current_thread();
  entry.alive.store(false, std::memory_order_release);
  t_buffer = &g_after_exit;
  // The writer drains a finished ring and then frees it for the next
  // thread. With tracing off there is no writer and no ring: the buffer
  // is free at once, or a program that starts a thread per task would
  // add a buffer for each and walk them all to start the next (10,000
  // threads: 68 MB and slower than tracing them).
  Runtime& rt = Runtime::get();
  b->state.store(rt.enabled() ? BufferState::Finished : BufferState::Free, std::memory_order_release);
}

pthread_key_t thread_end_key();

// What at_thread_end registered for this thread.
using end_hook = void (*)(void*);
constinit thread_local end_hook t_end_hook __attribute__((tls_model("initial-exec"))) = nullptr;
constinit thread_local void* t_end_hook_arg __attribute__((tls_model("initial-exec"))) = nullptr;
// Set on the main thread as it leaves by pthread_exit (main_thread_leaves).
constinit thread_local bool t_main_leaving __attribute__((tls_model("initial-exec"))) = false;
// The thread ends with its process: the main thread, or the thread that
// forked a child, in the child (current_thread_ends_with_process).
constinit thread_local bool t_ends_with_process __attribute__((tls_model("initial-exec"))) = false;
// The thread holds a pthread key value of the program's: it ends in weft's
// key destructor (end_after_key_destructors), not in ThreadExitGuard.
constinit thread_local bool t_end_in_key __attribute__((tls_model("initial-exec"))) = false;

// The thread's end: at_thread_end's hook (which records it), then its ring
// given back. Not for the main thread (nor the forking thread in a child),
// unless it leaves by pthread_exit (main_thread_leaves): exit() runs its
// thread_local destructors first, then static destructors and weft's
// finish, which records the process's end; so it ends with the process
// (Runtime::finish).
void end_thread_now() {
  ThreadBuffer* b = t_buffer;
  if (b == nullptr || b == &g_after_exit) return;
  ThreadEntry& entry = Runtime::get().registry().threads()[b->thread_id];
  if (((entry.flags & format::kThreadMain) || t_ends_with_process) && !t_main_leaving) return;
  if (const end_hook hook = std::exchange(t_end_hook, nullptr)) hook(t_end_hook_arg);
  const internal_scope inside;  // weft's own work (internal_scope.hpp)
  // The release of `state` below is what the next thread to take this
  // ring acquired: keep it from TSan (see bind_current_thread).
  const TsanInvisible invisible;
  retire_current_thread(b, entry);
}

// weft's key, once made and while not given back (give_back_thread_end_key).
pthread_key_t g_end_key;
std::atomic<bool> g_end_key_usable{false};

// Ends the thread's part of the trace when the thread exits. Armed on the
// thread's first event, so it is destroyed after the thread's other
// thread_local objects that existed before that: what their destructors do
// is the thread's, before its end. A thread that holds a key value of the
// program's ends later, in weft's key destructor.
struct ThreadExitGuard {
  bool armed = false;
  ~ThreadExitGuard() {
    if (armed && (!t_end_in_key || !g_end_key_usable.load(std::memory_order_acquire))) end_thread_now();
  }
};
thread_local ThreadExitGuard t_exit_guard;

// glibc runs a finished thread's thread_local destructors first, then its
// pthread key destructors, in rounds while any key holds a value, at most
// PTHREAD_DESTRUCTOR_ITERATIONS (4) times. A thread that set a key of the
// program's ends in the destructor of a key of weft's, in the third round:
// until then it sets its key again. The program's own destructors, also
// those that set their keys again once or twice, come first: what they
// lock or notify (libstdc++'s notify_all_at_thread_exit and
// set_value_at_thread_exit, a per-thread cache flushed under a lock) is the
// thread's, before its end, instead of dropped after it. Not the fourth:
// ThreadSanitizer and AddressSanitizer tear their thread state down there.
// The key's value counts the rounds.
void end_thread_in_last_round(void* value) {
  const auto round = reinterpret_cast<std::uintptr_t>(value);
  if (round < PTHREAD_DESTRUCTOR_ITERATIONS - 1 && g_end_key_usable.load(std::memory_order_acquire)) {
    const internal_scope inside;  // weft's own key: not the program's to record
    pthread_setspecific(thread_end_key(), reinterpret_cast<void*>(round + 1));
    return;
  }
  end_thread_now();
}

// Made when a thread first sets a key of the program's. Not before: a
// program that uses no key keeps all PTHREAD_KEYS_MAX (1,024) of them, and
// key 0 unmade. Deleted only to give it back to a program that asks for
// its last (give_back_thread_end_key); every key taken by the program, the
// threads end in ThreadExitGuard.
pthread_key_t thread_end_key() {
  static const bool made = [] {
    if (pthread_key_create(&g_end_key, &end_thread_in_last_round) != 0) return false;
    g_end_key_usable.store(true, std::memory_order_release);
    return true;
  }();
  return made && g_end_key_usable.load(std::memory_order_acquire) ? g_end_key : pthread_key_t(-1);
}

}  // namespace

constinit thread_local bool t_inside_weft = false;

void at_thread_end(void (*hook)(void*), void* arg) {
  t_end_hook = hook;
  t_end_hook_arg = arg;
}

void main_thread_leaves() {
  ThreadBuffer* b = t_buffer;
  if (b == nullptr || b == &g_after_exit) return;
  const internal_scope inside;
  const TsanInvisible invisible;
  ThreadEntry& entry = Runtime::get().registry().threads()[b->thread_id];
  if (!(entry.flags & format::kThreadMain) && !t_ends_with_process) return;
  t_main_leaving = true;
  // glibc runs no thread_local destructor for a main thread that leaves so
  // (ThreadExitGuard is not called): its key destructors end it, or it ends
  // now.
  if (!t_end_in_key || !g_end_key_usable.load(std::memory_order_acquire)) end_thread_now();
}

void current_thread_ends_with_process() { t_ends_with_process = true; }

bool give_back_thread_end_key() {
  if (!g_end_key_usable.exchange(false, std::memory_order_acq_rel)) return false;
  const internal_scope inside;
  pthread_key_delete(g_end_key);
  return true;
}

void end_after_key_destructors() {
  ThreadBuffer* b = t_buffer;
  if (t_end_in_key || b == nullptr || b == &g_after_exit) return;
  const internal_scope inside;  // weft's own key: not the program's to record
  const pthread_key_t key = thread_end_key();
  if (key != pthread_key_t(-1) && pthread_setspecific(key, reinterpret_cast<void*>(1)) == 0) t_end_in_key = true;
}

void end_current_thread() {
  const TsanInvisible invisible;
  ThreadBuffer* b = t_buffer;
  if (b == nullptr || b == &g_after_exit || b->ended) return;
  sync_point(format::EventKind::ThreadEnd, b->thread_object,
             Runtime::get().registry().threads()[b->thread_id].seq.fetch_add(1, std::memory_order_relaxed), 0,
             source_site{});
  b->ended = true;
}

// Under ThreadSanitizer this is the spot that hid races between threads.
// Taking a buffer walks the list of every thread's buffer and compare-
// exchanges each one's `state`; a thread that has ended stored its state
// with a release (ThreadExitGuard). Seen by TSan, that pair was an edge from
// everything the ended thread did to everything the new thread would do:
// a thread that finished before another started (the common case for short
// threads, and always so when a ring is reused) was ordered before it, and
// TSan reported none of their races. So binding, like all of weft's ring
// bookkeeping, is invisible to TSan; the thread's creation (pthread_create)
// and join remain the edges TSan sees, as for a std::thread.
ThreadBuffer* bind_current_thread(std::uint32_t thread_id, std::uint32_t thread_object) {
  const TsanInvisible invisible;
  Runtime& rt = Runtime::get();
  ThreadBuffer* b = rt.acquire_buffer();
  b->thread_id = thread_id;
  b->thread_object = thread_object;
  b->ended = false;
  b->owner_id.store(thread_id, std::memory_order_relaxed);
  b->poked.store(false, std::memory_order_relaxed);
  // A reused ring is empty (head == tail) when it is handed out.
  b->limit = b->slots && !rt.closed() ? b->tail.load(std::memory_order_acquire) + (b->mask + 1) / 2 : 0;
  t_buffer = b;
  t_exit_guard.armed = true;
  rt.registry().threads()[thread_id].alive.store(true, std::memory_order_release);
  return b;
}

ThreadBuffer* attach_current_thread() {
  const TsanInvisible invisible;
  Runtime& rt = Runtime::get();
  const long tid = os_thread_id();
  const bool is_main = tid == ::getpid();
  const std::uint8_t flags = format::kThreadAdopted | (is_main ? format::kThreadMain : 0);
  const Registry::NewThread ids = rt.registry().add_thread(is_main ? "main" : "", static_cast<std::uint64_t>(tid), 0, flags);
  ThreadBuffer* b = bind_current_thread(ids.id, ids.object);
  sync_point(format::EventKind::ThreadStart, ids.object,
             rt.registry().threads()[ids.id].seq.fetch_add(1, std::memory_order_relaxed), static_cast<std::uint64_t>(tid),
             source_site{});
  return b;
}

bool reserve_slow(ThreadBuffer* b, std::uint64_t slots) {
  const TsanInvisible invisible;  // waking and helping the writer are weft's hand-overs
  if (b == &g_after_exit) {
    TraceWriter::dropped_after_exit.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (b->slots == nullptr) return false;  // tracing is off: every event comes here, so nothing before this
  const cancellation_off hold_off;  // its waits and the flush it helps with are weft's (cancellation_off.hpp)
  Runtime& rt = Runtime::get();
  const std::uint64_t capacity = b->mask + 1;
  const std::uint64_t head = b->head.load(std::memory_order_relaxed);
  // Room for this event, and for a report of earlier losses ahead of it.
  const std::uint64_t pending_drops = b->dropped.load(std::memory_order_relaxed);
  const std::uint64_t need = slots + (pending_drops ? 1 : 0);
  unsigned waits = 0;
  for (;;) {
    if (rt.closed()) {  // after the END record, or in a child of fork()
      b->dropped.fetch_add(1, std::memory_order_relaxed);
      rt.note_dropped_after_close();
      return false;
    }
    const std::uint64_t used = head - b->tail.load(std::memory_order_acquire);
    if (used + need <= capacity / 2) {
      b->limit = head - used + capacity / 2;
      b->poked.store(false, std::memory_order_relaxed);
      break;
    }
    // Past half full: wake the writer, once per fill.
    if (!b->poked.exchange(true, std::memory_order_relaxed)) rt.wake_writer();
    if (used + need <= capacity) {
      b->limit = head - used + capacity;
      break;
    }
    if (rt.config().drop_when_full) {
      b->dropped.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    // Full (backpressure): drain the rings on this thread, unless a flush is
    // already under way, which frees space soon; then just wait briefly.
    // Never from a signal handler: flushing outside a crash may allocate.
    if (!t_in_signal_handler && rt.help_flush()) continue;
    if (++waits < 64) {
      sched_yield();
    } else {
      const timespec pause{0, 20'000};
      nanosleep(&pause, nullptr);
    }
  }
  if (pending_drops) {
    RawEvent& e = b->slots[head & b->mask];
    e.ticks = now();
    e.arg = b->dropped.exchange(0, std::memory_order_relaxed);
    e.seq_kind_flags = pack_seq_kind_flags(kSeqNone, static_cast<std::uint8_t>(format::EventKind::TraceDropped), 0);
    e.object = 0;
    e.site = 0;
    b->head.store(head + 1, std::memory_order_release);
  }
  return true;
}

std::uint32_t intern_site_slow(ThreadBuffer* b, const source_site& site) {
  const TsanInvisible invisible;
  const std::uint32_t id = Runtime::get().registry().intern_site(site);
  const auto key = reinterpret_cast<std::uintptr_t>(site.file) ^ (std::uintptr_t(site.line) * 0x9E3779B1u);
  b->site_cache[(key ^ (key >> 8)) & (kSiteCacheSize - 1)] = SiteCacheEntry{site.file, site.function, site.line, id};
  return id;
}

void emit_text(std::uint8_t kind, std::uint32_t object, std::string_view text, const source_site& site) {
  ThreadBuffer* b = current_buffer();
  emit_text_interned(kind, object, text, site_id(b, site));
}

void emit_text_interned(std::uint8_t kind, std::uint32_t object, std::string_view text, std::uint32_t site) {
  ThreadBuffer* b = current_buffer();
  const TsanInvisible invisible;  // as emit() (event_buffer.hpp)
  std::uint8_t flags = 0;
  if (text.size() > kMaxTextBytes) {
    text = text.substr(0, kMaxTextBytes);
    flags |= format::kFlagTextTruncated;
  }
  const std::uint64_t slots = 1 + text_slots(text.size());
  std::uint64_t h = b->head.load(std::memory_order_relaxed);
  if (h + slots > b->limit) {
    if (!reserve_slow(b, slots)) return;
    h = b->head.load(std::memory_order_relaxed);
  }
  RawEvent& e = b->slots[h & b->mask];
  e.ticks = now();
  e.arg = text.size();
  e.seq_kind_flags = pack_seq_kind_flags(kSeqNone, kind, flags);
  e.object = object;
  e.site = site;
  for (std::size_t i = 0; i < text.size(); i += sizeof(RawEvent)) {
    const std::size_t n = std::min(text.size() - i, sizeof(RawEvent));
    std::memcpy(&b->slots[(h + 1 + i / sizeof(RawEvent)) & b->mask], text.data() + i, n);
  }
  b->head.store(h + slots, std::memory_order_release);
}

}  // namespace weft::detail
