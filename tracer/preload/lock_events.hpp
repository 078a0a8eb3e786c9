// The events of an exclusive lock taken through pthreads (a mutex, a spin
// lock, a reader-writer lock's writer side), recorded exactly as weft's own
// lock_core records them (see lock_core.hpp), so every detector, the viewer
// and the export read a pthread mutex as they read a weft::mutex.
//
// Each wrapper: try the native lock; if it is free, one mutex.acquired. If
// not, mutex.lock.begin, the blocking call (watched: the watchdog sees the
// wait and its holder), mutex.acquired with flag Contended. Before the
// blocking call, a normal mutex already held by the caller is the
// self-deadlock it is: the watchdog stops the program with a trace instead
// of letting it hang silently.
#pragma once

#include <pthread.h>

#include <cerrno>
#include <cstdint>

#include "sites.hpp"
#include "state.hpp"
#include "sync_table.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::preload {

// The next number in an exclusive lock's order. Taken only while holding
// the native lock exclusively (or, for a foreign unlock, while its holder
// holds it and nobody else can take it), so nobody else changes `seq`
// meanwhile: a plain load and store, as in lock_core, not a locked
// read-modify-write (which would cost about as much as the lock itself).
// A reader-writer lock's readers take their numbers with fetch_add; they
// never run while a writer holds it.
inline std::uint64_t next_exclusive_seq(sync_entry& e) noexcept {
  const std::uint64_t s = e.seq.load(std::memory_order_relaxed);
  e.seq.store(s + 1, std::memory_order_relaxed);
  return s;
}

// A pthread mutex's type (normal, recursive, error-checking, adaptive), read
// where glibc itself keeps it, and the weft object kind it is recorded as.
inline int mutex_type(const pthread_mutex_t* m) noexcept { return m->__data.__kind & 3; }
inline format::ObjectKind mutex_object_kind(const pthread_mutex_t* m) noexcept {
  return mutex_type(m) == PTHREAD_MUTEX_RECURSIVE ? format::ObjectKind::RecursiveMutex : format::ObjectKind::Mutex;
}

// One recorded call on one object.
struct object_call {
  detail::ThreadBuffer* b;
  sync_entry* e;
  std::uint32_t object;
  std::uint32_t site;

  std::uint32_t me() const noexcept { return b->thread_id + 1; }
  void record(format::EventKind kind, std::uint64_t seq, std::uint64_t arg, std::uint8_t flags = 0) const noexcept {
    detail::sync_point_interned(b, kind, object, seq, arg, site, flags);
  }
};

// Looks the object up (registering it on first use); false: not recordable.
inline bool begin_call(object_call& c, const void* address, format::ObjectKind kind, const void* return_address,
                       std::uint64_t extra = 0) noexcept {
  c.b = detail::current_buffer();
  c.site = site_of(return_address);
  c.e = find_entry(address);
  if (c.e == nullptr) return false;
  c.object = object_of(*c.e, address, kind, c.site, c.b, extra);
  return true;
}

// The caller now holds the lock exclusively (it took the native lock).
inline void record_exclusive_acquired(object_call& c, std::uint8_t flags) noexcept {
  sync_entry& e = *c.e;
  const std::uint32_t depth = e.owner.load(std::memory_order_relaxed) == c.me() ? ++e.depth : (e.depth = 1);
  e.owner.store(c.me(), std::memory_order_relaxed);
  c.record(format::EventKind::MutexAcquired, next_exclusive_seq(e), depth, flags);
}

// Before the native unlock. Returns false when the caller does not hold the
// lock: recorded as the misuse it is (flag NotOwner); `performed` says
// whether the native unlock will release it anyway (a normal glibc mutex
// held by another thread does), in which case it takes its place in the
// lock's order.
inline void record_exclusive_release(object_call& c, bool performed_if_foreign) noexcept {
  sync_entry& e = *c.e;
  const std::uint32_t owner = e.owner.load(std::memory_order_relaxed);
  if (__builtin_expect(owner == c.me(), 1)) {
    const std::uint32_t depth = --e.depth;
    if (depth == 0) e.owner.store(0, std::memory_order_relaxed);
    c.record(format::EventKind::MutexReleased, next_exclusive_seq(e), depth);
    return;
  }
  if (owner != 0 && performed_if_foreign) {
    e.depth = 0;
    e.owner.store(0, std::memory_order_relaxed);
    c.record(format::EventKind::MutexReleased, next_exclusive_seq(e), 0, format::kFlagNotOwner);
    return;
  }
  c.record(format::EventKind::MutexReleased, format::kNoSeq, 0, format::kFlagNotOwner);
}

// The blocking part of a lock: `block()` is the native blocking call and
// returns its result. `self_deadlock`: the caller already holds it and the
// call would never return.
template <class Block>
int block_for_lock(object_call& c, bool timed, bool self_deadlock, Block&& block) {
  c.record(format::EventKind::MutexLockBegin, format::kNoSeq, 0, timed ? format::kFlagTimed : 0);
  if (self_deadlock) detail::on_self_deadlock(c.object);
  const detail::blocked_scope blocked(format::EventKind::MutexLockBegin, c.object, timed, &c.e->owner,
                                      watchdog_external(*c.e));
  return block();
}

}  // namespace weft::preload
