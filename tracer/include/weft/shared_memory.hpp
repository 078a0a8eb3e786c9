// Memory shared between processes, as Python's multiprocessing.Value and
// Array. Made before fork() (weft::process, detail::traced_fork), it is the
// same memory in the parent and every child: the first lesson of processes
// is that nothing else is (a global incremented in a child stays as it was
// in the parent).
//
//   weft::shared_memory<T>  a T in shared memory, plain and untraced: `*m`,
//                           `m->x`, `m.get()`. T = std::array<int, N> is an
//                           Array.
//   weft::shared_value<T>   a Value: every read and write recorded as
//                           shared.read / shared.write (arg the value when it
//                           is an integer) on an object of kind Shared with a
//                           run-wide key, so weft's race detector sees two
//                           processes' unsynchronised accesses as the race
//                           they are. get_lock() is its process_mutex, as
//                           Value.get_lock(): `v += 1` is a read then a write,
//                           atomic only under that lock.
//
// T holds nothing of one process's own (no pointer into its heap can make
// sense in another process): shared_memory wants it trivially destructible
// (std::atomic<int> is), shared_value trivially copyable. fork() copies the C++ object into the child,
// pointing at the same mapping; each process unmaps its own mapping, only
// the creating process ends the T's lifetime.
#pragma once

#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/process_sync.hpp"
#include "weft/shared.hpp"
#include "weft/site.hpp"

namespace weft {

template <class T>
class shared_memory {
  // A child's copy is never destroyed (it unmaps, or exits): only a T
  // with nothing to release is safe to share. std::atomic<int> qualifies.
  static_assert(std::is_trivially_destructible_v<T>, "weft::shared_memory<T>: T must be trivially destructible");

 public:
  template <class... Args>
  explicit shared_memory(Args&&... args) : region_(sizeof(T)), p_(new (region_.data()) T(std::forward<Args>(args)...)) {}
  ~shared_memory() {
    if (region_.creator()) p_->~T();
  }
  shared_memory(const shared_memory&) = delete;
  shared_memory& operator=(const shared_memory&) = delete;

  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_; }
  T* get() const noexcept { return p_; }

 private:
  detail::shared_region region_;
  T* p_;
};

template <class T>
class shared_value {
  static_assert(std::is_trivially_copyable_v<T>, "weft::shared_value<T>: T must be trivially copyable");

 public:
  // The operand of ++ and --, as weft::shared's: converted at the caller's
  // line, so those operators record where they were used.
  struct operand {
    operand(shared_value& s, source_site at = source_site::current()) noexcept : var(s), site(at) {}  // NOLINT: implicit on purpose
    shared_value& var;
    source_site site;
  };

  explicit shared_value(T initial = T{}, std::string_view name = {}, source_site site = source_site::current())
      : value_(initial),
        id_(detail::register_shared_object(format::ObjectKind::Shared, name, site, 0, detail::kNewSharedKey)),
        lock_(detail::object_name(id_) + ".lock", site) {}
  ~shared_value() { detail::unregister_object(id_, false, {}); }
  shared_value(const shared_value&) = delete;
  shared_value& operator=(const shared_value&) = delete;

  T get(source_site site = source_site::current()) const {
    T v = *value_;
    detail::sync_point(format::EventKind::SharedRead, id_, format::kNoSeq, as_arg(v), site);
    return v;
  }
  void set(T v, source_site site = source_site::current()) {
    *value_ = v;
    detail::sync_point(format::EventKind::SharedWrite, id_, format::kNoSeq, as_arg(v), site);
  }
  // A read without a site, as weft::shared's conversion.
  operator T() const { return get(source_site{}); }  // NOLINT: implicit on purpose
  shared_value& operator=(with_site<T> v) {
    set(v.value, v.site);
    return *this;
  }

  // Each a read, then a write: not atomic unless get_lock() is held.
  shared_value& operator+=(with_site<T> d) requires requires(T& a, const T& b) { a += b; }
  { return update(d, [](T& x, const T& y) { x += y; }); }
  shared_value& operator-=(with_site<T> d) requires requires(T& a, const T& b) { a -= b; }
  { return update(d, [](T& x, const T& y) { x -= y; }); }
  shared_value& operator*=(with_site<T> d) requires requires(T& a, const T& b) { a *= b; }
  { return update(d, [](T& x, const T& y) { x *= y; }); }
  shared_value& operator/=(with_site<T> d) requires requires(T& a, const T& b) { a /= b; }
  { return update(d, [](T& x, const T& y) { x /= y; }); }
  shared_value& operator|=(with_site<T> d) requires requires(T& a, const T& b) { a |= b; }
  { return update(d, [](T& x, const T& y) { x |= y; }); }
  shared_value& operator&=(with_site<T> d) requires requires(T& a, const T& b) { a &= b; }
  { return update(d, [](T& x, const T& y) { x &= y; }); }

  friend shared_value& operator++(operand x) requires requires(T& v) { ++v; }
  {
    T v = x.var.get(x.site);
    ++v;
    x.var.set(v, x.site);
    return x.var;
  }
  friend shared_value& operator--(operand x) requires requires(T& v) { --v; }
  {
    T v = x.var.get(x.site);
    --v;
    x.var.set(v, x.site);
    return x.var;
  }
  friend T operator++(operand x, int) requires requires(T& v) { ++v; }
  {
    T old = x.var.get(x.site);
    T v = old;
    ++v;
    x.var.set(v, x.site);
    return old;
  }
  friend T operator--(operand x, int) requires requires(T& v) { --v; }
  {
    T old = x.var.get(x.site);
    T v = old;
    --v;
    x.var.set(v, x.site);
    return old;
  }

  // Value.get_lock(): the process_mutex that makes a read-modify-write whole.
  process_mutex& get_lock() noexcept { return lock_; }
  std::uint32_t id() const noexcept { return id_; }

 private:
  template <class Op>
  shared_value& update(const with_site<T>& d, Op op) {
    T v = get(d.site);
    op(v, d.value);
    set(v, d.site);
    return *this;
  }
  static std::uint64_t as_arg(const T& v) {
    if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    else
      return 0;
  }

  shared_memory<T> value_;
  const std::uint32_t id_;
  process_mutex lock_;
};

}  // namespace weft
