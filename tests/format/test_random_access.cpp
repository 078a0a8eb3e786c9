// Random access without a full load, as the viewer uses it on big traces:
// scan() walks the chunk headers, read_end() finds END from the file's tail,
// END's index_offset leads to the INDX chunks, whose entries lead to the
// EVTS chunks; read_payload() verifies checksums.
#include <catch2/catch.hpp>

#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/decode.hpp"
#include "weft/format/trace_file.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

// Many EVTS chunks (small ones) and an index spread over several INDX chunks.
TraceBuilder indexed_trace() { return realistic_trace(3, 4, 300, 7, 256); }

std::vector<IndexEntry> read_index(const TraceFile& f, std::uint64_t offset) {
  // Consecutive INDX chunks are read as one index.
  std::vector<IndexEntry> entries;
  while (true) {
    const std::optional<ChunkRef> ref = f.read_header(offset);
    if (!ref || ref->type != static_cast<std::uint32_t>(ChunkType::Index)) break;
    const std::vector<unsigned char> payload = f.read_payload(*ref);
    ByteReader r(payload.data(), payload.size(), ref->describe());
    while (!r.empty()) entries.push_back(decode_index_entry(r));
    offset = ref->payload_offset() + ref->length;
  }
  return entries;
}

}  // namespace

TEST_CASE("random access: scan lists every chunk header", "[random-access]") {
  const TraceBuilder b = sample_trace();
  TempDir dir;
  const TraceFile f(dir.write("t.weft", b.bytes()));
  CHECK(f.size() == b.bytes().size());
  CHECK(f.minor_version() == kVersionMinor);
  const std::vector<ChunkRef> refs = f.scan();
  REQUIRE(refs.size() == b.chunks().size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    INFO("chunk " << i);
    CHECK(refs[i].offset == b.chunks()[i].offset);
    CHECK(refs[i].type == b.chunks()[i].type);
    CHECK(refs[i].length == b.chunks()[i].length);
    CHECK(refs[i].payload_offset() == b.chunks()[i].offset + kChunkHeaderSize);
  }
  CHECK(refs.front().describe() == "META chunk at byte 16");
  CHECK(refs.back().describe() == "END chunk at byte " + std::to_string(b.chunks().back().offset));
}

TEST_CASE("random access: scan of a truncated file lists the complete chunks", "[random-access]") {
  const TraceBuilder b = sample_trace();
  TempDir dir;
  const WrittenChunk& torn = b.chunks()[6];
  std::vector<unsigned char> bytes(b.bytes().begin(), b.bytes().begin() + static_cast<std::ptrdiff_t>(torn.offset + 20));
  const TraceFile f(dir.write("t.weft", bytes));
  CHECK(f.scan().size() == 6);
  CHECK_FALSE(f.read_end().has_value());
  CHECK(f.read_header(torn.offset).has_value());  // its header is whole...
  CHECK_FALSE(f.read_header(torn.offset + 8).has_value());  // ...a header cut by the end is not
}

