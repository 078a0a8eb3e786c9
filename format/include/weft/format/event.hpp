// One event as the reader hands it out: every field decoded, ids resolved
// to the trace's tables. Traces keep them compactly (event_store.hpp); this
// is the unpacked view a consumer reads.
#pragma once

#include <cstdint>

#include "weft/format/schema.hpp"

namespace weft::format {

struct Event {
  std::uint64_t time_ns = 0;   // since the trace started; for display only
  std::uint64_t seq = kNoSeq;  // per-object sequence, kNoSeq if none
  std::uint64_t arg = 0;       // kind-specific; for text kinds an index into Trace::texts
  std::uint32_t object = 0;    // 0: none
  std::uint32_t site = 0;      // 0: unknown
  std::uint32_t thread = 0;
  EventKind kind{};            // may be a code this build does not know
  std::uint8_t flags = 0;      // EventFlag

  bool operator==(const Event&) const = default;
};
static_assert(sizeof(Event) == 40, "the unpacked view; traces keep events in EventStore's blocks");

}  // namespace weft::format
