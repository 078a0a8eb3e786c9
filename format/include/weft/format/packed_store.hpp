// Records of a few integer fields kept compactly: what a trace's events, the
// model's lock holds and the timeline's spans are stored in, instead of 40
// or 48 bytes each (a hundred million holds would need 4.8 GB).
//
// Records are packed in blocks of kBlock. Within a block, each field is
// stored as its distance from the block's smallest value of that field, in
// as many bits as the block's largest distance needs ("frame of
// reference"); one record's fields are one run of `record_bits` bits, so
// record i is found without reading any other. Neighbouring records of a
// trace share threads, objects and kinds and have close times and indices:
// an event of a lock loop takes 4-5 bytes, a hold or a span 6-9.
//
// What a record is, is its Codec's:
//   using Record = ...;                      // copyable, ==
//   static constexpr int kFields;            // at most 16
//   static constexpr unsigned kOptional;     // bit f: field f's ~0 means "none"
//   static void split(const Record&, std::uint64_t (&)[kFields]);
//   static Record join(const std::uint64_t (&)[kFields]);
// An optional field stores "none" as a code of its own (0), so a block that
// mixes records with and without a value (a sequence number, the end of a
// hold still open) does not widen to 64 bits.
//
// The store reads like a std::vector<Record> that hands out values:
// `store[i]`, range-for and iterators give a Record by value (a `const
// Record&` bound to one keeps the copy alive). Writing is push_back (or
// emplace_back) at the end, and set() or modify() anywhere.
//
// Invariants: every block but the last holds kBlock records; the records
// not yet in a block (at most kBlock) wait unpacked in tail_ until a record
// comes after a full tail_, or seal() packs them — unless the store has no
// block and they take no more room unpacked than a block's frame alone
// (see seal()). A block is packed only when a record follows it, so the
// newest record is always unpacked: a lock hold closed before the next
// hold is pushed (a lock passed from thread to thread) is edited in
// place, and packed once, closed. set()
// with a value a block cannot hold packs the block anew and leaves the old
// bytes unused; seal() copies a small store's blocks into one allocation
// of the right size. Like a vector, any number of threads may read a store
// that nobody writes.
//
// The member functions not defined here are in packed_store_impl.hpp, which
// only the file that instantiates a codec's store includes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/prefault.hpp"
#include "weft/format/value_iterator.hpp"
#include "weft/format/zeroed_memory.hpp"

namespace weft::format {

template <class Codec>
class PackedStore {
 public:
  using Record = typename Codec::Record;
  static constexpr std::size_t kBlock = 256;
  static constexpr int kFields = Codec::kFields;
  static_assert(kFields > 0 && kFields <= 16);

  using const_iterator = ValueIterator<PackedStore, Record>;
  using iterator = const_iterator;
  using value_type = Record;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = Record;
  using const_reference = Record;

  PackedStore() = default;
  PackedStore(std::initializer_list<Record> records) {
    for (const Record& r : records) push_back(r);
  }
  PackedStore(const PackedStore& other);
  PackedStore& operator=(const PackedStore& other);
  PackedStore(PackedStore&& other) noexcept = default;
  PackedStore& operator=(PackedStore&& other) noexcept = default;
  ~PackedStore() = default;

  std::size_t size() const { return packed_ + tail_.size(); }
  bool empty() const { return size() == 0; }

