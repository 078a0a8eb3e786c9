// Where `weft check`'s time goes: reading the file into a trace
// (weft::format::load_trace: decode, convert times, merge the threads'
// streams into one order) and the detectors on the trace in memory
// (weft::analysis::check), each timed alone. In a process of its own, as
// `weft check` is, so the two add up to the command's work without its
// start-up and exit.
//
//   compare_check_stages TRACE     prints `events=N load_ns=A check_ns=B findings=F
//                                   loaded_kb=R load_peak_kb=P check_peak_kb=Q
//                                   load_cpu_ns=C check_cpu_ns=D`
//
// Memory, from the kernel's counts: loaded_kb is the resident set once the
// trace is loaded (the trace itself), load_peak_kb the peak while loading,
// check_peak_kb the peak by the end of the detectors. What the analysis
// needs beyond the trace is check_peak_kb - loaded_kb. The *_cpu_ns fields
// are the CPU time of each stage, all threads together.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>

#include "weft/analysis/check.hpp"
#include "weft/format/loader.hpp"

namespace {

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// CPU time of all the process's threads so far: on a loaded machine the
// wall-clock stages say more about the neighbours than about weft.
long long cpu_ns() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto ns = [](const timeval& t) { return static_cast<long long>(t.tv_sec) * 1'000'000'000 + t.tv_usec * 1000LL; };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

long current_rss_kb() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "%s: usage: %s TRACE\n", argv[0], argv[0]);
    return 2;
  }
  try {
    using clock = std::chrono::steady_clock;
    const long long cpu_start = cpu_ns();
    const auto start = clock::now();
    const weft::format::Trace trace = weft::format::load_trace(argv[1]);
    const auto loaded = clock::now();
    const long long cpu_loaded = cpu_ns();
    const long loaded_kb = current_rss_kb(), load_peak_kb = peak_rss_kb();
    const weft::analysis::Report report = weft::analysis::check(trace);
    const auto checked = clock::now();
    const long long cpu_checked = cpu_ns();
    std::printf(
        "events=%zu load_ns=%lld check_ns=%lld findings=%zu loaded_kb=%ld load_peak_kb=%ld check_peak_kb=%ld "
        "load_cpu_ns=%lld check_cpu_ns=%lld\n",
        trace.events.size(), static_cast<long long>(std::chrono::nanoseconds(loaded - start).count()),
        static_cast<long long>(std::chrono::nanoseconds(checked - loaded).count()), report.findings.size(), loaded_kb,
        load_peak_kb, peak_rss_kb(), cpu_loaded - cpu_start, cpu_checked - cpu_loaded);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
