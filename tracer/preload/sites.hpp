// A wrapper's site: the return address of its caller, interned once per
// address as a site the reader symbolizes (file:line function).
//
// A call that comes from inside the C++ or C runtime (the wait inside
// std::condition_variable::wait, the pthread_create inside std::thread) is
// attributed to the first frame outside those libraries, so the user sees
// their own line. That takes an unwind, done only for such calls; the
// common case, a return address in the program itself (std::mutex::lock is
// inlined into the caller), is a look-up in a small per-thread cache.
#pragma once

#include <cstdint>

namespace weft::preload {

struct cached_site {
  std::uintptr_t address = 0;
  std::uint32_t id = 0;
};
inline constexpr unsigned kSiteCacheSize = 256;
extern constinit thread_local cached_site t_site_cache[kSiteCacheSize] __attribute__((tls_model("initial-exec")));

std::uint32_t site_of_slow(std::uintptr_t pc) noexcept;

inline std::uint32_t site_of(const void* return_address) noexcept {
  const auto pc = reinterpret_cast<std::uintptr_t>(return_address);
  const cached_site& c = t_site_cache[(pc >> 2 ^ pc >> 10) & (kSiteCacheSize - 1)];
  if (__builtin_expect(c.address == pc && pc != 0, 1)) return c.id;
  return site_of_slow(pc);
}

}  // namespace weft::preload
