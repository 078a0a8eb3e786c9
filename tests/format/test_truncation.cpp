// A killed program (kill -9, power loss) leaves a file that stops anywhere.
// The contract (DESIGN.md, loader.hpp): such a file loads up to its last
// complete chunk, says it was truncated and where; only a file cut before
// its metadata cannot load, and then it is a format_error, never a crash.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

std::vector<unsigned char> prefix(const std::vector<unsigned char>& bytes, std::size_t n) {
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)};
}

// The events of the EVTS chunks that end at or before `cut`.
std::vector<std::string> complete_events(const TraceBuilder& b, std::uint64_t cut, std::uint32_t thread) {
  std::vector<std::string> out;
  for (const WrittenEventChunk& c : b.event_chunks())
    if (c.entry.thread == thread && c.end <= cut)
      for (const WrittenEvent& e : c.events) out.push_back(show(e));
  return out;
}

// The chunk `cut` falls inside (not at its start), if any.
const WrittenChunk* torn_chunk(const TraceBuilder& b, std::uint64_t cut) {
  for (const WrittenChunk& c : b.chunks())
    if (c.offset < cut && cut < c.end()) return &c;
  return nullptr;
}

bool contains(const std::vector<std::string>& warnings, const std::string& needle) {
  for (const std::string& w : warnings)
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("truncation: a cut anywhere after the metadata loads the complete chunks", "[truncation]") {
  const TraceBuilder b = sample_trace();
  const std::vector<unsigned char>& bytes = b.bytes();
  REQUIRE(b.chunks().size() >= 10);
  REQUIRE(b.chunks()[1].type == static_cast<std::uint32_t>(ChunkType::Kinds));
  // META and KIND together are the metadata without which nothing decodes
  // (a cut inside KIND: see the test below).
  const std::uint64_t metadata_end = b.chunks()[1].end();
  TempDir dir;

  std::size_t loaded_truncated = 0, loaded_at_boundary = 0;
  for (std::size_t cut = metadata_end; cut <= bytes.size(); ++cut) {
    INFO("file cut to " << cut << " of " << bytes.size() << " bytes");
    Trace t;
    try {
      t = dir.load(prefix(bytes, cut));
    } catch (const format_error& e) {
      FAIL("a truncated file must load, got: " << e.what());
    }
    CHECK(shown_events_of(t, 0) == complete_events(b, cut, 0));
    CHECK(shown_events_of(t, 1) == complete_events(b, cut, 1));

    if (const WrittenChunk* torn = torn_chunk(b, cut)) {
      // Stopped inside a chunk: flagged, and the warning names that chunk.
      ++loaded_truncated;
      CHECK(t.truncated);
      CHECK_FALSE(t.end.has_value());
      REQUIRE_FALSE(t.warnings.empty());
      CHECK_THAT(t.warnings.front(), Catch::StartsWith("trace truncated: ") &&
                                         Catch::Contains("at byte " + std::to_string(torn->offset)));
    } else if (cut < bytes.size()) {
      // Stopped exactly between chunks: nothing is torn, but the END record
      // is missing, and the user is told.
      ++loaded_at_boundary;
      CHECK_FALSE(t.truncated);
      CHECK_FALSE(t.end.has_value());
      CHECK(contains(t.warnings, "no END record"));
    } else {
      CHECK_FALSE(t.truncated);
      CHECK(t.end.has_value());
      CHECK(t.warnings.empty());
    }
  }
  CHECK(loaded_truncated > 500);
  CHECK(loaded_at_boundary >= 8);
}

TEST_CASE("truncation: a cut before the metadata is a one-line format_error", "[truncation]") {
  const TraceBuilder b = sample_trace();
  const std::uint64_t meta_end = b.chunks()[0].end();
  TempDir dir;
  for (std::size_t cut = 1; cut < meta_end; ++cut) {
    INFO("file cut to " << cut << " bytes");
    const std::string msg = error_of([&] { dir.load(prefix(b.bytes(), cut)); });
    CHECK(one_line(msg));
    if (cut < 8)  // not even the whole magic: cannot tell it from any other file
      CHECK_THAT(msg, Catch::Contains("not a weft trace"));
    else if (cut < kFileHeaderSize)
      CHECK_THAT(msg, Catch::Contains("truncated inside the file header"));
    else if (cut == kFileHeaderSize)  // nothing torn: the header alone
      CHECK_THAT(msg, Catch::Contains("no META chunk"));
    else
      CHECK_THAT(msg, Catch::Contains("truncated before its metadata"));
  }
}

// A file cut after META but inside KIND is truncated like any other: it
// loads, with no events, as there are none before the kind table.
TEST_CASE("truncation: a cut inside the kind table still loads as an empty truncated trace", "[truncation]") {
  const TraceBuilder b = sample_trace();
  const WrittenChunk& kinds = b.chunks()[1];
  TempDir dir;
  for (std::uint64_t cut : {kinds.offset + 5, kinds.offset + 20, kinds.end() - 1}) {
    INFO("file cut to " << cut << " bytes");
    Trace t;
    REQUIRE_NOTHROW(t = dir.load(prefix(b.bytes(), cut)));
    CHECK(t.truncated);
    CHECK(t.events.empty());
  }
}

TEST_CASE("truncation: a zero-filled tail at a chunk boundary is a truncation", "[truncation]") {
  // What some file systems leave after a crash: the size was extended but
  // the data never reached the disk.
  const TraceBuilder b = sample_trace();
  TempDir dir;
  for (const WrittenChunk& c : b.chunks()) {
    if (c.offset < b.chunks()[2].offset) continue;  // keep META and KIND
    for (std::size_t zeros : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17}, std::size_t{4096}}) {
      INFO("zeros from byte " << c.offset << ", " << zeros << " of them");
      std::vector<unsigned char> bytes = prefix(b.bytes(), c.offset);
      bytes.resize(bytes.size() + zeros, 0);
      Trace t;
      REQUIRE_NOTHROW(t = dir.load(bytes));
      CHECK(t.truncated);
      CHECK_FALSE(t.end.has_value());
      CHECK(shown_events_of(t, 0) == complete_events(b, c.offset, 0));
      REQUIRE_FALSE(t.warnings.empty());
      CHECK_THAT(t.warnings.front(), Catch::Contains("at byte " + std::to_string(c.offset)));
    }
  }
}

