// Events kept compactly: what a trace holds in memory instead of one
// 40-byte Event each (a billion-event trace would need 40 GB).
//
// Events are packed in blocks of kBlock. Within a block, each field is
// stored as its distance from the block's smallest value of that field, in
// as many bits as the block's largest distance needs ("frame of
// reference"); one event's fields are one record of `record_bits` bits, so
// event i is found without reading any other. Consecutive events share
// threads, objects, sites and kinds and have close times and sequence
// numbers: a lock loop's block takes 4-5 bytes per event. A block of
// unrelated values is never larger than 38 bytes per event.
//
// The store reads like a std::vector<Event> that hands out values:
// `store[i]`, range-for and iterators give an Event by value (a `const
// Event&` bound to one keeps the copy alive). Writing is push_back at the end
// and set() anywhere.
//
// Invariants: every block but the last holds kBlock events; the events not
// yet in a block (fewer than kBlock) wait unpacked in tail_ until the block
// fills or seal() packs them. set() with a value a block cannot hold packs
// the block anew and leaves the old bytes unused; seal() copies a small
// store's blocks into one allocation of the right size. Like a vector, any
// number of threads may read a store that nobody writes.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

#include "weft/format/event.hpp"

namespace weft::format {

class EventStore {
 public:
  static constexpr std::size_t kBlock = 256;
  static constexpr int kFields = 8;  // time, seq, arg, object, site, thread, kind, flags

  class const_iterator;
  using iterator = const_iterator;
  using value_type = Event;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = Event;
  using const_reference = Event;

  EventStore() = default;
  EventStore(std::initializer_list<Event> events);
  EventStore(const EventStore& other);
  EventStore& operator=(const EventStore& other);
  EventStore(EventStore&& other) noexcept = default;
  EventStore& operator=(EventStore&& other) noexcept = default;
  ~EventStore() = default;

  std::size_t size() const { return packed_ + tail_.size(); }
  bool empty() const { return size() == 0; }

  // Inlined: the detectors read tens of millions of events through it.
  __attribute__((always_inline)) Event operator[](std::size_t i) const {
    if (i < packed_) [[likely]] {
      const Frame& f = frames_[i / kBlock];
      if (f.record_bits <= kNarrowRecord) [[likely]]
        return f.get_narrow(bytes(f), i % kBlock);
    }
    return get_slowly(i);
  }
  Event at(std::size_t i) const;  // std::out_of_range past the end
  Event front() const { return (*this)[0]; }
  Event back() const { return (*this)[size() - 1]; }

  const_iterator begin() const;
  const_iterator end() const;

  void push_back(const Event& e);
  // Replaces event i (i < size()).
  void set(std::size_t i, const Event& e);
  // Changes event i in place: `change(Event&)` edits a copy that is set back.
  template <class Change>
  void modify(std::size_t i, Change&& change) {
    Event e = (*this)[i];
    change(e);
    set(i, e);
  }
  // Packs the events still waiting for a full block, for a store that will
  // not grow much more (a decoded chunk, a loaded trace). push_back after
  // seal() is allowed: the last block is unpacked again.
  void seal();
  void clear();  // and gives back its memory
  // Room for `n` events' block descriptions (the packed bytes grow as needed).
  void reserve(std::size_t n) { frames_.reserve((n + kBlock - 1) / kBlock); }

  // Events [first, first + count) into `out`: the fast way to read many.
  void decode(std::size_t first, std::size_t count, Event* out) const;
  std::vector<Event> to_vector() const;

  // Whether an event of kind `k` may be in the store: never false for one
  // that is, and false for every kind never pushed or set. A detector with
  // nothing to look at skips its pass over the events.
  bool may_hold(EventKind k) const {
    const auto code = static_cast<std::uint8_t>(k);
    return (kinds_[code >> 6] >> (code & 63)) & 1;
  }

  // What the store holds on the heap, in bytes.
  std::size_t memory_bytes() const;

  friend bool operator==(const EventStore& a, const EventStore& b);

 private:
  // One packed block.
  struct Frame {
    std::uint64_t base[kFields];   // each field's smallest value (seq: among events that have one)
    std::uint64_t mask[kFields];   // (1 << width) - 1: read once, not worked out per event
    unsigned char* data = nullptr;  // its bytes: in segment `segment` at `offset`
    std::uint32_t segment = 0;
    std::uint32_t offset = 0;
    std::uint16_t count = 0;       // events in it (kBlock but for a sealed last block)
    std::uint16_t record_bits = 0;
    std::uint16_t shift[kFields];  // each field's bit position within a record
    std::uint8_t width[kFields];   // each field's bits

    Event get_narrow(const unsigned char* p, std::size_t k) const;  // record_bits <= kNarrowRecord
    Event get(const unsigned char* p, std::size_t k) const;         // any record
    Event from(const std::uint64_t (&v)[kFields]) const;            // stored values to an event
  };
  // A record this wide or narrower is read with one 8-byte load.
  static constexpr unsigned kNarrowRecord = 56;
  Event get_slowly(std::size_t i) const;  // a wide record, or the tail

