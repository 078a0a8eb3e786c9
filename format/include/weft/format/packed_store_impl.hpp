// PackedStore's member functions that are not inlined (packed_store.hpp).
// Included only by the one file that instantiates a codec's store
// (`template class PackedStore<TheCodec>;`), so that the rest of the build
// compiles none of this.
#pragma once

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "weft/format/packed_store.hpp"
#include "weft/format/prefault.hpp"

namespace weft::format {
namespace packed_store_detail {

// Reading a field loads 8 bytes from the byte its first bit is in, and one
// more when the field straddles them: every block is followed by this many
// readable bytes.
inline constexpr std::size_t kSlack = 16;
// Segments grow from small (a decoded chunk's store is a few KB) to this
// size, so a large store never copies its bytes to grow.
inline constexpr std::size_t kFirstSegment = std::size_t{4} << 10, kLargestSegment = std::size_t{8} << 20;
// A store that was told its size (reserve) gets a first segment for all of
// it, estimated from its first block, up to this: offsets are 32-bit.
inline constexpr std::size_t kLargestFirstSegment = std::size_t{1} << 30;

inline std::uint64_t mask(unsigned width) { return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1; }

// `width` bits (at most 64) at bit `pos` of `p`.
inline std::uint64_t read_bits(const unsigned char* p, std::uint64_t pos, unsigned width) {
  const unsigned char* at = p + (pos >> 3);
  const unsigned shift = pos & 7;
  std::uint64_t w;
  std::memcpy(&w, at, 8);
  std::uint64_t v = w >> shift;
  if (shift + width > 64) v |= std::uint64_t{at[8]} << (64 - shift);
  return v & mask(width);
}

// Writes `v` (fits in `width` bits) at bit `pos`, replacing what was there.
inline void write_bits(unsigned char* p, std::uint64_t pos, unsigned width, std::uint64_t v) {
  if (width == 0) return;
  unsigned char* at = p + (pos >> 3);
  const unsigned shift = pos & 7;
  const std::uint64_t m = mask(width);
  std::uint64_t w;
  std::memcpy(&w, at, 8);
  w = (w & ~(m << shift)) | (v << shift);
  std::memcpy(at, &w, 8);
  if (shift + width > 64) {
    const unsigned spill = 64 - shift;  // bits already written
    at[8] = static_cast<unsigned char>((at[8] & ~(m >> spill)) | (v >> spill));
  }
}

// The value a block stores for a field, given its base: the distance from
// the base (an optional field: 0 for none, else the distance plus one).
template <bool Optional>
__attribute__((always_inline)) inline std::uint64_t stored(std::uint64_t v, std::uint64_t base) {
  if constexpr (Optional) return v == ~std::uint64_t{0} ? 0 : v - base + 1;
  return v - base;
}

// Each field's smallest and largest value over `records` (n of them), and
// whether any record has one: an optional field's ~0 is "none" and left
// out (lo stays ~0 and hi 0 when none has one). What a codec's own
// `ranges` must give too.
template <class Codec>
void ranges_of(const typename Codec::Record* records, std::size_t n, std::uint64_t (&lo)[Codec::kFields],
               std::uint64_t (&hi)[Codec::kFields], bool (&any)[Codec::kFields]) {
  constexpr int kFields = Codec::kFields;
  std::fill(lo, lo + kFields, ~std::uint64_t{0});
  std::fill(hi, hi + kFields, 0);
  std::fill(any, any + kFields, false);
  for (std::size_t k = 0; k < n; ++k) {
    std::uint64_t v[kFields];
    Codec::split(records[k], v);
#pragma GCC unroll 16
    for (int fi = 0; fi < kFields; ++fi) {
      if (((Codec::kOptional >> fi) & 1) && v[fi] == ~std::uint64_t{0}) continue;
      lo[fi] = std::min(lo[fi], v[fi]);
      hi[fi] = std::max(hi[fi], v[fi]);
      any[fi] = true;
    }
  }
}

}  // namespace packed_store_detail

template <class Codec>
PackedStore<Codec>::PackedStore(const PackedStore& other) : frames_(other.frames_), tail_(other.tail_), packed_(other.packed_) {
  segments_.reserve(other.segments_.size());
  for (const Segment& s : other.segments_) {
    Segment copy;
    copy.bytes = ZeroedMemory(s.used + packed_store_detail::kSlack);
    copy.used = s.used;
    std::memcpy(copy.bytes.data(), s.bytes.data(), s.used);
    segments_.push_back(std::move(copy));
  }
  for (Frame& f : frames_) f.data = segments_[f.segment].bytes.data() + f.offset;
}

template <class Codec>
PackedStore<Codec>& PackedStore<Codec>::operator=(const PackedStore& other) {
  if (this != &other) *this = PackedStore(other);
  return *this;
}

template <class Codec>
typename Codec::Record PackedStore<Codec>::Frame::get(const unsigned char* p, std::size_t k) const {
  if (record_bits <= kNarrowRecord) return get_narrow(p, k);
  const std::uint64_t at = std::uint64_t{k} * record_bits;
  std::uint64_t v[kFields];
  for (int f = 0; f < kFields; ++f) v[f] = packed_store_detail::read_bits(p, at + shift[f], width[f]);
  return from(v);
}

// Writes record k's fields, each within its width, over what was there.
template <class Codec>
void PackedStore<Codec>::Frame::put(unsigned char* p, std::size_t k, const std::uint64_t (&v)[kFields]) const {
  using namespace packed_store_detail;
  const std::uint64_t at = std::uint64_t{k} * record_bits;
  [&]<int... F>(std::integer_sequence<int, F...>) {
    (write_bits(p, at + shift[F], width[F], stored<optional(F)>(v[F], base[F])), ...);
  }(std::make_integer_sequence<int, kFields>{});
}

template <class Codec>
typename Codec::Record PackedStore<Codec>::get_slowly(std::size_t i) const {
  if (i >= packed_) return tail_[i - packed_];
  const Frame& f = frames_[i / kBlock];
  return f.get(f.data, i % kBlock);
}

template <class Codec>
typename Codec::Record PackedStore<Codec>::at(std::size_t i) const {
  if (i >= size()) throw std::out_of_range("record " + std::to_string(i) + " of " + std::to_string(size()));
  return (*this)[i];
}

template <class Codec>
unsigned char* PackedStore<Codec>::allocate(std::size_t n, std::uint32_t& segment, std::uint32_t& offset) {
  using namespace packed_store_detail;
  if (segments_.empty() || segments_.back().bytes.size() - segments_.back().used < n + kSlack) {
    std::size_t grown = segments_.empty() ? kFirstSegment : std::min(segments_.back().bytes.size() * 2, kLargestSegment);
    // The first block of a store reserved for many: room for all its blocks
    // at this one's size and an eighth more, on 2 MB pages when that is
    // large, instead of growing from 4 KB (each first write to a 4 KB page
    // is a page fault; see zeroed_memory.hpp).
    if (segments_.empty() && frames_.capacity() > 1)
      grown = std::max(grown, std::min(n * frames_.capacity() / 8 * 9, kLargestFirstSegment));
    // Zeroed: a read of a block's last record loads bytes past its end (and
    // masks them off), which must not be uninitialized memory.
    segments_.push_back(Segment{ZeroedMemory(std::max(grown, n + kSlack)), 0});
  }
  Segment& s = segments_.back();
  segment = static_cast<std::uint32_t>(segments_.size() - 1);
  offset = static_cast<std::uint32_t>(s.used);
  s.used += n;
  // Blocks are packed front to back: a large segment's pages are mapped a
  // step ahead in bulk, not faulted in one by one (prefault.hpp).
  if (s.bytes.size() >= ZeroedMemory::kHugeFrom) prefault_ahead(s.bytes.data(), s.bytes.size(), offset, s.used + kSlack);
  return s.bytes.data() + offset;
}

template <class Codec>
void PackedStore<Codec>::pack(const Record* records, std::size_t n, Frame& f) {
  using namespace packed_store_detail;
  // Each field's range over the block (optional fields: over the records
  // that have one). A codec may find them faster itself (EventCodec does,
  // with vector instructions): half of packing is this pass.
  std::uint64_t lo[kFields], hi[kFields];
  bool any[kFields];
  if constexpr (requires { Codec::ranges(records, n, lo, hi, any); })
    Codec::ranges(records, n, lo, hi, any);
  else
    ranges_of<Codec>(records, n, lo, hi, any);
  unsigned bits = 0;
  for (int fi = 0; fi < kFields; ++fi) {
    f.base[fi] = any[fi] ? lo[fi] : 0;
    // An optional field also stores "none" (0): its distances are one more.
    const std::uint64_t span = !any[fi] ? 0 : hi[fi] - lo[fi] + (optional(fi) ? 1 : 0);
    f.width[fi] = static_cast<std::uint8_t>(std::bit_width(span));
    f.mask[fi] = mask(f.width[fi]);
    f.shift[fi] = static_cast<std::uint16_t>(bits);
    bits += f.width[fi];
  }
  f.record_bits = static_cast<std::uint16_t>(bits);
  f.count = static_cast<std::uint16_t>(n);
  unsigned char* p = allocate(f.bytes(), f.segment, f.offset);
  f.data = p;
  if (bits == 0) return;  // every record the same: the frame says it all
  // A record's value, field by field, as the block stores it.
  const auto record_of = [&f](const Record& r) __attribute__((always_inline)) {
    std::uint64_t v[kFields];
    Codec::split(r, v);
    std::uint64_t record = 0;
    [&]<int... F>(std::integer_sequence<int, F...>) {
      ((record |= stored<optional(F)>(v[F], f.base[F]) << f.shift[F]), ...);
    }(std::make_integer_sequence<int, kFields>{});
    return record;
  };
  if (bits <= kNarrowRecord) {
    // Records go into a 64-bit accumulator written out a word at a time:
    // one store per 8 bytes, never a load of bytes just stored.
    std::uint64_t acc = 0;
    unsigned used = 0;
    unsigned char* out = p;
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t record = record_of(records[k]);
      acc |= record << used;
      used += bits;
      if (used >= 64) {
        std::memcpy(out, &acc, 8);
        out += 8;
        used -= 64;
        acc = used ? record >> (bits - used) : 0;  // the part that did not fit
      }
    }
    if (used) std::memcpy(out, &acc, 8);  // within the block's slack
    return;
  }
  for (std::size_t k = 0; k < n; ++k) {
    std::uint64_t v[kFields];
    Codec::split(records[k], v);
    f.put(p, k, v);
  }
}

