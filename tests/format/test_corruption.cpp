// Damage that is not truncation is an error, never a guess (schema.hpp):
// every byte after the 16-byte file header is covered by a chunk checksum,
// so any single damaged byte there must be refused with a one-line message
// that says which chunk is damaged. The file header is checked field by field.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"

using namespace weft::format;
using namespace weft::format::test;

namespace {

const WrittenChunk& chunk_at(const TraceBuilder& b, std::uint64_t offset) {
  for (const WrittenChunk& c : b.chunks())
    if (c.offset <= offset && offset < c.end()) return c;
  FAIL("no chunk holds byte " << offset);
  return b.chunks().front();
}

}  // namespace

TEST_CASE("corruption: any single damaged byte is detected or harmless", "[corruption]") {
  const TraceBuilder b = sample_trace();
  const std::vector<unsigned char>& good = b.bytes();
  TempDir dir;
  const std::string path = dir.file("flipped.weft");
  std::size_t refused = 0;

  for (std::size_t at = 0; at < good.size(); ++at) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      INFO("byte " << at << " xor 0x" << std::hex << unsigned(mask));
      std::vector<unsigned char> bad = good;
      bad[at] ^= mask;
      dir.write("flipped.weft", bad);

      if (at >= 10 && at < kFileHeaderSize) {
        // Not covered by any checksum: the minor version (any minor is
        // readable by design) and the reserved word (ignored). The trace
        // loads as if nothing happened.
        const Trace t = load_trace(path);
        CHECK(t.events.size() == b.event_count());
        CHECK(t.warnings.empty());
        if (at < 12) CHECK(TraceFile(path).minor_version() != kVersionMinor);
        continue;
      }
      const std::string msg = error_of([&] { load_trace(path); });
      ++refused;
      CHECK(one_line(msg));
      CHECK_THAT(msg, Catch::StartsWith(path + ": "));
      if (at < 8) {
        CHECK_THAT(msg, Catch::Contains("not a weft trace"));
      } else if (at < 10) {
        CHECK_THAT(msg, Catch::Contains("trace format ") && Catch::Contains("than this weft reads"));
      } else {
        // The damaged chunk is named by its offset.
        const WrittenChunk& c = chunk_at(b, at);
        CHECK_THAT(msg, Catch::Contains("checksum mismatch") && Catch::Contains("at byte " + std::to_string(c.offset)));
      }
    }
  }
  CHECK(refused == 3 * (good.size() - 6));
}

TEST_CASE("corruption: bad magic says it is not a weft trace", "[corruption]") {
  TempDir dir;
  std::vector<unsigned char> bytes = sample_trace().bytes();
  bytes[1] = 'X';
  CHECK_THAT(error_of([&] { dir.load(bytes); }), Catch::EndsWith(": not a weft trace (bad magic)"));

  // A text file, a PNG, one byte.
  const std::string text = "hello, this is not a trace at all\n";
  CHECK_THAT(error_of([&] { dir.load({reinterpret_cast<const unsigned char*>(text.data()), text.size()}); }),
             Catch::Contains("not a weft trace"));
  const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK_THAT(error_of([&] { dir.load(png); }), Catch::Contains("not a weft trace"));
  const unsigned char one[] = {0x89};
  CHECK_THAT(error_of([&] { dir.load(one); }), Catch::Contains("not a weft trace"));
}

TEST_CASE("corruption: another major version is refused, naming both versions and the weft to read it with",
          "[corruption]") {
  TempDir dir;
  std::vector<unsigned char> bytes = sample_trace().bytes();  // its META says weft 0.1.0-test
  bytes[8] = 2;  // major 2, little-endian u16
  const std::string ours = "weft " WEFT_TOOL_VERSION " reads trace format 1";
  CHECK_THAT(error_of([&] { dir.load(bytes); }),
             Catch::EndsWith(": trace format 2, written by weft 0.1.0-test, is newer than this weft reads (" + ours +
                             "): read it with weft 0.1.0-test or later"));
  bytes[8] = 0;
  bytes[9] = 1;  // major 256
  CHECK_THAT(error_of([&] { dir.load(bytes); }), Catch::Contains("trace format 256, written by"));
  bytes[9] = 0;  // major 0: older
  CHECK_THAT(error_of([&] { dir.load(bytes); }), Catch::Contains("is older than this weft reads"));
  // A file whose first chunk is not readable still gets a message, without
  // a writer's version.
  bytes[8] = 2;
  bytes[kFileHeaderSize] ^= 0xff;  // the first chunk's type
  CHECK_THAT(error_of([&] { dir.load(bytes); }),
             Catch::EndsWith(": trace format 2 is newer than this weft reads (" + ours +
                             "): read it with the weft that wrote it or later"));
}

