// What a trace holds, in numbers, without loading it: for the line `weft
// record` prints after a run (traces can be gigabytes; this reads the END
// record, the chunk headers, the thread chunks and the first bytes of each
// event chunk, never an event).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "weft/format/records.hpp"

namespace weft::format {

struct TraceSummary {
  std::uint64_t events = 0;   // from the END record; without one, the event chunks' counts
  std::uint64_t threads = 0;  // thread records
  std::uint64_t dropped = 0;  // events lost to full buffers (END record only)
  std::optional<EndRecord> end;  // nullopt: the program did not finish the trace
  bool complete() const { return end.has_value(); }
};

// Throws format_error if the file is not a readable weft trace. A truncated
// file is summarized up to its last complete chunk.
TraceSummary summarize_trace(const std::string& path);

}  // namespace weft::format