TEST_CASE("truncation: zeros after a complete trace are reported, not an error", "[truncation]") {
  const TraceBuilder b = sample_trace();
  std::vector<unsigned char> bytes = b.bytes();
  bytes.resize(bytes.size() + 4096, 0);
  TempDir dir;
  const Trace t = dir.load(bytes);
  CHECK(t.end.has_value());
  CHECK(t.events.size() == b.event_count());
  // Loaded as a truncation at the end of the END chunk.
  CHECK(t.truncated);
  REQUIRE_FALSE(t.warnings.empty());
  CHECK_THAT(t.warnings.front(), Catch::Contains("at byte " + std::to_string(b.bytes().size())));
}

// The zeros are read back from the end a megabyte at a time: a tail of
// several megabytes, not a multiple of the block, is found exactly.
TEST_CASE("truncation: megabytes of zeros after a complete trace are found to the byte", "[truncation]") {
  const TraceBuilder b = sample_trace();
  std::vector<unsigned char> bytes = b.bytes();
  bytes.resize(bytes.size() + (5u << 19) + 123, 0);  // 2.5 MB and a bit
  TempDir dir;
  const Trace t = dir.load(bytes);
  CHECK(t.events.size() == b.event_count());
  CHECK(t.truncated);
  REQUIRE_FALSE(t.warnings.empty());
  CHECK_THAT(t.warnings.front(), Catch::Contains("at byte " + std::to_string(b.bytes().size())));
}

// File systems zero whole blocks, so a crash's unwritten tail can start at
// a block boundary inside a chunk: its header survives and its payload
// checksum fails. That is a truncation: load up to the previous chunk.
TEST_CASE("truncation: a zero-filled tail starting inside a chunk at a block boundary is a truncation", "[truncation]") {
  const TraceBuilder b = realistic_trace(3, 4, 300, 7, 2048);  // event chunks of up to 2 KiB
  TempDir dir;
  int tried = 0;
  for (const WrittenEventChunk& chunk : b.event_chunks()) {
    const std::uint64_t block = (chunk.entry.offset / 512 + 1) * 512;  // first block boundary after its header
    if (block >= chunk.end) continue;
    ++tried;
    INFO("zeros from byte " << block << ", inside the chunk at byte " << chunk.entry.offset);
    std::vector<unsigned char> bytes = b.bytes();
    std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(block), bytes.end(), 0);
    Trace t;
    REQUIRE_NOTHROW(t = dir.load(bytes));
    CHECK(t.truncated);
    REQUIRE_FALSE(t.warnings.empty());
    CHECK_THAT(t.warnings.front(), Catch::Contains("zero bytes from byte " + std::to_string(block)));
    std::size_t before = 0;
    for (const WrittenEventChunk& c : b.event_chunks())
      if (c.end <= chunk.entry.offset) before += c.entry.count;
    CHECK(t.events.size() == before);
  }
  CHECK(tried > 0);
}

