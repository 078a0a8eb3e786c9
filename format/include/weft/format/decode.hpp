// Payload decoders: one function per chunk record, the mirror of
// chunk_encoder.hpp. Each validates as it goes and throws format_error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weft/format/bytes.hpp"
#include "weft/format/trace.hpp"

namespace weft::format {

void decode_meta(ByteReader& r, TraceInfo& info);
std::vector<KindInfo> decode_kind_table(ByteReader& r);  // size kMaxKindCode + 1
ThreadInfo decode_thread(ByteReader& r);
ObjectInfo decode_object(ByteReader& r, NameStore& names);  // its name kept in `names`
SiteInfo decode_site(ByteReader& r);
ModuleInfo decode_module(ByteReader& r);
AddressRecord decode_address(ByteReader& r);
SharedKeyRecord decode_shared_key(ByteReader& r);
std::pair<std::uint64_t, std::uint64_t> decode_clock(ByteReader& r);  // ticks, monotonic ns
IndexEntry decode_index_entry(ByteReader& r);

struct EventChunkHeader {
  std::uint32_t thread = 0;
  std::uint32_t count = 0;
  std::uint64_t first_ticks = 0;
};
EventChunkHeader decode_event_chunk_header(ByteReader& r);

// Interns the texts of marks and logs: events refer to them by index.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string>& texts) : texts_(texts) {}
  std::uint64_t intern(std::string_view s);

 private:
  std::vector<std::string>& texts_;
  std::unordered_map<std::string, std::uint64_t> index_;
};

// A chunk's texts, in the order its events carry them, for a decoder that
// runs apart from the trace's TextTable (the parallel loader): a text
// event's arg is its index here until the loader interns the chunk's texts
// into the trace's table, chunk by chunk in file order, so the trace's
// texts come out exactly as a one-thread load interns them.
struct ChunkTexts {
  std::vector<std::string> texts;
  std::uint64_t intern(std::string_view s) {
    texts.emplace_back(s);
    return texts.size() - 1;
  }
};

// What ids the events of a chunk may refer to: those already defined.
struct IdLimits {
  std::size_t objects = 0;  // ids 1..objects-1 are defined
  std::size_t sites = 0;
};

// Decodes the events after the chunk header. Event::time_ns holds the raw
// clock ticks; the caller converts them (see TraceLoader).
void decode_events(ByteReader& r, const EventChunkHeader& h, const std::vector<KindInfo>& kinds,
                   const IdLimits& limits, TextTable& texts, std::vector<Event>& out);
// The same into `out[0, h.count)`, texts collected per chunk: what a worker
// of the parallel loader runs, touching nothing shared. `events` is the
// payload after the chunk header; `what` names it in error messages, as
// the ByteReader of the other form does. A well-formed chunk takes a fast
// path; anything it does not expect is decoded again by the checking one,
// so the events, and the error, are exactly the other form's.
void decode_events(std::span<const unsigned char> events, const std::string& what, const EventChunkHeader& h,
                   const std::vector<KindInfo>& kinds, const IdLimits& limits, ChunkTexts& texts, Event* out);

// Where a second decoding of a chunk's events has got to.
struct EventDecodePosition {
  std::size_t byte = 0;       // in the events (the payload after the chunk header)
  std::uint64_t ticks = 0;    // the last event's time: the chunk's first_ticks before the first
  std::uint32_t index = 0;    // events decoded
  std::uint64_t texts = 0;    // texts passed
};
// Decodes the `n` events after those `at` has passed into out[0, n), and
// moves `at` past them: a chunk decoded again a few events at a time,
// where it is read (the merge), instead of kept decoded. Only for a chunk
// the fast decoder (src/fast_decode.hpp) takes whole: anything else, or
// more events than the chunk holds, gives false. A text event's arg is
// its text's index among the chunk's, as ChunkTexts numbered them.
bool decode_events_again(std::span<const unsigned char> events, const EventChunkHeader& h,
                         const std::vector<KindInfo>& kinds, const IdLimits& limits, EventDecodePosition& at,
                         std::uint32_t n, Event* out);

}  // namespace weft::format
