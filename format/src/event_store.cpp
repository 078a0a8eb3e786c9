#include "weft/format/event_store.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

namespace weft::format {
namespace {

// Reading a field loads 8 bytes from the byte its first bit is in, and one
// more when the field straddles them: every block is followed by this many
// readable bytes.
constexpr std::size_t kSlack = 16;
// Segments grow from small (a decoded chunk's store is a few KB) to this
// size, so a large store never copies its bytes to grow.
constexpr std::size_t kFirstSegment = std::size_t{4} << 10, kLargestSegment = std::size_t{8} << 20;

// Field f of an event as an unsigned number (seq: handled by the caller).
inline std::uint64_t field(const Event& e, int f) {
  switch (f) {
    case 0: return e.time_ns;
    case 1: return e.seq;
    case 2: return e.arg;
    case 3: return e.object;
    case 4: return e.site;
    case 5: return e.thread;
    case 6: return static_cast<std::uint8_t>(e.kind);
    default: return e.flags;
  }
}

unsigned bits_for(std::uint64_t v) { return static_cast<unsigned>(std::bit_width(v)); }

std::uint64_t mask(unsigned width) { return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1; }

// Writes `v` (fits in `width` bits) at bit `pos`, replacing what was there.
void write_bits(unsigned char* p, std::uint64_t pos, unsigned width, std::uint64_t v) {
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

// The value a block stores for field f of e, given its base: the distance
// from the base (seq: 0 for none, else the distance plus one).
inline std::uint64_t stored(const Event& e, int f, std::uint64_t base) {
  if (f == 1) return e.seq == kNoSeq ? 0 : e.seq - base + 1;
  return field(e, f) - base;
}

}  // namespace

EventStore::EventStore(std::initializer_list<Event> events) {
  for (const Event& e : events) push_back(e);
}

EventStore::EventStore(const EventStore& other)
    : frames_(other.frames_), tail_(other.tail_), packed_(other.packed_) {
  std::copy(std::begin(other.kinds_), std::end(other.kinds_), kinds_);
  segments_.reserve(other.segments_.size());
  for (const Segment& s : other.segments_) {
    Segment copy;
    copy.capacity = s.used + kSlack;
    copy.used = s.used;
    copy.data = std::make_unique<unsigned char[]>(copy.capacity);
    std::memcpy(copy.data.get(), s.data.get(), s.used);
    segments_.push_back(std::move(copy));
  }
  for (Frame& f : frames_) f.data = segments_[f.segment].data.get() + f.offset;
}

EventStore& EventStore::operator=(const EventStore& other) {
  if (this != &other) *this = EventStore(other);
  return *this;
}

Event EventStore::Frame::get(const unsigned char* p, std::size_t k) const {
  if (record_bits <= kNarrowRecord) return get_narrow(p, k);
  const std::uint64_t at = std::uint64_t{k} * record_bits;
  std::uint64_t v[kFields];
  for (int f = 0; f < kFields; ++f) v[f] = event_store_detail::read_bits(p, at + shift[f], width[f]);
  return from(v);
}

Event EventStore::get_slowly(std::size_t i) const {
  if (i >= packed_) return tail_[i - packed_];
  const Frame& f = frames_[i / kBlock];
  return f.get(bytes(f), i % kBlock);
}

Event EventStore::at(std::size_t i) const {
  if (i >= size())
    throw std::out_of_range("event " + std::to_string(i) + " of a trace of " + std::to_string(size()));
  return (*this)[i];
}

unsigned char* EventStore::allocate(std::size_t n, std::uint32_t& segment, std::uint32_t& offset) {
  if (segments_.empty() || segments_.back().capacity - segments_.back().used < n + kSlack) {
    const std::size_t grown = segments_.empty() ? kFirstSegment : std::min(segments_.back().capacity * 2, kLargestSegment);
    Segment s;
    s.capacity = std::max(grown, n + kSlack);
    // Zeroed: a read of a block's last record loads bytes past its end (and
    // masks them off), which must not be uninitialized memory.
    s.data = std::make_unique<unsigned char[]>(s.capacity);
    segments_.push_back(std::move(s));
  }
  Segment& s = segments_.back();
  segment = static_cast<std::uint32_t>(segments_.size() - 1);
  offset = static_cast<std::uint32_t>(s.used);
  s.used += n;
  return s.data.get() + offset;
}

void EventStore::pack(const Event* events, std::size_t n, Frame& f) {
  // Each field's range over the block (seq: over the events that have one).
  std::uint64_t lo[kFields], hi[kFields];
  std::fill(lo, lo + kFields, ~std::uint64_t{0});
  std::fill(hi, hi + kFields, 0);
  const auto add = [&](int fi, std::uint64_t v) {
    lo[fi] = std::min(lo[fi], v);
    hi[fi] = std::max(hi[fi], v);
  };
  bool any_seq = false;
  for (std::size_t k = 0; k < n; ++k) {
    const Event& e = events[k];
    add(0, e.time_ns);
    if (e.seq != kNoSeq) {
      add(1, e.seq);
      any_seq = true;
    }
    add(2, e.arg);
    add(3, e.object);
    add(4, e.site);
    add(5, e.thread);
    add(6, static_cast<std::uint8_t>(e.kind));
    add(7, e.flags);
  }
  unsigned bits = 0;
  for (int fi = 0; fi < kFields; ++fi) {
    const bool none = fi == 1 ? !any_seq : n == 0;
    f.base[fi] = none ? 0 : lo[fi];
    // seq also stores "none" (0): its distances are one more than the others'.
    const std::uint64_t span = none ? 0 : (fi == 1 ? hi[fi] - lo[fi] + 1 : hi[fi] - lo[fi]);
    f.width[fi] = static_cast<std::uint8_t>(bits_for(span));
    f.mask[fi] = mask(f.width[fi]);
    f.shift[fi] = static_cast<std::uint16_t>(bits);
    bits += f.width[fi];
  }
  f.record_bits = static_cast<std::uint16_t>(bits);
  f.count = static_cast<std::uint16_t>(n);
  const std::size_t size = (std::size_t{bits} * n + 7) / 8;
  unsigned char* p = allocate(size, f.segment, f.offset);
  f.data = p;
  if (bits == 0) return;  // every event the same: the frame says it all
  if (bits <= kNarrowRecord) {
    // Records go into a 64-bit accumulator written out a word at a time:
    // one store per 8 bytes, never a load of bytes just stored.
    const std::uint64_t* base = f.base;
    const std::uint16_t* shift = f.shift;
    std::uint64_t acc = 0;
    unsigned used = 0;
    unsigned char* out = p;
    for (std::size_t k = 0; k < n; ++k) {
      const Event& e = events[k];
      const std::uint64_t record = (e.time_ns - base[0]) << shift[0] |
                                   (e.seq == kNoSeq ? 0 : e.seq - base[1] + 1) << shift[1] |
                                   (e.arg - base[2]) << shift[2] | (e.object - base[3]) << shift[3] |
                                   (e.site - base[4]) << shift[4] | (e.thread - base[5]) << shift[5] |
                                   (static_cast<std::uint8_t>(e.kind) - base[6]) << shift[6] |
                                   (e.flags - base[7]) << shift[7];
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
    const std::uint64_t at = std::uint64_t{k} * bits;
    for (int fi = 0; fi < kFields; ++fi) write_bits(p, at + f.shift[fi], f.width[fi], stored(events[k], fi, f.base[fi]));
  }
}

void EventStore::push_back(const Event& e) {
  saw(e.kind);
  if (!frames_.empty() && frames_.back().count < kBlock) unpack_last();
  tail_.push_back(e);
  if (tail_.size() < kBlock) return;
  Frame& f = frames_.emplace_back();
  pack(tail_.data(), tail_.size(), f);
  packed_ += tail_.size();
  tail_.clear();
}

void EventStore::seal() {
  if (!tail_.empty()) {
    Frame& f = frames_.emplace_back();
    pack(tail_.data(), tail_.size(), f);
    packed_ += tail_.size();
  }
  std::vector<Event>().swap(tail_);
  frames_.shrink_to_fit();
  // Segments double as they fill: a small store (a decoded chunk) may own
  // twice the bytes it uses. Those are copied into one segment of the right
  // size; a large store's last, partly used segment is a small part of it.
  std::size_t used = 0, owned = 0;
  for (const Segment& s : segments_) owned += s.capacity;
  for (const Frame& f : frames_) used += (std::size_t{f.record_bits} * f.count + 7) / 8;
  if (owned - std::min(owned, used + kSlack) <= used / 8 || used >= (std::size_t{1} << 31)) return;
  Segment one;
  one.capacity = used + kSlack;
  one.data = std::make_unique<unsigned char[]>(one.capacity);
  for (Frame& f : frames_) {
    const std::size_t n = (std::size_t{f.record_bits} * f.count + 7) / 8;
    std::memcpy(one.data.get() + one.used, f.data, n);
    f.segment = 0;
    f.offset = static_cast<std::uint32_t>(one.used);
    f.data = one.data.get() + one.used;
    one.used += n;
  }
  segments_.clear();
  segments_.push_back(std::move(one));
}

void EventStore::unpack_last() {
  const Frame f = frames_.back();
  tail_.resize(f.count);
  for (std::size_t k = 0; k < f.count; ++k) tail_[k] = f.get(bytes(f), k);
  packed_ -= f.count;
  frames_.pop_back();
  // Its bytes were the last allocated (blocks are packed in order): reuse them.
  Segment& s = segments_[f.segment];
  if (f.segment + 1 == segments_.size() && f.offset + (std::size_t{f.record_bits} * f.count + 7) / 8 == s.used) {
    std::memset(s.data.get() + f.offset, 0, s.used - f.offset);
    s.used = f.offset;
  }
}

void EventStore::set(std::size_t i, const Event& e) {
  if (i < size()) saw(e.kind);
  if (i >= packed_) {
    tail_.at(i - packed_) = e;
    return;
  }
  Frame& f = frames_[i / kBlock];
  const std::size_t k = i % kBlock;
  bool fits = true;
  for (int fi = 0; fi < kFields && fits; ++fi) {
    if (fi == 1 && e.seq == kNoSeq) continue;
    const std::uint64_t v = field(e, fi);
    const std::uint64_t d = v - f.base[fi] + (fi == 1 ? 1 : 0);
    fits = v >= f.base[fi] && d <= mask(f.width[fi]) && !(fi == 1 && d == 0);
  }
  if (fits) {
    unsigned char* p = bytes(f);
    const std::uint64_t at = std::uint64_t{k} * f.record_bits;
    for (int fi = 0; fi < kFields; ++fi) write_bits(p, at + f.shift[fi], f.width[fi], stored(e, fi, f.base[fi]));
    return;
  }
  // The block cannot hold the new value: it is packed anew, further on.
  Event block[kBlock];
  for (std::size_t j = 0; j < f.count; ++j) block[j] = f.get(bytes(f), j);
  block[k] = e;
  Frame fresh;
  pack(block, f.count, fresh);
  frames_[i / kBlock] = fresh;
}

void EventStore::clear() {  // and gives the memory back, unlike a vector's
  std::vector<Segment>().swap(segments_);
  std::vector<Frame>().swap(frames_);
  std::vector<Event>().swap(tail_);
  packed_ = 0;
  std::fill(std::begin(kinds_), std::end(kinds_), 0);
}

void EventStore::decode(std::size_t first, std::size_t count, Event* out) const {
  for (std::size_t i = first; i < first + count; ++i) *out++ = (*this)[i];
}

std::vector<Event> EventStore::to_vector() const {
  std::vector<Event> out(size());
  decode(0, out.size(), out.data());
  return out;
}

std::size_t EventStore::memory_bytes() const {
  std::size_t n = frames_.capacity() * sizeof(Frame) + tail_.capacity() * sizeof(Event) +
                  segments_.capacity() * sizeof(Segment);
  for (const Segment& s : segments_) n += s.capacity;
  return n;
}

bool operator==(const EventStore& a, const EventStore& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) return false;
  return true;
}

}  // namespace weft::format
