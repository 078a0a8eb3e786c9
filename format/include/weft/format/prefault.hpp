// Writing a large array for the first time costs a page fault per 4 KB
// page: on a virtual machine each is an exit to the host, microseconds
// (on this project's 2-vCPU VMs, 5-9 µs: 38 thousand of them were a third
// of `weft check`'s system time on a 10 M-event trace). An array about to
// be written front to back can have the kernel map its pages in bulk, one
// call for many pages, before it is written.
#pragma once

#include <cstddef>

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

}  // namespace weft::format
