// Object registration and the sync-point hook: the parts of the primitives'
// support that are not on the hot path.
#include "runtime.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"

namespace weft::detail {

std::atomic<sync_hook> g_sync_hook{nullptr};

sync_hook set_sync_hook(sync_hook hook) noexcept { return g_sync_hook.exchange(hook, std::memory_order_acq_rel); }

std::uint32_t register_object(format::ObjectKind kind, std::string_view name, const source_site& site,
                              std::uint64_t extra) {
  ThreadBuffer* b = current_buffer();  // also starts the runtime
  Registry& registry = Runtime::get().registry();
  const std::uint32_t id = registry.add_object(kind, name, registry.intern_site(site), b->thread_id, extra);
  emit(static_cast<std::uint8_t>(format::EventKind::ObjectCreate), id, format::kNoSeq, 0, site);
  return id;
}

std::uint32_t register_shared_object(format::ObjectKind kind, std::string_view name, const source_site& site,
                                     std::uint64_t extra, std::uint64_t key) {
  ThreadBuffer* b = current_buffer();  // also starts the runtime
  Registry& registry = Runtime::get().registry();
  const std::uint32_t id = registry.add_object(kind, name, registry.intern_site(site), b->thread_id, extra, 0, key);
  emit(static_cast<std::uint8_t>(format::EventKind::ObjectCreate), id, format::kNoSeq, 0, site);
  return id;
}

std::uint64_t shared_key_of(std::uint32_t object) {
  auto& objects = Runtime::get().registry().objects();
  return object < objects.size() ? objects[object].shared_key : 0;
}

void unregister_object(std::uint32_t object, bool in_use, const source_site& site) {
  emit(static_cast<std::uint8_t>(format::EventKind::ObjectDestroy), object, format::kNoSeq, in_use ? 1 : 0, site);
}

namespace {
std::atomic<object_namer> g_object_namer{nullptr};
}  // namespace

void set_object_namer(object_namer namer) noexcept { g_object_namer.store(namer, std::memory_order_release); }

std::string object_name(std::uint32_t object) {
  Registry& registry = Runtime::get().registry();
  auto& objects = registry.objects();
  if (object >= objects.size()) return std::string();
  const ObjectEntry& o = objects[object];
  if (o.address != 0)
    if (const object_namer namer = g_object_namer.load(std::memory_order_acquire)) {
      auto& sites = registry.sites();
      const std::uint64_t first_use = o.site < sites.size() ? sites[o.site].address : 0;
      if (std::string named = namer(o.name, o.address, first_use); !named.empty()) return named;
    }
  return o.name;
}

}  // namespace weft::detail
