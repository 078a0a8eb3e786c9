#include "sync_table.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <thread>

#include "../src/runtime.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::preload {
namespace {

constexpr std::size_t kMaxProbes = 64;

sync_entry* map_level(std::size_t level) noexcept {
  void* p = ::mmap(nullptr, level_size(level) * sizeof(sync_entry), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<sync_entry*>(p);  // zero pages: every entry empty
}

// The levels after the first, mapped when first needed (see level()); [0]
// is g_table.
constinit std::atomic<sync_entry*> g_levels[kLevels]{};

// Level `level`, mapped if it is not yet; nullptr if it cannot be. Two
// threads may map it at once: one mapping wins, the other is unmapped
// before anything was put in it.
sync_entry* level(std::size_t n) noexcept {
  std::atomic<sync_entry*>& slot = n == 0 ? g_table : g_levels[n];
  sync_entry* t = slot.load(std::memory_order_acquire);
  if (t != nullptr) return t;
  sync_entry* const mapped = map_level(n);
  if (mapped == nullptr) return nullptr;
  if (slot.compare_exchange_strong(t, mapped, std::memory_order_acq_rel)) return mapped;
  ::munmap(mapped, level_size(n) * sizeof(sync_entry));
  return t;
}

std::atomic<bool> g_told_full{false};

}  // namespace

// Constant-initialized (no dynamic initializer: see init.cpp); set by the
// first look-up, which the library's constructor makes.
constinit std::atomic<sync_entry*> g_table{nullptr};

// Level by level, the slots `address` may take in each: the first holding
// it is its entry; the first empty one becomes its entry. Slots only ever
// go from empty to a key, so every search sees the same keys before the
// first empty slot: an address is in one slot at most, and a level whose
// slots for it are all another's never gets it later.
sync_entry* find_entry_slow(const void* address) noexcept {
  const auto key = reinterpret_cast<std::uintptr_t>(address);
  if (key == 0) return nullptr;
  // Most objects sit in their home slot: an object of a later level is
  // found there before the first level's 64 slots are searched for it.
  for (std::size_t n = 1; n < kLevels; ++n) {
    sync_entry* const t = g_levels[n].load(std::memory_order_acquire);
    if (t == nullptr) break;
    if (sync_entry& e = t[home_slot(key, n)]; e.key.load(std::memory_order_acquire) == key) return &e;
  }
  for (std::size_t n = 0; n < kLevels; ++n) {
    sync_entry* const t = level(n);
    if (t == nullptr) break;
    const std::size_t mask = level_size(n) - 1;
    std::size_t i = home_slot(key, n);
    for (std::size_t probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & mask) {
      sync_entry& e = t[i];
      std::uintptr_t k = e.key.load(std::memory_order_acquire);
      if (k == key) return &e;
      if (k == 0) {
        if (e.key.compare_exchange_strong(k, key, std::memory_order_acq_rel)) return &e;
        if (k == key) return &e;  // another thread inserted this very address
      }
    }
  }
  if (!g_told_full.exchange(true))
    std::fprintf(stderr, "weft record: too many sync objects; later ones are not recorded\n");
  return nullptr;
}

std::uint32_t object_of_slow(sync_entry& e, const void* address, format::ObjectKind kind, std::uint32_t site,
                             detail::ThreadBuffer* b, std::uint64_t extra) noexcept {
  for (;;) {
    std::uint32_t id = e.object.load(std::memory_order_acquire);
    if (__builtin_expect(id != 0 && id != kRegistering, 1)) {
      if (e.kind.load(std::memory_order_relaxed) == static_cast<std::uint8_t>(kind)) return id;
      // The memory was a sync object of another kind (freed without a
      // destroy, as std::mutex never calls it): a new object from here.
      if (!e.object.compare_exchange_strong(id, 0, std::memory_order_acq_rel)) continue;
      e.owner.store(0, std::memory_order_relaxed);
      e.count.store(0, std::memory_order_relaxed);
      e.woken.store(0, std::memory_order_relaxed);
      e.depth = 0;
      continue;
    }
    if (id == 0 && e.object.compare_exchange_strong(id, kRegistering, std::memory_order_acq_rel)) {
      detail::Registry& registry = detail::Runtime::get().registry();
      const std::uint32_t object =
          registry.add_object(kind, {}, site, b->thread_id, extra, reinterpret_cast<std::uintptr_t>(address));
      detail::emit_interned(b, static_cast<std::uint8_t>(format::EventKind::ObjectCreate), object, format::kNoSeq, 0,
                            site);
      e.kind.store(static_cast<std::uint8_t>(kind), std::memory_order_relaxed);
      e.object.store(object, std::memory_order_release);
      return object;
    }
    std::this_thread::yield();  // another thread is registering it
  }
}

// The object's state first, its id last: a thread that finds the id 0
// registers the next object at once (object_of_slow), and must not have
// its first hold cleared under it by the end of this one.
void retire(sync_entry& e) noexcept {
  e.owner.store(0, std::memory_order_relaxed);
  e.count.store(0, std::memory_order_relaxed);
  e.value.store(0, std::memory_order_relaxed);
  e.parties.store(0, std::memory_order_relaxed);
  e.woken.store(0, std::memory_order_relaxed);
  e.process_shared.store(false, std::memory_order_relaxed);
  e.depth = 0;
  e.object.store(0, std::memory_order_release);
}

void record_refused_destroy(const void* address, const void* return_address) noexcept {
  if (!recording()) return;
  const busy_scope busy;
  sync_entry* e = find_entry(address);
  if (e == nullptr) return;
  const std::uint32_t id = e->object.load(std::memory_order_acquire);
  if (id == 0 || id == kRegistering) return;
  detail::emit_interned(detail::current_buffer(), static_cast<std::uint8_t>(format::EventKind::ObjectDestroy), id,
                        format::kNoSeq, static_cast<std::uint64_t>(format::ObjectEnd::DestroyedInUse),
                        site_of(return_address), format::kFlagRejected);
}

void record_destroy(sync_entry& e, format::ObjectEnd how, std::uint32_t site, detail::ThreadBuffer* b) noexcept {
  const std::uint32_t id = e.object.load(std::memory_order_acquire);
  if (id != 0 && id != kRegistering)
    detail::emit_interned(b, static_cast<std::uint8_t>(format::EventKind::ObjectDestroy), id, format::kNoSeq,
                          static_cast<std::uint64_t>(how), site);
  retire(e);
}

}  // namespace weft::preload
