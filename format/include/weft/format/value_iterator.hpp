// A random-access iterator over a container read by index that hands out
// values, not references: a packed store's records, a lane's spans (which
// may be the model's holds). `*it` is the container's `c[i]`; `it->field`
// reads from a copy the iterator hands out.
#pragma once

#include <compare>
#include <cstddef>
#include <iterator>

namespace weft::format {

template <class Container, class Value>
class ValueIterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using iterator_concept = std::random_access_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using reference = Value;
  struct pointer {
    Value v;
    const Value* operator->() const { return &v; }
  };

  ValueIterator() = default;
  ValueIterator(const Container* c, std::size_t i) : c_(c), i_(i) {}

  __attribute__((always_inline)) Value operator*() const { return (*c_)[i_]; }
  pointer operator->() const { return {(*c_)[i_]}; }
  Value operator[](difference_type n) const { return (*c_)[static_cast<std::size_t>(static_cast<difference_type>(i_) + n)]; }

  ValueIterator& operator++() { ++i_; return *this; }
  ValueIterator operator++(int) { ValueIterator t = *this; ++i_; return t; }
  ValueIterator& operator--() { --i_; return *this; }
  ValueIterator operator--(int) { ValueIterator t = *this; --i_; return t; }
  ValueIterator& operator+=(difference_type n) {
    i_ = static_cast<std::size_t>(static_cast<difference_type>(i_) + n);
    return *this;
  }
  ValueIterator& operator-=(difference_type n) { return *this += -n; }
  friend ValueIterator operator+(ValueIterator a, difference_type n) { return a += n; }
  friend ValueIterator operator+(difference_type n, ValueIterator a) { return a += n; }
  friend ValueIterator operator-(ValueIterator a, difference_type n) { return a -= n; }
  friend difference_type operator-(const ValueIterator& a, const ValueIterator& b) {
    return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
  }
  friend bool operator==(const ValueIterator& a, const ValueIterator& b) { return a.i_ == b.i_; }
  friend auto operator<=>(const ValueIterator& a, const ValueIterator& b) { return a.i_ <=> b.i_; }

  std::size_t index() const { return i_; }

 private:
  const Container* c_ = nullptr;
  std::size_t i_ = 0;
};

}  // namespace weft::format
