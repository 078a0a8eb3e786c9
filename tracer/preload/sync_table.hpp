// What weft knows about each of the program's sync objects, by address.
//
// weft's own primitives keep their object id, holder and sequence counter
// inside themselves; a pthread_mutex_t has no room for them, so weft record
// keeps them beside it, in one open-addressing table keyed by the object's
// address (as ThreadSanitizer keeps its sync objects). A look-up is a hash
// and, almost always, one probe; insertion is a compare-exchange on the key,
// so the table takes no lock.
//
// Invariants:
//  - an entry's key never changes once set (entries are not removed: an
//    object destroyed and another created at its address reuse the entry,
//    with a new object id: see retire());
//  - `object` is 0 until the object is registered, kRegistering while one
//    thread registers it (the others wait), then its weft object id;
//  - owner/depth/seq mean what they mean in lock_core.hpp: owner is the
//    exclusive holder's thread id + 1, set after the native lock is taken
//    and cleared before it is let go; depth is the holder's recursion
//    depth; seq numbers, under the lock, the operations that change who
//    holds it.
#pragma once

#include <atomic>
#include <cstdint>

#include "weft/detail/blocking.hpp"
#include "weft/detail/event_buffer.hpp"
#include "weft/format/meaning.hpp"
#include "weft/format/object_end.hpp"
#include "weft/format/schema.hpp"

namespace weft::preload {

struct sync_entry {
  std::atomic<std::uintptr_t> key{0};
  std::atomic<std::uint32_t> object{0};
  std::atomic<std::uint32_t> owner{0};
  std::atomic<std::uint64_t> seq{0};
  std::atomic<std::uint32_t> count{0};    // rwlock: readers holding; cond: waiters; barrier: arrivals
  std::atomic<std::uint32_t> parties{0};  // barrier: threads per generation
  std::atomic<std::uint32_t> woken{0};    // cond: waiters a notification woke that are still inside the wait
  std::atomic<std::int64_t> value{0};     // cond: notifications so far; semaphore: its value
  std::uint32_t depth = 0;                // written by the holder only
  std::atomic<std::uint8_t> kind{0};      // format::ObjectKind it was registered as
  std::atomic<bool> arriving{false};      // barrier: serializes arrivals (see barriers.cpp)
  // Process-shared (PTHREAD_PROCESS_SHARED, a pshared or named semaphore):
  // another process may end a wait on it, so such waits are external
  // (blocking.hpp): no hang of this process alone, the run's watchdogs
  // judge them together (see watchdog_external()).
  std::atomic<bool> process_shared{false};
  // A mutex only: weft has marked the mutex at this address (mutex_reuse.hpp).
  std::atomic<bool> marked{false};
};

// What the watchdog is told about a wait on `e`: external when another
// process may end it. Without weft record -f the other processes are not
// traced, on no run board, and the wait then never counts towards a hang,
// as before; with -f the run's watchdogs see them all (run_board.hpp).
inline bool watchdog_external(const sync_entry& e) noexcept {
  return e.process_shared.load(std::memory_order_relaxed);
}

inline constexpr std::uint32_t kRegistering = ~std::uint32_t{0};

// The table is a series of levels, each twice the size of the one before:
// 2^20 entries of 64 bytes (64 MiB of address space, touched only where
// objects hash to), then 2^21, ... up to 2^27. An object goes into the
// first level with room among the slots it may probe, and stays there:
// entries never move, so the pointers handed out stay valid, and a level
// after the first is mapped only once one before it has no room for an
// object. A program with a mutex per element of a large array (a hash
// table's buckets, a graph's nodes) has millions; a single table of 2^20
// lost every object after it. All levels hold about 2^28 objects, more
// than a trace's 32-bit object ids can number in practice; beyond that
// objects are lost (reported once).
inline constexpr std::size_t kTableBits = 20;  // the first level's
inline constexpr std::size_t kLevels = 8;
inline constexpr std::size_t level_bits(std::size_t level) noexcept { return kTableBits + level; }
inline constexpr std::size_t level_size(std::size_t level) noexcept { return std::size_t{1} << level_bits(level); }

// The first level, mapped by the library's constructor (or the first call
// before it); the inline look-up reads it.
extern std::atomic<sync_entry*> g_table;

inline std::size_t home_slot(std::uintptr_t key, std::size_t level = 0) noexcept {
  return (key * 0x9E3779B97F4A7C15ull) >> (64 - level_bits(level));
}

sync_entry* find_entry_slow(const void* address) noexcept;
std::uint32_t object_of_slow(sync_entry& e, const void* address, format::ObjectKind kind, std::uint32_t site,
                             detail::ThreadBuffer* b, std::uint64_t extra) noexcept;

// The entry for `address`, created if new; nullptr if every level is full
// (the object is then not recorded, and weft record says so once). The hot
// case, an object seen before in its home slot of the first level, is
// inline.
inline sync_entry* find_entry(const void* address) noexcept {
  sync_entry* const t = g_table.load(std::memory_order_relaxed);
  const auto key = reinterpret_cast<std::uintptr_t>(address);
  if (__builtin_expect(t != nullptr, 1)) {
    sync_entry& e = t[home_slot(key)];
    if (__builtin_expect(e.key.load(std::memory_order_acquire) == key && key != 0, 1)) return &e;
  }
  return find_entry_slow(address);
}

// The object id of `e`, registering it on first use (or when it was last
// registered as another kind: the memory was reused) as an object of `kind`
// created at `site` by the thread of `b`. `extra` as in ObjectRecord.
inline std::uint32_t object_of(sync_entry& e, const void* address, format::ObjectKind kind, std::uint32_t site,
                               detail::ThreadBuffer* b, std::uint64_t extra = 0) noexcept {
  const std::uint32_t id = e.object.load(std::memory_order_acquire);
  if (__builtin_expect(id != 0 && id != kRegistering &&
                           e.kind.load(std::memory_order_relaxed) == static_cast<std::uint8_t>(kind),
                       1))
    return id;
  return object_of_slow(e, address, kind, site, b, extra);
}

// pthread_*_init on a known address: the next use registers a new object.
// pthread_*_destroy: records object.destroy (its arg saying how the object
// ended, object_end.hpp) first.
void retire(sync_entry& e) noexcept;
void record_destroy(sync_entry& e, format::ObjectEnd how, std::uint32_t site, detail::ThreadBuffer* b) noexcept;

// What every *_init wrapper of an object of `kind` does after the native
// init succeeded: a new object at `address` from here on (registered at its
// first use), shared between processes or not. An object of that kind
// still in use there (`in_use(entry)`: held, waited on) ends at this call,
// recorded as re-initialised while in use. Returns the entry, nullptr if
// not recording. `return_address`: the wrapper's caller.
template <class InUse>
sync_entry* renew(const void* address, format::ObjectKind kind, bool process_shared, const void* return_address,
                  InUse&& in_use) noexcept;

// What every *_destroy wrapper does before the native destroy: records the
// object's end, if it was ever used, `in_use(entry)` saying whether it was
// still held or waited on. Returns the object's id if it was in use, else 0.
template <class InUse>
std::uint32_t record_end(const void* address, const void* return_address, InUse&& in_use) noexcept;

// A destroy the C library refuses (a locked mutex: EBUSY): recorded as an
// object.destroy of an object in use, flagged Rejected; the object lives
// on, its entry as it was.
void record_refused_destroy(const void* address, const void* return_address) noexcept;

// What the *_destroy wrapper of a condition or a barrier does: record_end,
// then `native_destroy()`. On an object still waited on, glibc's destroy
// waits for the waiters to leave, for ever if nobody wakes them: the caller
// is then blocked as they are, which the watchdog must know to stop the hang.
template <class InUse, class NativeDestroy>
auto record_end_then_destroy(const void* address, const void* return_address, InUse&& in_use,
                             NativeDestroy&& native_destroy);

// For objects whose wrappers cannot tell (semaphores: glibc keeps their
// waiters to itself).
inline bool never_in_use(const sync_entry&) noexcept { return false; }

}  // namespace weft::preload

