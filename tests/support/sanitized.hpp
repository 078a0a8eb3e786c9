// Whether the tests run under a sanitizer, and how much of a long sweep they
// then walk.
//
// Under ThreadSanitizer or AddressSanitizer each memory access costs five
// to twenty times as much, and every process it starts more again. What the
// sanitizer adds to a sweep over thousands of inputs (every cut of a file,
// every damaged field, every replay cursor) is its word on the memory and
// the threads of the code under test, which a sample of the inputs gives as
// well as all of them; the verdicts on each input are the normal and clang
// builds' job, which walk every one. So a sanitized build walks a sample,
// about one input in kSanitizedStride, and each sweep says which.
//
// WEFT_TSAN_BUILD and WEFT_ASAN_BUILD are defined for the whole build by
// cmake/WeftCompileOptions.cmake, and only in the sanitizer's build.
#pragma once

#include <cstddef>

namespace weft::test {

#if defined(WEFT_TSAN_BUILD) || defined(WEFT_ASAN_BUILD)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

#if defined(WEFT_TSAN_BUILD)
inline constexpr bool kTsan = true;
#else
inline constexpr bool kTsan = false;
#endif

inline constexpr std::size_t kSanitizedStride = 4;

}  // namespace weft::test
