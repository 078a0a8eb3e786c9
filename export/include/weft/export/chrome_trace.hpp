// Writes a weft trace in the Chrome Trace Event Format (the JSON object
// form, {"traceEvents": [...]}) that Perfetto UI and chrome://tracing open:
//
//   - a process named after the traced program, one track per thread
//     (metadata "M": process_name, thread_name, thread_sort_index), plus an
//     extra track under a thread when its spans cross (see slices.hpp);
//   - complete events "X" for every blocking wait ("wait lock lock_X") and
//     every lock hold ("hold lock_X"), and a one-nanosecond "X" on each event
//     a causal edge starts or ends at, which the flows attach to;
//   - flow events "s" -> "f" (binding to the enclosing slice) for each causal
//     edge: unlock -> acquire, notify -> wake, put -> get, create -> start, ...;
//   - instant events "i" for marks, logs, notifications and the runtime's
//     own notes on the thread, and for each finding of `weft check` (scope
//     process, at the event that completes its proof);
//   - counters "C" for queue depth and semaphore value.
//
// Timestamps are microseconds since the trace started, with three decimals:
// the nanoseconds survive exactly. The JSON is streamed: memory grows with
// the trace's slices, not with the text written.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "weft/format/trace.hpp"

namespace weft::exporter {

struct ChromeOptions {
  // Run every detector (as `weft check` does) and show the findings. The
  // race detector dominates the time on large traces; off skips it.
  bool findings = true;
};

// What was written, by phase ("M", "X", "s" + "f" pairs, "i", "C").
struct ChromeSummary {
  std::uint64_t trace_events = 0;  // everything in traceEvents
  std::uint64_t metadata = 0;
  std::uint64_t slices = 0;
  std::uint64_t flows = 0;         // pairs
  std::uint64_t instants = 0;
  std::uint64_t counters = 0;
  std::uint64_t findings = 0;
};

// Throws std::runtime_error if `out` fails.
ChromeSummary write_chrome_trace(const format::Trace& trace, std::ostream& out, const ChromeOptions& options = {});

}  // namespace weft::exporter