// A bad chunk that the zeros do not reach was written whole (the file went
// on after it), so it is damage even when the file also has a torn end.
// The one-thread load, which verifies each event chunk as it reads it, once
// took it for the torn end and loaded the chunks before it as a truncated
// trace, while the parallel load, reading on before it verifies, refused
// the file for a later chunk's damage: the same file read two ways.
TEST_CASE("truncation: a bad chunk before a torn end is damage, on one thread and on two", "[truncation]") {
  const TraceBuilder b = realistic_trace(3, 4, 300, 7, 2048);  // event chunks of up to 2 KiB
  const std::vector<WrittenEventChunk>& chunks = b.event_chunks();
  // The torn one: the last with a block boundary inside it, well after the first.
  std::uint64_t block = 0;
  for (auto it = chunks.rbegin(); it != chunks.rend() && block == 0; ++it)
    if (const std::uint64_t at = (it->entry.offset / 512 + 1) * 512; at < it->end) block = at;
  const WrittenEventChunk& damaged = chunks.front();
  REQUIRE(damaged.end + 1024 < block);
  std::vector<unsigned char> bytes = b.bytes();
  bytes[damaged.entry.offset + kChunkHeaderSize + 1] ^= 0x40;  // its payload, so its checksum fails
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(block), bytes.end(), 0);
  TempDir dir;
  const std::string path = dir.write("damaged.weft", bytes);
  for (const unsigned threads : {1u, 2u}) {
    INFO(threads << " load threads");
    CHECK_THAT(error_of([&] { load_trace_with(path, LoadOptions{threads}); }),
               Catch::Contains("EVTS chunk at byte " + std::to_string(damaged.entry.offset)) &&
                   Catch::Contains("checksum mismatch (the file is damaged)"));
  }
  // Without the damage, the same torn end is a truncation both ways.
  bytes[damaged.entry.offset + kChunkHeaderSize + 1] ^= 0x40;
  const std::string torn_path = dir.write("torn.weft", bytes);
  for (const unsigned threads : {1u, 2u}) {
    INFO(threads << " load threads");
    Trace t;
    REQUIRE_NOTHROW(t = load_trace_with(torn_path, LoadOptions{threads}));
    CHECK(t.truncated);
  }
}

TEST_CASE("truncation: zeros that reach no block boundary are damage", "[truncation]") {
  const std::vector<unsigned char> clean = sample_trace().bytes();
  REQUIRE(clean.size() % 512 > 24);
  std::vector<unsigned char> bytes = clean;
  std::fill(bytes.end() - 20, bytes.end(), 0);  // the END chunk's last 20 bytes, within one block
  TempDir dir;
  CHECK_THAT(error_of([&] { dir.load(bytes); }), Catch::Contains("END chunk") && Catch::Contains("checksum mismatch"));
}

TEST_CASE("truncation: TraceFile::next stops at the torn chunk and says why", "[truncation]") {
  const TraceBuilder b = sample_trace();
  const WrittenChunk& last_events = [&]() -> const WrittenChunk& {
    for (auto it = b.chunks().rbegin(); it != b.chunks().rend(); ++it)
      if (it->type == static_cast<std::uint32_t>(ChunkType::Events)) return *it;
    FAIL("no EVTS chunk");
    return b.chunks().front();
  }();
  TempDir dir;

  // Inside the payload: how much of it is there.
  const std::uint64_t cut = last_events.offset + kChunkHeaderSize + 3;
  TraceFile f(dir.write("cut.weft", prefix(b.bytes(), cut)));
  ChunkRef ref;
  std::vector<unsigned char> payload;
  std::size_t chunks = 0;
  while (f.next(ref, payload)) ++chunks;
  CHECK(chunks == std::size_t(&last_events - b.chunks().data()));
  REQUIRE(f.truncated());
  CHECK(f.truncation() == "the file ends inside the EVTS chunk at byte " + std::to_string(last_events.offset) +
                              " (3 of " + std::to_string(last_events.length) + " payload bytes present)");
  CHECK_FALSE(f.next(ref, payload));  // stays stopped

  // Inside the header.
  TraceFile h(dir.write("cut2.weft", prefix(b.bytes(), last_events.offset + 7)));
  while (h.next(ref, payload)) {
  }
  CHECK(h.truncation() == "the file ends inside a chunk header at byte " + std::to_string(last_events.offset));
}
