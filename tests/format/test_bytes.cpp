// The byte layer every chunk is made of: zigzag, LEB128 varints, fixed-width
// little-endian fields, strings, the writer's overflow contract and CRC-32C.
// The reader's promise tested here: no input, however damaged, makes it read
// outside its buffer; every bad field is a format_error naming the field.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "checks.hpp"
#include "weft/format/bytes.hpp"
#include "weft/format/crc32c.hpp"

using namespace weft::format;
using weft::format::test::error_of;

namespace {

std::vector<unsigned char> varint_bytes(std::uint64_t v) {
  unsigned char buf[16];
  ByteWriter w(buf, sizeof buf);
  w.varint(v);
  REQUIRE_FALSE(w.overflowed());
  return {buf, buf + w.size()};
}

std::uint64_t read_varint(const std::vector<unsigned char>& bytes) {
  ByteReader r(bytes.data(), bytes.size(), "test buffer");
  const std::uint64_t v = r.varint("value");
  CHECK(r.empty());  // consumed exactly its own bytes
  return v;
}

}  // namespace

TEST_CASE("zigzag keeps small magnitudes small on both sides of zero", "[bytes]") {
  CHECK(zigzag(0) == 0);
  CHECK(zigzag(-1) == 1);
  CHECK(zigzag(1) == 2);
  CHECK(zigzag(-2) == 3);
  CHECK(zigzag(63) == 126);
  CHECK(zigzag(-64) == 127);  // still one varint byte
  CHECK(zigzag(std::numeric_limits<std::int64_t>::max()) == std::numeric_limits<std::uint64_t>::max() - 1);
  CHECK(zigzag(std::numeric_limits<std::int64_t>::min()) == std::numeric_limits<std::uint64_t>::max());
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{123456789},
                         std::int64_t{-987654321}, std::numeric_limits<std::int64_t>::max(),
                         std::numeric_limits<std::int64_t>::min()})
    CHECK(unzigzag(zigzag(v)) == v);
}

TEST_CASE("varints take 1 to 10 bytes and round-trip every width", "[bytes]") {
  CHECK(varint_bytes(0) == std::vector<unsigned char>{0x00});
  CHECK(varint_bytes(127) == std::vector<unsigned char>{0x7f});
  CHECK(varint_bytes(128) == std::vector<unsigned char>{0x80, 0x01});
  CHECK(varint_bytes(300) == std::vector<unsigned char>{0xac, 0x02});
  const auto max = varint_bytes(std::numeric_limits<std::uint64_t>::max());
  CHECK(max == std::vector<unsigned char>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});

  // Every boundary 2^(7k) - 1 / 2^(7k), up to the full 64 bits.
  for (int bits = 0; bits < 64; bits += 7) {
    const std::uint64_t below = (std::uint64_t{1} << bits) - 1;
    const std::uint64_t at = std::uint64_t{1} << bits;
    CHECK(read_varint(varint_bytes(below)) == below);
    CHECK(read_varint(varint_bytes(at)) == at);
    CHECK(varint_bytes(at).size() == std::size_t(bits / 7 + 1));
  }
  CHECK(read_varint(max) == std::numeric_limits<std::uint64_t>::max());
  CHECK(read_varint(varint_bytes(std::uint64_t{1} << 63)) == std::uint64_t{1} << 63);
}

TEST_CASE("a varint past 64 bits is rejected, not wrapped", "[bytes]") {
  // Tenth byte may only carry bit 63.
  std::vector<unsigned char> over = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  std::string msg = error_of([&] { read_varint(over); });
  CHECK_THAT(msg, Catch::Contains("test buffer") && Catch::Contains("value") && Catch::Contains("64 bits"));

  // An 11-byte varint: the tenth byte still says "more follows".
  std::vector<unsigned char> eleven(10, 0x80);
  eleven.push_back(0x00);
  msg = error_of([&] { read_varint(eleven); });
  CHECK(weft::format::test::one_line(msg));

  // Ten continuation bytes of 0xff and a final 0x7f.
  std::vector<unsigned char> long_ff(10, 0xff);
  long_ff.push_back(0x7f);
  CHECK_THROWS_AS(read_varint(long_ff), format_error);
}

