// How big events are on disk. Traces hold tens of millions of events, and
// the runtime writes them from its hot-path buffers, so the budget is part of
// the format's contract: a typical event in 16 bytes or less.
#include <catch2/catch.hpp>

#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

// Bytes one event adds to an EVTS chunk, following `previous`.
std::size_t encoded_size(const EventRecord& previous, const EventRecord& e) {
  std::vector<unsigned char> buf(4096);
  ChunkEncoder chunk(buf.data(), buf.size());
  EventChunkEncoder enc(chunk);
  enc.begin(0);
  REQUIRE(enc.add(previous));
  const std::size_t before = chunk.payload().size();
  REQUIRE(enc.add(e));
  return chunk.payload().size() - before;
}

}  // namespace

TEST_CASE("a typical mutex.acquired event encodes in at most 16 bytes", "[size]") {
  // Object 300, sequence 100000, site 500, 400 ticks after the previous
  // event: larger ids than most programs have.
  const EventRecord prev = ev(EventKind::MutexReleased, 1'000'000, 300, 99'999, 0, 500);
  const EventRecord acquired = ev(EventKind::MutexAcquired, 1'000'400, 300, 100'000, 1, 500);
  const std::size_t n = encoded_size(prev, acquired);
  CHECK(n <= 16);
  // kind 1 + delta 2 (zigzag 800) + object 2 + seq+1 3 + site 2 + arg 1.
  CHECK(n == 11);
}

TEST_CASE("optional fields cost nothing when absent", "[size]") {
  const EventRecord prev = ev(EventKind::Mark, 100);
  // No flags: no flags byte. Flags: exactly one more byte.
  const std::size_t plain = encoded_size(prev, ev(EventKind::MutexAcquired, 110, 2, 5, 1, 3));
  const std::size_t flagged = encoded_size(prev, ev(EventKind::MutexAcquired, 110, 2, 5, 1, 3, kFlagContended));
  CHECK(flagged == plain + 1);
  // A lock.begin carries only kind, delta, object and site.
  CHECK(encoded_size(prev, ev(EventKind::MutexLockBegin, 110, 2, kNoSeq, 0, 3)) == 4);
  // "No sequence number" is one byte (0), like a small one.
  CHECK(encoded_size(prev, ev(EventKind::MutexAcquired, 110, 2, kNoSeq, 1, 3)) ==
        encoded_size(prev, ev(EventKind::MutexAcquired, 110, 2, 0, 1, 3)));
  // A time going backwards (another core's TSC) costs what going forward does.
  CHECK(encoded_size(prev, ev(EventKind::MutexLockBegin, 100 - 50, 2, kNoSeq, 0, 3)) ==
        encoded_size(prev, ev(EventKind::MutexLockBegin, 100 + 50, 2, kNoSeq, 0, 3)));
}

TEST_CASE("a realistic mix averages at most 16 bytes per event", "[size]") {
  // 8 threads over 16 mutexes and 8 conditions, ~5000 events each, TSC
  // deltas, 10% contention, condition waits, marks.
  const TraceBuilder b = realistic_trace(8, 16, 5000, 12345);
  const std::uint64_t events = b.event_count();
  REQUIRE(events > 35'000);

  std::uint64_t event_bytes = 0;  // EVTS chunks, headers included
  for (const WrittenEventChunk& c : b.event_chunks())
    event_bytes += c.end - c.entry.offset;
  const double per_event = double(event_bytes) / double(events);
  const double per_event_file = double(b.bytes().size()) / double(events);
  INFO("events: " << events << ", EVTS bytes/event: " << per_event << ", whole file bytes/event: " << per_event_file);
  REQUIRE(per_event <= 16.0);
  REQUIRE(per_event_file <= 16.0);

  // And the trace measured is a valid one.
  TempDir dir;
  const Trace t = dir.load(b.bytes());
  CHECK(t.events.size() == events);
  CHECK(t.order.fallbacks == 0);
  CHECK(t.warnings.empty());
}
