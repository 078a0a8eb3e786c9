// The writer side's contract, as the runtime relies on it: the file header
// bytes, chunk headers with length and both checksums, the END chunk's fixed
// size, and EventChunkEncoder's "full chunk" protocol (add() returns false
// and leaves the chunk as it was; finish() still completes it).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "checks.hpp"
#include "trace_builder.hpp"
#include "weft/format/decode.hpp"
#include "weft/format/trace_file.hpp"

using namespace weft::format;
using namespace weft::format::test;
using K = EventKind;

TEST_CASE("encoder: the file header is magic, version 1.0 and a zero word", "[encoder]") {
  unsigned char h[kFileHeaderSize];
  std::memset(h, 0xee, sizeof h);
  encode_file_header(h);
  const unsigned char want[kFileHeaderSize] = {0x89, 'W', 'E', 'F', 'T', '\r', '\n', 0x1a, 1, 0, 0, 0, 0, 0, 0, 0};
  CHECK(std::vector<unsigned char>(h, h + kFileHeaderSize) == std::vector<unsigned char>(want, want + kFileHeaderSize));
}

TEST_CASE("encoder: finish() writes type, length and both checksums", "[encoder]") {
  std::vector<unsigned char> buf(256);
  ChunkEncoder enc(buf.data(), buf.size());
  ByteWriter& w = enc.begin(ChunkType::Clock);
  CHECK(enc.open());
  encode_clock(w, 123, 456);
  const std::span<const unsigned char> chunk = enc.finish();
  CHECK_FALSE(enc.open());
  REQUIRE(chunk.size() == kChunkHeaderSize + 16);
  CHECK(chunk.data() == buf.data());  // built in place: no copy
  CHECK(load_u32(&chunk[0]) == fourcc("CLCK"));
  CHECK(load_u32(&chunk[4]) == 16);
  CHECK(load_u32(&chunk[8]) == crc32c(&chunk[kChunkHeaderSize], 16));
  CHECK(load_u32(&chunk[12]) == crc32c(&chunk[0], 12));
  ByteReader r(&chunk[kChunkHeaderSize], 16, "CLCK");
  CHECK(decode_clock(r) == std::pair<std::uint64_t, std::uint64_t>{123, 456});
}

TEST_CASE("encoder: a payload that overflows gives an empty chunk, never a partial one", "[encoder]") {
  std::vector<unsigned char> buf(kChunkHeaderSize + 10);
  ChunkEncoder enc(buf.data(), buf.size());
  encode_meta_string(enc.begin(ChunkType::Meta), MetaKey::Program, "a program name longer than ten bytes");
  CHECK(enc.finish().empty());
  // The encoder is reusable afterwards.
  encode_meta_uint(enc.begin(ChunkType::Meta), MetaKey::Pid, 1);
  CHECK(enc.finish().size() == kChunkHeaderSize + 3);
}

TEST_CASE("encoder: END always has the same size, so readers find it from the tail", "[encoder]") {
  for (const EndRecord& r : {EndRecord{}, EndRecord{EndReason::Watchdog, ~0ull, ~0ull, ~0ull, ~0ull}}) {
    std::vector<unsigned char> buf(128);
    ChunkEncoder enc(buf.data(), buf.size());
    encode_end(enc.begin(ChunkType::End), r);
    const auto chunk = enc.finish();
    CHECK(chunk.size() == kEndChunkSize);
    ByteReader pr(chunk.data() + kChunkHeaderSize, kEndPayloadSize, "END");
    const EndRecord back = decode_end(pr);
    CHECK(back.reason == r.reason);
    CHECK(back.status == r.status);
    CHECK(back.events == r.events);
    CHECK(back.dropped == r.dropped);
    CHECK(back.index_offset == r.index_offset);
  }
}

TEST_CASE("encoder: the EVTS header says thread, count and first ticks", "[encoder]") {
  std::vector<unsigned char> buf(1024);
  ChunkEncoder chunk(buf.data(), buf.size());
  EventChunkEncoder enc(chunk);
  enc.begin(300);
  REQUIRE(enc.add(ev(K::Mark, 5000)));
  REQUIRE(enc.add(ev(K::Mark, 4990)));  // backwards
  REQUIRE(enc.add(ev(K::Mark, 7000)));
  CHECK(enc.count() == 3);
  CHECK(enc.first_ticks() == 5000);
  CHECK(enc.last_ticks() == 7000);
  const auto bytes = enc.finish();
  REQUIRE_FALSE(bytes.empty());
  ByteReader r(bytes.data() + kChunkHeaderSize, bytes.size() - kChunkHeaderSize, "EVTS");
  const EventChunkHeader h = decode_event_chunk_header(r);
  CHECK(h.thread == 300);
  CHECK(h.count == 3);
  CHECK(h.first_ticks == 5000);
}

TEST_CASE("encoder: an empty event chunk is valid", "[encoder]") {
  std::vector<unsigned char> buf(64);
  ChunkEncoder chunk(buf.data(), buf.size());
  EventChunkEncoder enc(chunk);
  enc.begin(0);
  const auto bytes = enc.finish();
  REQUIRE(bytes.size() == kChunkHeaderSize + 13);  // varint 0, u32 0, u64 0
  ByteReader r(bytes.data() + kChunkHeaderSize, 13, "EVTS");
  CHECK(decode_event_chunk_header(r).count == 0);
}

TEST_CASE("encoder: events never write past the chunk buffer", "[encoder]") {
  // A canary after the buffer the encoder was given: the hot path writes
  // through raw pointers, so this is the check that its reservation is
  // right, texts included.
  for (std::size_t capacity : {std::size_t{48}, std::size_t{64}, std::size_t{100}, std::size_t{333}}) {
    std::vector<unsigned char> buf(capacity + 64, 0xcd);
    ChunkEncoder chunk(buf.data(), capacity);
    EventChunkEncoder enc(chunk);
    enc.begin(0);
    const std::string text(40, 't');
    for (std::uint64_t i = 0;; ++i) {
      const EventRecord e = i % 3 == 2 ? text_ev(K::Log, ~0ull - i, text)
                                       : ev(K::MutexAcquired, i * 1'000'000'007ull, ~0u, ~0ull - 1, ~0ull, ~0u, 0xff);
      if (!enc.add(e)) break;
      REQUIRE(i < 1000);
    }
    for (std::size_t i = capacity; i < buf.size(); ++i) {
      INFO("capacity " << capacity << ", byte " << i);
      REQUIRE(buf[i] == 0xcd);
    }
  }
}

// Regression: an event that does not fit must leave the chunk finishable.
// (A reservation that failed once marked the writer overflowed, so finish()
// returned nothing and the runtime lost every full chunk of events.)
TEST_CASE("encoder: a chunk that filled up can still be finished", "[encoder]") {
  std::vector<unsigned char> buf(256);
  ChunkEncoder chunk(buf.data(), buf.size());
  EventChunkEncoder enc(chunk);
  enc.begin(0);
  std::uint32_t added = 0;
  while (enc.add(ev(K::MutexAcquired, 5000 + added, 1, added, 1, 1))) ++added;
  CHECK(added > 10);  // a 240-byte payload holds many 6-byte events
  CHECK_FALSE(chunk.payload().overflowed());  // "leaves the chunk untouched"
  const auto bytes = enc.finish();
  REQUIRE_FALSE(bytes.empty());
  ByteReader r(bytes.data() + kChunkHeaderSize, bytes.size() - kChunkHeaderSize, "EVTS");
  CHECK(decode_event_chunk_header(r).count == added);
}