  // Inlined: the detectors read tens of millions of records through it.
  __attribute__((always_inline)) Record operator[](std::size_t i) const {
    if (i < packed_) [[likely]] {
      const Frame& f = frames_[i / kBlock];
      if (f.record_bits <= kNarrowRecord) [[likely]]
        return f.get_narrow(f.data, i % kBlock);
    }
    return get_slowly(i);
  }
  Record at(std::size_t i) const;  // std::out_of_range past the end
  // Field f of record i, as Codec::split gives it, the others left packed:
  // what a search over one field reads (a lane's span begins, every frame).
  __attribute__((always_inline)) std::uint64_t field(std::size_t i, int f) const {
    if (i < packed_) [[likely]] {
      const Frame& fr = frames_[i / kBlock];
      const std::uint64_t pos = std::uint64_t{i % kBlock} * fr.record_bits + fr.shift[f];
      const unsigned char* p = fr.data + (pos >> 3);
      const unsigned bit = pos & 7;
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      std::uint64_t v = word >> bit;
      if (bit + fr.width[f] > 64) v |= std::uint64_t{p[8]} << (64 - bit);  // a field wider than 56 bits
      v &= fr.mask[f];
      return !optional(f) ? fr.base[f] + v : v == 0 ? ~std::uint64_t{0} : fr.base[f] + (v - 1);
    }
    std::uint64_t v[kFields];
    Codec::split(tail_[i - packed_], v);
    return v[f];
  }
  Record front() const { return (*this)[0]; }
  Record back() const { return (*this)[size() - 1]; }

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

  // Inlined where the record goes straight into tail_ (a record that was
  // just built then need not be stored whole and loaded back for a call).
  __attribute__((always_inline)) void push_back(const Record& r) {
    // A non-empty tail_ follows a full block (see the invariants), so the
    // record only needs room in it.
    if (tail_.size() - 1 < kBlock - 1) [[likely]] {
      tail_.push_back(r);
      return;
    }
    push_back_slowly(r);
  }
  // A new last record, value-initialized, for the caller to fill in: where
  // a record is built field by field, copying it in whole after (wide loads
  // of narrow stores just made) stalls the core. The reference is good
  // until the store next grows or is sealed (push, append, seal).
  __attribute__((always_inline)) Record& emplace_back() {
    if (tail_.size() - 1 < kBlock - 1) [[likely]]  // as in push_back
      return tail_.emplace_back();
    return emplace_back_slowly();
  }
  // Replaces record i (i < size()).
  void set(std::size_t i, const Record& r);
  // Changes record i: `change(Record&)` edits it where it waits unpacked
  // (the newest records: a lock hold closed soon after it opened), else
  // a copy that is set back. Edited in place, not copied out and back: the
  // copy's wide loads of fields just stored one by one stall the core
  // (store-to-load forwarding fails).
  template <class Change>
  void modify(std::size_t i, Change&& change) {
    if (i >= packed_) {
      change(tail_.at(i - packed_));
      return;
    }
    Record r = (*this)[i];
    change(r);
    set(i, r);
  }
  // Packs the records still waiting for a full block, for a store that
  // will not grow much more (a decoded chunk, a loaded trace, a finished
  // model). push_back after seal() is allowed: the last block is unpacked
  // again. A store of a few records (a lock used a few times, of millions)
  // stays unpacked, in an array of its size: a block would cost its frame,
  // its bytes' allocation and more than they save.
  void seal();
  void clear();  // and gives back its memory
  // Moves `other`'s records after this store's, without packing them again:
  // its blocks and their bytes change hands. This store must end on a
  // block's end (size() a multiple of kBlock), so that every block but the
  // last stays full. `other` is left empty.
  void append(PackedStore&& other);
  // Room for `n` records: their blocks' descriptions (the packed bytes grow
  // as needed), or for a block's worth or fewer, the unpacked records. The
  // descriptions' pages are mapped now, in one call (prefault.hpp): the
  // merged events of a 10 M-event trace take 7 MB of them, which faulted
  // in page by page as the blocks were packed.
  void reserve(std::size_t n) {
    if (n <= kBlock && frames_.empty())
      tail_.reserve(n);
    else
      reserve_prefaulted(frames_, (n + kBlock - 1) / kBlock);
  }