TEST_CASE("random access: read_end finds END from the tail, and the index from it", "[random-access]") {
  const TraceBuilder b = indexed_trace();
  REQUIRE(b.event_chunks().size() > 8);
  TempDir dir;
  const TraceFile f(dir.write("t.weft", b.bytes()));

  const std::optional<EndRecord> end = f.read_end();
  REQUIRE(end.has_value());
  CHECK(end->reason == EndReason::Exit);
  CHECK(end->events == b.event_count());
  CHECK(end->dropped == 0);
  REQUIRE(end->index_offset == b.index_offset());

  const std::vector<IndexEntry> index = read_index(f, end->index_offset);
  REQUIRE(index.size() == b.event_chunks().size());
  for (std::size_t i = 0; i < index.size(); ++i) {
    INFO("index entry " << i);
    const IndexEntry& want = b.event_chunks()[i].entry;
    CHECK(index[i].offset == want.offset);
    CHECK(index[i].thread == want.thread);
    CHECK(index[i].count == want.count);
    CHECK(index[i].first_ticks == want.first_ticks);
    CHECK(index[i].last_ticks == want.last_ticks);

    // The entry leads to its EVTS chunk, whose own header agrees.
    const std::optional<ChunkRef> ref = f.read_header(index[i].offset);
    REQUIRE(ref.has_value());
    CHECK(ref->type == static_cast<std::uint32_t>(ChunkType::Events));
    const std::vector<unsigned char> payload = f.read_payload(*ref);
    ByteReader r(payload.data(), payload.size(), ref->describe());
    const EventChunkHeader h = decode_event_chunk_header(r);
    CHECK(h.thread == index[i].thread);
    CHECK(h.count == index[i].count);
    CHECK(h.first_ticks == index[i].first_ticks);
    // The first/last ticks are those of the chunk's first and last events.
    CHECK(want.first_ticks == b.event_chunks()[i].events.front().ticks);
    CHECK(want.last_ticks == b.event_chunks()[i].events.back().ticks);
  }
}

TEST_CASE("random access: an index spread over consecutive INDX chunks", "[random-access]") {
  // 100-byte EVTS chunks (~17 events each) and 64-byte INDX chunks (one
  // 26-byte entry each).
  TraceBuilder b(100);
  b.meta().kinds().threads({{0, 1, 0, 0, 0, "t"}});
  std::vector<EventRecord> records;
  for (std::uint64_t i = 0; i < 100; ++i) records.push_back(ev(EventKind::TraceDropped, 5000 + i * 3, 0, kNoSeq, i));
  b.events(0, records);
  b.index(64).end();
  REQUIRE(b.event_chunks().size() > 4);
  TempDir dir;
  const TraceFile f(dir.write("t.weft", b.bytes()));
  std::size_t index_chunks = 0;
  for (const ChunkRef& r : f.scan()) index_chunks += r.type == static_cast<std::uint32_t>(ChunkType::Index);
  CHECK(index_chunks > 1);
  const std::vector<IndexEntry> index = read_index(f, f.read_end()->index_offset);
  REQUIRE(index.size() == b.event_chunks().size());
  std::uint64_t events = 0;
  for (const IndexEntry& e : index) events += e.count;
  CHECK(events == 100);
}

TEST_CASE("random access: read_end without a (valid) END", "[random-access]") {
  TempDir dir;
  SECTION("no END chunk") {
    TraceBuilder b;
    b.meta().kinds().clock(1, 2);
    CHECK_FALSE(TraceFile(dir.write("t.weft", b.bytes())).read_end().has_value());
  }
  SECTION("shorter than a header and an END chunk") {
    TraceBuilder b;
    CHECK_FALSE(TraceFile(dir.write("t.weft", b.bytes())).read_end().has_value());
  }
  SECTION("END with no index (a crash: the runtime writes index_offset 0)") {
    TraceBuilder b;
    b.meta().kinds().end();
    const std::optional<EndRecord> end = TraceFile(dir.write("t.weft", b.bytes())).read_end();
    REQUIRE(end.has_value());
    CHECK(end->index_offset == 0);
  }
  SECTION("END's payload damaged: the checksum catches it") {
    std::vector<unsigned char> bytes = sample_trace().bytes();
    bytes[bytes.size() - 3] ^= 0x40;
    const TraceFile f(dir.write("t.weft", bytes));
    CHECK_THAT(error_of([&] { (void)f.read_end(); }), Catch::Contains("END chunk at byte") && Catch::Contains("checksum mismatch"));
  }
}