  static const unsigned char* bytes(const Frame& f) { return f.data; }
  static unsigned char* bytes(Frame& f) { return f.data; }
  // Packs `events` (at most kBlock) into a new block's bytes, sets `f`.
  void pack(const Event* events, std::size_t n, Frame& f);
  unsigned char* allocate(std::size_t n, std::uint32_t& segment, std::uint32_t& offset);
  void unpack_last();  // a sealed partial block back into tail_

  struct Segment {
    std::unique_ptr<unsigned char[]> data;
    std::size_t used = 0, capacity = 0;
  };
  std::vector<Segment> segments_;
  std::vector<Frame> frames_;
  std::vector<Event> tail_;  // the events after the last block, unpacked
  std::size_t packed_ = 0;   // events in frames_
  std::uint64_t kinds_[4] = {0, 0, 0, 0};  // a bit per kind code pushed or set (may_hold)
  void saw(EventKind k) {
    const auto code = static_cast<std::uint8_t>(k);
    kinds_[code >> 6] |= std::uint64_t{1} << (code & 63);
  }
};

class EventStore::const_iterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using iterator_concept = std::random_access_iterator_tag;
  using value_type = Event;
  using difference_type = std::ptrdiff_t;
  using reference = Event;
  struct pointer {  // it->field reads from a copy the iterator hands out
    Event e;
    const Event* operator->() const { return &e; }
  };

  const_iterator() = default;
  const_iterator(const EventStore* s, std::size_t i) : s_(s), i_(i) {}

  __attribute__((always_inline)) Event operator*() const { return (*s_)[i_]; }
  pointer operator->() const { return {(*s_)[i_]}; }
  Event operator[](difference_type n) const { return (*s_)[static_cast<std::size_t>(static_cast<difference_type>(i_) + n)]; }

  const_iterator& operator++() { ++i_; return *this; }
  const_iterator operator++(int) { const_iterator t = *this; ++i_; return t; }
  const_iterator& operator--() { --i_; return *this; }
  const_iterator operator--(int) { const_iterator t = *this; --i_; return t; }
  const_iterator& operator+=(difference_type n) { i_ = static_cast<std::size_t>(static_cast<difference_type>(i_) + n); return *this; }
  const_iterator& operator-=(difference_type n) { return *this += -n; }
  friend const_iterator operator+(const_iterator a, difference_type n) { return a += n; }
  friend const_iterator operator+(difference_type n, const_iterator a) { return a += n; }
  friend const_iterator operator-(const_iterator a, difference_type n) { return a -= n; }
  friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
    return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
  }
  friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }
  friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.i_ <=> b.i_; }

  std::size_t index() const { return i_; }

 private:
  const EventStore* s_ = nullptr;
  std::size_t i_ = 0;
};

inline EventStore::const_iterator EventStore::begin() const { return {this, 0}; }
inline EventStore::const_iterator EventStore::end() const { return {this, size()}; }

namespace event_store_detail {

// `width` bits (at most 64) at bit `pos` of `p`. A block's bytes are
// followed by at least 8 readable bytes (see EventStore::allocate).
inline std::uint64_t read_bits(const unsigned char* p, std::uint64_t pos, unsigned width) {
  const unsigned char* at = p + (pos >> 3);
  const unsigned shift = pos & 7;
  std::uint64_t w;
  __builtin_memcpy(&w, at, 8);
  std::uint64_t v = w >> shift;
  if (shift + width > 64) v |= std::uint64_t{at[8]} << (64 - shift);
  return width >= 64 ? v : v & ((std::uint64_t{1} << width) - 1);
}

}  // namespace event_store_detail

// Reads one record of at most kNarrowRecord bits (the usual case: a lock
// loop's is ~35): one unaligned load, each field a shift and a mask away.
__attribute__((always_inline)) inline Event EventStore::Frame::get_narrow(const unsigned char* p, std::size_t k) const {
  const std::uint64_t at = std::uint64_t{k} * record_bits;
  std::uint64_t w;
  __builtin_memcpy(&w, p + (at >> 3), 8);
  w >>= at & 7;
  std::uint64_t v[kFields];
#pragma GCC unroll 8
  for (int f = 0; f < kFields; ++f) v[f] = (w >> shift[f]) & mask[f];
  return from(v);
}

__attribute__((always_inline)) inline Event EventStore::Frame::from(const std::uint64_t (&v)[kFields]) const {
  Event e;
  e.time_ns = base[0] + v[0];
  e.seq = v[1] == 0 ? kNoSeq : base[1] + (v[1] - 1);
  e.arg = base[2] + v[2];
  e.object = static_cast<std::uint32_t>(base[3] + v[3]);
  e.site = static_cast<std::uint32_t>(base[4] + v[4]);
  e.thread = static_cast<std::uint32_t>(base[5] + v[5]);
  e.kind = static_cast<EventKind>(base[6] + v[6]);
  e.flags = static_cast<std::uint8_t>(base[7] + v[7]);
  return e;
}

}  // namespace weft::format
