#include "sites.hpp"

#include <unwind.h>

#include "../src/runtime.hpp"
#include "modules.hpp"

namespace weft::preload {
namespace {

// The first return address on the stack that is in neither this library nor
// a runtime library; 0 if there is none (a thread's entry inside libc).
std::uintptr_t first_program_frame() noexcept {
  std::uintptr_t found = 0;
  _Unwind_Backtrace(
      [](_Unwind_Context* ctx, void* data) -> _Unwind_Reason_Code {
        const std::uintptr_t pc = _Unwind_GetIP(ctx);
        if (pc == 0) return _URC_END_OF_STACK;
        if (!in_runtime_library(pc)) {
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
  if (in_runtime_library(pc)) {
    // Not cached by this address: one libstdc++ return address serves every
    // caller of condition_variable::wait.
    const std::uintptr_t program_pc = first_program_frame();
    return program_pc ? intern(program_pc) : intern(pc);
  }
  const std::uint32_t id = intern(pc);
  t_site_cache[(pc >> 2 ^ pc >> 10) & (kSiteCacheSize - 1)] = {pc, id};
  return id;
}

}  // namespace weft::preload
