#include "registry.hpp"

#include <unistd.h>

#include "tsan_invisible.hpp"
#include "weft/detail/registry.hpp"

namespace weft::detail {

std::string clip_name(std::string_view name) { return std::string(name.substr(0, kMaxNameBytes)); }

Registry::Registry() {
  // Id 0 means "none" for objects and "unknown" for sites; reserve the slots
  // so real ids start at 1. The writer skips both placeholders.
  objects_.append([](ObjectEntry&, std::uint32_t) {});
  sites_.append([](SiteEntry&, std::uint32_t) {});
  modules_.append([](ModuleEntry&, std::uint32_t) {});
}

Registry::NewThread Registry::add_thread(std::string_view name, std::uint64_t os_tid, std::uint32_t parent_plus1,
                                         std::uint8_t flags) {
  // Thread registrations are serialized by name_mutex_, so the id the entry
  // will get is known before it is appended, and the derived name
  // ("thread-3") can go into the thread's object, which must come first.
  const TsanInvisible invisible;  // see tsan_invisible.hpp
  std::lock_guard<std::mutex> names(name_mutex_);
  const auto next_id = threads_.size();
  const std::string final_name = name.empty() ? "thread-" + std::to_string(next_id) : clip_name(name);
  const std::uint32_t object = add_object(format::ObjectKind::Thread, final_name, 0,
                                          parent_plus1 ? parent_plus1 - 1 : 0, 0);
  const std::uint32_t id = threads_.append([&](ThreadEntry& t, std::uint32_t) {
    t.object = object;
    t.os_tid.store(os_tid, std::memory_order_relaxed);
    t.parent = parent_plus1;
    t.flags = flags;
    t.initial_name = final_name;
  });
  if (current_names_.size() <= id) current_names_.resize(id + 1);
  current_names_[id] = final_name;
  return {id, object};
}

std::uint32_t Registry::add_object(format::ObjectKind kind, std::string_view name, std::uint32_t site,
                                   std::uint32_t creator, std::uint64_t extra, std::uint64_t address,
                                   std::uint64_t shared_key) {
  return objects_.append([&](ObjectEntry& o, std::uint32_t id) {
    o.kind = kind;
    o.site = site;
    o.creator = creator;
    o.extra = extra;
    o.name = name.empty() ? std::string(format::object_kind_name(kind)) + "#" + std::to_string(id) : clip_name(name);
    o.address = address;
    // Unique in the run: no two live processes share a pid.
    o.shared_key = shared_key != kNewSharedKey ? shared_key : std::uint64_t(::getpid()) << 32 | id;
  });
}

std::uint32_t Registry::intern_site(const source_site& site) {
  if (site.line == 0 && (site.file == nullptr || *site.file == '\0')) return 0;
  const TsanInvisible invisible;
  std::lock_guard<std::mutex> lock(site_mutex_);
  const SiteKey key{site.file, site.function, site.line};
  if (auto it = site_ids_.find(key); it != site_ids_.end()) return it->second;
  // Copies, not pointers: the strings may live in a library unloaded later.
  const std::uint32_t id = sites_.append([&](SiteEntry& s, std::uint32_t) {
    s.file = clip_name(site.file ? site.file : "");
    s.function = clip_name(site.function ? site.function : "");
    s.line = site.line;
  });
  site_ids_.emplace(key, id);
  return id;
}

std::uint32_t Registry::intern_address_site(std::uint64_t return_address) {
  if (return_address == 0) return 0;
  const TsanInvisible invisible;
  std::lock_guard<std::mutex> lock(site_mutex_);
  if (auto it = address_site_ids_.find(return_address); it != address_site_ids_.end()) return it->second;
  const std::uint32_t id = sites_.append([&](SiteEntry& s, std::uint32_t) { s.address = return_address; });
  address_site_ids_.emplace(return_address, id);
  return id;
}

std::uint32_t Registry::add_module(ModuleEntry module) {
  const TsanInvisible invisible;
  module.path = clip_name(module.path);
  module.build_id = module.build_id.substr(0, 64);
  return modules_.append([&](ModuleEntry& m, std::uint32_t) { m = std::move(module); });
}

void Registry::reset_locks_in_child() noexcept {
  threads_.reset_lock_in_child();
  objects_.reset_lock_in_child();
  sites_.reset_lock_in_child();
  modules_.reset_lock_in_child();
  new (&site_mutex_) std::mutex();
  new (&name_mutex_) std::mutex();
}

void Registry::set_thread_name(std::uint32_t id, std::string_view name) {
  const TsanInvisible invisible;
  std::lock_guard<std::mutex> lock(name_mutex_);
  if (id < current_names_.size()) current_names_[id] = clip_name(name);
}

std::string Registry::thread_name(std::uint32_t id) {
  const TsanInvisible invisible;
  std::lock_guard<std::mutex> lock(name_mutex_);
  return id < current_names_.size() ? current_names_[id] : std::string();
}

}  // namespace weft::detail
