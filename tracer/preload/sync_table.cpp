#include "sync_table.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <thread>

#include "../src/runtime.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::preload {
namespace {

constexpr std::size_t kMaxProbes = 64;

sync_entry* map_table() noexcept {
  void* p = ::mmap(nullptr, kTableSize * sizeof(sync_entry), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<sync_entry*>(p);  // zero pages: every entry empty
}

sync_entry* table() noexcept {
  static sync_entry* const t = [] {
    sync_entry* mapped = map_table();
    g_table.store(mapped, std::memory_order_relaxed);  // from now on the inline look-up finds it
    return mapped;
  }();
  return t;
}

std::atomic<bool> g_told_full{false};

}  // namespace

// Constant-initialized (no dynamic initializer: see init.cpp); set by the
// first look-up, which the library's constructor makes.
constinit std::atomic<sync_entry*> g_table{nullptr};

sync_entry* find_entry_slow(const void* address) noexcept {
  sync_entry* const t = table();
  const auto key = reinterpret_cast<std::uintptr_t>(address);
  if (t == nullptr || key == 0) return nullptr;
  std::size_t i = home_slot(key);
  for (std::size_t probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kTableSize - 1)) {
    sync_entry& e = t[i];
    std::uintptr_t k = e.key.load(std::memory_order_acquire);
    if (k == key) return &e;
    if (k == 0) {
      if (e.key.compare_exchange_strong(k, key, std::memory_order_acq_rel)) return &e;
      if (k == key) return &e;  // another thread inserted this very address
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

void retire(sync_entry& e) noexcept {
  e.object.store(0, std::memory_order_release);
  e.owner.store(0, std::memory_order_relaxed);
  e.count.store(0, std::memory_order_relaxed);
  e.value.store(0, std::memory_order_relaxed);
  e.parties.store(0, std::memory_order_relaxed);
  e.process_shared.store(false, std::memory_order_relaxed);
  e.depth = 0;
}

sync_entry* renew(const void* address, bool process_shared) noexcept {
  if (!recording()) return nullptr;
  const busy_scope busy;
  sync_entry* e = find_entry(address);
  if (e == nullptr) return nullptr;
  retire(*e);
  e->process_shared.store(process_shared, std::memory_order_relaxed);
  return e;
}

void record_destroy(sync_entry& e, bool in_use, std::uint32_t site, detail::ThreadBuffer* b) noexcept {
  const std::uint32_t id = e.object.load(std::memory_order_acquire);
  if (id != 0 && id != kRegistering)
    detail::emit_interned(b, static_cast<std::uint8_t>(format::EventKind::ObjectDestroy), id, format::kNoSeq,
                          in_use ? 1 : 0, site);
  retire(e);
}

}  // namespace weft::preload
