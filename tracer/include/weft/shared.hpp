// weft::shared<T>: a variable whose every read and write is recorded, for
// race detection. Underneath it is a plain T with plain loads and stores, so
// two threads updating it without synchronization race for real, and
// ThreadSanitizer sees the same race weft reports.
//
//   weft::shared<long> counter(0, "counter");
//   counter += 1;            // a read, then a write: not atomic, on purpose
//   long v = counter.get();
//
// Operators capture the caller's site through their argument (with_site),
// so `counter += 1` is recorded at the line that wrote it.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/site.hpp"

namespace weft {

// A value and where it was written in the source.
template <class T>
struct with_site {
  T value;
  source_site site;
  with_site(T v, source_site s = source_site::current()) : value(std::move(v)), site(s) {}  // NOLINT: implicit on purpose
};

template <class T>
class shared {
 public:
  explicit shared(T initial = T{}, std::string_view name = {}, source_site site = source_site::current())
      : value_(std::move(initial)), id_(detail::register_object(format::ObjectKind::Shared, name, site)) {}
  ~shared() { detail::unregister_object(id_, false, {}); }
  shared(const shared&) = delete;
  shared& operator=(const shared&) = delete;

  T get(source_site site = source_site::current()) const {
    T v = value_;
    detail::sync_point(format::EventKind::SharedRead, id_, format::kNoSeq, as_arg(v), site);
    return v;
  }
  void set(T v, source_site site = source_site::current()) {
    value_ = std::move(v);
    detail::sync_point(format::EventKind::SharedWrite, id_, format::kNoSeq, as_arg(value_), site);
  }

  shared& operator=(with_site<T> v) {
    set(std::move(v.value), v.site);
    return *this;
  }
  shared& operator+=(with_site<T> d) { return update(d, [](T& x, const T& y) { x += y; }); }
  shared& operator-=(with_site<T> d) { return update(d, [](T& x, const T& y) { x -= y; }); }
  shared& operator*=(with_site<T> d) { return update(d, [](T& x, const T& y) { x *= y; }); }

  // Reads, lets `f` change the value in place, writes: for containers and
  // other values that are not replaced whole (e.g. appending to a list).
  template <class F>
  decltype(auto) modify(F&& f, source_site site = source_site::current()) {
    detail::sync_point(format::EventKind::SharedRead, id_, format::kNoSeq, as_arg(value_), site);
    struct record_write {
      shared& s;
      const source_site& site;
      ~record_write() { detail::sync_point(format::EventKind::SharedWrite, s.id_, format::kNoSeq, as_arg(s.value_), site); }
    } after{*this, site};
    return std::forward<F>(f)(value_);
  }

  std::uint32_t id() const noexcept { return id_; }

 private:
  template <class Op>
  shared& update(const with_site<T>& d, Op op) {
    T v = get(d.site);
    op(v, d.value);
    set(std::move(v), d.site);
    return *this;
  }
  // What the trace shows of a value: integers and pointers as they are.
  static std::uint64_t as_arg(const T& v) {
    if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    else if constexpr (std::is_pointer_v<T>)
      return reinterpret_cast<std::uintptr_t>(v);
    else
      return 0;
  }

  T value_;
  const std::uint32_t id_;
};

}  // namespace weft