  // Records [first, first + count) into `out`.
  void decode(std::size_t first, std::size_t count, Record* out) const;
  // Calls visit(i, record) for each record i in [first, last), in order:
  // the fast way to walk a store. Each block's frame is copied once, and
  // the copy kept in registers and on the stack: read in place, all of it
  // would be loaded again for every record, as whatever `visit` stores
  // might, for all the compiler knows, be stored into the frame.
  //
  // Give a large `visit` __attribute__((always_inline)): GCC would call
  // it, the record stored for each call and loaded back, and the walk is
  // then slower than reading store[i] (the viewer's walk of a 10 M-event
  // trace: 102 ms called, 55 inlined).
  template <class Visit>
  __attribute__((always_inline)) void for_each(std::size_t first, std::size_t last, Visit&& visit) const {
    std::size_t i = first;
    while (i < last && i < packed_) {
      const Frame f = frames_[i / kBlock];
      const std::size_t block_start = i - i % kBlock;
      const std::size_t end = std::min<std::size_t>(f.count, last - block_start);
      if (f.record_bits <= kNarrowRecord) [[likely]] {
        for (std::size_t k = i - block_start; k < end; ++k) visit(block_start + k, f.get_narrow(f.data, k));
      } else {
        for (std::size_t k = i - block_start; k < end; ++k) visit(block_start + k, get_slowly(block_start + k));
      }
      i = block_start + end;
    }
    for (; i < last; ++i) visit(i, tail_[i - packed_]);
  }
  std::vector<Record> to_vector() const;

  // What the store holds on the heap, in bytes.
  std::size_t memory_bytes() const;

  friend bool operator==(const PackedStore& a, const PackedStore& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!(a[i] == b[i])) return false;
    return true;
  }

 private:
  // One packed block.
  struct Frame {
    std::uint64_t base[kFields];   // each field's smallest value (optional fields: among records that have one)
    std::uint64_t mask[kFields];   // (1 << width) - 1: read once, not worked out per record
    unsigned char* data = nullptr;  // its bytes: in segment `segment` at `offset`
    std::uint32_t segment = 0;
    std::uint32_t offset = 0;
    std::uint16_t count = 0;       // records in it (kBlock but for a sealed last block)
    std::uint16_t record_bits = 0;
    std::uint16_t shift[kFields];  // each field's bit position within a record
    std::uint8_t width[kFields];   // each field's bits

    std::size_t bytes() const { return (std::size_t{record_bits} * count + 7) / 8; }
    Record get_narrow(const unsigned char* p, std::size_t k) const;  // record_bits <= kNarrowRecord
    Record get(const unsigned char* p, std::size_t k) const;         // any record
    Record from(const std::uint64_t (&v)[kFields]) const;            // stored values to a record
    // Stores record k's values `v` (each must fit the block's frame).
    void put(unsigned char* p, std::size_t k, const std::uint64_t (&v)[kFields]) const;
  };
  // A record this wide or narrower is read with one 8-byte load.
  static constexpr unsigned kNarrowRecord = 56;
  static constexpr bool optional(int f) { return (Codec::kOptional >> f) & 1; }
  Record get_slowly(std::size_t i) const;  // a wide record, or the tail
  void push_back_slowly(const Record& r);  // the first record of a block
  Record& emplace_back_slowly();

  // Packs `records` (at most kBlock) into a new block's bytes, sets `f`.
  void pack(const Record* records, std::size_t n, Frame& f);
  unsigned char* allocate(std::size_t n, std::uint32_t& segment, std::uint32_t& offset);
  void unpack_last();  // a sealed partial block back into tail_
  void make_room();    // before a push: tail_ back to fewer than kBlock records
  void pack_tail();    // tail_'s records into a new block

  struct Segment {
    ZeroedMemory bytes;  // zero-filled: see allocate()
    std::size_t used = 0;
  };
  std::vector<Segment> segments_;
  std::vector<Frame, HugePageAllocator<Frame>> frames_;  // ~0.7 B a record: megabytes for a large store
  std::vector<Record> tail_;  // the records after the last block, unpacked
  std::size_t packed_ = 0;    // records in frames_
};

