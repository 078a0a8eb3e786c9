// Writes a weft trace in Perfetto's own protobuf trace format (a `Trace`:
// length-delimited TracePackets), which Perfetto UI and trace_processor
// open, and which is several times smaller than the Chrome JSON
// (chrome_trace.hpp) of the same trace. It shows the same things:
//
//   - a process track named after the traced program and one thread track
//     per thread (and per extra lane of a thread whose spans cross), with
//     the Chrome export's pid, tids and names;
//   - slices for every blocking wait, lock hold and causal "tick", named as
//     in the Chrome export, with their category and source location;
//   - the causal arrows as flows: each tick carries the ids of the edges
//     leaving it (flow_ids) and arriving at it (terminating_flow_ids); the
//     id is the edge's position + 1, as in the Chrome export;
//   - instants for marks, logs, notifications, the trace's anomalies, and
//     the findings (on the process track);
//   - one counter track per object and series, named as Perfetto names the
//     Chrome export's ("queue urls depth").
//
// Details the Chrome export gives every slice are kept where they are cheap:
// a hold carries its acquiring site but not its event index or release
// site, so that a hold costs about 37 bytes (its begin and end packets).
// Timestamps are exact nanoseconds since the trace started.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "weft/format/trace.hpp"

namespace weft::exporter {

struct PerfettoOptions {
  // Run every detector (as `weft check` does) and show the findings.
  bool findings = true;
};

// What was written.
struct PerfettoSummary {
  std::uint64_t packets = 0;  // TracePackets, all kinds
  std::uint64_t bytes = 0;
  std::uint64_t tracks = 0;   // descriptors: the process, threads and lanes, counters
  std::uint64_t slices = 0;
  std::uint64_t flows = 0;    // arrows (each has two ends)
  std::uint64_t instants = 0;
  std::uint64_t counters = 0;  // counter values
  std::uint64_t findings = 0;
};

// Throws std::runtime_error if `out` fails.
PerfettoSummary write_perfetto_trace(const format::Trace& trace, std::ostream& out,
                                     const PerfettoOptions& options = {});

}  // namespace weft::exporter
