// Whether a source file is a header of the C++ standard library, the C
// library or the compiler: code a program calls but whose lines are not the
// program's own. The symbolizer looks past such lines to the user's line an
// inlined std::lock_guard or std::thread was called from; the detectors say
// so when a site is still in one (std code that was not inlined).
#pragma once

#include <string_view>

namespace weft::format {

// A path (as debug info names it) of
// - libstdc++'s or libc++'s headers: ".../include/c++/..." (bits/std_mutex.h,
//   std_thread.h, mutex, ...);
// - the system headers under /usr/include: glibc's (pthread.h's inline
//   wrappers, bits/...) and libstdc++'s target headers
//   (/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h), also under a
//   sysroot;
// - GCC's own headers (/usr/lib/gcc/<target>/<version>/include/...);
// - or named gthr*.h (gthr-default.h, gthr-posix.h: libstdc++'s thread layer
//   over pthreads), wherever it lives.
// Purely textual: a project whose own sources live under a directory named
// like these would be taken for the system.
inline bool is_standard_library_file(std::string_view path) {
  constexpr std::string_view kDirectories[] = {"/include/c++/", "/usr/include/", "/usr/lib/gcc/"};
  for (const std::string_view dir : kDirectories)
    if (path.find(dir) != std::string_view::npos) return true;
  std::string_view name = path;
  if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return name.starts_with("gthr") && name.ends_with(".h");
}

}  // namespace weft::format
