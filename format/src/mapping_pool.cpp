#include "mapping_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <new>
#include <utility>
#include <vector>

namespace weft::format::detail {

MappingPool::MappingPool(std::size_t unit, std::size_t cap)
    : page_size_(static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))), unit_(unit), cap_(cap) {}

MappingPool::~MappingPool() { give_back(); }

void* MappingPool::take(std::size_t length, std::size_t zeroed) {
  std::map<std::uintptr_t, std::size_t> unwanted;
  std::uintptr_t start = 0;
  {
    const std::lock_guard lock(mu_);
    auto best = kept_.end();
    for (auto it = kept_.begin(); it != kept_.end(); ++it)
      if (it->second >= length && (best == kept_.end() || it->second < best->second)) best = it;
    if (best == kept_.end()) {
      // None will do: all of it goes back before the caller maps anew.
      unwanted.swap(kept_);
      kept_bytes_ = 0;
    } else {
      start = best->first;
      const std::size_t rest = best->second - length;
      // The front goes out; the rest stays kept (it touches no other
      // range: the whole one did not). The node is reused, so nothing
      // allocates.
      auto node = kept_.extract(best);
      if (rest > 0) {
        node.key() = start + length;
        node.mapped() = rest;
        kept_.insert(std::move(node));
      }
      kept_bytes_ -= length;
    }
  }
  // Outside the lock: unmapping and zeroing take time.
  unmap(unwanted);
  if (start == 0) return nullptr;
  zero(start, std::min(zeroed, length));
  return reinterpret_cast<void*>(start);
}

bool MappingPool::keep(void* p, std::size_t length) noexcept {
  const auto start = reinterpret_cast<std::uintptr_t>(p);
  if (p == nullptr || length == 0 || start % unit_ != 0 || length % unit_ != 0) return false;
  const std::lock_guard lock(mu_);
  if (length > cap_ - kept_bytes_) return false;
  // Merged with the range that ends where it starts, and the one that
  // starts where it ends. Only a new node allocates, and it is made before
  // anything changes: if it cannot be, nothing has.
  const auto next = kept_.lower_bound(start);
  const bool joins_next = next != kept_.end() && next->first == start + length;
  const auto before = next == kept_.begin() ? kept_.end() : std::prev(next);
  if (before != kept_.end() && before->first + before->second == start) {
    before->second += length + (joins_next ? next->second : 0);
    if (joins_next) kept_.erase(next);
  } else {
    try {
      kept_.emplace_hint(next, start, length + (joins_next ? next->second : 0));
    } catch (const std::bad_alloc&) {
      return false;
    }
    if (joins_next) kept_.erase(next);
  }
  kept_bytes_ += length;
  return true;
}

void MappingPool::give_back() noexcept {
  std::map<std::uintptr_t, std::size_t> unwanted;
  {
    const std::lock_guard lock(mu_);
    unwanted.swap(kept_);
    kept_bytes_ = 0;
  }
  unmap(unwanted);
}

std::size_t MappingPool::kept_bytes() const {
  const std::lock_guard lock(mu_);
  return kept_bytes_;
}

std::size_t MappingPool::ranges() const {
  const std::lock_guard lock(mu_);
  return kept_.size();
}

void MappingPool::unmap(const std::map<std::uintptr_t, std::size_t>& ranges) noexcept {
  for (const auto& [start, length] : ranges) ::munmap(reinterpret_cast<void*>(start), length);
}

void MappingPool::zero(std::uintptr_t start, std::size_t bytes) const noexcept {
  // Only the pages the process still has are written: a page the last
  // owner never wrote reads as zeros already, and writing it would be the
  // page fault the pool is there to save (a vector's spare capacity, a
  // loader segment's unused end). A page that is not resident but not
  // zero either (swapped out) is dropped, to read as zeros again.
  const std::size_t page = page_size_;
  constexpr std::size_t kPagesAtOnce = 4096;  // mincore's answer, a page a byte: on the stack
  unsigned char resident[kPagesAtOnce];
  for (std::size_t done = 0; done < bytes;) {
    const std::size_t n = std::min(bytes - done, kPagesAtOnce * page);
    const std::size_t pages = (n + page - 1) / page;
    const std::uintptr_t at = start + done;
    if (::mincore(reinterpret_cast<void*>(at), pages * page, resident) != 0) {
      std::memset(reinterpret_cast<void*>(at), 0, n);  // cannot tell: every byte
    } else {
      for (std::size_t i = 0; i < pages;) {
        const bool in = resident[i] & 1;
        std::size_t j = i + 1;
        while (j < pages && (resident[j] & 1) == in) ++j;
        const auto from = reinterpret_cast<void*>(at + i * page);
        if (in)
          std::memset(from, 0, std::min(j * page, n) - i * page);
        else
          (void)::madvise(from, (j - i) * page, MADV_DONTNEED);
        i = j;
      }
    }
    done += n;
  }
}

}  // namespace weft::format::detail