TEST_CASE("random access: read_payload verifies the checksum", "[random-access]") {
  const TraceBuilder b = sample_trace();
  const WrittenEventChunk& evts = b.event_chunks()[0];
  std::vector<unsigned char> bytes = b.bytes();
  bytes[evts.end - 2] ^= 0x01;  // inside the payload
  TempDir dir;
  const std::string path = dir.write("t.weft", bytes);
  const TraceFile f(path);
  const std::optional<ChunkRef> ref = f.read_header(evts.entry.offset);
  REQUIRE(ref.has_value());  // the header is intact
  CHECK(error_of([&] { (void)f.read_payload(*ref); }) ==
        path + ": EVTS chunk at byte " + std::to_string(evts.entry.offset) + ": checksum mismatch (the file is damaged)");
  // Other chunks still read fine.
  const std::optional<ChunkRef> meta = f.read_header(kFileHeaderSize);
  REQUIRE(meta.has_value());
  CHECK(f.read_payload(*meta).size() == meta->length);
}

TEST_CASE("random access: read_header refuses a damaged header", "[random-access]") {
  std::vector<unsigned char> bytes = sample_trace().bytes();
  bytes[kFileHeaderSize + 5] ^= 0x10;  // META's length
  TempDir dir;
  const std::string path = dir.write("t.weft", bytes);
  const TraceFile f(path);
  CHECK(error_of([&] { (void)f.read_header(kFileHeaderSize); }) ==
        path + ": chunk at byte 16: damaged header (checksum mismatch)");
  CHECK_THROWS_AS(f.scan(), format_error);
}

// An offset past the end of the file (from a damaged INDX entry, say) is an
// error that says so; at the very end, or too close to it for a header, there
// is simply no chunk.
TEST_CASE("random access: read_header past the end of the file is a format_error", "[random-access]") {
  const std::vector<unsigned char> bytes = sample_trace().bytes();
  TempDir dir;
  const TraceFile f(dir.write("t.weft", bytes));
  CHECK_FALSE(f.read_header(bytes.size()).has_value());  // at the end: nothing there
  CHECK_FALSE(f.read_header(bytes.size() - 1).has_value());
  const std::string error = error_of([&] { (void)f.read_header(bytes.size() + 100); });
  CHECK(one_line(error));
  CHECK_THAT(error, Catch::Contains("no chunk at byte " + std::to_string(bytes.size() + 100)) &&
                        Catch::Contains("the file has only " + std::to_string(bytes.size()) + " bytes"));
}

TEST_CASE("random access: event_index reads the index, or rebuilds the same one by a scan", "[random-access]") {
  const TraceBuilder b = indexed_trace();
  REQUIRE(b.event_chunks().size() > 3);
  TempDir dir;
  const TraceFile complete(dir.write("complete.weft", b.bytes()));
  const std::vector<IndexEntry> from_index = complete.event_index();
  REQUIRE(from_index.size() == b.event_chunks().size());
  for (std::size_t i = 0; i < from_index.size(); ++i) {
    const IndexEntry& want = b.event_chunks()[i].entry;
    CHECK(from_index[i].offset == want.offset);
    CHECK(from_index[i].thread == want.thread);
    CHECK(from_index[i].count == want.count);
    CHECK(from_index[i].first_ticks == want.first_ticks);
    CHECK(from_index[i].last_ticks == want.last_ticks);
  }
  // Without its INDX and END chunks (a killed program) the scan finds the same.
  const std::uint64_t index_start = complete.read_end()->index_offset;
  const std::vector<unsigned char> killed(b.bytes().begin(), b.bytes().begin() + static_cast<std::ptrdiff_t>(index_start));
  const TraceFile cut(dir.write("killed.weft", killed));
  REQUIRE_FALSE(cut.read_end().has_value());
  const std::vector<IndexEntry> from_scan = cut.event_index();
  REQUIRE(from_scan.size() == from_index.size());
  for (std::size_t i = 0; i < from_scan.size(); ++i) {
    CHECK(from_scan[i].offset == from_index[i].offset);
    CHECK(from_scan[i].count == from_index[i].count);
    CHECK(from_scan[i].first_ticks == from_index[i].first_ticks);
    CHECK(from_scan[i].last_ticks == from_index[i].last_ticks);
  }
}
