// An allocator for large arrays that are filled once and then read: a
// block of ZeroedMemory::kHugeFrom bytes or more is a mapping of its own on
// 2 MB pages, a smaller one comes from operator new. Why 2 MB pages: each
// first write to a 4 KB page is a page fault, which on a virtual machine
// costs microseconds (zeroed_memory.hpp). The plain arrays a timeline of
// ten million events once had took twenty thousand of them.
//
//   using Waits = std::vector<Wait, format::HugePageAllocator<Wait>>;  // the model's
#pragma once

#include <cstddef>
#include <limits>
#include <new>

#include "weft/format/zeroed_memory.hpp"

namespace weft::format {

// `bytes` (at least kHugeFrom) of zero-filled memory on a 2 MB boundary,
// advised onto 2 MB pages where those pay (zeroed_memory.hpp);
// std::bad_alloc if there is none. Given back with unmap_huge_pages(p,
// bytes), the same `bytes`.
void* map_huge_pages(std::size_t bytes);
// The same, for a caller that writes every byte before it reads one (a
// vector constructs its elements): a block kept from an earlier owner
// (mapping_pool.hpp) comes as that owner left it, not zeroed, which would
// cost a write to each of its pages for nothing.
void* map_huge_pages_unzeroed(std::size_t bytes);
void unmap_huge_pages(void* p, std::size_t bytes) noexcept;
// A block from map_huge_pages(_unzeroed) of `old_bytes`, made `new_bytes`
// long, its first `kept_bytes` as they were and the rest as any such
// block's: where it grows, its pages are moved (mremap), not copied, so
// neither a copy nor its page faults are paid, and the process never holds
// the old and the new block at once (LargeVector grows so). Returns where
// it now is; std::bad_alloc if there is no memory for it (the block is
// then as it was).
void* resize_huge_pages(void* p, std::size_t old_bytes, std::size_t new_bytes, std::size_t kept_bytes);

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "operator new must align it");

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding

  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    return static_cast<T*>(bytes >= ZeroedMemory::kHugeFrom ? map_huge_pages_unzeroed(bytes) : ::operator new(bytes));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= ZeroedMemory::kHugeFrom)
      unmap_huge_pages(p, bytes);
    else
      ::operator delete(p);
  }

  template <class U>
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept {
    return true;  // stateless: any one frees what another allocated
  }
};

}  // namespace weft::format
