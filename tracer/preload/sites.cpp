#include "sites.hpp"

#include <unwind.h>

#include <atomic>

#include "../src/cancellation_off.hpp"
#include "../src/runtime.hpp"
#include "modules.hpp"
#include "state.hpp"

namespace weft::preload {
namespace {

// The return addresses seen inside standard-library wrapper functions of a
// program module (std::mutex::lock built at -O0), so that the next call from
// one skips the symbol look-up. Open addressing, insert-only, lock-free; a
// full neighbourhood only costs the look-up again.
constexpr std::size_t kWrapperSlots = 1024;
constexpr std::size_t kWrapperProbes = 16;
std::atomic<std::uintptr_t> g_wrapper_pcs[kWrapperSlots];

std::size_t wrapper_slot(std::uintptr_t pc) noexcept { return (pc >> 2 ^ pc >> 12) & (kWrapperSlots - 1); }

bool known_wrapper_pc(std::uintptr_t pc) noexcept {
  for (std::size_t i = 0, slot = wrapper_slot(pc); i < kWrapperProbes; ++i, slot = (slot + 1) & (kWrapperSlots - 1)) {
    const std::uintptr_t v = g_wrapper_pcs[slot].load(std::memory_order_relaxed);
    if (v == pc) return true;
    if (v == 0) return false;
  }
  return false;
}

void remember_wrapper_pc(std::uintptr_t pc) noexcept {
  for (std::size_t i = 0, slot = wrapper_slot(pc); i < kWrapperProbes; ++i, slot = (slot + 1) & (kWrapperSlots - 1)) {
    std::uintptr_t expected = 0;
    if (g_wrapper_pcs[slot].compare_exchange_strong(expected, pc, std::memory_order_relaxed) || expected == pc) return;
  }
}

// Whether the return address `pc` lies inside a standard-library function
// of a program module. pc - 1: the call instruction, which is inside the
// caller even when the call is the caller's last instruction.
bool in_wrapper(std::uintptr_t pc) noexcept {
  if (known_wrapper_pc(pc)) return true;
  if (!in_wrapper_function(pc - 1)) return false;
  remember_wrapper_pc(pc);
  return true;
}

// A frame whose call is made on the program's behalf, not by its own code.
bool on_behalf(std::uintptr_t pc) noexcept { return in_runtime_library(pc) || in_wrapper(pc); }

// The first return address on the stack that is in neither this library, a
// runtime library nor a standard-library function of the program's; 0 if
// there is none (a thread's entry inside libc).
std::uintptr_t first_program_frame() noexcept {
  std::uintptr_t found = 0;
  _Unwind_Backtrace(
      [](_Unwind_Context* ctx, void* data) -> _Unwind_Reason_Code {
        const std::uintptr_t pc = _Unwind_GetIP(ctx);
        if (pc == 0) return _URC_END_OF_STACK;
        if (!on_behalf(pc)) {
          *static_cast<std::uintptr_t*>(data) = pc;
          return _URC_END_OF_STACK;
        }
        return _URC_NO_REASON;
      },
      &found);
  return found;
}

std::uint32_t intern(std::uintptr_t pc) noexcept {
  if (!in_known_module(pc)) scan_modules();  // a library loaded since start-up
  return detail::Runtime::get().registry().intern_address_site(pc);
}

}  // namespace

constinit thread_local cached_site t_site_cache[kSiteCacheSize];

std::uint32_t site_of_slow(std::uintptr_t pc) noexcept {
  // The look-ups below take std::mutexes: not the program's; and they read
  // modules' files, whose reads are no cancellation points of the program's.
  const busy_scope busy;
  const detail::cancellation_off hold_off;
  if (pc != 0 && !in_known_module(pc)) scan_modules();  // a library loaded since start-up
  if (pc != 0 && on_behalf(pc)) {
    // Not cached by this address: one libstdc++ return address serves every
    // caller of condition_variable::wait, one std::mutex::lock built at -O0
    // every lock of the program.
    const std::uintptr_t program_pc = first_program_frame();
    return program_pc ? intern(program_pc) : intern(pc);
  }
  const std::uint32_t id = intern(pc);
  t_site_cache[(pc >> 2 ^ pc >> 10) & (kSiteCacheSize - 1)] = {pc, id};
  return id;
}

}  // namespace weft::preload
