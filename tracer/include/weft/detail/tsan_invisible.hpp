// Weft's own bookkeeping must not look like synchronization to
// ThreadSanitizer. Its rings, registry, buffers and writer pass data between
// the program's threads (thread A publishes events, the writer drains them,
// thread B then finds room in its ring; thread A ends and frees its ring,
// thread B starts and takes it), and TSan would take each of those
// hand-overs for a happens-before edge between A and B: a race in the
// program would hide behind weft's machinery, and TSan, the second opinion,
// would miss it.
//
// Inside a TsanInvisible scope the calling thread's memory accesses and
// synchronization are not seen by TSan: nothing weft does there is recorded
// in TSan's shadow memory, and no atomic, mutex or condition variable there
// passes a happens-before edge. Both halves matter. Hiding only the
// synchronization would leave weft's accesses to shared bookkeeping (a ring
// written by one thread and, after it ended, by the next) looking like
// races; hiding only the accesses would leave the edges. Every operation of
// the runtime that is not the program's own synchronization runs in such a
// scope, on whichever thread runs it: the hot path that records an event
// included (event_buffer.hpp), which is why this header is public.
//
// What stays visible is what the program may rely on: the std primitives
// under weft's (a weft::mutex is a std::mutex), a thread's creation
// (pthread_create) and its join, a future's completion, a submitted task's
// start (thread_pool.hpp). A no-op outside TSan builds.
#pragma once

#if defined(WEFT_TSAN_BUILD) || defined(__SANITIZE_THREAD__)
#define WEFT_TSAN_ACTIVE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEFT_TSAN_ACTIVE 1
#endif
#endif

#if defined(WEFT_TSAN_ACTIVE)
extern "C" {
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
}
#endif

namespace weft::detail {

class TsanInvisible {
 public:
#if defined(WEFT_TSAN_ACTIVE)
  TsanInvisible() noexcept {
    __tsan_ignore_thread_begin();
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  }
  ~TsanInvisible() {
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
    __tsan_ignore_thread_end();
  }
#else
  // User-provided, so a scope that only holds one is not an unused variable.
  TsanInvisible() noexcept {}
  ~TsanInvisible() {}
#endif
  TsanInvisible(const TsanInvisible&) = delete;
  TsanInvisible& operator=(const TsanInvisible&) = delete;
};

// An explicit happens-before edge for TSan, where weft hands the program's
// data over inside an invisible scope: tsan_release(p) on one thread, then
// tsan_acquire(p) on another. `p` must point into live memory that is not a
// sync object already. Call outside a TsanInvisible scope (TSan drops
// synchronization inside one). No-ops outside TSan builds.
inline void tsan_release([[maybe_unused]] const void* p) noexcept {
#if defined(WEFT_TSAN_ACTIVE)
  __tsan_release(const_cast<void*>(p));
#endif
}
inline void tsan_acquire([[maybe_unused]] const void* p) noexcept {
#if defined(WEFT_TSAN_ACTIVE)
  __tsan_acquire(const_cast<void*>(p));
#endif
}

}  // namespace weft::detail