// Reads one record of at most kNarrowRecord bits (the usual case: a lock
// loop's event is ~35): one unaligned load, each field a shift and a mask away.
template <class Codec>
__attribute__((always_inline)) inline typename Codec::Record PackedStore<Codec>::Frame::get_narrow(
    const unsigned char* p, std::size_t k) const {
  const std::uint64_t at = std::uint64_t{k} * record_bits;
  std::uint64_t w;
  __builtin_memcpy(&w, p + (at >> 3), 8);
  w >>= at & 7;
  std::uint64_t v[kFields];
#pragma GCC unroll 16
  for (int f = 0; f < kFields; ++f) v[f] = (w >> shift[f]) & mask[f];
  return from(v);
}

template <class Codec>
__attribute__((always_inline)) inline typename Codec::Record PackedStore<Codec>::Frame::from(
    const std::uint64_t (&v)[kFields]) const {
  std::uint64_t value[kFields];
#pragma GCC unroll 16
  for (int f = 0; f < kFields; ++f)
    value[f] = !optional(f) ? base[f] + v[f] : v[f] == 0 ? ~std::uint64_t{0} : base[f] + (v[f] - 1);
  return Codec::join(value);
}

// The usual codec: a struct's members, listed by pointer in the order they
// are stored (each an unsigned integer, an enum or a bool). Bit f of
// `Optional` marks the f-th as optional.
//   using HoldCodec = MemberCodec<Hold, 1u << 1, &Hold::first, &Hold::last, ...>;
// A member's field, for PackedStore::field, is asked by name, so that it
// follows the list if the list changes:
//   inline constexpr int kHoldBeginNs = HoldCodec::field_of<&Hold::begin_ns>();
template <class R, unsigned Optional, auto... Members>
struct MemberCodec {
  using Record = R;
  static constexpr int kFields = sizeof...(Members);
  static constexpr unsigned kOptional = Optional;

  template <auto Member>
  static constexpr int field_of() {
    constexpr int at = [] {
      int f = 0, found = -1;
      ((found = found < 0 && same_member<Member, Members>() ? f : found, ++f), ...);
      return found;
    }();
    static_assert(at >= 0, "not one of the codec's members");
    return at;
  }

  __attribute__((always_inline)) static void split(const R& r, std::uint64_t (&v)[kFields]) {
    int f = 0;
    ((v[f++] = number(r.*Members)), ...);
  }
  __attribute__((always_inline)) static R join(const std::uint64_t (&v)[kFields]) {
    R r{};
    int f = 0;
    ((r.*Members = value<std::remove_cvref_t<decltype(r.*Members)>>(v[f++])), ...);
    return r;
  }

 private:
  template <auto A, auto B>
  static constexpr bool same_member() {
    if constexpr (std::is_same_v<decltype(A), decltype(B)>)
      return A == B;
    else
      return false;
  }
  template <class T>
  static std::uint64_t number(T x) {
    if constexpr (std::is_enum_v<T>)
      return static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(x));
    else
      return static_cast<std::uint64_t>(x);
  }
  template <class T>
  static T value(std::uint64_t v) {
    if constexpr (std::is_same_v<T, bool>)
      return v != 0;
    else if constexpr (std::is_enum_v<T>)
      return static_cast<T>(static_cast<std::underlying_type_t<T>>(v));
    else
      return static_cast<T>(v);
  }
};

// Plain numbers as records: a monotone series (a running maximum of event
// times) takes 1-3 bytes a number instead of 8.
struct UintCodec {
  using Record = std::uint64_t;
  static constexpr int kFields = 1;
  static constexpr unsigned kOptional = 0;
  static void split(std::uint64_t r, std::uint64_t (&v)[1]) { v[0] = r; }
  static std::uint64_t join(const std::uint64_t (&v)[1]) { return v[0]; }
};

}  // namespace weft::format