template <class Codec>
void PackedStore<Codec>::push_back_slowly(const Record& r) {
  make_room();
  tail_.push_back(r);
}

template <class Codec>
typename Codec::Record& PackedStore<Codec>::emplace_back_slowly() {
  make_room();
  return tail_.emplace_back();
}

template <class Codec>
void PackedStore<Codec>::make_room() {
  if (!frames_.empty() && frames_.back().count < kBlock) unpack_last();
  if (tail_.size() < kBlock) return;
  pack_tail();
}

template <class Codec>
void PackedStore<Codec>::pack_tail() {
  Frame& f = frames_.emplace_back();
  pack(tail_.data(), tail_.size(), f);
  packed_ += tail_.size();
  tail_.clear();
}

template <class Codec>
void PackedStore<Codec>::seal() {
  using namespace packed_store_detail;
  if (frames_.empty() && tail_.size() * sizeof(Record) <= sizeof(Frame)) {
    tail_.shrink_to_fit();
    decltype(frames_)().swap(frames_);  // a reserve's room for blocks that never came
    return;
  }
  if (!tail_.empty()) pack_tail();
  std::vector<Record>().swap(tail_);
  // Room reserved for blocks that never came is given back where it is
  // much: shrinking copies every description to new pages (a merged part
  // reserved a few more than its events filled, and its millions of
  // descriptions were copied for a few kB).
  if (frames_.capacity() - frames_.size() > frames_.size() / 8) frames_.shrink_to_fit();
  // The last segment's pages were mapped a step ahead of its blocks
  // (allocate): those past them go back (a billion-event load seals
  // hundreds of stores).
  if (!segments_.empty()) segments_.back().bytes.release(segments_.back().used + kSlack, segments_.back().bytes.size());
  // Segments double as they fill: a small store (a decoded chunk) may own
  // twice the bytes it uses. Those are copied into one segment of the right
  // size; a large store's last, partly used segment is a small part of it.
  std::size_t used = 0, owned = 0;
  for (const Segment& s : segments_) owned += s.bytes.committed(s.used);
  for (const Frame& f : frames_) used += f.bytes();
  if (owned - std::min(owned, used + kSlack) <= used / 8 || used >= (std::size_t{1} << 31)) return;
  Segment one{ZeroedMemory(used + kSlack), 0};
  for (Frame& f : frames_) {
    const std::size_t n = f.bytes();
    std::memcpy(one.bytes.data() + one.used, f.data, n);
    f.segment = 0;
    f.offset = static_cast<std::uint32_t>(one.used);
    f.data = one.bytes.data() + one.used;
    one.used += n;
  }
  segments_.clear();
  segments_.push_back(std::move(one));
}

