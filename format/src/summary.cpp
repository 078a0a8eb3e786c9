#include "weft/format/summary.hpp"

#include <vector>

#include "weft/format/bytes.hpp"
#include "weft/format/decode.hpp"
#include "weft/format/trace_file.hpp"

namespace weft::format {

TraceSummary summarize_trace(const std::string& path) {
  const TraceFile file(path);
  TraceSummary summary;
  summary.end = file.read_end();
  std::uint64_t counted = 0;
  for (const ChunkRef& ref : file.scan()) {
    if (ref.type == static_cast<std::uint32_t>(ChunkType::Thread)) {
      const std::vector<unsigned char> payload = file.read_payload(ref);
      ByteReader r(payload.data(), payload.size(), path + ": " + ref.describe());
      while (!r.empty()) {
        decode_thread(r);
        ++summary.threads;
      }
    } else if (ref.type == static_cast<std::uint32_t>(ChunkType::Events) && !summary.end) {
      // varint thread (at most 5 bytes), u32 count, u64 first ticks.
      const std::vector<unsigned char> head = file.read_payload_prefix(ref, 17);
      ByteReader r(head.data(), head.size(), path + ": " + ref.describe());
      r.varint_max("thread", UINT32_MAX);
      counted += r.u32("event count");
    }
  }
  if (summary.end) {
    summary.events = summary.end->events;
    summary.dropped = summary.end->dropped;
  } else {
    summary.events = counted;
  }
  return summary;
}

}  // namespace weft::format
