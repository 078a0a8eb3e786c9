#include "protobuf_writer.hpp"

namespace weft::exporter::protobuf {

void Writer::fixed64(std::uint32_t field, std::uint64_t value) {
  tag(field, WireType::Fixed64);
  for (int i = 0; i < 8; ++i, value >>= 8) out_.push_back(static_cast<char>(value & 0xff));
}

void Writer::bytes(std::uint32_t field, std::string_view value) {
  tag(field, WireType::LengthDelimited);
  append_varint(out_, value.size());
  out_.append(value);
}

std::size_t Writer::begin_nested(std::uint32_t field) {
  tag(field, WireType::LengthDelimited);
  out_.push_back('\0');  // room for a length under 128; end_nested() makes more if needed
  return out_.size() - 1;
}

void Writer::end_nested(std::size_t token) {
  const std::size_t length = out_.size() - token - 1;
  const std::size_t width = varint_size(length);
  if (width > 1) out_.insert(token + 1, width - 1, '\0');  // the body moves along
  for (std::size_t i = 0, rest = length; i < width; ++i, rest >>= 7)
    out_[token + i] = static_cast<char>((rest & 0x7f) | (i + 1 < width ? 0x80 : 0));
}

}  // namespace weft::exporter::protobuf
