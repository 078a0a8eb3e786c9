// Writing a large array for the first time costs a page fault per 4 KB
// page: on a virtual machine each is an exit to the host, microseconds
// (5-9 µs on the 2-vCPU VM this was measured on, where `weft check` of a
// 10 M-event trace took 38 thousand of them and spent a third of its time
// in the kernel). An array about to be written front to back can have the
// kernel map its pages in bulk, one call for many pages, before it is
// written.
#pragma once

#include <cstddef>
#include <iterator>

namespace weft::format {

// Maps the whole pages of [begin, begin + bytes) writable now, as the first
// writes would. Advice only: where the kernel cannot (before Linux 5.14, or
// out of memory), the pages fault in as they are written, as they did.
void prefault(void* begin, std::size_t bytes) noexcept;

// For an array written in order: when its written part grows from `from`
// to `to` bytes, maps the steps of kPrefaultStep bytes that `to` enters,
// up to `size`. Each page is mapped once; a step costs one call.
inline constexpr std::size_t kPrefaultStep = std::size_t{1} << 20;
void prefault_ahead(unsigned char* base, std::size_t size, std::size_t from, std::size_t to) noexcept;

// Room for `n` elements in `v`, about to be filled to n (a resize, an
// assign, or pushes up to a count known beforehand): where the elements
// past its size take kPrefaultFrom bytes or more, their pages are mapped
// now. One allocation, no element moved twice, no page faulted one by one:
// a vector that must move to a larger allocation has all of it mapped
// before its elements move there (a table grown by doubling, millions of
// objects, otherwise faults in every page its elements are moved to).
inline constexpr std::size_t kPrefaultFrom = std::size_t{256} << 10;
template <class Vector>
void reserve_prefaulted(Vector& v, std::size_t n) {
  const std::size_t element = sizeof(*v.data());
  if (n > v.capacity() && v.size() * element >= kPrefaultFrom) {
    Vector grown(v.get_allocator());
    grown.reserve(n);
    prefault(grown.data(), n * element);
    grown.insert(grown.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
    v.swap(grown);
    return;
  }
  v.reserve(n);
  const std::size_t bytes = n > v.size() ? (n - v.size()) * element : 0;
  if (bytes >= kPrefaultFrom) prefault(v.data() + v.size(), bytes);
}

}  // namespace weft::format
