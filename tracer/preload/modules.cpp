#include "modules.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <string_view>

#include "../src/cancellation_off.hpp"
#include "../src/runtime.hpp"
#include "state.hpp"
#include "symbol_table.hpp"
#include "weft/detail/runtime_note.hpp"

namespace weft::preload {
namespace {

struct known_module {
  std::uintptr_t base;  // load bias: also what identifies a module across scans
  std::uintptr_t low;
  std::uintptr_t high;
  bool runtime_library;
};

// Append-only, published by `count`: readers (every first sight of a
// return address) take no lock.
constexpr std::size_t kMaxModules = 1024;
std::array<known_module, kMaxModules> g_modules;
std::atomic<std::size_t> g_count{0};
std::mutex g_scan_mutex;

// A program module's standard-library wrapper functions, read from its file
// the first time an address in it needs them.
struct module_symbols {
  const char* path = nullptr;  // set before the module is published; never freed
  std::atomic<bool> loaded{false};
  std::atomic<const wrapper_ranges*> table{nullptr};
};
std::array<module_symbols, kMaxModules> g_symbols;
std::mutex g_symbols_mutex;

const wrapper_ranges* wrappers_of(std::size_t i) noexcept {
  module_symbols& s = g_symbols[i];
  if (s.loaded.load(std::memory_order_acquire)) return s.table.load(std::memory_order_relaxed);
  const detail::cancellation_off hold_off;  // reads the module's file: weft's reads, not the program's
  std::lock_guard<std::mutex> lock(g_symbols_mutex);
  if (!s.loaded.load(std::memory_order_relaxed)) {
    s.table.store(wrapper_ranges::load(s.path, g_modules[i].base), std::memory_order_relaxed);
    s.loaded.store(true, std::memory_order_release);
  }
  return s.table.load(std::memory_order_relaxed);
}

std::uintptr_t own_base() noexcept {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&scan_modules), &info) == 0) return 0;
  return reinterpret_cast<std::uintptr_t>(info.dli_fbase);
}

bool is_runtime_library(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (const char* prefix : {"libstdc++.so", "libc.so", "libgcc_s.so", "libpthread.so", "ld-linux", "libc++.so",
                             "libc++abi.so", "libtsan.so", "libasan.so", "libubsan.so"})
    if (name.starts_with(prefix)) return true;
  return false;
}

// Calls `f(name, desc, desc_size)` for every note in the module's PT_NOTE
// segments, as the loader mapped them.
template <class F>
void for_each_note(const dl_phdr_info* info, F&& f) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    const unsigned char* end = p + ph.p_memsz;
    const std::size_t align = ph.p_align == 8 ? 8 : 4;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) nh;
      std::memcpy(&nh, p, sizeof nh);
      const unsigned char* name = p + sizeof nh;
      const unsigned char* desc = name + ((nh.n_namesz + align - 1) & ~(align - 1));
      const unsigned char* next = desc + ((nh.n_descsz + align - 1) & ~(align - 1));
      if (next > end || desc > end) break;
      f(std::string_view(reinterpret_cast<const char*>(name), nh.n_namesz ? nh.n_namesz - 1 : 0), nh.n_type, desc,
        nh.n_descsz);
      p = next;
    }
  }
}

std::string executable_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, std::size_t(n)) : std::string();
}

int register_one(dl_phdr_info* info, std::size_t, void*) {
  std::uintptr_t low = UINTPTR_MAX, high = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    low = std::min<std::uintptr_t>(low, info->dlpi_addr + ph.p_vaddr);
    high = std::max<std::uintptr_t>(high, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
  }
  if (low >= high) return 0;
  const std::size_t n = g_count.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < n; ++i)
    if (g_modules[i].base == info->dlpi_addr && g_modules[i].low == low) return 0;  // known
  if (n == kMaxModules) return 1;

  std::string path = info->dlpi_name ? info->dlpi_name : "";
  if (path.empty()) path = executable_path();  // the main program has no name here
  const bool runtime = is_runtime_library(path) || info->dlpi_addr == own_base();
  g_modules[n] = {info->dlpi_addr, low, high, runtime};
  // The vDSO has no file to read symbols from.
  const bool has_file = !path.empty() && !path.starts_with("linux-vdso") && !path.starts_with("linux-gate");
  if (has_file && !runtime) g_symbols[n].path = ::strdup(path.c_str());
  g_count.store(n + 1, std::memory_order_release);

  // Every module with a file goes in the trace, with its build id, so the
  // reader can tell a rebuilt file.
  if (!has_file) return 0;
  detail::ModuleEntry entry;
  entry.base = info->dlpi_addr;
  entry.low = low;
  entry.high = high;
  entry.path = std::move(path);
  for_each_note(info, [&](std::string_view name, std::uint32_t type, const unsigned char* desc, std::size_t size) {
    if (name == "GNU" && type == NT_GNU_BUILD_ID) entry.build_id.assign(reinterpret_cast<const char*>(desc), size);
  });
  detail::Runtime::get().registry().add_module(std::move(entry));
  return 0;
}

template <class F>
bool any_module(F&& pred, std::uintptr_t pc) noexcept {
  const std::size_t n = g_count.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i)
    if (pc >= g_modules[i].low && pc < g_modules[i].high) return pred(g_modules[i]);
  return false;
}

}  // namespace

void reset_module_lock_in_child() noexcept {
  new (&g_scan_mutex) std::mutex();
  new (&g_symbols_mutex) std::mutex();
}

void scan_modules() noexcept {
  const detail::cancellation_off hold_off;
  std::lock_guard<std::mutex> lock(g_scan_mutex);
  dl_iterate_phdr(register_one, nullptr);
}

bool in_known_module(std::uintptr_t pc) noexcept {
  return any_module([](const known_module&) { return true; }, pc);
}

bool in_this_library(std::uintptr_t pc) noexcept {
  Dl_info info{};
  return dladdr(reinterpret_cast<void*>(pc), &info) != 0 && reinterpret_cast<std::uintptr_t>(info.dli_fbase) == own_base();
}

bool in_runtime_library(std::uintptr_t pc) noexcept {
  return any_module([](const known_module& m) { return m.runtime_library; }, pc);
}

bool in_wrapper_function(std::uintptr_t pc) noexcept {
  const std::size_t n = g_count.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) {
    if (pc < g_modules[i].low || pc >= g_modules[i].high) continue;
    if (g_modules[i].runtime_library) return false;
    const wrapper_ranges* table = wrappers_of(i);
    return table != nullptr && table->contains(pc);
  }
  return false;
}

bool symbol_in_program(std::uintptr_t address, unsigned type, std::string& name, std::uint64_t& offset) noexcept {
  const std::size_t n = g_count.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) {
    if (address < g_modules[i].low || address >= g_modules[i].high) continue;
    if (g_modules[i].runtime_library || g_symbols[i].path == nullptr) return false;
    const detail::cancellation_off hold_off;  // reads the module's file: weft's reads, not the program's
    return symbol_in_file(g_symbols[i].path, g_modules[i].base, address, type, name, offset);
  }
  return false;
}

bool program_has_weft_runtime() noexcept {
  struct search {
    std::uintptr_t self;
    bool found = false;
  } s{own_base()};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto& state = *static_cast<search*>(data);
        if (info->dlpi_addr == state.self) return 0;
        for_each_note(info, [&](std::string_view name, std::uint32_t type, const unsigned char*, std::size_t) {
          if (name == "weft" && type == detail::kRuntimeNoteType) state.found = true;
        });
        return state.found ? 1 : 0;
      },
      &s);
  return s.found;
}

}  // namespace weft::preload
