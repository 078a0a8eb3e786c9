// Weft's own bookkeeping must not look like synchronization to
// ThreadSanitizer. Its rings, registry and writer pass data between the
// program's threads (thread A publishes events, the writer drains them,
// thread B then finds room in its ring), and TSan would take each of those
// hand-overs for a happens-before edge between A and B: a race in the
// program could hide behind weft's machinery, and TSan, the second
// opinion, would miss it. Inside a TsanInvisible scope the calling thread's
// memory accesses and synchronization are not seen by TSan. A no-op in
// other builds.
#pragma once

#if defined(WEFT_TSAN_BUILD)
extern "C" {
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
}
#endif

namespace weft::detail {

class TsanInvisible {
 public:
#if defined(WEFT_TSAN_BUILD)
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

}  // namespace weft::detail
