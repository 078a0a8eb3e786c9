#include "weft/format/chunk_encoder.hpp"

#include <cstring>

#include "weft/format/crc32c.hpp"

namespace weft::format {

void encode_file_header(unsigned char (&out)[kFileHeaderSize]) noexcept {
  std::memcpy(out, kMagic, sizeof kMagic);
  ByteWriter w(out + sizeof kMagic, kFileHeaderSize - sizeof kMagic);
  w.u8(kVersionMajor & 0xff);
  w.u8(kVersionMajor >> 8);
  w.u8(kVersionMinor & 0xff);
  w.u8(kVersionMinor >> 8);
  w.u32(0);
}

ChunkEncoder::ChunkEncoder(unsigned char* buffer, std::size_t capacity) noexcept
    : buf_(buffer), cap_(capacity), out_(buffer + kChunkHeaderSize, capacity - kChunkHeaderSize) {}

ByteWriter& ChunkEncoder::begin(ChunkType type) noexcept {
  out_ = ByteWriter(buf_ + kChunkHeaderSize, cap_ - kChunkHeaderSize);
  type_ = static_cast<std::uint32_t>(type);
  open_ = true;
  return out_;
}

std::span<const unsigned char> ChunkEncoder::finish() noexcept {
  open_ = false;
  if (out_.overflowed()) return {};
  const auto length = static_cast<std::uint32_t>(out_.size());
  ByteWriter h(buf_, kChunkHeaderSize);
  h.u32(type_);
  h.u32(length);
  h.u32(crc32c(buf_ + kChunkHeaderSize, length));
  h.u32(crc32c(buf_, 12));
  return {buf_, kChunkHeaderSize + length};
}

void encode_meta_uint(ByteWriter& w, MetaKey key, std::uint64_t v) noexcept {
  w.varint(static_cast<std::uint8_t>(key));
  w.u8(static_cast<std::uint8_t>(MetaType::Uint));
  w.varint(v);
}

void encode_meta_string(ByteWriter& w, MetaKey key, std::string_view v) noexcept {
  w.varint(static_cast<std::uint8_t>(key));
  w.u8(static_cast<std::uint8_t>(MetaType::String));
  w.string(v);
}

void encode_meta_f64(ByteWriter& w, MetaKey key, double v) noexcept {
  w.varint(static_cast<std::uint8_t>(key));
  w.u8(static_cast<std::uint8_t>(MetaType::F64));
  w.f64(v);
}

void encode_kind_table(ByteWriter& w) noexcept {
  for (unsigned code = 1; code <= kMaxKindCode; ++code) {
    const KindInfo& k = builtin_kind(static_cast<std::uint8_t>(code));
    if (k.name.empty()) continue;
    w.u8(static_cast<std::uint8_t>(code));
    w.u8(k.layout);
    w.string(k.name);
  }
}

void encode_thread(ByteWriter& w, const ThreadRecord& r) noexcept {
  w.varint(r.id);
  w.varint(r.os_tid);
  w.varint(r.parent);
  w.varint(r.object);
  w.u8(r.flags);
  w.string(r.name);
}

void encode_object(ByteWriter& w, const ObjectRecord& r) noexcept {
  w.varint(r.id);
  w.u8(static_cast<std::uint8_t>(r.kind));
  w.u8(r.flags);
  w.varint(r.site);
  w.varint(r.creator);
  w.varint(r.extra);
  w.string(r.name);
}

void encode_site(ByteWriter& w, const SiteRecord& r) noexcept {
  w.varint(r.id);
  w.varint(r.line);
  w.string(r.file);
  w.string(r.function);
}

void encode_module(ByteWriter& w, const ModuleRecord& r) noexcept {
  w.varint(r.id);
  w.varint(r.base);
  w.varint(r.low);
  w.varint(r.high);
  w.string(r.path);
  w.string(r.build_id);
}

void encode_address(ByteWriter& w, const AddressRecord& r) noexcept {
  w.u8(static_cast<std::uint8_t>(r.of));
  w.varint(r.id);
  w.varint(r.address);
}

void encode_shared_key(ByteWriter& w, const SharedKeyRecord& r) noexcept {
  w.varint(r.object);
  w.varint(r.key);
}

void encode_clock(ByteWriter& w, std::uint64_t ticks, std::uint64_t monotonic_ns) noexcept {
  w.u64(ticks);
  w.u64(monotonic_ns);
}

void encode_index_entry(ByteWriter& w, const IndexEntry& e) noexcept {
  w.u64(e.offset);
  w.varint(e.thread);
  w.varint(e.count);
  w.u64(e.first_ticks);
  w.u64(e.last_ticks);
}

// Fixed width, so a reader finds the END chunk (and through it the index)
// from the last kEndChunkSize bytes of the file without scanning.
void encode_end(ByteWriter& w, const EndRecord& r) noexcept {
  w.u8(static_cast<std::uint8_t>(r.reason));
  w.u64(r.status);
  w.u64(r.events);
  w.u64(r.dropped);
  w.u64(r.index_offset);
}

// EVTS payload: varint thread | u32 count | u64 first ticks | events.
// Each event: u8 kind (high bit: flags byte follows) | [u8 flags]
//   | varint zigzag(ticks - previous ticks) | [varint object] | [varint seq+1]
//   | varint site | [varint arg] | [varint text length | text]
void EventChunkEncoder::begin(std::uint32_t thread) noexcept {
  ByteWriter& w = chunk_.begin(ChunkType::Events);
  w.varint(thread);
  count_pos_ = w.size();
  w.u32(0);
  base_pos_ = w.size();
  w.u64(0);
  count_ = 0;
  first_ = prev_ = 0;
}

bool EventChunkEncoder::add(const EventRecord& e) noexcept {
  // The writer thread runs this for every event: reserve the most an event
  // can take, then write fields without checking each one.
  constexpr std::size_t kMaxFixed = 2 + 5 * 10;
  ByteWriter& w = chunk_.payload();
  unsigned char* const start = w.reserve_raw(kMaxFixed + e.text.size());
  if (start == nullptr) return false;
  if (count_ == 0) prev_ = first_ = e.ticks;
  const std::uint8_t layout = kind_layout(e.kind);
  unsigned char* p = start;
  *p++ = static_cast<unsigned char>(e.kind | (e.flags ? kKindFlagsFollow : 0));
  if (e.flags) *p++ = e.flags;
  p = ByteWriter::put_varint(p, zigzag(static_cast<std::int64_t>(e.ticks - prev_)));
  if (layout & kLayoutObject) p = ByteWriter::put_varint(p, e.object);
  if (layout & kLayoutSeq) p = ByteWriter::put_varint(p, e.seq == kNoSeq ? 0 : e.seq + 1);
  p = ByteWriter::put_varint(p, e.site);
  if (layout & kLayoutArg) p = ByteWriter::put_varint(p, e.arg);
  if (layout & kLayoutText) {
    p = ByteWriter::put_varint(p, e.text.size());
    if (!e.text.empty()) std::memcpy(p, e.text.data(), e.text.size());
    p += e.text.size();
  }
  w.commit_raw(p);
  prev_ = e.ticks;
  ++count_;
  return true;
}

std::span<const unsigned char> EventChunkEncoder::finish() noexcept {
  ByteWriter& w = chunk_.payload();
  ByteWriter patch(w.data() + count_pos_, 12);
  patch.u32(count_);
  patch.u64(first_);
  return chunk_.finish();
}

}  // namespace weft::format