template <class Codec>
void PackedStore<Codec>::unpack_last() {
  const Frame f = frames_.back();
  tail_.resize(f.count);
  for (std::size_t k = 0; k < f.count; ++k) tail_[k] = f.get(f.data, k);
  packed_ -= f.count;
  frames_.pop_back();
  // Its bytes were the last allocated (blocks are packed in order): reuse them.
  Segment& s = segments_[f.segment];
  if (f.segment + 1 == segments_.size() && f.offset + f.bytes() == s.used) {
    std::memset(s.bytes.data() + f.offset, 0, s.used - f.offset);
    s.used = f.offset;
  }
}

template <class Codec>
void PackedStore<Codec>::set(std::size_t i, const Record& r) {
  using namespace packed_store_detail;
  if (i >= packed_) {
    tail_.at(i - packed_) = r;
    return;
  }
  Frame& f = frames_[i / kBlock];
  const std::size_t k = i % kBlock;
  std::uint64_t v[kFields];
  Codec::split(r, v);
  bool fits = true;
  for (int fi = 0; fi < kFields && fits; ++fi) {
    if (optional(fi) && v[fi] == ~std::uint64_t{0}) continue;
    const std::uint64_t d = v[fi] - f.base[fi] + (optional(fi) ? 1 : 0);
    fits = v[fi] >= f.base[fi] && d <= f.mask[fi] && !(optional(fi) && d == 0);
  }
  if (fits) {
    f.put(f.data, k, v);
    return;
  }
  // The block cannot hold the new value: it is packed anew, further on.
  std::vector<Record> block(f.count);
  for (std::size_t j = 0; j < f.count; ++j) block[j] = f.get(f.data, j);
  block[k] = r;
  Frame fresh;
  pack(block.data(), block.size(), fresh);
  frames_[i / kBlock] = fresh;
}

