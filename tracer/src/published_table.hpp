// An append-only table whose published prefix can be read without a lock,
// from any thread and from signal handlers.
//
// Appends are serialized by a mutex (they are rare: a new thread, object or
// source site) and publish entries strictly in index order, so the writer can
// emit records 0..size()-1 and know every event it drains refers only to
// records it has already written. Storage is a list of segments that double
// in size and are never moved or freed, so references stay valid.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>

#include "tsan_invisible.hpp"

namespace weft::detail {

template <class T>
class PublishedTable {
 public:
  PublishedTable() = default;
  PublishedTable(const PublishedTable&) = delete;
  PublishedTable& operator=(const PublishedTable&) = delete;
  // Never destroyed: the runtime lives until the process ends, and its
  // crash handlers may read the table at any moment until then.
  ~PublishedTable() = default;

  // Constructs an entry at the next index and publishes it; returns the index.
  template <class Init>
  std::uint32_t append(Init&& init) {
    const TsanInvisible invisible;  // see tsan_invisible.hpp
    std::lock_guard<std::mutex> lock(append_mutex_);
    const std::uint32_t index = size_.load(std::memory_order_relaxed);
    const auto [seg, offset] = locate(index);
    T* segment = segments_[seg].load(std::memory_order_relaxed);
    if (segment == nullptr) {
      segment = static_cast<T*>(::operator new(sizeof(T) * segment_capacity(seg)));
      segments_[seg].store(segment, std::memory_order_release);
    }
    T* entry = new (segment + offset) T();
    init(*entry, index);
    size_.store(index + 1, std::memory_order_release);
    return index;
  }

  std::uint32_t size() const noexcept { return size_.load(std::memory_order_acquire); }

  // In a child of fork(), where the thread that held the lock may not
  // exist: the lock made anew (see Runtime::continue_in_forked_child).
  void reset_lock_in_child() noexcept { new (&append_mutex_) std::mutex(); }

  // Requires index < size() as seen by this thread.
  T& operator[](std::uint32_t index) const noexcept {
    const auto [seg, offset] = locate(index);
    return segments_[seg].load(std::memory_order_acquire)[offset];
  }

 private:
  static constexpr unsigned kFirstBits = 8;  // first segment: 256 entries
  static constexpr unsigned kSegments = 32 - kFirstBits + 1;

  static std::size_t segment_capacity(unsigned seg) noexcept { return std::size_t{1} << (kFirstBits + (seg ? seg - 1 : 0)); }
  // Segment 0 holds [0, 256), segment k >= 1 holds [256 * 2^(k-1), 256 * 2^k).
  static std::pair<unsigned, std::size_t> locate(std::uint32_t index) noexcept {
    if (index < (1u << kFirstBits)) return {0, index};
    const unsigned top = 31 - static_cast<unsigned>(__builtin_clz(index));  // index in [2^top, 2^(top+1))
    const unsigned seg = top - kFirstBits + 1;
    return {seg, index - (std::size_t{1} << top)};
  }

  std::mutex append_mutex_;
  std::atomic<std::uint32_t> size_{0};
  std::atomic<T*> segments_[kSegments] = {};
};

}  // namespace weft::detail
