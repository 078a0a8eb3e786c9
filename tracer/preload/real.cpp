#include "real.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace weft::preload {

next_functions next;

void* resolve_next(const char* name, const char* version) noexcept {
  void* f = version ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (f == nullptr) f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    // Nothing sensible can follow: every wrapper needs the function behind it.
    static const char prefix[] = "weft record: cannot find the C library's ";
    (void)!::write(2, prefix, sizeof prefix - 1);
    (void)!::write(2, name, std::strlen(name));
    (void)!::write(2, "\n", 1);
    std::abort();
  }
  return f;
}

}  // namespace weft::preload
