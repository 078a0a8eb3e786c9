// ZeroedMemory, and the 2 MB-page mappings it and HugePageAllocator share.
#include "weft/format/zeroed_memory.hpp"

#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include "mapping_pool.hpp"
#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/kept_memory.hpp"

namespace weft::format {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// On a virtual machine whose memory balloon reports free pages to the host
// (Firecracker's and QEMU's offer it), the guest hands every free 2 MB
// block back to the host a few seconds after it is freed, and the host
// faults it back in 4 KB at a time when it is next written. A 2 MB page is
// such a block: on such a VM a fresh one cost about 3 ms (256 MB in
// 0.8-1.0 s against 0.13-0.15 s on 4 KB pages, which come from blocks the
// guest still holds), and opening a 10 M-event trace in the viewer took
// 1.16x as long with 2 MB pages as without (farm-bench -n 14 --vs; `weft
// check`: the same time either way). So 2 MB pages are asked for only
// where no balloon reports free pages; decided once.
bool huge_pages_pay() {
  static const bool pay = !balloon_reports_free_pages();
  return pay;
}

// Advice only: without transparent huge pages this fails and 4 KB pages
// serve, as they do where 2 MB pages cost more than they save.
void advise_huge(void* p, std::size_t length) {
  if (huge_pages_pay()) (void)::madvise(p, length, MADV_HUGEPAGE);
}

// Freed mappings, kept for the next ones (mapping_pool.hpp). The cap is
// what the pool may add to a process's peak memory: about the largest
// arrays a 10 M-event trace frees and maps again.
constexpr std::size_t kKeptAtMost = std::size_t{128} << 20;

detail::MappingPool& pool() {
  // Never destroyed: a static's destructor may free a mapping after it.
  static detail::MappingPool* const kept = new detail::MappingPool(ZeroedMemory::kHugePage, kKeptAtMost);
  return *kept;
}

}  // namespace

bool balloon_reports_free_pages(const std::string& driver_dir) {
  constexpr std::size_t kReportingBit = 5;
  DIR* dir = ::opendir(driver_dir.c_str());
  if (dir == nullptr) return false;  // no balloon driver: not a VM, or not one with a balloon
  bool reporting = false;
  while (const dirent* entry = ::readdir(dir)) {
    if (std::strncmp(entry->d_name, "virtio", 6) != 0) continue;  // bind, unbind, uevent, module
    const std::string path = driver_dir + "/" + entry->d_name + "/features";
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) continue;
    char bits[64] = {};
    const std::size_t n = std::fread(bits, 1, sizeof bits, f);
    std::fclose(f);
    if (n > kReportingBit && bits[kReportingBit] == '1') reporting = true;
  }
  ::closedir(dir);
  return reporting;
}

namespace {

// A new mapping of `length` bytes (a multiple of 2 MB) on a 2 MB boundary,
// all zero, advised onto 2 MB pages where those pay.
void* map_new_aligned(std::size_t length) {
  // A 2 MB page must start on a 2 MB boundary: map one page more than
  // needed, then give back the parts before the boundary and after the end.
  // MAP_NORESERVE: pages are committed as they are written, and a loader
  // segment is often written only in part.
  void* p = ::mmap(nullptr, length + ZeroedMemory::kHugePage, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto raw = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t aligned = round_up(raw, ZeroedMemory::kHugePage);
  if (aligned > raw) ::munmap(p, aligned - raw);
  const std::uintptr_t end = raw + length + ZeroedMemory::kHugePage;
  if (end > aligned + length) ::munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
  advise_huge(reinterpret_cast<void*>(aligned), length);
  return reinterpret_cast<void*>(aligned);
}

// The length of a mapping of `bytes`: rounded up to 2 MB, or std::bad_alloc
// where that would wrap around.
std::size_t mapping_length(std::size_t bytes) {
  if (bytes > (std::size_t{1} << 62)) throw std::bad_alloc();
  return round_up(bytes, ZeroedMemory::kHugePage);
}

// `bytes` rounded up to 2 MB: a kept range with its first `zeroed` bytes
// zero, or a new mapping (all zero).
void* map_aligned(std::size_t bytes, std::size_t zeroed) {
  const std::size_t length = mapping_length(bytes);
  if (void* kept = pool().take(length, zeroed)) return kept;
  return map_new_aligned(length);
}

}  // namespace

void* map_huge_pages(std::size_t bytes) { return map_aligned(bytes, bytes); }

void* map_huge_pages_unzeroed(std::size_t bytes) { return map_aligned(bytes, 0); }

void* resize_huge_pages(void* p, std::size_t old_bytes, std::size_t new_bytes, std::size_t kept_bytes) {
  const std::size_t old_length = round_up(old_bytes, ZeroedMemory::kHugePage);  // a mapping's already
  const std::size_t new_length = mapping_length(new_bytes);
  auto* const start = static_cast<unsigned char*>(p);
  if (new_length == old_length) return p;
  if (new_length < old_length) {
    unmap_huge_pages(start + new_length, old_length - new_length);  // kept, or unmapped
    return p;
  }
  // Its pages move to where the new length fits; their bytes are not
  // copied. To a kept range first: its pages past the moved ones are the
  // process's already, not faulted in again. Else it grows where it is,
  // when the address space after it is free; else it moves to a new
  // mapping.
  void* to = pool().take(new_length, 0);
  if (to == nullptr) {
    if (::mremap(p, old_length, new_length, 0) != MAP_FAILED) {
      advise_huge(start + old_length, new_length - old_length);
      return p;
    }
    to = map_new_aligned(new_length);
  }
  if (::mremap(p, old_length, old_length, MREMAP_MAYMOVE | MREMAP_FIXED, to) != MAP_FAILED) return to;
  // The kernel moves one mapping at a time: a kept range made of two that
  // it never joined is copied instead.
  std::memcpy(to, p, std::min(kept_bytes, old_length));
  unmap_huge_pages(p, old_length);
  return to;
}

void give_back_kept_memory() noexcept { pool().give_back(); }

void unmap_huge_pages(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  const std::size_t length = round_up(bytes, ZeroedMemory::kHugePage);
  if (!pool().keep(p, length)) ::munmap(p, length);
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
  return std::min(round_up(size_, kHugePage), round_up(used, commit_unit()));
}

std::size_t ZeroedMemory::commit_unit() { return huge_pages_pay() ? kHugePage : page_size(); }

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