TEST_CASE("non-canonical (zero-padded) varints up to 10 bytes are accepted", "[bytes]") {
  // Documented behaviour, not an endorsement: the writer never produces
  // these, and the reader does not insist on the shortest form. The value
  // is still exact, so nothing downstream can be misled.
  CHECK(read_varint({0x80, 0x00}) == 0);
  CHECK(read_varint({0x81, 0x80, 0x80, 0x00}) == 1);
  std::vector<unsigned char> ten_zero(9, 0x80);
  ten_zero.push_back(0x00);
  CHECK(read_varint(ten_zero) == 0);
}

TEST_CASE("a varint cut off by the end of its buffer is an error", "[bytes]") {
  for (const std::vector<unsigned char>& cut : {std::vector<unsigned char>{}, std::vector<unsigned char>{0x80},
                                                std::vector<unsigned char>{0xff, 0xff, 0xff}}) {
    const std::string msg = error_of([&] {
      ByteReader r(cut.data(), cut.size(), "EVTS chunk at byte 812");
      r.varint("event time");
    });
    CHECK(msg == "EVTS chunk at byte 812: event time: runs past the end of its chunk");
  }
}

TEST_CASE("varint_max rejects values above its limit", "[bytes]") {
  const auto bytes = varint_bytes(std::uint64_t{1} << 32);
  ByteReader r(bytes.data(), bytes.size(), "THRD chunk at byte 40");
  const std::string msg = error_of([&] { r.varint_max("thread id", UINT32_MAX); });
  CHECK(msg == "THRD chunk at byte 40: thread id: value 4294967296 out of range");

  ByteReader ok(bytes.data(), bytes.size(), "x");
  CHECK(ok.varint_max("v", std::uint64_t{1} << 32) == std::uint64_t{1} << 32);
}

TEST_CASE("fixed-width fields are little-endian and bounds-checked", "[bytes]") {
  unsigned char buf[32];
  ByteWriter w(buf, sizeof buf);
  w.u8(0xab);
  w.u32(0x01020304);
  w.u64(0x1122334455667788ull);
  w.f64(-0.0);
  w.f64(std::numeric_limits<double>::infinity());
  REQUIRE(w.size() == 29);
  CHECK(buf[1] == 0x04);
  CHECK(buf[4] == 0x01);
  CHECK(buf[5] == 0x88);

  ByteReader r(buf, w.size(), "buf");
  CHECK(r.u8("a") == 0xab);
  CHECK(r.u32("b") == 0x01020304u);
  CHECK(r.u64("c") == 0x1122334455667788ull);
  const double neg_zero = r.f64("d");
  CHECK(neg_zero == 0.0);
  CHECK(std::signbit(neg_zero));
  CHECK(r.f64("e") == std::numeric_limits<double>::infinity());
  CHECK(r.empty());
  CHECK(error_of([&] { r.u8("one more"); }) == "buf: one more: runs past the end of its chunk");

  // A field straddling the end is not read partially.
  ByteReader short_u64(buf, 7, "buf");
  CHECK_THROWS_AS(short_u64.u64("u64"), format_error);
  CHECK(short_u64.position() == 0);
  ByteReader short_u32(buf, 3, "buf");
  CHECK_THROWS_AS(short_u32.u32("u32"), format_error);
}

TEST_CASE("strings: exact fit, empty, and lengths running past the end", "[bytes]") {
  unsigned char buf[16];
  ByteWriter w(buf, sizeof buf);
  w.string("abc");
  w.string("");
  ByteReader r(buf, w.size(), "buf");
  CHECK(r.string("s1") == "abc");
  CHECK(r.string("s2").empty());
  CHECK(r.empty());

  // Length 5, only 3 bytes follow.
  const unsigned char past[] = {0x05, 'a', 'b', 'c'};
  ByteReader p(past, sizeof past, "SITE chunk at byte 100");
  const std::string msg = error_of([&] { p.string("site file"); });
  CHECK_THAT(msg, Catch::StartsWith("SITE chunk at byte 100: site file: ") && Catch::Contains("5"));

  // A huge length (2^63) must not wrap the position around.
  std::vector<unsigned char> huge = varint_bytes(std::uint64_t{1} << 63);
  huge.push_back('x');
  ByteReader h(huge.data(), huge.size(), "buf");
  CHECK_THROWS_AS(h.string("name"), format_error);
}