TEST_CASE("corruption: a newer minor version is read", "[corruption]") {
  TempDir dir;
  std::vector<unsigned char> bytes = sample_trace().bytes();
  bytes[10] = 7;
  const std::string path = dir.write("minor.weft", bytes);
  CHECK(TraceFile(path).minor_version() == 7);
  CHECK(load_trace(path).events.size() == sample_trace().event_count());
}

TEST_CASE("corruption: empty file, directory, missing file", "[corruption]") {
  TempDir dir;
  const std::string empty = dir.write("empty.weft", {});
  CHECK(error_of([&] { load_trace(empty); }) == empty + ": empty file, not a weft trace");

  CHECK(error_of([&] { load_trace(dir.path().string()); }) == dir.path().string() + ": not a regular file (a directory)");

  const std::string missing = dir.file("does-not-exist.weft");
  CHECK(error_of([&] { load_trace(missing); }) == "cannot open " + missing + ": No such file or directory");
}

TEST_CASE("corruption: a chunk header claiming an impossible length", "[corruption]") {
  // Valid header checksum, so only the length check stands between the
  // reader and a 4 GiB allocation.
  TraceBuilder b;
  b.meta().kinds();
  std::vector<unsigned char> bytes = b.bytes();
  const std::size_t at = bytes.size();
  bytes.resize(at + kChunkHeaderSize + 8, 0);
  store_u32(&bytes[at], static_cast<std::uint32_t>(ChunkType::Clock));
  store_u32(&bytes[at + 4], 0xfffffff0u);
  store_u32(&bytes[at + 12], crc32c(&bytes[at], 12));
  TempDir dir;
  const std::string msg = error_of([&] { dir.load(bytes); });
  CHECK_THAT(msg, Catch::Contains("CLCK chunk at byte " + std::to_string(at) + ": impossible length 4294967280"));

  // Just above the limit is refused too; the limit itself is a length
  // (reported as truncation here, since the bytes are not there).
  store_u32(&bytes[at + 4], kMaxChunkPayload + 1);
  store_u32(&bytes[at + 12], crc32c(&bytes[at], 12));
  CHECK_THAT(error_of([&] { dir.load(bytes); }), Catch::Contains("impossible length"));
  store_u32(&bytes[at + 4], kMaxChunkPayload);
  store_u32(&bytes[at + 12], crc32c(&bytes[at], 12));
  CHECK(dir.load(bytes).truncated);
}

TEST_CASE("corruption: a chunk header of zeros in the middle of the file is damage", "[corruption]") {
  // Zeros a crash leaves run to the end of the file; 16 zero bytes with
  // chunks after them are damage, not a place to stop reading quietly.
  const TraceBuilder b = sample_trace();
  const WrittenEventChunk& second = b.event_chunks()[1];
  std::vector<unsigned char> bytes = b.bytes();
  std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(second.entry.offset), kChunkHeaderSize, 0);
  TempDir dir;
  CHECK_THAT(error_of([&] { dir.load(bytes); }),
             Catch::Contains("chunk at byte " + std::to_string(second.entry.offset)) && Catch::Contains("damaged header"));
}

TEST_CASE("corruption: an event chunk lost or duplicated, every checksum good, is damage", "[corruption]") {
  // The END record and the index say what the chunks hold; the rest of the
  // file, intact, would otherwise read as a clean run of another program.
  const TraceBuilder b = sample_trace();
  const WrittenEventChunk& second = b.event_chunks()[1];
  const std::vector<unsigned char> bytes = b.bytes();
  const auto at = bytes.begin() + static_cast<std::ptrdiff_t>(second.entry.offset);
  const auto past = bytes.begin() + static_cast<std::ptrdiff_t>(second.end);
  TempDir dir;
  std::vector<unsigned char> lost(bytes.begin(), at);
  lost.insert(lost.end(), past, bytes.end());
  CHECK_THAT(error_of([&] { dir.load(lost); }), Catch::Contains("damaged: its end record says") &&
                                                     Catch::Contains("(an event chunk was lost)"));
  std::vector<unsigned char> twice(bytes.begin(), past);
  twice.insert(twice.end(), at, bytes.end());
  CHECK_THAT(error_of([&] { dir.load(twice); }), Catch::Contains("(an event chunk was duplicated)"));
  // The intact file loads.
  CHECK_NOTHROW(dir.load(bytes));
}