template <class Codec>
void PackedStore<Codec>::append(PackedStore&& other) {
  if (other.empty()) return;
  if (size() % kBlock != 0) throw std::logic_error("PackedStore::append: this store does not end on a block's end");
  // tail_ holds no record or a whole block, not yet packed: packed now,
  // so that the blocks stay in order.
  if (!tail_.empty()) pack_tail();
  const auto first_segment = static_cast<std::uint32_t>(segments_.size());
  for (Segment& seg : other.segments_) segments_.push_back(std::move(seg));
  // Geometric, as push_back's: stores appended one after another would
  // otherwise copy the frames so far at every append.
  const std::size_t frames = frames_.size() + other.frames_.size();
  if (frames > frames_.capacity()) frames_.reserve(std::max(frames, 2 * frames_.capacity()));
  for (Frame f : other.frames_) {
    f.segment += first_segment;  // its bytes stay where they are; only the segment's number changes
    frames_.push_back(f);
  }
  packed_ += other.packed_;
  tail_ = std::move(other.tail_);
  other.clear();
}

template <class Codec>
void PackedStore<Codec>::clear() {  // and gives the memory back, unlike a vector's
  std::vector<Segment>().swap(segments_);
  decltype(frames_)().swap(frames_);
  std::vector<Record>().swap(tail_);
  packed_ = 0;
}

template <class Codec>
void PackedStore<Codec>::decode(std::size_t first, std::size_t count, Record* out) const {
  for_each(first, first + count, [&out](std::size_t, const Record& r) __attribute__((always_inline)) { *out++ = r; });
}

template <class Codec>
std::vector<typename Codec::Record> PackedStore<Codec>::to_vector() const {
  std::vector<Record> out(size());
  decode(0, out.size(), out.data());
  return out;
}

template <class Codec>
std::size_t PackedStore<Codec>::memory_bytes() const {
  std::size_t n = frames_.capacity() * sizeof(Frame) + tail_.capacity() * sizeof(Record) +
                  segments_.capacity() * sizeof(Segment);
  for (const Segment& s : segments_) n += s.bytes.committed(s.used);
  return n;
}

}  // namespace weft::format
