// A mutex made anew in memory weft has seen a mutex in before.
//
// std::mutex has no destructor (glibc's mutex needs no cleanup), so a
// std::mutex that ends calls nothing weft could see, and the next one made
// at its address (a local in the next function called, a heap node freed
// and allocated again) was the same object to weft: the lock order of two
// locals in one function and of two others in the next made a lock-order
// inversion between objects that never lived at the same time.
//
// What a new mutex does do is write its initializer over the old one's
// memory: all zeros but the type (std::mutex, PTHREAD_MUTEX_INITIALIZER,
// the recursive initializer alike). So weft marks each mutex it sees, in a
// word of glibc's mutex that glibc uses only for robust mutexes (the robust
// list's `__next`), and a mutex found unmarked where weft had marked one is
// a new mutex: the old object ends there (object.destroy, idle; or
// ReinitialisedInUse if weft thought it still held) and the new one is
// registered at this use. pthread_mutex_init clears the mark too, and ends
// the old object itself (renew).
//
// Not marked: robust, priority-inheritance, priority-protected and
// process-shared mutexes (glibc, or another process, may use that word or
// the memory), which keep the old behaviour.
#pragma once

#include <pthread.h>

#include "lock_events.hpp"

namespace weft::preload {

inline constexpr int kUnmarkableMutexBits = 16 | 32 | 64 | 128;  // robust, PI, PP, process-shared (glibc's __kind)

inline bool mutex_unmarked(pthread_mutex_t* m) noexcept {
  return __atomic_load_n(&m->__data.__list.__next, __ATOMIC_ACQUIRE) == nullptr &&
         (m->__data.__kind & kUnmarkableMutexBits) == 0;
}

// The slow path: marks the mutex, and ends the object weft knew at its
// address if it had marked it before. Returns when the mark is there.
void mark_mutex(sync_entry& e, pthread_mutex_t* m, std::uint32_t site, detail::ThreadBuffer* b) noexcept;

// begin_call for a mutex: the same, with the mark looked at first (one load
// of a word of the mutex, whose line the lock reads next anyway).
__attribute__((always_inline)) inline bool begin_mutex_call(object_call& c, pthread_mutex_t* m,
                                                            const void* return_address) noexcept {
  c.b = detail::current_buffer();
  c.site = site_of(return_address);
  c.e = find_entry(m);
  if (c.e == nullptr) return false;
  if (__builtin_expect(mutex_unmarked(m), 0)) mark_mutex(*c.e, m, c.site, c.b);
  c.object = object_of(*c.e, m, mutex_object_kind(m), c.site, c.b);
  return true;
}

}  // namespace weft::preload
