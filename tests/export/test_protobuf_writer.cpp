// The protobuf wire encoder, byte for byte against the encoding rules
// (https://protobuf.dev/programming-guides/encoding/).
#include <string>

#include <catch2/catch.hpp>

#include "protobuf_writer.hpp"

using weft::exporter::protobuf::append_varint;
using weft::exporter::protobuf::varint_size;
using weft::exporter::protobuf::Writer;

namespace {

std::string bytes(std::initializer_list<unsigned> b) {
  std::string s;
  for (const unsigned c : b) s.push_back(static_cast<char>(c));
  return s;
}

std::string varint(std::uint64_t v) {
  std::string s;
  append_varint(s, v);
  return s;
}

}  // namespace

TEST_CASE("protobuf: varints take 7 bits a byte, low bits first", "[export][protobuf]") {
  CHECK(varint(0) == bytes({0x00}));
  CHECK(varint(1) == bytes({0x01}));
  CHECK(varint(127) == bytes({0x7f}));
  CHECK(varint(128) == bytes({0x80, 0x01}));
  CHECK(varint(300) == bytes({0xac, 0x02}));
  CHECK(varint(16383) == bytes({0xff, 0x7f}));
  CHECK(varint(16384) == bytes({0x80, 0x80, 0x01}));
  CHECK(varint(~0ull) == bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  for (int bits = 0; bits <= 64; ++bits) {
    const std::uint64_t v = bits == 64 ? ~0ull : (1ull << bits) - 1;  // the largest of each width
    INFO(bits);
    CHECK(varint(v).size() == varint_size(v));
    CHECK(varint_size(v) == static_cast<std::size_t>(bits == 0 ? 1 : (bits + 6) / 7));
  }
}

TEST_CASE("protobuf: tags, negative int64, fixed64 and strings", "[export][protobuf]") {
  std::string out;
  Writer w(out);
  w.varint(1, 150);  // the encoding guide's example
  CHECK(out == bytes({0x08, 0x96, 0x01}));
  out.clear();
  w.int64(30, -1);  // field 30: a two-byte tag; -1: ten bytes
  CHECK(out == bytes({0xf0, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  out.clear();
  w.fixed64(47, 0x0102030405060708ull);  // little-endian
  CHECK(out == bytes({0xf9, 0x02, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}));
  out.clear();
  w.bytes(2, "testing");
  CHECK(out == bytes({0x12, 0x07}) + "testing");
  out.clear();
  w.bytes(2, "");
  CHECK(out == bytes({0x12, 0x00}));
}

TEST_CASE("protobuf: nested messages get exact lengths, growing past one byte", "[export][protobuf]") {
  std::string out;
  Writer w(out);
  SECTION("empty") {
    w.end_nested(w.begin_nested(8));
    CHECK(out == bytes({0x42, 0x00}));
  }
  SECTION("127 bytes: one length byte; 128: two") {
    for (const std::size_t n : {std::size_t{125}, std::size_t{126}}) {
      out.clear();
      const auto m = w.begin_nested(1);
      w.bytes(2, std::string(n, 'x'));  // 2 bytes of tag and length + n
      w.end_nested(m);
      const std::size_t body = n + 2;
      INFO(body);
      CHECK(out.substr(0, 1) == bytes({0x0a}));
      CHECK(out.substr(1, varint_size(body)) == varint(body));
      CHECK(out.size() == 1 + varint_size(body) + body);
      CHECK(out.substr(1 + varint_size(body)) == bytes({0x12, static_cast<unsigned>(n)}) + std::string(n, 'x'));
    }
  }
  SECTION("an inner message that grows moves its outer's body, and the outer's length counts it") {
    const auto outer = w.begin_nested(1);
    w.varint(1, 5);
    const auto inner = w.begin_nested(2);
    w.bytes(3, std::string(200, 'y'));  // 3 + 200 bytes: a two-byte length
    w.end_nested(inner);
    w.varint(4, 6);
    w.end_nested(outer);
    const std::string inner_body = bytes({0x1a, 0xc8, 0x01}) + std::string(200, 'y');
    const std::string outer_body = bytes({0x08, 0x05, 0x12}) + varint(inner_body.size()) + inner_body + bytes({0x20, 0x06});
    CHECK(out == bytes({0x0a}) + varint(outer_body.size()) + outer_body);
  }
  SECTION("a body of 16384 bytes takes a three-byte length") {
    const auto m = w.begin_nested(1);
    w.bytes(2, std::string(16381, 'z'));  // tag 1 + length 2 + 16381
    w.end_nested(m);
    CHECK(out.substr(0, 4) == bytes({0x0a, 0x80, 0x80, 0x01}));
    CHECK(out.size() == 4 + 16384);
  }
}
