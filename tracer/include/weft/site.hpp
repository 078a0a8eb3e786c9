// Where an operation was called from. Every weft operation takes a
// `source_site` as its last, defaulted argument, so the caller's file, line
// and function are captured without macros. (`std::source_location` would do
// the same, but does not build with clang 14; the builtins do, in both
// compilers.)
#pragma once

namespace weft {

struct source_site {
  const char* file = "";
  const char* function = "";
  unsigned line = 0;

  static constexpr source_site current(const char* file = __builtin_FILE(),
                                       const char* function = __builtin_FUNCTION(),
                                       unsigned line = __builtin_LINE()) noexcept {
    return {file, function, line};
  }
};

}  // namespace weft
