// What weft's libFuzzer targets share: the scratch file an input is loaded
// from, loading with the reader's property checked, the custom mutator that
// repairs chunk checksums, and a UTF-8 check for the JSON they produce.
//
// Include it in exactly one translation unit per fuzz target: it defines
// LLVMFuzzerCustomMutator.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "trace_builder.hpp"  // tests/format: repair_checksums
#include "weft/format/loader.hpp"
#include "weft/format/trace.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace weft::fuzz {

// One scratch file per fuzzing process, on tmpfs when there is one. It is
// unlinked at once and read back through /proc/self/fd, so nothing is left
// behind however the process ends (crash, -runs, time limit).
inline const std::string& scratch_path(int* fd_out = nullptr) {
  static int fd = -1;
  static const std::string path = [] {
    for (const char* dir : {"/dev/shm", "/tmp"}) {
      std::string name = std::string(dir) + "/weft-fuzz-XXXXXX";
      fd = ::mkstemp(name.data());
      if (fd < 0) continue;
      ::unlink(name.c_str());
      return "/proc/self/fd/" + std::to_string(fd);
    }
    std::perror("mkstemp");
    std::abort();
  }();
  if (fd_out) *fd_out = fd;
  return path;
}

// Overwrites in place and trims, rather than truncating to 0 and appending:
// on ext4 the latter forces a writeback on every close (auto_da_alloc).
inline void write_scratch(const std::uint8_t* data, std::size_t size) {
  int fd = -1;
  scratch_path(&fd);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) std::abort();
}

// Stops the fuzzer on a broken property: libFuzzer keeps the input.
[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "weft fuzz: %s: [%.*s]\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// A format_error says what is wrong in one non-empty line.
// WEFT_FUZZ_LAX_MESSAGES=1 skips the one-line check, to look past a known
// message bug for other problems.
inline void check_message(const format::format_error& e) {
  static const bool lax = std::getenv("WEFT_FUZZ_LAX_MESSAGES") != nullptr;
  const std::string msg = e.what();
  if (msg.empty() || (!lax && msg.find('\n') != std::string::npos))
    fail("format_error message is not one non-empty line", msg);
}

// The input as a trace, as `weft check` and `weft export` load it, or
// nullopt when the reader refuses it (with a one-line format_error). Any
// other exception escapes and aborts the fuzzer. A file this small loads
// on one thread by default, a large one on every core: both loads run, and
// must give the same answer, as a file must not read one way on one
// machine and another way on the next: refused with the same message, or
// loaded with the same events and the same truncation.
// (tests/fuzz/regressions/parallel-load-past-torn-chunk.input once read as
// a torn end on one thread and as damage on two.)
inline std::optional<format::Trace> load(const std::uint8_t* data, std::size_t size) {
  write_scratch(data, size);
  std::optional<format::Trace> parallel;
  std::string parallel_error;
  try {
    parallel = format::load_trace_with(scratch_path(), format::LoadOptions{2});
  } catch (const format::format_error& e) {
    check_message(e);
    parallel_error = e.what();
  }
  try {
    format::Trace serial = format::load_trace_with(scratch_path(), format::LoadOptions{1});
    if (!parallel) fail("the parallel load refused what the one-thread load loaded", parallel_error);
    if (parallel->events.size() != serial.events.size())
      fail("the parallel load and the one-thread load disagree on the events",
           std::to_string(parallel->events.size()) + " against " + std::to_string(serial.events.size()));
    if (parallel->truncated != serial.truncated || parallel->warnings != serial.warnings)
      fail("the parallel load and the one-thread load disagree on the warnings", "");
    return serial;
  } catch (const format::format_error& e) {
    check_message(e);
    if (parallel) fail("the one-thread load refused what the parallel load loaded", e.what());
    if (parallel_error != e.what())
      fail("the parallel load and the one-thread load refuse for different reasons", parallel_error + " | " + e.what());
    return std::nullopt;
  }
}

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c == 0xe0) n = 2, lo = 0xa0;
    else if (c >= 0xe1 && c <= 0xec) n = 2;
    else if (c == 0xed) n = 2, hi = 0x9f;
    else if (c >= 0xee && c <= 0xef) n = 2;
    else if (c == 0xf0) n = 3, lo = 0x90;
    else if (c >= 0xf1 && c <= 0xf3) n = 3;
    else if (c == 0xf4) n = 3, hi = 0x8f;
    else return false;
    if (static_cast<std::size_t>(end - p) <= n) return n == 0;
    for (std::size_t i = 1; i <= n; ++i) {
      const unsigned char b = p[i];
      if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) return false;
    }
    p += n + 1;
  }
  return true;
}

// Product code that warns on stderr through stdio (json_text's "not valid
// UTF-8" note) would print a line per input. While one of these lives, the
// `stderr` stream goes to /dev/null; libFuzzer's own reports (it took its
// FILE* at start-up) and the sanitizers' (they write to fd 2) still show.
class QuietStderr {
 public:
  QuietStderr() {
    static std::FILE* null = std::fopen("/dev/null", "w");
    saved_ = stderr;
    if (null) stderr = null;
  }
  ~QuietStderr() { stderr = saved_; }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  std::FILE* saved_;
};

}  // namespace weft::fuzz

// libFuzzer's mutation, then (7 times in 8) the chunk checksums recomputed:
// checksums would stop almost every mutation at the first chunk; repaired,
// the damage reaches the decoders, the loader, the merge and what follows.
extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  size = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 8 != 0) weft::format::test::repair_checksums(std::span<unsigned char>(data, size));
  return size;
}
