// A vector for the large arrays an analysis fills as it walks a trace and
// then only reads: a busy lock's waiter steps, the model's waits, the
// causal edges. Its elements are trivially copyable.
//
// Why not std::vector: when one doubles, it copies every element into a
// new block and then frees the old. The new block's pages are written for
// the first time (each a page fault, microseconds on a virtual machine:
// zeroed_memory.hpp), and for the length of the copy both blocks are in
// memory: the waiter steps of a contended billion-event trace are 2.5 GB.
// Here a block of ZeroedMemory::kHugeFrom bytes or more is a mapping of
// its own (map_huge_pages_unzeroed) and grows by resize_huge_pages, which
// moves its pages rather than their bytes: growing writes nothing, and
// only the pages written are ever the process's. A smaller block is
// malloc's, grown by realloc.
//
// Invariants: size() <= capacity(); data() is null exactly when capacity()
// is 0; the block is mapped exactly when capacity() * sizeof(T) is at least
// kHugeFrom, and then capacity() fills its length rounded up to 2 MB.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "weft/format/huge_page_allocator.hpp"
#include "weft/format/zeroed_memory.hpp"

namespace weft::format {

template <class T>
class LargeVector {
  static_assert(std::is_trivially_copyable_v<T>, "its blocks are moved and copied as bytes");
  static_assert(alignof(T) <= alignof(std::max_align_t), "malloc must align it");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = T&;
  using const_reference = const T&;
  using pointer = T*;
  using const_pointer = const T*;
  using iterator = T*;
  using const_iterator = const T*;

  LargeVector() = default;
  LargeVector(std::initializer_list<T> items) {
    reserve(items.size());
    for (const T& item : items) push_back(item);
  }
  explicit LargeVector(size_type n, const T& value = T{}) { resize(n, value); }
  LargeVector(const LargeVector& o) {
    reserve(o.size_);
    copy_bytes(data_, o.data_, o.size_);
    size_ = o.size_;
  }
  LargeVector(LargeVector&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  LargeVector& operator=(const LargeVector& o) {
    if (this != &o) {
      clear();
      reserve(o.size_);
      copy_bytes(data_, o.data_, o.size_);
      size_ = o.size_;
    }
    return *this;
  }
  LargeVector& operator=(LargeVector&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }
  ~LargeVector() { release(); }

  size_type size() const { return size_; }
  size_type capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_type i) { return data_[i]; }
  const T& operator[](size_type i) const { return data_[i]; }
  T& at(size_type i) { return i < size_ ? data_[i] : throw std::out_of_range("LargeVector::at"); }
  const T& at(size_type i) const { return i < size_ ? data_[i] : throw std::out_of_range("LargeVector::at"); }
  T& front() { return data_[0]; }
  const T& front() const { return data_[0]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }
  iterator begin() { return data_; }
  iterator end() { return data_ + size_; }
  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }
  const_iterator cbegin() const { return data_; }
  const_iterator cend() const { return data_ + size_; }

  void push_back(const T& item) {
    if (size_ == capacity_) {
      const T copy = item;  // `item` may be one of ours, which growing moves
      grow(size_ + 1);
      data_[size_++] = copy;
      return;
    }
    data_[size_++] = item;
  }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    push_back(make(std::forward<Args>(args)...));
    return back();
  }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }
  void reserve(size_type n) {
    if (n > capacity_) set_capacity(n);
  }
  void resize(size_type n, const T& value = T{}) {
    reserve(n);
    for (size_type i = size_; i < n; ++i) data_[i] = value;
    size_ = n;
  }
  // Down to the elements held (a mapping's to its 2 MB pages; the rest is
  // given back).
  void shrink_to_fit() {
    if (size_ < capacity_) set_capacity(size_);
  }

  friend bool operator==(const LargeVector& a, const LargeVector& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  static constexpr std::size_t kHugeFrom = ZeroedMemory::kHugeFrom;
  static bool mapped(size_type capacity) { return capacity * sizeof(T) >= kHugeFrom; }
  template <class... Args>
  static T make(Args&&... args) {
    if constexpr (std::is_constructible_v<T, Args...>)
      return T(std::forward<Args>(args)...);
    else
      return T{std::forward<Args>(args)...};  // an aggregate
  }
  static void copy_bytes(T* to, const T* from, size_type n) {
    if (n) std::memcpy(static_cast<void*>(to), static_cast<const void*>(from), n * sizeof(T));
  }

  // Doubling, as std::vector does: amortized constant time per element.
  void grow(size_type needed) { set_capacity(std::max(needed, std::max<size_type>(capacity_ * 2, 16))); }

  // The block made room for `n` elements (at least size_), its first size_
  // kept.
  void set_capacity(size_type n) {
    if (n > std::numeric_limits<size_type>::max() / sizeof(T)) throw std::bad_array_new_length();
    if (n == 0) return release();
    const std::size_t bytes = n * sizeof(T), used = size_ * sizeof(T);
    void* block = nullptr;
    if (!mapped(n)) {
      // Small (also a large one shrunk small): malloc's.
      if (mapped(capacity_)) {
        block = std::malloc(bytes);
        if (block == nullptr) throw std::bad_alloc();
        copy_bytes(static_cast<T*>(block), data_, size_);
        unmap_huge_pages(data_, capacity_ * sizeof(T));
      } else {
        block = std::realloc(data_, bytes);
        if (block == nullptr) throw std::bad_alloc();
      }
    } else if (mapped(capacity_)) {
      block = resize_huge_pages(data_, capacity_ * sizeof(T), bytes, used);
    } else {
      block = map_huge_pages_unzeroed(bytes);
      copy_bytes(static_cast<T*>(block), data_, size_);
      std::free(data_);
    }
    data_ = static_cast<T*>(block);
    // A mapping's length is rounded up to 2 MB: all of it is room.
    capacity_ = mapped(n) ? round_up_to_pages(bytes) / sizeof(T) : n;
  }
  static std::size_t round_up_to_pages(std::size_t bytes) {
    return (bytes + ZeroedMemory::kHugePage - 1) / ZeroedMemory::kHugePage * ZeroedMemory::kHugePage;
  }

  void release() noexcept {
    if (data_ == nullptr) return;
    if (mapped(capacity_))
      unmap_huge_pages(data_, capacity_ * sizeof(T));
    else
      std::free(data_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  T* data_ = nullptr;
  size_type size_ = 0;
  size_type capacity_ = 0;
};

}  // namespace weft::format
