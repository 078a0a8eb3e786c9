#include "tsan_reports.hpp"

#if defined(WEFT_TSAN_BUILD)

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "weft/detail/event_buffer.hpp"
#include "weft/format/schema.hpp"

// ThreadSanitizer's report API (compiler-rt's tsan_interface.h; GCC 12's
// libtsan exports it). __tsan_on_report is a weak no-op in libtsan that a
// program may define: TSan calls it once per report it prints.
extern "C" {
int __tsan_get_report_data(void* report, const char** description, int* count, int* stack_count, int* mop_count,
                           int* loc_count, int* mutex_count, int* thread_count, int* unique_tid_count,
                           void** sleep_trace, unsigned long trace_size);
int __tsan_get_report_stack(void* report, unsigned long idx, void** trace, unsigned long trace_size);
int __tsan_get_report_mop(void* report, unsigned long idx, int* tid, void** addr, int* size, int* write, int* atomic,
                          void** trace, unsigned long trace_size);
int __tsan_get_report_mutex(void* report, unsigned long idx, unsigned long* mutex_id, void** addr, int* destroyed,
                            void** trace, unsigned long trace_size);
int __tsan_get_report_thread(void* report, unsigned long idx, int* tid, std::uint64_t* os_id, int* running,
                             const char** name, int* parent_tid, void** trace, unsigned long trace_size);
void __sanitizer_symbolize_pc(void* pc, const char* fmt, char* out_buf, std::size_t out_buf_size);
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
void __tsan_on_report(void* report);
}

// weft's processes fork a program that has threads of weft's own (writer,
// watchdog), and the child starts its own writer and watchdog: TSan by
// default kills such a child ("starting new threads after multi-threaded
// fork is not supported"). TSan takes its locks around fork() itself, and
// the child's first act is weft's; so weft's default is to let it live.
// Weak: a program's own __tsan_default_options wins, and TSAN_OPTIONS
// still overrides either.
extern "C" __attribute__((weak, visibility("default"))) const char* __tsan_default_options() {
  return "die_after_fork=0";
}

namespace {

// Top frames kept per stack: past the interceptor, <mutex> and weft's own
// wrappers to the line of the program that made the call.
constexpr unsigned long kFrames = 8;
// A frame's function name is cut to its first kFunctionHead and last
// kFunctionTail characters past kFunctionChars (see put_frames): eight
// frames of two stacks then take at most about 3.3 KB of the report's 4
// (with paths of 80 characters).
constexpr std::size_t kFunctionChars = 120;
constexpr std::size_t kFunctionHead = 88;
constexpr std::size_t kFunctionTail = 28;

// A report's text, built on the stack, never on the heap: TSan reports a
// race on memory being freed from inside free() itself, and a malloc or a
// free of the hook's there fails TSan's own check (is_freeing) and kills
// the program instead of reporting. One byte past the most a text event
// holds, so that a longer report is still marked truncated.
class ReportText {
 public:
  void put(char c) {
    if (size_ < sizeof buf_) buf_[size_++] = c;
  }
  void put(const char* s) {
    for (; s && *s; ++s) put(*s);
  }
  void put_number(unsigned long long v) {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%llu", v);
    put(digits);
  }
  void put_number(int v) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%d", v);
    put(digits);
  }
  void put_escaped(const char* s) {
    put('"');
    if (s) put_escaped_chars(s, std::strlen(s));
    put('"');
  }
  // The first `n` characters of `s`, escaped for a JSON string.
  void put_escaped_chars(const char* s, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') {
        put('\\');
        put(static_cast<char>(c));
      } else if (c < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        put(escaped);
      } else {
        put(static_cast<char>(c));
      }
    }
  }
  void put_address(const void* p) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "\"0x%" PRIxPTR "\"", reinterpret_cast<std::uintptr_t>(p));
    put(hex);
  }
  // "function file:line" for each of the top frames, symbolized by TSan's
  // own symbolizer (the same names its printed report shows). A function
  // name longer than kFunctionChars keeps its head and its tail: a
  // template's or a lambda's name runs to hundreds of characters, and two
  // stacks of eight such frames overflowed the text a report is kept in
  // whole, which the reader could then not parse. The file and line, which
  // the reader places the report by, are kept whole.
  void put_frames(void* const* trace) {
    put('[');
    for (unsigned long i = 0; i < kFrames && trace[i]; ++i) {
      char function[512], where[512];
      __sanitizer_symbolize_pc(trace[i], "%f", function, sizeof function);
      __sanitizer_symbolize_pc(trace[i], "%s:%l", where, sizeof where);
      if (i) put(',');
      put('"');
      const std::size_t n = std::strlen(function);
      if (n <= kFunctionChars) {
        put_escaped_chars(function, n);
      } else {
        put_escaped_chars(function, kFunctionHead);
        put("...");
        put_escaped_chars(function + n - kFunctionTail, kFunctionTail);
      }
      put(' ');
      put_escaped_chars(where, std::strlen(where));
      put('"');
    }
    put(']');
  }
  std::string_view view() const { return {buf_, size_}; }

 private:
  char buf_[weft::detail::kMaxTextBytes + 1];
  std::size_t size_ = 0;
};

