// Writer side of the format: builds chunks into a caller-owned buffer.
//
// Nothing here allocates, locks or calls the OS, so the tracer can encode
// from its writer thread and from its crash handlers alike. A chunk is built
// in place behind room for its header; finish() fills the header (length and
// both checksums) and hands back the bytes to write in one go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "weft/format/bytes.hpp"
#include "weft/format/records.hpp"
#include "weft/format/schema.hpp"

namespace weft::format {

// The 16 bytes every file starts with.
void encode_file_header(unsigned char (&out)[kFileHeaderSize]) noexcept;

class ChunkEncoder {
 public:
  ChunkEncoder(unsigned char* buffer, std::size_t capacity) noexcept;

  // Starts a chunk; the payload is written through the returned writer.
  ByteWriter& begin(ChunkType type) noexcept;
  // Completes the chunk. Empty span if the payload overflowed the buffer.
  std::span<const unsigned char> finish() noexcept;
  ByteWriter& payload() noexcept { return out_; }
  bool open() const noexcept { return open_; }

 private:
  unsigned char* buf_;
  std::size_t cap_;
  ByteWriter out_;
  std::uint32_t type_ = 0;
  bool open_ = false;
};

// Payload encoders. Each appends one record; on overflow the writer's
// overflowed() flag is set and the caller starts a new chunk.
void encode_meta_uint(ByteWriter& w, MetaKey key, std::uint64_t v) noexcept;
void encode_meta_string(ByteWriter& w, MetaKey key, std::string_view v) noexcept;
void encode_meta_f64(ByteWriter& w, MetaKey key, double v) noexcept;
void encode_kind_table(ByteWriter& w) noexcept;  // every kind this build knows
void encode_thread(ByteWriter& w, const ThreadRecord& r) noexcept;
void encode_object(ByteWriter& w, const ObjectRecord& r) noexcept;
void encode_site(ByteWriter& w, const SiteRecord& r) noexcept;
void encode_module(ByteWriter& w, const ModuleRecord& r) noexcept;
void encode_address(ByteWriter& w, const AddressRecord& r) noexcept;
void encode_shared_key(ByteWriter& w, const SharedKeyRecord& r) noexcept;
void encode_clock(ByteWriter& w, std::uint64_t ticks, std::uint64_t monotonic_ns) noexcept;
void encode_index_entry(ByteWriter& w, const IndexEntry& e) noexcept;
void encode_end(ByteWriter& w, const EndRecord& r) noexcept;

// Events of one thread, delta-coded. Usage: begin(), add() until it returns
// false (the chunk is full: finish it, begin again, re-add), finish().
class EventChunkEncoder {
 public:
  explicit EventChunkEncoder(ChunkEncoder& chunk) noexcept : chunk_(chunk) {}

  void begin(std::uint32_t thread) noexcept;
  // Appends one event, or leaves the chunk untouched and returns false when
  // it does not fit.
  bool add(const EventRecord& e) noexcept;
  std::uint32_t count() const noexcept { return count_; }
  std::uint64_t first_ticks() const noexcept { return first_; }
  std::uint64_t last_ticks() const noexcept { return prev_; }
  std::span<const unsigned char> finish() noexcept;

 private:
  ChunkEncoder& chunk_;
  std::size_t count_pos_ = 0;
  std::size_t base_pos_ = 0;
  std::uint32_t count_ = 0;
  std::uint64_t first_ = 0;
  std::uint64_t prev_ = 0;
};

}  // namespace weft::format