// Regression test. ByteReader::string used to pass remaining() to
// varint_max before the length varint was consumed, so a length counting
// the varint's own byte(s) was accepted: the string ended up to 10 bytes
// past the buffer, position() passed size(), remaining() wrapped to ~2^64
// and every later read walked off the buffer (a heap overflow in the
// decoders on a chunk with a valid checksum). The backing array is larger
// than the size given to the reader, so this test stays memory-safe even
// against the old code.
TEST_CASE("a string length that counts its own length byte is rejected", "[bytes]") {
  const unsigned char backing[] = {0x01, 'X', 'Y'};
  ByteReader r(backing, 1, "THRD chunk at byte 64");  // one byte: the length, no text
  CHECK_THROWS_AS(r.string("thread name"), format_error);
  CHECK(r.position() <= 1);
  // Two-byte length 128 with 127 bytes after it.
  std::vector<unsigned char> two(2 + 127, 'z');
  two[0] = 0x80;
  two[1] = 0x01;
  ByteReader r2(two.data(), two.size(), "x");
  CHECK_THROWS_AS(r2.string("s"), format_error);
  two.push_back('z');  // now exactly 128
  ByteReader r3(two.data(), two.size(), "x");
  CHECK(r3.string("s").size() == 128);
  CHECK(r3.empty());
}

TEST_CASE("ByteWriter reports overflow instead of writing past its buffer", "[bytes]") {
  unsigned char buf[8];
  std::memset(buf, 0xee, sizeof buf);
  ByteWriter w(buf, 5);
  w.u32(1);
  CHECK_FALSE(w.overflowed());
  w.varint(5);  // one byte left: a 1-byte varint fits exactly
  CHECK_FALSE(w.overflowed());
  CHECK(w.remaining() == 0);
  w.u8(7);
  CHECK(w.overflowed());
  CHECK(w.size() == 5);
  CHECK(buf[5] == 0xee);  // nothing past capacity

  // Overflow is sticky until rewind: a later small write must not land after
  // a dropped one (the record would be corrupt).
  ByteWriter s(buf, 6);
  s.u32(0);
  s.u64(0);  // does not fit
  CHECK(s.overflowed());
  s.u8(1);   // would fit, but the record is already lost
  CHECK(s.size() == 4);
  s.rewind(2);
  CHECK_FALSE(s.overflowed());
  CHECK(s.size() == 2);

  ByteWriter str(buf, 3);
  str.string("abcd");
  CHECK(str.overflowed());
}

TEST_CASE("crc32c matches the Castagnoli check value and chains", "[bytes]") {
  const char* check = "123456789";
  CHECK(crc32c(check, 9) == 0xe3069283u);  // the standard CRC-32C check value
  CHECK(crc32c(check, 0) == 0u);
  // Incremental: crc(a + b) == crc(b, crc(a)), across the 8-byte fast path.
  std::vector<unsigned char> data(100);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 37 + 11);
  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{63}, std::size_t{100}})
    CHECK(crc32c(data.data() + split, data.size() - split, crc32c(data.data(), split)) == crc32c(data.data(), data.size()));
}

TEST_CASE("crc32c of long buffers (summed in stripes side by side) is the bit-by-bit checksum", "[bytes]") {
  // The definition, a bit at a time.
  const auto reference = [](const unsigned char* p, std::size_t n) {
    std::uint32_t c = ~0u;
    for (std::size_t i = 0; i < n; ++i) {
      c ^= p[i];
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
  };
  std::vector<unsigned char> data(20000);
  std::uint32_t x = 12345;
  for (unsigned char& b : data) b = static_cast<unsigned char>((x = x * 1103515245u + 12345u) >> 24);
  // Lengths below, at and past three stripes of 1 KB, at odd offsets, and chained.
  for (std::size_t offset : {std::size_t{0}, std::size_t{3}, std::size_t{8}})
    for (std::size_t n : {std::size_t{3071}, std::size_t{3072}, std::size_t{3073}, std::size_t{6144}, std::size_t{9999},
                          std::size_t{19990}}) {
      INFO("offset " << offset << ", " << n << " bytes");
      CHECK(crc32c(data.data() + offset, n) == reference(data.data() + offset, n));
      CHECK(crc32c(data.data() + offset + 100, n - 100, crc32c(data.data() + offset, 100)) ==
            reference(data.data() + offset, n));
    }
}
