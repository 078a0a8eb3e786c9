// Where `weft check`'s time goes: reading the file into a trace
// (weft::format::load_trace: decode, convert times, merge the threads'
// streams into one order) and the detectors on the trace in memory
// (weft::analysis::check), each timed alone. In a process of its own, as
// `weft check` is, so the two add up to the command's work without its
// start-up and exit.
//
//   compare_check_stages TRACE     prints `events=N load_ns=A check_ns=B findings=F`
#include <chrono>
#include <cstdio>
#include <exception>

#include "weft/analysis/check.hpp"
#include "weft/format/loader.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "%s: usage: %s TRACE\n", argv[0], argv[0]);
    return 2;
  }
  try {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const weft::format::Trace trace = weft::format::load_trace(argv[1]);
    const auto loaded = clock::now();
    const weft::analysis::Report report = weft::analysis::check(trace);
    const auto checked = clock::now();
    std::printf("events=%zu load_ns=%lld check_ns=%lld findings=%zu\n", trace.events.size(),
                static_cast<long long>(std::chrono::nanoseconds(loaded - start).count()),
                static_cast<long long>(std::chrono::nanoseconds(checked - loaded).count()), report.findings.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
