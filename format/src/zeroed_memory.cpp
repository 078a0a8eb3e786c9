// ZeroedMemory, and the 2 MB-page mappings it and HugePageAllocator share.
#include "weft/format/zeroed_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

#include "weft/format/huge_page_allocator.hpp"

namespace weft::format {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

void* map_huge_pages(std::size_t bytes) {
  // A 2 MB page must start on a 2 MB boundary: map one page more than
  // needed, then give back the parts before the boundary and after the end.
  // MAP_NORESERVE: pages are committed as they are written, and a loader
  // segment is often written only in part.
  if (bytes > (std::size_t{1} << 62)) throw std::bad_alloc();  // rounding it up would wrap around
  const std::size_t length = round_up(bytes, ZeroedMemory::kHugePage);
  void* p = ::mmap(nullptr, length + ZeroedMemory::kHugePage, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto raw = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t aligned = round_up(raw, ZeroedMemory::kHugePage);
  if (aligned > raw) ::munmap(p, aligned - raw);
  const std::uintptr_t end = raw + length + ZeroedMemory::kHugePage;
  if (end > aligned + length) ::munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
  // Advice only: without transparent huge pages this fails and 4 KB pages serve.
  (void)::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void unmap_huge_pages(void* p, std::size_t bytes) noexcept {
  if (p != nullptr) ::munmap(p, round_up(bytes, ZeroedMemory::kHugePage));
}

ZeroedMemory::ZeroedMemory(std::size_t bytes) : size_(bytes) {
  if (bytes == 0) return;
  if (bytes < kHugeFrom) {
    data_ = static_cast<unsigned char*>(std::calloc(bytes, 1));
    if (data_ == nullptr) throw std::bad_alloc();
    return;
  }
  data_ = static_cast<unsigned char*>(map_huge_pages(bytes));
}

void ZeroedMemory::free() noexcept {
  if (data_ == nullptr) return;
  if (mapped())
    unmap_huge_pages(data_, size_);
  else
    std::free(data_);
  data_ = nullptr;
  size_ = 0;
}

ZeroedMemory::~ZeroedMemory() { free(); }

ZeroedMemory::ZeroedMemory(ZeroedMemory&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}

ZeroedMemory& ZeroedMemory::operator=(ZeroedMemory&& o) noexcept {
  if (this != &o) {
    free();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

std::size_t ZeroedMemory::committed(std::size_t used) const {
  if (!mapped()) return size_;
  return std::min(round_up(size_, kHugePage), round_up(used, kHugePage));
}

void ZeroedMemory::release(std::size_t from, std::size_t to) {
  if (!mapped()) return;
  if (to > size_) to = size_;
  const std::uintptr_t page = page_size();
  const auto base = reinterpret_cast<std::uintptr_t>(data_);
  const std::uintptr_t begin = (base + from + page - 1) & ~(page - 1);
  const std::uintptr_t end = (base + to) & ~(page - 1);
  // Best effort: if the kernel says no, the memory is simply kept longer.
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace weft::format
