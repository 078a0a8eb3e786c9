// One workload, timed, one line out: the child that weft-compare runs, built
// four times from this file. The compile definition picks the primitives:
//   compare_std    std::mutex & co.                    (no definition)
//   compare_weft   weft's primitives, tracing to TRACE  (WEFT_COMPARE_WEFT)
//   compare_clock  std's, with a clock read per event   (WEFT_COMPARE_CLOCK;
//                  uncontended only, clock_primitives.hpp)
//   compare_tsan   compare_std under -fsanitize=thread  (flags only)
// Helgrind's figures come from compare_std run under valgrind.
//
//   compare_X WORKLOAD OPS [TRACE]      (TRACE: compare_weft only)
//
// Prints `workload=NAME ops=N ns=T` (T: the workload alone, see
// workloads.hpp) and exits 0; a workload whose result does not check out
// exits 1; bad arguments exit 2 with one line on stderr.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#if defined(WEFT_COMPARE_WEFT)
#include "weft_primitives.hpp"
using primitives = weft::compare::weft_primitives;
#elif defined(WEFT_COMPARE_CLOCK)
#include "clock_primitives.hpp"
using primitives = weft::compare::clock_primitives;
#else
#include "std_primitives.hpp"
using primitives = weft::compare::std_primitives;
#endif
#include "workloads.hpp"

namespace {

constexpr int kExitUsage = 2;
#if defined(WEFT_COMPARE_WEFT)
constexpr int kMaxArgs = 4;
constexpr const char* kUsageArgs = "WORKLOAD OPS [TRACE]";
#else
constexpr int kMaxArgs = 3;
constexpr const char* kUsageArgs = "WORKLOAD OPS";
#endif

int usage(const char* program, const std::string& why) {
  std::fprintf(stderr, "%s: %s (usage: %s %s)\n", program, why.c_str(), program, kUsageArgs);
  return kExitUsage;
}

// A positive decimal count, digits only (strtoull alone takes "-1" and " 7").
bool parse_ops(const char* text, std::uint64_t& out) {
  if (!*text) return false;
  for (const char* c = text; *c; ++c)
    if (*c < '0' || *c > '9') return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && *end == '\0' && out > 0;
}

std::string workload_names() {
  std::string names;
  for (const auto& w : weft::compare::kWorkloads) names += (names.empty() ? "" : ", ") + std::string(w.name);
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  const char* program = argc > 0 ? argv[0] : "compare";
  if (argc < 3 || argc > kMaxArgs) return usage(program, argc > kMaxArgs ? "too many arguments" : "missing arguments");
  const std::string_view name = argv[1];
  std::uint64_t ops = 0;
  if (!parse_ops(argv[2], ops)) return usage(program, "OPS must be a positive whole number, not '" + std::string(argv[2]) + "'");
  bool known = false;
  for (const auto& w : weft::compare::kWorkloads) known = known || w.name == name;
  // Checked before anything touches the tracer, so a typo leaves no trace file.
  if (!known) return usage(program, "unknown workload '" + std::string(name) + "' (one of " + workload_names() + ")");
#if defined(WEFT_COMPARE_CLOCK)
  if (!primitives::models(name))
    return usage(program, "the clock floor models uncontended only, not '" + std::string(name) + "'");
#endif

#if defined(WEFT_COMPARE_WEFT)
  // Before the workload, so that the tracer's start (writer thread, file)
  // is not timed: trace_to starts it, and so does asking whether it is on.
  try {
    if (argc == 4) weft::trace_to(argv[3]);
    if (!weft::tracing_enabled()) std::fprintf(stderr, "%s: tracing is off (WEFT_TRACE): nothing is recorded\n", program);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  }
#endif

  weft::compare::outcome result;
  weft::compare::run_workload<primitives>(name, ops, result);

#if defined(WEFT_COMPARE_WEFT)
  weft::flush();  // the trace is complete on disk before the runner reads it
#endif
  if (!result.problem.empty()) {
    std::fprintf(stderr, "%s: %.*s: %s\n", program, static_cast<int>(name.size()), name.data(), result.problem.c_str());
    return 1;
  }
  std::printf("workload=%.*s ops=%llu ns=%lld\n", static_cast<int>(name.size()), name.data(),
              static_cast<unsigned long long>(result.ops), static_cast<long long>(result.elapsed.count()));
  return 0;
}
