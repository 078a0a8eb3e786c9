// See mutex_reuse.hpp.
#include "mutex_reuse.hpp"

#include <thread>

namespace weft::preload {
namespace {

// Not a pointer anything could hold: "weft" and a 1.
__pthread_internal_list* const kMark = reinterpret_cast<__pthread_internal_list*>(std::uintptr_t{0x7466'6577'0000'0001});

bool marked(pthread_mutex_t* m) noexcept { return __atomic_load_n(&m->__data.__list.__next, __ATOMIC_ACQUIRE) != nullptr; }

// Marks `m` (it may be marked already: two threads at its first use).
void put_mark(sync_entry& e, pthread_mutex_t* m) noexcept {
  __pthread_internal_list* unmarked = nullptr;
  __atomic_compare_exchange_n(&m->__data.__list.__next, &unmarked, kMark, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
  e.marked.store(true, std::memory_order_release);
}

}  // namespace

void mark_mutex(sync_entry& e, pthread_mutex_t* m, std::uint32_t site, detail::ThreadBuffer* b) noexcept {
  for (;;) {
    if (marked(m)) return;  // marked meanwhile, by the thread that won below
    std::uint32_t id = e.object.load(std::memory_order_acquire);
    if (id == kRegistering) {  // another thread is registering or ending it
      std::this_thread::yield();
      continue;
    }
    if (id == 0 || !e.marked.load(std::memory_order_acquire)) {
      // Never seen, retired (init, destroy), or known only unmarked.
      put_mark(e, m);
      return;
    }
    // Marked once, unmarked now: a new mutex in the old one's memory. The
    // thread that claims the entry ends the old object; the others wait
    // for the mark (above) and then register the new one, as it does.
    if (!e.object.compare_exchange_strong(id, kRegistering, std::memory_order_acq_rel)) continue;
    const bool held = e.owner.load(std::memory_order_relaxed) != 0;
    detail::emit_interned(b, static_cast<std::uint8_t>(format::EventKind::ObjectDestroy), id, format::kNoSeq,
                          static_cast<std::uint64_t>(held ? format::ObjectEnd::ReinitialisedInUse : format::ObjectEnd::Idle),
                          site);
    // The mark, then the entry retired (its id 0 last): the threads waiting
    // above find the mark, and then the id free for the new mutex.
    put_mark(e, m);
    retire(e);
    return;
  }
}

}  // namespace weft::preload