// record_end needs sites.hpp and state.hpp, which need this header's types.
#include "sites.hpp"
#include "state.hpp"

namespace weft::preload {

template <class InUse>
std::uint32_t record_end(const void* address, const void* return_address, InUse&& in_use) noexcept {
  if (!recording()) return 0;
  const busy_scope busy;
  sync_entry* e = find_entry(address);
  if (e == nullptr) return 0;
  const std::uint32_t id = e->object.load(std::memory_order_acquire);
  if (id == 0) return 0;
  const bool busy_object = in_use(*e);
  record_destroy(*e, busy_object ? format::ObjectEnd::DestroyedInUse : format::ObjectEnd::Idle,
                 site_of(return_address), detail::current_buffer());
  return busy_object && id != kRegistering ? id : 0;
}

template <class InUse, class NativeDestroy>
auto record_end_then_destroy(const void* address, const void* return_address, InUse&& in_use,
                             NativeDestroy&& native_destroy) {
  bool external = false;  // another process may wake the waiters (read before record_end retires the entry)
  if (recording())
    if (const sync_entry* e = find_entry(address)) external = watchdog_external(*e);
  const std::uint32_t waited = record_end(address, return_address, in_use);
  if (waited == 0) return native_destroy();
  const detail::blocked_scope blocked(format::EventKind::ObjectDestroy, waited, false, nullptr, external);
  return native_destroy();
}

template <class InUse>
sync_entry* renew(const void* address, format::ObjectKind kind, bool process_shared, const void* return_address,
                  InUse&& in_use) noexcept {
  if (!recording()) return nullptr;
  const busy_scope busy;
  sync_entry* e = find_entry(address);
  if (e == nullptr) return nullptr;
  const std::uint32_t id = e->object.load(std::memory_order_acquire);
  // Another kind's state at this address is memory reused, not in use; a
  // mutex made recursive by its new init is still the lock it was.
  const auto was = static_cast<format::ObjectKind>(e->kind.load(std::memory_order_relaxed));
  const bool same = was == kind || (format::object_meaning(was).lock && format::object_meaning(kind).lock);
  if (id != 0 && id != kRegistering && same && in_use(*e))
    record_destroy(*e, format::ObjectEnd::ReinitialisedInUse, site_of(return_address), detail::current_buffer());
  else
    retire(*e);
  e->process_shared.store(process_shared, std::memory_order_relaxed);
  return e;
}

}  // namespace weft::preload
