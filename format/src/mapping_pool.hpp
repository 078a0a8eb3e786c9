// Large mappings given back, kept to be handed out again: what
// map_huge_pages and unmap_huge_pages (zeroed_memory.cpp) go through.
//
// Why: each first write to a page the process has not had is a page fault,
// which on a virtual machine costs about 2 us for a 4 KB page (the kernel
// zeroes it, and the host may have to find it first); writing a page the
// process still has costs about 0.5 us. Loading a trace and laying it out
// frees large arrays and maps new ones all along (each thread's decoded
// events once they are merged, a vector's block each time it doubles):
// opening a contended 10 M-event trace took 148 thousand page faults for a
// peak of 60 thousand pages, a tenth of its CPU time. Kept, a freed
// array's pages serve the next one asked for, zeroed with a plain write
// (or not at all for a vector, which writes its elements itself:
// map_huge_pages_unzeroed).
//
// Invariants (under the mutex):
//  - each kept range is aligned to, and a whole number of, `unit` bytes;
//    mapped read-write, owned by nobody else; ranges never overlap, and
//    ranges that touch are merged into one;
//  - the bytes kept never exceed the cap;
//  - a request no kept range can serve gives every kept range back to the
//    system before the caller maps new memory: the process never holds
//    kept memory beside a new mapping made instead of it, so its peak is
//    what it would be without the pool plus at most the cap (what was kept
//    since the last such request).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>

namespace weft::format::detail {

class MappingPool {
 public:
  // `unit`: the alignment and granule of every range (2 MB: what
  // map_huge_pages rounds to); `cap`: the most bytes kept.
  MappingPool(std::size_t unit, std::size_t cap);
  ~MappingPool();  // gives every kept range back
  MappingPool(const MappingPool&) = delete;
  MappingPool& operator=(const MappingPool&) = delete;

  // A kept range of exactly `length` bytes (a multiple of the unit) with
  // its first `zeroed` bytes set to zero (the rest as the last owner left
  // them), cut from the smallest kept range large enough; or nullptr when
  // none is, having given every kept range back.
  void* take(std::size_t length, std::size_t zeroed);
  // Keeps [p, p + length) (aligned to the unit, a multiple of it, mapped
  // read-write, no longer used by the caller); false when the cap leaves no
  // room, and the caller unmaps it.
  bool keep(void* p, std::size_t length) noexcept;

  // Every kept range back to the system (when the large arrays are built,
  // and what is kept would only sit in memory).
  void give_back() noexcept;

  std::size_t kept_bytes() const;
  std::size_t ranges() const;  // how many separate ranges the kept bytes are

 private:
  static void unmap(const std::map<std::uintptr_t, std::size_t>& ranges) noexcept;
  // Sets [start, start + bytes) to zero, writing only the pages present.
  void zero(std::uintptr_t start, std::size_t bytes) const noexcept;

  const std::size_t page_size_;
  const std::size_t unit_;
  const std::size_t cap_;
  mutable std::mutex mu_;
  std::map<std::uintptr_t, std::size_t> kept_;  // start -> length
  std::size_t kept_bytes_ = 0;
};

}  // namespace weft::format::detail
