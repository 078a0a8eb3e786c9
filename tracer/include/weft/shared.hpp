// weft::shared<T>: a variable whose every read and write is recorded, for
// race detection. Underneath it is a plain T with plain loads and stores, so
// two threads updating it without synchronization race for real, and
// ThreadSanitizer sees the same race weft reports.
//
// It reads like the plain variable it stands for:
//
//   weft::shared<long> counter(0, "counter");   // initial value, name
//   weft::shared<long> total = 0;               // unnamed ("shared#7")
//   weft::shared<bool> done("done");            // a lone string is the name: false, named "done"
//   counter += 1;        // a read, then a write: not atomic, on purpose (that is the race)
//   ++counter; counter--;
//   counter = 10;
//   long v = counter;    // a read
//   if (counter > 3) ...
//
// Construction. A single argument that is a string literal, a `const char*`
// or a std::string_view is the variable's name, whatever T is, and the value
// is T{}: `weft::shared<bool> flag("flag")` is a false flag named "flag",
// never a true one. For a string-typed variable give both: `weft::shared<
// std::string> s("hello", "greeting")`, or a std::string alone. Any other
// single value initializes, also by copy-initialization (`= 0`); `(value,
// name)` does both.
//
// What is recorded where. Every access records shared.read / shared.write
// with the caller's file, line and function (DESIGN.md: sites come from
// default arguments), as far as C++ lets an operator see its caller:
//   - get(), set(), modify(): a defaulted source_site argument.
//   - `x = v`, `x += v` and the other compound assignments: the right operand
//     is converted to with_site<T>, whose constructor takes the defaulted
//     site, at the caller's line. A compound assignment records a read, then
//     a write, as the plain code does (for a scalar T with one timestamp:
//     see read_stamped).
//   - `++x`, `x++`, `--x`, `x--`: hidden friends whose operand is converted to
//     shared::operand, whose constructor takes the site the same way.
//   - Reading through the implicit conversion to T (`long v = x`, `if (x)`,
//     `x == 3`, `x + 1`, passing x to a function taking T) records the read
//     WITHOUT a site: a conversion function has no argument a default could
//     ride on, and an operator such as == cannot take one either without
//     tying with the built-in comparison the conversion already provides.
//     The trace shows such a read at an unknown site; write `x.get()` where
//     the line matters. So `a = b` between two weft::shared records a's write
//     at its line and b's read without one; `a = b.get()` has both.
//   - An operator called by name (`x.operator+=(1)`) gets no more than the
//     operator form.
// Comparisons go through the conversion, so they work wherever T's own
// comparison is not a template: `x == "abc"` for a shared<std::string> does
// not compile (deduction sees no std::string); compare `x.get() == "abc"`.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/site.hpp"

namespace weft {

template <class T>
class shared;

namespace detail {
// What a lone constructor argument must be to be a name, not a value.
template <class U>
inline constexpr bool is_name_like_v = std::is_same_v<std::decay_t<U>, const char*> ||
                                       std::is_same_v<std::decay_t<U>, char*> ||
                                       std::is_same_v<std::decay_t<U>, std::string_view>;
template <class U>
inline constexpr bool is_shared_v = false;
template <class T>
inline constexpr bool is_shared_v<shared<T>> = true;
}  // namespace detail

// A value and where it was written in the source: the right operand of
// weft::shared's assignments, converted at the caller's line.
template <class T>
struct with_site {
  T value;
  source_site site;
  with_site(T v, source_site s = source_site::current()) : value(std::move(v)), site(s) {}  // NOLINT: implicit on purpose
  // Any U that converts to T, in one step (so "abc" becomes a
  // with_site<std::string>, which the constructor above alone could not do).
  template <class U>
    requires(!std::is_same_v<std::remove_cvref_t<U>, T> && std::is_convertible_v<U, T>)
  with_site(U&& v, source_site s = source_site::current())  // NOLINT: implicit on purpose
      : value(std::forward<U>(v)), site(s) {}
};

template <class T>
class shared {
 public:
  // The operand of ++ and --, converted from the shared at the caller's
  // line, so that those operators record where they were used.
  struct operand {
    operand(shared& s, source_site at = source_site::current()) noexcept : var(s), site(at) {}  // NOLINT: implicit on purpose
    shared& var;
    source_site site;
  };

  // T{}, unnamed ("shared#<id>").
  explicit shared(source_site site = source_site::current()) : shared(T{}, std::string_view{}, site) {}
  // T{}, named: a lone string is always the name (see the top of the file).
  explicit shared(std::string_view name, source_site site = source_site::current()) : shared(T{}, name, site) {}
  // An initial value, unnamed; implicit where T's own conversion is, so
  // that `weft::shared<int> x = 0;` works.
  template <class U>
    requires(!detail::is_name_like_v<U> && !detail::is_shared_v<std::remove_cvref_t<U>> &&
             std::is_constructible_v<T, U>)
  explicit(!std::is_convertible_v<U, T>) shared(U&& initial, source_site site = source_site::current())
      : value_(std::forward<U>(initial)), id_(detail::register_object(format::ObjectKind::Shared, {}, site)) {}
  // An initial value and a name.
  shared(T initial, std::string_view name, source_site site = source_site::current())
      : value_(std::move(initial)), id_(detail::register_object(format::ObjectKind::Shared, name, site)) {}
  // A string where the value of a non-string T should be: a typo, refused
  // rather than read as a pointer converted to bool.
  template <class U>
    requires(detail::is_name_like_v<U> && !std::is_constructible_v<T, std::string_view>)
  shared(U&&, std::string_view, source_site = source_site::current()) = delete;

