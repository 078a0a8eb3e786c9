// The one function every primitive's operations go through.
//
// Today it records the event. It is also the seam where a controlled
// scheduler (schedule exploration, deterministic replay) will plug in: a hook
// installed here runs after every synchronization event, on the thread that
// performed it, and may block that thread to choose who runs next. Tests use
// the hook to prove that every operation passes through here.
#pragma once

#include <atomic>
#include <cstdint>

#include "weft/detail/event_buffer.hpp"
#include "weft/format/schema.hpp"
#include "weft/site.hpp"

namespace weft::detail {

struct sync_event {
  format::EventKind kind;
  std::uint32_t object;
  std::uint64_t seq;
  std::uint64_t arg;
  std::uint8_t flags;
  const source_site* site;
};
using sync_hook = void (*)(const sync_event&);

extern std::atomic<sync_hook> g_sync_hook;

// Installs `hook` (nullptr removes it) and returns the previous one.
sync_hook set_sync_hook(sync_hook hook) noexcept;

// Records one event on `b`, the calling thread's buffer, stamped `stamp`
// (kStampNow: the clock, read now; see emit_stamped), and runs the hook.
// Returns a time the thread's next event may share: the one written, or
// kStampNow if the event was dropped or a hook ran (the hook may have let
// other threads run for as long as it liked).
//
// Why an event would share its time: a read of the time-stamp counter
// takes 10-14 ns back to back on the machines weft is measured on, about
// what an untraced uncontended lock/unlock pair takes whole. A read and the
// write just after it that stand for one plain statement (`x += d` on a
// weft::shared<long>) are a few instructions apart, well inside one clock
// read: stamping them once loses nothing a timeline can show, and their
// order is the thread's stream order either way. Inside a critical section
// the saved read shortens the hold: weft-compare's `share` loop (lock,
// +=, unlock, two threads) ran in 0.83 of the time (farm-bench, 14 runs).
__attribute__((always_inline)) inline std::uint64_t sync_point_stamped(ThreadBuffer* b, std::uint64_t stamp,
                                                                      format::EventKind kind, std::uint32_t object,
                                                                      std::uint64_t seq, std::uint64_t arg,
                                                                      const source_site& site, std::uint8_t flags = 0) {
  const std::uint64_t at =
      emit_stamped(b, stamp, static_cast<std::uint8_t>(kind), object, seq, arg, site_id(b, site), flags);
  if (sync_hook hook = g_sync_hook.load(std::memory_order_relaxed); __builtin_expect(hook != nullptr, 0)) {
    hook(sync_event{kind, object, seq, arg, flags, &site});
    return kStampNow;
  }
  return at;
}

// `b` is the calling thread's buffer, for callers that already have it.
__attribute__((always_inline)) inline void sync_point(ThreadBuffer* b, format::EventKind kind, std::uint32_t object,
                                                      std::uint64_t seq, std::uint64_t arg, const source_site& site,
                                                      std::uint8_t flags = 0) {
  sync_point_stamped(b, kStampNow, kind, object, seq, arg, site, flags);
}

// The same for weft record's wrappers, whose sites are interned return
// addresses (the hook sees no source_site for them).
__attribute__((always_inline)) inline void sync_point_interned(ThreadBuffer* b, format::EventKind kind,
                                                               std::uint32_t object, std::uint64_t seq,
                                                               std::uint64_t arg, std::uint32_t site,
                                                               std::uint8_t flags = 0) {
  emit_interned(b, static_cast<std::uint8_t>(kind), object, seq, arg, site, flags);
  if (sync_hook hook = g_sync_hook.load(std::memory_order_relaxed); __builtin_expect(hook != nullptr, 0)) {
    static const source_site unknown{};
    hook(sync_event{kind, object, seq, arg, flags, &unknown});
  }
}

inline void sync_point(format::EventKind kind, std::uint32_t object, std::uint64_t seq, std::uint64_t arg,
                       const source_site& site, std::uint8_t flags = 0) {
  sync_point(current_buffer(), kind, object, seq, arg, site, flags);
}

}  // namespace weft::detail
