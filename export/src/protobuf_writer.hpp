// A minimal protocol-buffers wire-format encoder: enough to write Perfetto's
// trace format (perfetto_packets.hpp) without a protobuf library. It only
// appends bytes to a std::string the caller owns; it knows no schema.
//
// Encodings (https://protobuf.dev/programming-guides/encoding/):
//   - a tag is the varint (field << 3 | wire type);
//   - wire type 0 (varint): unsigned LEB128, 1 to 10 bytes; an int64 is
//     written as its two's complement, so a negative one takes 10 bytes;
//   - wire type 1 (fixed64): 8 bytes, little-endian;
//   - wire type 2 (length-delimited): a varint length, then the bytes
//     (strings, bytes, and nested messages).
//
// Nested messages: begin_nested() writes the tag and reserves one byte for
// the length; end_nested() fills it in, moving the body along when the
// length needs more than one byte. Lengths are exact (no padded varints), so
// every message is as small as protobuf allows. Invariant: nested messages
// end in the reverse order they began (a stack), like the braces they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft::exporter::protobuf {

enum class WireType : std::uint8_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2 };

// The number of bytes the varint encoding of `value` takes (1 to 10).
inline std::size_t varint_size(std::uint64_t value) {
  std::size_t n = 1;
  for (; value >= 0x80; value >>= 7) ++n;
  return n;
}

// Appends `value` as a varint. Inline: every field of every packet is one.
inline void append_varint(std::string& out, std::uint64_t value) {
  for (; value >= 0x80; value >>= 7) out.push_back(static_cast<char>((value & 0x7f) | 0x80));
  out.push_back(static_cast<char>(value));
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void tag(std::uint32_t field, WireType type) {
    append_varint(out_, (std::uint64_t{field} << 3) | static_cast<std::uint8_t>(type));
  }
  // uint32/uint64/enum/bool fields.
  void varint(std::uint32_t field, std::uint64_t value) {
    tag(field, WireType::Varint);
    append_varint(out_, value);
  }
  // int32/int64 fields (not sint: no zigzag).
  void int64(std::uint32_t field, std::int64_t value) { varint(field, static_cast<std::uint64_t>(value)); }
  void fixed64(std::uint32_t field, std::uint64_t value);
  // string and bytes fields, and a message already encoded elsewhere.
  void bytes(std::uint32_t field, std::string_view value);

  // A nested message: everything written between the two calls is its body.
  // The token is where its length goes; pass it back to end_nested().
  [[nodiscard]] std::size_t begin_nested(std::uint32_t field);
  void end_nested(std::size_t token);

  std::string& buffer() { return out_; }

 private:
  std::string& out_;
};

}  // namespace weft::exporter::protobuf
