// How long the viewer takes to open a trace: weft::viewer::open_document
// (load, model, findings, statistics, lock graph, causal edges, timeline
// layout: everything computed before the first frame), timed in a process
// of its own so that weft-compare also gets its peak memory from wait4.
//
//   compare_viewer_open TRACE     prints `events=N ns=T`
#include <chrono>
#include <cstdio>
#include <exception>

#include "document.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "%s: usage: %s TRACE\n", argv[0], argv[0]);
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const auto doc = weft::viewer::open_document(argv[1]);
    const std::chrono::nanoseconds elapsed = std::chrono::steady_clock::now() - start;
    std::printf("events=%zu ns=%lld\n", doc->trace.events.size(), static_cast<long long>(elapsed.count()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