// The report as JSON into `out`; false if TSan gave no report data.
bool describe(void* report, ReportText& out) {
  const char* type = nullptr;
  int count = 0, stacks = 0, mops = 0, locs = 0, mutexes = 0, threads = 0, unique_tids = 0;
  void* sleep_trace[kFrames + 1] = {};
  if (!__tsan_get_report_data(report, &type, &count, &stacks, &mops, &locs, &mutexes, &threads, &unique_tids,
                              sleep_trace, kFrames))
    return false;
  out.put("{\"type\":");
  out.put_escaped(type);
  out.put(",\"mops\":[");
  for (int i = 0; i < mops; ++i) {
    int tid = 0, size = 0, write = 0, atomic = 0;
    void* addr = nullptr;
    void* trace[kFrames + 1] = {};
    __tsan_get_report_mop(report, static_cast<unsigned long>(i), &tid, &addr, &size, &write, &atomic, trace, kFrames);
    if (i) out.put(',');
    out.put("{\"tid\":");
    out.put_number(tid);
    out.put(",\"write\":");
    out.put(write ? "true" : "false");
    out.put(",\"size\":");
    out.put_number(size);
    out.put(",\"atomic\":");
    out.put(atomic ? "true" : "false");
    out.put(",\"addr\":");
    out.put_address(addr);
    out.put(",\"frames\":");
    out.put_frames(trace);
    out.put('}');
  }
  out.put("],\"mutexes\":[");
  for (int i = 0; i < mutexes; ++i) {
    unsigned long id = 0;
    void* addr = nullptr;
    int destroyed = 0;
    void* trace[kFrames + 1] = {};
    __tsan_get_report_mutex(report, static_cast<unsigned long>(i), &id, &addr, &destroyed, trace, kFrames);
    if (i) out.put(',');
    out.put("{\"id\":");
    out.put_number(static_cast<unsigned long long>(id));
    out.put(",\"addr\":");
    out.put_address(addr);
    out.put(",\"frames\":");
    out.put_frames(trace);
    out.put('}');
  }
  out.put("],\"threads\":[");
  for (int i = 0; i < threads; ++i) {
    int tid = 0, running = 0, parent = 0;
    std::uint64_t os_id = 0;
    const char* name = nullptr;
    void* trace[kFrames + 1] = {};
    __tsan_get_report_thread(report, static_cast<unsigned long>(i), &tid, &os_id, &running, &name, &parent, trace,
                             kFrames);
    if (i) out.put(',');
    out.put("{\"tid\":");
    out.put_number(tid);
    out.put(",\"os_tid\":");
    out.put_number(static_cast<unsigned long long>(os_id));
    out.put(",\"name\":");
    out.put_escaped(name ? name : "");
    out.put('}');
  }
  out.put("],\"stack\":");
  void* trace[kFrames + 1] = {};
  if (stacks > 0) __tsan_get_report_stack(report, 0, trace, kFrames);
  out.put_frames(trace);
  out.put('}');
  return true;
}

}  // namespace

// TSan calls this while it holds its own locks (its thread registry among
// them), so the hook must neither block nor make TSan report again: it
// records only on a thread that already has its ring (attaching a thread
// takes weft's registry lock, which another thread may hold while it waits
// for TSan), once at a time per thread, and with TSan ignoring its memory
// accesses. A report on a thread weft does not trace (the writer, the
// watchdog) is printed by TSan but not recorded: the `tsan` tests count
// those and fail, since such a report is about weft itself.
extern "C" void __tsan_on_report(void* report) {
  static thread_local bool inside = false;
  if (inside || weft::detail::t_buffer == nullptr) return;
  inside = true;
  __tsan_ignore_thread_begin();
  ReportText text;  // on the stack: no heap in here (ReportText)
  if (describe(report, text))
    weft::detail::emit_text(static_cast<std::uint8_t>(weft::format::EventKind::TsanReport), 0, text.view(),
                            weft::source_site{});
  __tsan_ignore_thread_end();
  inside = false;
}

namespace weft::detail {
void install_tsan_report_hook() noexcept {
  // Defining __tsan_on_report above is the installation; this function
  // only ties the object file into the program.
}
}  // namespace weft::detail

#else

namespace weft::detail {
void install_tsan_report_hook() noexcept {}
}  // namespace weft::detail

#endif