  ~shared() { detail::unregister_object(id_, false, {}); }
  shared(const shared&) = delete;

  T get(source_site site = source_site::current()) const {
    std::uint64_t unused;
    return read_stamped(site, unused);
  }
  void set(T v, source_site site = source_site::current()) { write_stamped(std::move(v), site, detail::kStampNow); }

  // A read, without a site (see the top of the file).
  operator T() const { return get(source_site{}); }  // NOLINT: implicit on purpose

  // `x = v`, and `x = y` between two weft::shared (y read through the
  // conversion, so without a site).
  shared& operator=(with_site<T> v) {
    set(std::move(v.value), v.site);
    return *this;
  }
  // Declared, so that the compiler declares no copy assignment of its own:
  // that one would take `x = 5` through the converting constructor above
  // (`weft::shared<int> x = 0;`) and tie with the assignment from
  // with_site<T>. Ref-qualified, it is never viable on a named variable.
  shared& operator=(const shared&) && = delete;

  // Each a read, then a write, where T has the operator.
  shared& operator+=(with_site<T> d) requires requires(T& a, const T& b) { a += b; }
  { return update(d, [](T& x, const T& y) { x += y; }); }
  shared& operator-=(with_site<T> d) requires requires(T& a, const T& b) { a -= b; }
  { return update(d, [](T& x, const T& y) { x -= y; }); }
  shared& operator*=(with_site<T> d) requires requires(T& a, const T& b) { a *= b; }
  { return update(d, [](T& x, const T& y) { x *= y; }); }
  shared& operator/=(with_site<T> d) requires requires(T& a, const T& b) { a /= b; }
  { return update(d, [](T& x, const T& y) { x /= y; }); }
  shared& operator%=(with_site<T> d) requires requires(T& a, const T& b) { a %= b; }
  { return update(d, [](T& x, const T& y) { x %= y; }); }
  shared& operator&=(with_site<T> d) requires requires(T& a, const T& b) { a &= b; }
  { return update(d, [](T& x, const T& y) { x &= y; }); }
  shared& operator|=(with_site<T> d) requires requires(T& a, const T& b) { a |= b; }
  { return update(d, [](T& x, const T& y) { x |= y; }); }
  shared& operator^=(with_site<T> d) requires requires(T& a, const T& b) { a ^= b; }
  { return update(d, [](T& x, const T& y) { x ^= y; }); }
  shared& operator<<=(with_site<T> d) requires requires(T& a, const T& b) { a <<= b; }
  { return update(d, [](T& x, const T& y) { x <<= y; }); }
  shared& operator>>=(with_site<T> d) requires requires(T& a, const T& b) { a >>= b; }
  { return update(d, [](T& x, const T& y) { x >>= y; }); }

  // ++x and --x: read, write, the shared itself; x++ and x--: read, write,
  // the old value. As for a plain variable, where T has them.
  friend shared& operator++(operand x) requires requires(T& v) { ++v; }
  {
    std::uint64_t at;
    T v = x.var.read_stamped(x.site, at);
    ++v;
    x.var.write_stamped(std::move(v), x.site, at);
    return x.var;
  }
  friend shared& operator--(operand x) requires requires(T& v) { --v; }
  {
    std::uint64_t at;
    T v = x.var.read_stamped(x.site, at);
    --v;
    x.var.write_stamped(std::move(v), x.site, at);
    return x.var;
  }
  friend T operator++(operand x, int) requires requires(T& v) { v++; }
  {
    std::uint64_t at;
    T old = x.var.read_stamped(x.site, at);
    T v = old;
    v++;
    x.var.write_stamped(std::move(v), x.site, at);
    return old;
  }
  friend T operator--(operand x, int) requires requires(T& v) { v--; }
  {
    std::uint64_t at;
    T old = x.var.read_stamped(x.site, at);
    T v = old;
    v--;
    x.var.write_stamped(std::move(v), x.site, at);
    return old;
  }

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
    std::uint64_t at;
    T v = read_stamped(d.site, at);
    op(v, d.value);
    write_stamped(std::move(v), d.site, at);
    return *this;
  }
  // Every read and write but modify()'s, as two plain member functions:
  // they are where a race's two accesses are, the frames ThreadSanitizer
  // names, so their names stay short (a report is kept whole only up to
  // weft::detail::kMaxTextBytes).
  //
  // read_stamped sets `at` to a time the write of the same compound
  // assignment or ++/-- may share (see detail::sync_point_stamped). For a
  // scalar T write_stamped takes it: the two are one plain instruction
  // apart. Any other T's operator may take as long as it likes (a string's
  // +=), so its write reads the clock again, as set() always does
  // (kStampNow).
  T read_stamped(const source_site& site, std::uint64_t& at) const {
    T v = value_;
    at = detail::sync_point_stamped(detail::current_buffer(), detail::kStampNow, format::EventKind::SharedRead, id_,
                                    format::kNoSeq, as_arg(v), site);
    return v;
  }
  void write_stamped(T v, const source_site& site, std::uint64_t at) {
    value_ = std::move(v);
    detail::sync_point_stamped(detail::current_buffer(), std::is_scalar_v<T> ? at : detail::kStampNow,
                               format::EventKind::SharedWrite, id_, format::kNoSeq, as_arg(value_), site);
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
